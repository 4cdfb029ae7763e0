//! 特殊人群 as stored: memberships of persons in the groups (ended, never deleted), the visiting
//! rules, and the visits (入户走访) with their sealed notes. Every read is under an org-code
//! prefix, through the person's grid.

use crate::sql::ListQuery;
use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;
use pingan_domain::page::{Cursor, KeyPart, Page, PageAt};

/// A membership to write.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub person_id: i64,
    pub group_code: String,
    pub risk_level: Option<i32>,
    pub facts_sealed: Option<Vec<u8>>,
    pub enrolled_on: NaiveDate,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// 特殊人群成员 — a membership with the person's masked identity and their last visit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MemberRecord {
    pub id: i64,
    pub person_id: i64,
    pub group_code: String,
    pub risk_level: Option<i32>,
    pub facts_sealed: Option<Vec<u8>>,
    pub enrolled_on: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub grid_code: String,
    pub name_masked: String,
    pub id_masked: String,
    pub address: String,
    pub last_visit: Option<DateTime<Utc>>,
    /// The next visit's due date, `YYYY-MM-DD` ([`NO_VISIT_DUE`] when no rule applies; none for an
    /// ended membership or before the app has computed it).
    pub due_on: Option<String>,
}

/// The due date of a membership that no visiting rule covers: it sorts after every real one.
pub const NO_VISIT_DUE: &str = "9999-12-31";

/// What a membership's due date is computed from.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DueInput {
    pub id: i64,
    pub group_code: String,
    pub risk_level: Option<i32>,
    pub enrolled_on: NaiveDate,
    pub last_visit: Option<DateTime<Utc>>,
}

/// The members of a list and how many of them are overdue or due soon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DueCounts {
    pub members: i64,
    pub overdue: i64,
    pub due_soon: i64,
}

/// [`DueCounts`] of one unit (a township or grid: the first `width` characters of the grid code).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitDueCounts {
    pub unit: String,
    pub members: i64,
    pub overdue: i64,
    pub due_soon: i64,
}

/// A photo of a visit as stored (the bytes are in the files folder under the digest).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VisitPhotoRecord {
    pub id: i64,
    pub visit_id: i64,
    pub content_type: String,
    pub size: i64,
    pub digest: String,
}

/// Which memberships to read.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Org-code prefix the person's grid must start with.
    pub prefix: String,
    /// The groups the reader may see (none: nothing is read).
    pub groups: Vec<String>,
    pub person_id: Option<i64>,
    /// Also ended memberships.
    pub ended: bool,
    /// Only memberships due on or after this date, `YYYY-MM-DD`.
    pub due_from: Option<String>,
    /// Only memberships due on or before this date (those no rule covers never are).
    pub due_to: Option<String>,
}

/// A visit to write.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub person_id: i64,
    pub visitor_id: i64,
    pub visited_at: DateTime<Utc>,
    pub point: Option<(f64, f64)>,
    pub notes_sealed: Vec<u8>,
    pub temperature: Option<f64>,
    pub symptoms: Option<String>,
    pub client_id: String,
    pub at: DateTime<Utc>,
}

/// 走访记录 as stored, with the visitor's name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VisitRecord {
    pub id: i64,
    pub person_id: i64,
    pub visitor_id: i64,
    pub visitor_name: String,
    pub visited_at: DateTime<Utc>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub notes_sealed: Vec<u8>,
    pub temperature: Option<f64>,
    pub symptoms: Option<String>,
}

const INSERT_MEMBER: &str = "INSERT INTO special_group_members (person_id, group_code,
        risk_level, facts_sealed, enrolled_on, created_by, created_at, updated_at, grid_code)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, (SELECT grid_code FROM persons WHERE id = $1))
    ON CONFLICT DO NOTHING";

const INSERT_VISIT: &str = "INSERT INTO visits (person_id, visitor_id, visited_at, lat, lon,
        notes_sealed, temperature, symptoms, client_id, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (client_id) DO NOTHING";

