//! Cases (案件) of every kind: the shared row, its timeline and departments, the deadline sweep.
//! Each kind keeps its own details and lists in its folder (`events/`).
//!
//! Every change of a case is one transaction: the row is updated only if its version is the one
//! the caller read (optimistic locking, so two operators never overwrite each other), and the
//! timeline entry is appended in the same transaction.

pub(crate) mod applications;
pub(crate) mod categories;
pub(crate) mod clues;
pub(crate) mod disputes;
pub(crate) mod events;
pub(crate) mod files;
pub(crate) mod parties;
pub(crate) mod petitions;
pub(crate) mod risks;

use crate::{Backend, Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::{self, Alert, CaseCore, Rating, StepClock, TimeLimit};
use pingan_domain::{OrgCode, Scope};

/// 案件 — the columns every kind shares, as stored; the engine's part typed as [`CaseCore`].
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub id: i64,
    pub title: String,
    /// Where the case lies: a grid code, or a village/township/district code.
    pub org_code: String,
    /// What it is about, for the kept totals (`case_totals`): an event's category, a dispute's
    /// type, a petition's class, a clue's source, a risk assessment's matter type.
    pub category: String,
    pub reporter_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Its kind, state, owner, departments and clock, as the engine keeps them.
    pub core: CaseCore,
}

impl CaseRecord {
    /// When a case written already concluded (as the demo's history is) was concluded — the time
    /// of its last change — and whether after its deadline; none while it is open. A case that
    /// concludes later has both set by the update that closes it.
    pub fn closed(&self) -> Option<(DateTime<Utc>, bool)> {
        let late = self.core.alert == Alert::Red
            || self
                .core
                .clock
                .is_some_and(|k| k.deadline < self.updated_at);
        (!self.core.open()).then_some((self.updated_at, late))
    }
}

/// 区域记录 — a case (or an enrolment) found in an area and period, as an assessment of the area
/// names it: what it is, where, and when.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AreaRecord {
    pub id: i64,
    pub org_code: String,
    pub category: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
}

/// The area and period an assessment looks at: the org codes under `prefix`, registered in
/// `[from, to)`, at most `limit` records, the newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaPeriod {
    pub prefix: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub limit: i64,
}

impl Store {
    /// The cases of `kind` in an area and period (joined with `join`, narrowed by `condition`,
    /// whose values `extra` are `$6`, `$7` …).
    pub(crate) async fn area_cases(
        &self,
        kind: &str,
        join: &str,
        condition: &str,
        extra: &[&str],
        area: &AreaPeriod,
    ) -> Result<Vec<AreaRecord>> {
        // Org codes are digits: any other prefix covers none.
        let Some((low, high)) = crate::sql::prefix_range(&area.prefix) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT c.id, c.org_code, c.category, c.title, c.created_at FROM cases c {join}
             WHERE c.kind = '{kind}' AND c.org_code >= $1 AND ($2 IS NULL OR c.org_code < $2)
               AND c.created_at >= $3 AND c.created_at < $4 AND {condition}
             ORDER BY c.created_at DESC, c.id DESC LIMIT $5"
        );
        Ok(dispatch!(self, |db| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&low)
                .bind(&high)
                .bind(area.from)
                .bind(area.to)
                .bind(area.limit);
            for v in extra {
                q = q.bind(*v);
            }
            q.persistent(false).fetch_all(db).await
        })?)
    }
}

/// `$first, $first+1, …` for `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `cases` row as the database returns it, before its kind, state, alert, rating and
/// limit are read into their types.
#[derive(sqlx::FromRow)]
pub(crate) struct CaseRow {
    id: i64,
    kind: String,
    title: String,
    state: String,
    org_code: String,
    category: String,
    owner_org: String,
    department_id: Option<i64>,
    reporter_id: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    step_started_at: DateTime<Utc>,
    yellow_at: Option<DateTime<Utc>>,
    deadline: Option<DateTime<Utc>>,
    alert: String,
    supervised: bool,
    extension_days: Option<i64>,
    handling_amount: i64,
    handling_unit: String,
    merged_into: Option<i64>,
    rating: Option<String>,
}

