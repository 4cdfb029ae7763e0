//! 平安创建 — the units declared for a year's creation, the assessments taken on them (each moving
//! the unit's status in the same transaction, under its version) and the district's checklists.

use crate::sql::ListQuery;
use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;
use pingan_domain::page::{Cursor, KeyPart, Page, PageAt, Total};

/// A unit as declared.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCreationUnit {
    pub kind: String,
    pub year: i64,
    pub name: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub status: String,
    pub declared_by: i64,
    pub at: DateTime<Utc>,
}

/// 创建单位 — a unit as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CreationUnitRecord {
    pub id: i64,
    pub kind: String,
    pub year: i64,
    pub name: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub status: String,
    pub score: Option<i64>,
    pub named_on: Option<NaiveDate>,
    pub document_no: Option<String>,
    pub declared_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const UNIT_COLUMNS: &str = "SELECT u.id, u.kind, u.year, u.name, u.org_code, u.place_id, u.status,
    u.score, u.named_on, u.document_no, u.declared_by, u.created_at, u.updated_at, u.version
    FROM creation_units u";

/// A search of the units of a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct CreationUnitFilter {
    pub prefix: String,
    pub year: Option<i64>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub at: PageAt,
    pub limit: i64,
}

/// An assessment to record, with the unit's move.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCreationAssessment {
    pub unit_id: i64,
    /// The unit's version as read: another assessor's step in between makes this one lose.
    pub version: i64,
    pub step: String,
    pub passed: bool,
    pub total: Option<i64>,
    pub scores: Option<String>,
    pub six_none: Option<String>,
    pub remarks: String,
    pub status_after: String,
    /// With a naming: its date and 文号.
    pub named_on: Option<NaiveDate>,
    pub document_no: Option<String>,
    pub by_user: i64,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// 考核记录 — an assessment as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CreationAssessmentRecord {
    pub id: i64,
    pub unit_id: i64,
    pub step: String,
    pub passed: bool,
    pub total: Option<i64>,
    pub scores: Option<String>,
    pub six_none: Option<String>,
    pub remarks: String,
    pub status_after: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// A kind's checklist as the district saved it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CreationChecklistRecord {
    pub kind: String,
    pub pass_mark: i64,
    pub items: String,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    /// Declares a unit; the same kind, year, area and name twice is a conflict.
    pub async fn insert_creation_unit(&self, u: &NewCreationUnit) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO creation_units (kind, year, name, org_code, place_id, status,
                     declared_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(&u.kind)
            .bind(u.year)
            .bind(&u.name)
            .bind(&u.org_code)
            .bind(u.place_id)
            .bind(&u.status)
            .bind(u.declared_by)
            .bind(u.at)
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// One unit of `scope`.
    pub async fn creation_unit(
        &self,
        id: i64,
        scope: &Scope,
    ) -> Result<Option<CreationUnitRecord>> {
        self.fetch_in_scope(UNIT_COLUMNS, "u.id", "u.org_code", id, scope)
            .await
    }

    /// A page of the units of a scope, by area and id.
    pub async fn creation_units(&self, f: &CreationUnitFilter) -> Result<Page<CreationUnitRecord>> {
        let q =
            Self::creation_query(f).keyset(UNIT_COLUMNS, &["u.org_code", "u.id"], &f.at, f.limit);
        self.fetch_page(&q, &f.at, f.limit, |u: &CreationUnitRecord| {
            Cursor(vec![KeyPart::Text(u.org_code.clone()), KeyPart::Int(u.id)])
        })
        .await
    }

    /// How many units the search finds, up to `cap`.
    pub async fn count_creation_units(&self, f: &CreationUnitFilter, cap: u64) -> Result<Total> {
        let q = Self::creation_query(f).count("FROM creation_units u", Some(cap));
        self.fetch_total(&q, Some(cap)).await
    }

    fn creation_query(f: &CreationUnitFilter) -> ListQuery {
        let mut q = ListQuery::scoped("u.org_code", &f.prefix);
        if let Some(year) = f.year {
            q.and("u.year = ?", [year]);
        }
        if let Some(kind) = &f.kind {
            q.and("u.kind = ?", [kind.as_str()]);
        }
        if let Some(status) = &f.status {
            q.and("u.status = ?", [status.as_str()]);
        }
        q
    }

    /// Records an assessment and moves the unit, if its version is still `a.version`; false when
    /// another assessment came first.
    pub async fn record_creation_assessment(&self, a: &NewCreationAssessment) -> Result<bool> {
        let done = dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            let moved = sqlx::query(
                "UPDATE creation_units SET status = $3, score = COALESCE($4, score),
                     named_on = COALESCE($5, named_on), document_no = COALESCE($6, document_no),
                     updated_at = $7, version = version + 1
                 WHERE id = $1 AND version = $2",
            )
            .bind(a.unit_id)
            .bind(a.version)
            .bind(&a.status_after)
            .bind(a.total)
            .bind(a.named_on)
            .bind(&a.document_no)
            .bind(a.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO creation_assessments (unit_id, step, passed, total, scores, six_none,
                     remarks, status_after, by_user, by_name, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(a.unit_id)
            .bind(&a.step)
            .bind(a.passed)
            .bind(a.total)
            .bind(&a.scores)
            .bind(&a.six_none)
            .bind(&a.remarks)
            .bind(&a.status_after)
            .bind(a.by_user)
            .bind(&a.by_name)
            .bind(a.at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await.map(|()| true)
        })?;
        Ok(done)
    }

    /// A unit's assessments, oldest first.
    pub async fn creation_assessments(
        &self,
        unit_id: i64,
    ) -> Result<Vec<CreationAssessmentRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT id, unit_id, step, passed, total, scores, six_none, remarks, status_after,
                     by_name, at
                 FROM creation_assessments WHERE unit_id = $1 ORDER BY id",
            )
            .bind(unit_id)
            .fetch_all(db)
            .await
        })?)
    }

    /// The district's checklist for a kind, if it saved one.
    pub async fn creation_checklist(&self, kind: &str) -> Result<Option<CreationChecklistRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT kind, pass_mark, items, updated_at FROM creation_checklists WHERE kind = $1",
            )
            .bind(kind)
            .fetch_optional(db)
            .await
        })?)
    }

    /// Saves a kind's checklist (`items` as JSON), replacing the one before.
    pub async fn save_creation_checklist(
        &self,
        kind: &str,
        pass_mark: i64,
        items: &str,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |db| {
            sqlx::query(
                "INSERT INTO creation_checklists (kind, pass_mark, items, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (kind) DO UPDATE SET pass_mark = excluded.pass_mark,
                     items = excluded.items, updated_by = excluded.updated_by,
                     updated_at = excluded.updated_at",
            )
            .bind(kind)
            .bind(pass_mark)
            .bind(items)
            .bind(by)
            .bind(at)
            .execute(db)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }
}