/// Binds a [`NewVisit`] to [`INSERT_VISIT`] (one list for both backends' query types).
macro_rules! bind_visit {
    ($q:expr, $v:expr) => {{
        let v: &NewVisit = $v;
        $q.bind(v.person_id)
            .bind(v.visitor_id)
            .bind(v.visited_at)
            .bind(v.point.map(|(lat, _)| lat))
            .bind(v.point.map(|(_, lon)| lon))
            .bind(&v.notes_sealed)
            .bind(v.temperature)
            .bind(&v.symptoms)
            .bind(&v.client_id)
            .bind(v.at)
    }};
}

const MEMBER_COLUMNS: &str = "SELECT m.id, m.person_id, m.group_code, m.risk_level,
        m.facts_sealed, m.enrolled_on, m.ended_at, m.end_reason, p.grid_code, p.name_masked,
        p.id_masked, p.address,
        (SELECT MAX(v.visited_at) FROM visits v WHERE v.person_id = m.person_id) AS last_visit,
        m.due_on
    FROM special_group_members m JOIN persons p ON p.id = m.person_id";

/// The counts of [`DueCounts`] over the memberships of a filter; its values are today, today and
/// the last day of 即将到期.
const DUE_COUNTS: &str = "COUNT(*) AS members,
        COALESCE(SUM(CASE WHEN m.due_on < ? THEN 1 ELSE 0 END), 0) AS overdue,
        COALESCE(SUM(CASE WHEN m.due_on >= ? AND m.due_on <= ? THEN 1 ELSE 0 END), 0) AS due_soon";