impl TryFrom<CaseRow> for CaseRecord {
    type Error = String;

    fn try_from(r: CaseRow) -> std::result::Result<Self, String> {
        let id = r.id;
        let bad = |what: &str, value: &str| format!("案件 {id} 的{what}“{value}”无法识别");
        let kind = case::kind(&r.kind).ok_or_else(|| bad("类型", &r.kind))?;
        let clock = match (r.yellow_at, r.deadline) {
            (Some(yellow_at), Some(deadline)) => Some(StepClock {
                yellow_at,
                deadline,
            }),
            _ => None,
        };
        let core = CaseCore {
            kind,
            state: kind.state(&r.state).ok_or_else(|| bad("状态", &r.state))?,
            owner_org: OrgCode::parse(&r.owner_org).map_err(|_| bad("承办中心", &r.owner_org))?,
            department: r.department_id,
            supervised: r.supervised,
            extension_days: r.extension_days.and_then(|d| u32::try_from(d).ok()),
            step_started_at: r.step_started_at,
            clock,
            alert: Alert::parse(&r.alert).ok_or_else(|| bad("预警", &r.alert))?,
            merged_into: r.merged_into,
            rating: match r.rating {
                Some(x) => Some(Rating::parse(&x).ok_or_else(|| bad("评价", &x))?),
                None => None,
            },
            handling: TimeLimit::new(
                u32::try_from(r.handling_amount)
                    .map_err(|_| bad("时限", &r.handling_amount.to_string()))?,
                TimeUnit::parse(&r.handling_unit)
                    .ok_or_else(|| bad("时限单位", &r.handling_unit))?,
            ),
        };
        Ok(CaseRecord {
            id,
            title: r.title,
            org_code: r.org_code,
            category: r.category,
            reporter_id: r.reporter_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            core,
        })
    }
}

/// 办理记录 — one entry of a case's timeline, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TimelineRecord {
    pub id: i64,
    pub case_id: i64,
    #[sqlx(flatten)]
    pub entry: NewTimelineEntry,
}

/// A timeline entry: who did what, when, from which state to which, with what comment and
/// what the action carried (JSON: departments, days asked for, rating …).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewTimelineEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_org: Option<String>,
    pub from_state: Option<String>,
    pub to_state: String,
    pub comment: Option<String>,
    pub detail: String,
}

/// A department on a case: 主办 (`lead`) or 协办.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseDepartmentRecord {
    pub department_id: i64,
    pub name: String,
    pub lead: bool,
}

/// A case whose alert the sweeper raised.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RaisedAlert {
    pub id: i64,
    /// The kind of case (`event`, `dispute` …).
    pub kind: String,
    pub org_code: String,
    pub department_id: Option<i64>,
    pub state: String,
    #[sqlx(try_from = "String")]
    pub alert: Alert,
    pub version: i64,
    /// When the case came in (its number carries that day).
    pub created_at: DateTime<Utc>,
}

const RAISE_RED: &str = "UPDATE cases SET alert = $1, version = version + 1, updated_at = $2
     WHERE open = $3 AND alert <> 'red' AND deadline <= $2
     RETURNING id, kind, org_code, department_id, state, alert, version, created_at";
const RAISE_YELLOW: &str = "UPDATE cases SET alert = $1, version = version + 1, updated_at = $2
     WHERE open = $3 AND alert = 'normal' AND yellow_at <= $2
     RETURNING id, kind, org_code, department_id, state, alert, version, created_at";

/// Key of PostgreSQL's advisory lock for the deadline sweeper ("PA" "SW").
const SWEEP_LOCK: i64 = 0x5041_5357;

/// The columns of [`CaseRow`] over `c`.
macro_rules! case_columns {
    () => {
        "c.id, c.kind, c.title, c.state, c.org_code, c.category, c.owner_org, c.department_id,
         c.reporter_id, c.version, c.created_at, c.updated_at, c.step_started_at, c.yellow_at,
         c.deadline, c.alert, c.supervised, c.extension_days, c.handling_amount,
         c.handling_unit, c.merged_into, c.rating"
    };
}

