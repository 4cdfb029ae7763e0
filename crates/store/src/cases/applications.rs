//! 政务服务办件 — what the application kind stores besides its case: the service applied for,
//! the channel, the resident's note, what the counter said is missing (一次性告知), the result;
//! the applicant is a `case_parties` row. And the service catalogue (`service_items`), shipped
//! and edited by the district.
//!
//! An application is visible within the reader's org scope, or — for a resident, who follows
//! only their own — to the account that applied.

use super::{CaseRecord, CaseRow, NewTimelineEntry, append_timeline, case_columns, scope_binds};
use crate::cases::events::Inserted;
use crate::cases::parties::NewCaseParty;
use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;
use pingan_domain::text::like_contains;

/// 政务服务事项 — one service as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ServiceItemRecord {
    pub code: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub limit_days: i64,
    pub online_once: bool,
    /// 申请材料, one per line.
    pub materials: String,
    pub active: bool,
    pub version: String,
    /// The district changed it: shipped versions leave its unit, limit, materials and online
    /// flag alone.
    pub customized: bool,
    pub retired_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// 办件详情 — what an application adds to its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApplicationDetail {
    pub client_id: String,
    pub service_code: String,
    pub service_name: String,
    pub channel: String,
    pub note: String,
    pub missing: Option<String>,
    pub result: Option<String>,
    pub concluded_at: Option<DateTime<Utc>>,
}

/// An application with its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApplicationRecord {
    #[sqlx(flatten, try_from = "CaseRow")]
    pub case: CaseRecord,
    #[sqlx(flatten)]
    pub detail: ApplicationDetail,
}

/// A new application: its case, details, applicant and timeline.
#[derive(Debug, Clone)]
pub struct ApplicationInsert {
    pub case: CaseRecord,
    pub detail: ApplicationDetail,
    pub applicant: NewCaseParty,
    pub entries: Vec<NewTimelineEntry>,
}

/// What an action changes of an application's own row, written with the case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplicationUpdate {
    /// 一次性告知: what is missing (set), or none to leave it.
    pub missing: Option<String>,
    /// Clears what was missing (the application was accepted).
    pub clear_missing: bool,
    /// 办理结果 and when.
    pub result: Option<(String, DateTime<Utc>)>,
}

/// Who reads applications: within the scope, or only their own (a resident).
#[derive(Debug, Clone)]
pub struct ApplicationReader {
    pub scope: Scope,
    /// The account whose own applications are all it may read.
    pub own: Option<i64>,
}

/// Filters of the application list; all optional. Newest first, `before_id` pages on.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub alert: Option<String>,
    pub service: Option<String>,
    pub text: Option<String>,
    pub id: Option<i64>,
    pub before_id: Option<i64>,
}

/// An application with the integrator that sent it through Open311.
#[derive(sqlx::FromRow)]
struct Open311ApplicationRow {
    #[sqlx(flatten)]
    application: ApplicationRecord,
    integrator_id: i64,
}

/// `SELECT` an application's columns (and `$cols`) from its tables (and `$joins`), then `$rest`.
macro_rules! select_applications {
    (with $cols:expr, $joins:expr; $($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    x.client_id, x.service_code, s.name AS service_name, x.channel, x.note,
                    x.missing, x.result, x.concluded_at ", $cols, "
             FROM applications x JOIN cases c ON c.id = x.case_id
                  JOIN service_items s ON s.code = x.service_code ", $joins,
            $($rest),*
        )
    };
    ($($rest:expr),*) => {
        select_applications!(with "", ""; $($rest),*)
    };
}

/// The visibility clause of an application over `c`: the org prefix as `$1` (and department
/// as `$2`) for the counter, or only the account `$3`'s own.
macro_rules! application_scoped {
    () => {
        "(CASE WHEN $3 IS NULL
               THEN ($1 IS NULL OR c.org_code LIKE $1 || '%')
                    AND ($2 IS NULL OR EXISTS (SELECT 1 FROM case_departments d
                                               WHERE d.case_id = c.id AND d.department_id = $2))
               ELSE c.reporter_id = $3 END) "
    };
}