impl Store {
    /// Enrols a person in a group; `None` when they already are an active member of it.
    pub async fn enrol_member(&self, m: &NewMember) -> Result<Option<i64>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("{INSERT_MEMBER} RETURNING id")))
                .bind(m.person_id)
                .bind(&m.group_code)
                .bind(m.risk_level)
                .bind(&m.facts_sealed)
                .bind(m.enrolled_on)
                .bind(m.created_by)
                .bind(m.at)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Writes many memberships and visits in one transaction (the demo's); an active membership
    /// already there is left alone, a visit already sent is not sent twice.
    pub async fn insert_members_and_visits(
        &self,
        members: &[NewMember],
        visits: &[NewVisit],
    ) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for m in members {
                sqlx::query(INSERT_MEMBER)
                    .bind(m.person_id)
                    .bind(&m.group_code)
                    .bind(m.risk_level)
                    .bind(&m.facts_sealed)
                    .bind(m.enrolled_on)
                    .bind(m.created_by)
                    .bind(m.at)
                    .execute(&mut *tx)
                    .await?;
            }
            for v in visits {
                bind_visit!(sqlx::query(INSERT_VISIT), v)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Changes an active membership's risk level and facts; whether it was active.
    pub async fn update_member(
        &self,
        id: i64,
        risk_level: Option<i32>,
        facts_sealed: Option<&[u8]>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = dispatch!(self, |p| {
            sqlx::query(
                "UPDATE special_group_members SET risk_level = $2, facts_sealed = $3,
                    updated_at = $4 WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id)
            .bind(risk_level)
            .bind(facts_sealed)
            .bind(at)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Ends an active membership (the row stays); whether it was active.
    pub async fn end_member(&self, id: i64, reason: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = dispatch!(self, |p| {
            sqlx::query(
                "UPDATE special_group_members SET ended_at = $2, end_reason = $3, updated_at = $2
                 WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id)
            .bind(at)
            .bind(reason)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// One membership of a person of `scope`.
    pub async fn member(&self, id: i64, scope: &Scope) -> Result<Option<MemberRecord>> {
        self.fetch_in_scope(MEMBER_COLUMNS, "m.id", "p.grid_code", id, scope)
            .await
    }

    /// The memberships of the groups asked for under a prefix, by grid then person.
    pub async fn members(&self, f: &MemberFilter) -> Result<Vec<MemberRecord>> {
        match Self::member_query(f) {
            Some(q) => {
                self.fetch_list(&q.all(MEMBER_COLUMNS, "p.grid_code, m.person_id, m.id"))
                    .await
            }
            None => Ok(Vec::new()),
        }
    }

    /// A page of the active memberships of a filter, soonest due first.
    pub async fn member_page(
        &self,
        f: &MemberFilter,
        at: &PageAt,
        limit: i64,
    ) -> Result<Page<MemberRecord>> {
        let Some(q) = Self::member_query(f) else {
            return Ok(Page::from_fetched(Vec::new(), at, 0, |_: &MemberRecord| {
                Cursor(Vec::new())
            }));
        };
        // The page's ids first, then their columns: the person and the last visit are read for
        // the rows shown, not for every member sorted to find them (83 ms → 12 ms at 8,009).
        let ids = q.keyset(
            "SELECT m.id FROM special_group_members m",
            &["m.due_on", "m.id"],
            at,
            limit,
        );
        let order = match at {
            PageAt::Before(_) => "m.due_on DESC, m.id DESC",
            _ => "m.due_on, m.id",
        };
        let q = crate::sql::Built {
            sql: format!(
                "{MEMBER_COLUMNS} WHERE m.id IN ({}) ORDER BY {order}",
                ids.sql
            ),
            values: ids.values,
        };
        self.fetch_page(&q, at, limit, |m: &MemberRecord| {
            Cursor(vec![
                KeyPart::Text(m.due_on.clone().unwrap_or_default()),
                KeyPart::Int(m.id),
            ])
        })
        .await
    }

    /// How many memberships a filter holds, and how many are overdue (due before `today`) or due
    /// soon (from `today` to `soon`).
    pub async fn member_counts(
        &self,
        f: &MemberFilter,
        today: &str,
        soon: &str,
    ) -> Result<DueCounts> {
        let Some(q) = Self::member_query(f) else {
            return Ok(DueCounts::default());
        };
        let q = q.select_with(
            &format!("SELECT {DUE_COUNTS} FROM special_group_members m"),
            [today, today, soon],
        );
        Ok(self
            .fetch_list(&q)
            .await?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    /// [`Store::member_counts`] per unit: grid codes cut to `width` characters.
    pub async fn member_counts_by_unit(
        &self,
        f: &MemberFilter,
        width: usize,
        today: &str,
        soon: &str,
    ) -> Result<Vec<UnitDueCounts>> {
        let Some(q) = Self::member_query(f) else {
            return Ok(Vec::new());
        };
        let unit = format!("SUBSTR(m.grid_code, 1, {width})");
        let mut q = q.select_with(
            &format!("SELECT {unit} AS unit, {DUE_COUNTS} FROM special_group_members m"),
            [today, today, soon],
        );
        q.sql.push_str(&format!(" GROUP BY {unit}"));
        self.fetch_list(&q).await
    }

    /// The conditions of a membership filter; none when no group may be read.
    fn member_query(f: &MemberFilter) -> Option<ListQuery> {
        if f.groups.is_empty() {
            return None;
        }
        // The membership's own copy of the person's grid (kept by a trigger): counts need no join.
        let mut q = ListQuery::scoped("m.grid_code", &f.prefix);
        q.and(
            &format!("m.group_code IN ({})", ListQuery::list(f.groups.len())),
            f.groups.iter().map(String::as_str),
        );
        if !f.ended {
            q.and_always("m.ended_at IS NULL");
        }
        if let Some(id) = f.person_id {
            q.and("m.person_id = ?", [id]);
        }
        if let Some(from) = &f.due_from {
            q.and("m.due_on >= ?", [from.as_str()]);
        }
        if let Some(to) = &f.due_to {
            q.and("m.due_on <= ?", [to.as_str()]);
        }
        Some(q)
    }

    /// What the due dates of active memberships are computed from: those of one person, or
    /// every one (only those not computed yet when `missing_only`).
    pub async fn due_inputs(
        &self,
        person_id: Option<i64>,
        missing_only: bool,
    ) -> Result<Vec<DueInput>> {
        let mut q = ListQuery::default();
        q.and_always("m.ended_at IS NULL");
        if let Some(id) = person_id {
            q.and("m.person_id = ?", [id]);
        }
        if missing_only {
            q.and_always("m.due_on IS NULL");
        }
        self.fetch_list(&q.all(
            "SELECT m.id, m.group_code, m.risk_level, m.enrolled_on,
                (SELECT MAX(v.visited_at) FROM visits v WHERE v.person_id = m.person_id)
                    AS last_visit
             FROM special_group_members m",
            "m.id",
        ))
        .await
    }

    /// Writes memberships' due dates (`YYYY-MM-DD`) in one transaction.
    pub async fn set_due_dates(&self, dues: &[(i64, String)]) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for (id, due) in dues {
                sqlx::query("UPDATE special_group_members SET due_on = $2 WHERE id = $1")
                    .bind(id)
                    .bind(due)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The visiting rules as stored: `(group, min_risk, every_days)`; empty means the defaults.
    pub async fn visit_policies(&self) -> Result<Vec<(String, i32, i32)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT group_code, min_risk, every_days FROM visit_policies
                 ORDER BY group_code, min_risk",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// Replaces the visiting rules with `rules`, in one transaction.
    pub async fn replace_visit_policies(&self, rules: &[(String, i32, i32)]) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            sqlx::query("DELETE FROM visit_policies")
                .execute(&mut *tx)
                .await?;
            for (group, min_risk, every_days) in rules {
                sqlx::query(
                    "INSERT INTO visit_policies (group_code, min_risk, every_days)
                     VALUES ($1, $2, $3)",
                )
                .bind(group)
                .bind(min_risk)
                .bind(every_days)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Records a visit with its photos (`(content type, size, digest)` each) in one transaction;
    /// a resend with the same client id returns the first one's id and person, and `false`, and
    /// adds nothing.
    pub async fn insert_visit(
        &self,
        v: &NewVisit,
        photos: &[(String, i64, String)],
    ) -> Result<(i64, i64, bool)> {
        let inserted: Option<i64> = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let sql = format!("{INSERT_VISIT} RETURNING id");
            let id: Option<i64> = bind_visit!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), v)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(id) = id {
                for (content_type, size, digest) in photos {
                    sqlx::query(
                        "INSERT INTO visit_photos (visit_id, content_type, size, digest,
                            uploaded_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id)
                    .bind(content_type)
                    .bind(size)
                    .bind(digest)
                    .bind(v.at)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await.map(|()| id)
        })?;
        if let Some(id) = inserted {
            return Ok((id, v.person_id, true));
        }
        let (id, person): (i64, i64) = dispatch!(self, |p| {
            sqlx::query_as("SELECT id, person_id FROM visits WHERE client_id = $1")
                .bind(&v.client_id)
                .fetch_one(p)
                .await
        })?;
        Ok((id, person, false))
    }

    /// The photos of a person's visits, in visit and upload order.
    pub async fn visit_photos_of(&self, person_id: i64) -> Result<Vec<VisitPhotoRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT f.id, f.visit_id, f.content_type, f.size, f.digest FROM visit_photos f
                 JOIN visits v ON v.id = f.visit_id WHERE v.person_id = $1 ORDER BY f.visit_id, f.id",
            )
            .bind(person_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// A person's visits, newest first.
    pub async fn visits_of(&self, person_id: i64, limit: i64) -> Result<Vec<VisitRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT v.id, v.person_id, v.visitor_id, u.display_name AS visitor_name,
                    v.visited_at, v.lat, v.lon, v.notes_sealed, v.temperature, v.symptoms
                 FROM visits v JOIN users u ON u.id = v.visitor_id
                 WHERE v.person_id = $1 ORDER BY v.visited_at DESC, v.id DESC LIMIT $2",
            )
            .bind(person_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }
}

impl Store {
    /// The enrolments in `group` of an area whose 列管日期 lies in `[from, to)` (dates), at most
    /// `limit`, the newest first: each as an [`AreaRecord`](crate::AreaRecord) whose title is
    /// the date (no personal data).
    pub async fn enrolments_between(
        &self,
        group: &str,
        prefix: &str,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<crate::AreaRecord>> {
        let Some((low, high)) = crate::sql::prefix_range(prefix) else {
            return Ok(Vec::new());
        };
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT m.id, m.grid_code AS org_code, m.group_code AS category,
                     CAST(m.enrolled_on AS TEXT) AS title, m.created_at
                 FROM special_group_members m
                 WHERE m.group_code = $1 AND m.grid_code >= $2 AND ($3 IS NULL OR m.grid_code < $3)
                   AND m.enrolled_on >= $4 AND m.enrolled_on < $5
                 ORDER BY m.enrolled_on DESC, m.id DESC LIMIT $6",
            )
            .bind(group)
            .bind(&low)
            .bind(&high)
            .bind(from)
            .bind(to)
            .bind(limit)
            .persistent(false)
            .fetch_all(db)
            .await
        })?)
    }
}