/// The scope clause over `c`, with the org prefix as `$1` and the department as `$2`.
macro_rules! scoped {
    () => {
        "($1 IS NULL OR c.org_code LIKE $1 || '%')
         AND ($2 IS NULL OR EXISTS (SELECT 1 FROM case_departments d
                                    WHERE d.case_id = c.id AND d.department_id = $2)) "
    };
}

pub(crate) fn scope_binds(scope: &Scope) -> (Option<String>, Option<i64>) {
    match scope.department_id() {
        Some(d) => (None, Some(d)),
        None => (Some(scope.prefix().to_owned()), None),
    }
}

/// Appends timeline entries — `(case id, entry)` pairs — with one multi-row insert inside the
/// transaction `$tx` (a macro: the same text for both backends' transaction types). Evaluates to
/// the new rows' ids (in no promised order when there are several).
macro_rules! append_timeline {
    ($tx:expr, $rows:expr) => {{
        let rows: &[(i64, &NewTimelineEntry)] = $rows;
        let sql = format!(
            "INSERT INTO case_timeline (case_id, at, action, actor_id, actor_name, actor_org,
                from_state, to_state, comment, detail) VALUES {} RETURNING id",
            $crate::sql::values(rows.len(), 10)
        );
        let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
        for (case_id, e) in rows {
            q = q
                .bind(*case_id)
                .bind(e.at)
                .bind(&e.action)
                .bind(e.actor_id)
                .bind(&e.actor_name)
                .bind(&e.actor_org)
                .bind(&e.from_state)
                .bind(&e.to_state)
                .bind(&e.comment)
                .bind(&e.detail);
        }
        q.fetch_all(&mut *$tx)
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect::<Vec<i64>>()
    }};
}

/// Writes a changed case inside the transaction `$tx` if its version is still `$expected`: the
/// row, its new departments when given, and its timeline entry. Evaluates to whether it was
/// written (false: someone else changed it first). A macro so that a kind's own update
/// (`update_dispute`) writes its rows in the same transaction on either backend.
macro_rules! write_case_update {
    ($tx:expr, $case:expr, $expected:expr, $entry:expr, $departments:expr) => {{
        let (case, entry): (&CaseRecord, &NewTimelineEntry) = ($case, $entry);
        let departments: Option<&[(i64, bool)]> = $departments;
        let c = &case.core;
        let n = sqlx::query(
            "UPDATE cases SET state = $1, owner_org = $2, department_id = $3,
                version = version + 1, updated_at = $4, step_started_at = $5, yellow_at = $6,
                deadline = $7, alert = $8, open = $9, supervised = $10, extension_days = $11,
                merged_into = $12, rating = $13,
                closed_late = CASE WHEN $9 THEN NULL WHEN closed_at IS NOT NULL THEN closed_late
                                   WHEN alert = 'red' OR deadline < $4 THEN 1 ELSE 0 END,
                closed_at = CASE WHEN $9 THEN NULL ELSE COALESCE(closed_at, $4) END
             WHERE id = $14 AND version = $15",
        )
        .bind(c.state.key)
        .bind(c.owner_org.as_str())
        .bind(c.department)
        .bind(case.updated_at)
        .bind(c.step_started_at)
        .bind(c.clock.map(|k| k.yellow_at))
        .bind(c.clock.map(|k| k.deadline))
        .bind(c.alert.as_str())
        .bind(c.open())
        .bind(c.supervised)
        .bind(c.extension_days.map(i64::from))
        .bind(c.merged_into)
        .bind(c.rating.map(pingan_domain::case::Rating::as_str))
        .bind(case.id)
        .bind($expected)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n == 1 {
            if let Some(list) = departments {
                sqlx::query("DELETE FROM case_departments WHERE case_id = $1")
                    .bind(case.id)
                    .execute(&mut *$tx)
                    .await?;
                for (department, lead) in list {
                    sqlx::query(
                        "INSERT INTO case_departments (case_id, department_id, lead)
                         VALUES ($1, $2, $3)",
                    )
                    .bind(case.id)
                    .bind(department)
                    .bind(lead)
                    .execute(&mut *$tx)
                    .await?;
                }
            }
            let _ = $crate::cases::append_timeline!($tx, &[(case.id, entry)]);
        }
        n == 1
    }};
}