impl Store {
    /// One application, if `reader` may see it.
    pub async fn application(
        &self,
        id: i64,
        reader: &ApplicationReader,
    ) -> Result<Option<ApplicationRecord>> {
        const SQL: &str = select_applications!("WHERE c.id = $4 AND ", application_scoped!());
        let (org, dept) = scope_binds(&reader.scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(reader.own)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Applications `reader` may see matching the filter, newest first.
    pub async fn applications(
        &self,
        reader: &ApplicationReader,
        f: &ApplicationFilter,
        limit: i64,
    ) -> Result<Vec<ApplicationRecord>> {
        const SQL: &str = select_applications!(
            "WHERE ",
            application_scoped!(),
            "AND ($4 IS NULL OR c.state = $4)
             AND ($5 IS NULL OR c.open = $5)
             AND ($6 IS NULL OR c.alert = $6)
             AND ($7 IS NULL OR x.service_code = $7)
             AND ($8 IS NULL OR c.title LIKE $8 ESCAPE '\\')
             AND ($9 IS NULL OR c.id = $9)
             AND ($10 IS NULL OR x.case_id < $10)
             ORDER BY x.case_id DESC LIMIT $11"
        );
        let (org, dept) = scope_binds(&reader.scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(reader.own)
                .bind(&f.state)
                .bind(f.open)
                .bind(&f.alert)
                .bind(&f.service)
                .bind(f.text.as_deref().map(like_contains))
                .bind(f.id)
                .bind(f.before_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Writes a new application — its case, details, applicant and timeline — in one
    /// transaction: the id it got or, when its client id was taken already, the one that has it.
    pub async fn insert_application(&self, d: &ApplicationInsert) -> Result<Inserted> {
        let written: std::result::Result<Inserted, sqlx::Error> = dispatch!(self, |p| {
            async {
                let mut tx = p.begin_with(self.begin_write()).await?;
                let x = &d.detail;
                if let Some(id) = crate::cases::case_of_client_id!(tx, "applications", &x.client_id)
                {
                    return Ok(Inserted::Existing(id));
                }
                let id = crate::cases::insert_case!(tx, d.case);
                sqlx::query(
                    "INSERT INTO applications (case_id, client_id, service_code, channel, note,
                        missing, result, concluded_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(&x.client_id)
                .bind(&x.service_code)
                .bind(&x.channel)
                .bind(&x.note)
                .bind(&x.missing)
                .bind(&x.result)
                .bind(x.concluded_at)
                .bind(d.case.created_at)
                .execute(&mut *tx)
                .await?;
                crate::cases::parties::insert_parties!(tx, id, std::slice::from_ref(&d.applicant));
                let rows: Vec<(i64, &NewTimelineEntry)> =
                    d.entries.iter().map(|e| (id, e)).collect();
                if !rows.is_empty() {
                    let _ = append_timeline!(tx, &rows);
                }
                tx.commit().await?;
                Ok(Inserted::New(id))
            }
            .await
        });
        written.map_err(StoreError::from)
    }

    /// Writes a changed application — the case as [`Store::update_case`] does, and what the
    /// action changed of its own row — in one transaction, if its version is still `expected`.
    pub async fn update_application(
        &self,
        case: &CaseRecord,
        expected: i64,
        entry: &NewTimelineEntry,
        departments: Option<&[(i64, bool)]>,
        change: &ApplicationUpdate,
    ) -> Result<()> {
        crate::cases::update_case_with!(self, case, expected, entry, departments, |tx| {
            sqlx::query(
                "UPDATE applications SET
                    missing = CASE WHEN $1 THEN NULL ELSE COALESCE($2, missing) END,
                    result = COALESCE($3, result),
                    concluded_at = COALESCE($4, concluded_at)
                 WHERE case_id = $5",
            )
            .bind(change.clear_missing)
            .bind(&change.missing)
            .bind(change.result.as_ref().map(|r| r.0.clone()))
            .bind(change.result.as_ref().map(|r| r.1))
            .bind(case.id)
            .execute(&mut *tx)
            .await?;
        })
    }

    /// One application that came in through Open311, with the integrator's account, if it lies
    /// in `scope`.
    pub async fn open311_application(
        &self,
        id: i64,
        scope: &Scope,
    ) -> Result<Option<(ApplicationRecord, i64)>> {
        const SQL: &str = select_applications!(
            with ", o.integrator_id", "JOIN open311_requests o ON o.case_id = c.id ";
            "WHERE c.id = $3 AND ",
            crate::cases::scoped!()
        );
        let (org, dept) = scope_binds(scope);
        let row: Option<Open311ApplicationRow> = dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|r| (r.application, r.integrator_id)))
    }

    /// Applications that came in through Open311 in `scope`, made within `[from, to)`, open or
    /// closed when asked, of the services in `codes` (comma-separated) when given; newest first.
    #[allow(clippy::too_many_arguments)]
    pub async fn open311_applications(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        open: Option<bool>,
        codes: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(ApplicationRecord, i64)>> {
        const SQL: &str = select_applications!(
            with ", o.integrator_id", "JOIN open311_requests o ON o.case_id = c.id ";
            "WHERE ",
            crate::cases::scoped!(),
            "AND c.created_at >= $3 AND c.created_at < $4
               AND ($5 IS NULL OR c.open = $5)
               AND ($6 IS NULL OR (',' || $6 || ',') LIKE ('%,' || x.service_code || ',%'))
             ORDER BY c.id DESC LIMIT $7"
        );
        let (org, dept) = scope_binds(scope);
        let rows: Vec<Open311ApplicationRow> = dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(from)
                .bind(to)
                .bind(open)
                .bind(codes)
                .bind(limit)
                .fetch_all(p)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| (r.application, r.integrator_id))
            .collect())
    }

    /// Brings the shipped services in: new ones are inserted, names and categories follow the
    /// shipped version, the rest only where the district has not changed it, and services no
    /// longer shipped are retired (kept for the applications made for them).
    pub async fn sync_service_items(&self, shipped: &[ServiceItemRecord]) -> Result<()> {
        let now = Utc::now();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for s in shipped {
                sqlx::query(
                    "INSERT INTO service_items (code, name, category, unit, limit_days,
                        online_once, materials, active, version, customized, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                        category = excluded.category, version = excluded.version,
                        retired_at = NULL,
                        unit = CASE WHEN service_items.customized
                            THEN service_items.unit ELSE excluded.unit END,
                        limit_days = CASE WHEN service_items.customized
                            THEN service_items.limit_days ELSE excluded.limit_days END,
                        online_once = CASE WHEN service_items.customized
                            THEN service_items.online_once ELSE excluded.online_once END,
                        materials = CASE WHEN service_items.customized
                            THEN service_items.materials ELSE excluded.materials END",
                )
                .bind(&s.code)
                .bind(&s.name)
                .bind(&s.category)
                .bind(&s.unit)
                .bind(s.limit_days)
                .bind(s.online_once)
                .bind(&s.materials)
                .bind(true)
                .bind(&s.version)
                .bind(false)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let current: Vec<(String,)> =
                sqlx::query_as("SELECT code FROM service_items WHERE retired_at IS NULL")
                    .fetch_all(&mut *tx)
                    .await?;
            for (code,) in current
                .into_iter()
                .filter(|(c,)| !shipped.iter().any(|s| &s.code == c))
            {
                sqlx::query("UPDATE service_items SET retired_at = $1 WHERE code = $2")
                    .bind(now)
                    .bind(code)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Every service, retired ones included, by code.
    pub async fn service_items(&self) -> Result<Vec<ServiceItemRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT code, name, category, unit, limit_days, online_once, materials, active,
                        version, customized, retired_at, updated_at
                 FROM service_items ORDER BY code",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// Changes a service as the district edits it and marks it as the district's own; how many
    /// rows changed (none: no such service).
    pub async fn update_service_item(&self, s: &ServiceItemRecord) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            sqlx::query(
                "UPDATE service_items SET unit = $1, limit_days = $2, online_once = $3,
                    materials = $4, active = $5, customized = $6, updated_at = $7
                 WHERE code = $8 AND retired_at IS NULL",
            )
            .bind(&s.unit)
            .bind(s.limit_days)
            .bind(s.online_once)
            .bind(&s.materials)
            .bind(s.active)
            .bind(true)
            .bind(s.updated_at)
            .bind(&s.code)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }
}