/// Writes a changed case as `write_case_update!` does and, when it was still at `$expected`, what
/// `$body` writes of the kind's own rows through `$tx`, then commits — all in one transaction on
/// either backend. Evaluates to the store's answer: a stale version is a conflict.
macro_rules! update_case_with {
    ($store:expr, $case:expr, $expected:expr, $entry:expr, $departments:expr, |$tx:ident| $body:block) => {{
        let written = $crate::dispatch!($store, |p| {
            let mut $tx = p.begin_with($store.begin_write()).await?;
            let written =
                $crate::cases::write_case_update!($tx, $case, $expected, $entry, $departments);
            if written {
                $body
                $tx.commit().await?;
            }
            Ok::<_, sqlx::Error>(written)
        })?;
        if written {
            Ok(())
        } else {
            Err($crate::StoreError::Conflict("case_version".into()))
        }
    }};
}

/// Binds the 24 columns of a new `cases` row that follow its id — `kind, title, state, org_code,
/// owner_org, department_id, reporter_id, version, created_at, updated_at, step_started_at,
/// yellow_at, deadline, alert, open, supervised, extension_days, handling_amount, handling_unit,
/// merged_into, rating, category, closed_at, closed_late` (the last two from
/// [`CaseRecord::closed`]) — from a [`CaseRecord`], onto the query `$q`.
macro_rules! bind_case {
    ($q:expr, $case:expr) => {{
        let c: &$crate::cases::CaseRecord = &$case;
        let k = &c.core;
        $q.bind(k.kind.key)
            .bind(&c.title)
            .bind(k.state.key)
            .bind(&c.org_code)
            .bind(k.owner_org.as_str())
            .bind(k.department)
            .bind(c.reporter_id)
            .bind(c.version)
            .bind(c.created_at)
            .bind(c.updated_at)
            .bind(k.step_started_at)
            .bind(k.clock.map(|t| t.yellow_at))
            .bind(k.clock.map(|t| t.deadline))
            .bind(k.alert.as_str())
            .bind(k.open())
            .bind(k.supervised)
            .bind(k.extension_days.map(i64::from))
            .bind(i64::from(k.handling.amount))
            .bind(k.handling.unit.as_str())
            .bind(k.merged_into)
            .bind(k.rating.map(pingan_domain::case::Rating::as_str))
            .bind(&c.category)
            .bind(c.closed().map(|x| x.0))
            .bind(c.closed().map(|x| i64::from(x.1)))
    }};
}
/// The case a kind's table already holds under this client id, inside the transaction `$tx`
/// (every kind's registration is idempotent on it); `$table` is the kind's table, a literal.
macro_rules! case_of_client_id {
    ($tx:expr, $table:literal, $client_id:expr) => {{
        let taken: Option<(i64,)> = sqlx::query_as(concat!(
            "SELECT case_id FROM ",
            $table,
            " WHERE client_id = $1"
        ))
        .bind($client_id)
        .fetch_optional(&mut *$tx)
        .await?;
        taken.map(|t| t.0)
    }};
}

/// Inserts a kind's new case row `$case` (a [`CaseRecord`]) and, when it lies with a department
/// already, that department as its lead, inside the transaction `$tx`; evaluates to the new id.
macro_rules! insert_case {
    ($tx:expr, $case:expr) => {{
        let case: &$crate::cases::CaseRecord = &$case;
        let (id,): (i64,) = $crate::cases::bind_case!(
            sqlx::query_as(
                "INSERT INTO cases (kind, title, state, org_code, owner_org, department_id,
                    reporter_id, version, created_at, updated_at, step_started_at, yellow_at,
                    deadline, alert, open, supervised, extension_days, handling_amount,
                    handling_unit, merged_into, rating, category, closed_at, closed_late)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    $16, $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id",
            ),
            case
        )
        .fetch_one(&mut *$tx)
        .await?;
        if let Some(department) = case.core.department {
            sqlx::query(
                "INSERT INTO case_departments (case_id, department_id, lead) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(department)
            .bind(true)
            .execute(&mut *$tx)
            .await?;
        }
        id
    }};
}

pub(crate) use {
    append_timeline, bind_case, case_columns, case_of_client_id, insert_case, scoped,
    update_case_with, write_case_update,
};

impl Store {
    /// One case of any kind — the engine's columns only — if it lies in `scope`.
    pub async fn case(&self, id: i64, scope: &Scope) -> Result<Option<CaseRecord>> {
        const SQL: &str = concat!(
            "SELECT ",
            case_columns!(),
            " FROM cases c WHERE c.id = $3 AND ",
            scoped!()
        );
        let (org, dept) = scope_binds(scope);
        let row: Option<CaseRow> = dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(id)
                .fetch_optional(p)
                .await
        })?;
        row.map(CaseRecord::try_from)
            .transpose()
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
    }

    /// Writes the changed case if its version is still `expected`, with its timeline entry and,
    /// when given, its new departments. A stale version is a [`StoreError::Conflict`].
    pub async fn update_case(
        &self,
        case: &CaseRecord,
        expected: i64,
        entry: &NewTimelineEntry,
        departments: Option<&[(i64, bool)]>,
    ) -> Result<()> {
        update_case_with!(self, case, expected, entry, departments, |tx| {})
    }

    /// The timeline of a case, oldest first.
    pub async fn timeline(&self, case_id: i64) -> Result<Vec<TimelineRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, case_id, at, action, actor_id, actor_name, actor_org, from_state,
                        to_state, comment, detail
                 FROM case_timeline WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The departments on a case, the lead first.
    pub async fn case_departments(&self, case_id: i64) -> Result<Vec<CaseDepartmentRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT d.id AS department_id, d.name, cd.lead
                 FROM case_departments cd JOIN departments d ON d.id = cd.department_id
                 WHERE cd.case_id = $1 ORDER BY cd.lead DESC, d.name",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The departments on the cases with ids in `ids` (a page of a list): (case, department,
    /// lead), the leads first.
    pub async fn departments_of_cases(&self, ids: (i64, i64)) -> Result<Vec<(i64, i64, bool)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT case_id, department_id, lead FROM case_departments
                 WHERE case_id BETWEEN $1 AND $2 ORDER BY case_id, lead DESC, department_id",
            )
            .bind(ids.0)
            .bind(ids.1)
            .fetch_all(p)
            .await
        })?)
    }

    /// Raises the alerts that are due at `now` (red past the deadline, yellow past the yellow
    /// threshold), each with a timeline entry, in one transaction. Idempotent: a raised alert is
    /// never raised again. On PostgreSQL only one instance sweeps at a time; the others find
    /// the lock taken and return nothing.
    pub async fn sweep_alerts(&self, now: DateTime<Utc>) -> Result<Vec<RaisedAlert>> {
        let raises = [(Alert::Red, RAISE_RED), (Alert::Yellow, RAISE_YELLOW)];
        let pg = self.backend() == Backend::Postgres;
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            if pg {
                let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_xact_lock($1)")
                    .bind(SWEEP_LOCK)
                    .fetch_one(&mut *tx)
                    .await?;
                if !got {
                    return Ok(Vec::new());
                }
            }
            let mut raised: Vec<RaisedAlert> = Vec::new();
            for (alert, sql) in raises {
                let rows: Vec<RaisedAlert> = sqlx::query_as(sql)
                    .bind(alert.as_str())
                    .bind(now)
                    .bind(true)
                    .fetch_all(&mut *tx)
                    .await?;
                raised.extend(rows);
            }
            let entries: Vec<(i64, NewTimelineEntry)> = raised
                .iter()
                .map(|r| {
                    let entry = NewTimelineEntry {
                        at: now,
                        action: format!("alert_{}", r.alert.as_str()),
                        actor_id: None,
                        actor_name: "系统".into(),
                        actor_org: None,
                        from_state: Some(r.state.clone()),
                        to_state: r.state.clone(),
                        comment: None,
                        detail: "{}".into(),
                    };
                    (r.id, entry)
                })
                .collect();
            if !entries.is_empty() {
                let rows: Vec<(i64, &NewTimelineEntry)> =
                    entries.iter().map(|(id, e)| (*id, e)).collect();
                let _ = append_timeline!(tx, &rows);
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(raised)
        })?)
    }
}
