//! 矛盾纠纷排查 — the campaigns that ask every grid or village of a unit for its disputes or a
//! 零报告 by a day, and what each unit has answered.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// A campaign to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewScreening {
    pub name: String,
    /// `centralised` or `special`.
    pub kind: String,
    pub topic: Option<String>,
    /// The unit that runs it; its villages or grids report.
    pub org_code: String,
    /// `village` or `grid`.
    pub level: String,
    /// `YYYY-MM-DD`, Beijing.
    pub due_on: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScreeningRecord {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub topic: Option<String>,
    pub org_code: String,
    pub level: String,
    pub due_on: String,
    pub created_at: DateTime<Utc>,
}

/// A unit's 零报告.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScreeningReportRecord {
    pub unit_code: String,
    pub reporter_name: String,
    pub note: Option<String>,
    pub reported_at: DateTime<Utc>,
}

impl Store {
    pub async fn insert_screening(&self, s: &NewScreening) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |p| {
            sqlx::query_as(
                "INSERT INTO dispute_screenings (name, kind, topic, org_code, level, due_on,
                    created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&s.name)
            .bind(&s.kind)
            .bind(&s.topic)
            .bind(&s.org_code)
            .bind(&s.level)
            .bind(&s.due_on)
            .bind(s.created_by)
            .bind(s.created_at)
            .fetch_one(p)
            .await
        })?;
        Ok(id)
    }

    /// The campaigns a unit at `code` takes part in or runs: those of its own unit, those above
    /// it and those below it, newest first.
    pub async fn screenings(&self, code: &str, limit: i64) -> Result<Vec<ScreeningRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, name, kind, topic, org_code, level, due_on, created_at
                 FROM dispute_screenings
                 WHERE org_code LIKE $1 || '%' OR $1 LIKE org_code || '%'
                 ORDER BY id DESC LIMIT $2",
            )
            .bind(code)
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn screening(&self, id: i64) -> Result<Option<ScreeningRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, name, kind, topic, org_code, level, due_on, created_at
                 FROM dispute_screenings WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The 零报告 of a campaign.
    pub async fn screening_reports(&self, id: i64) -> Result<Vec<ScreeningReportRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT unit_code, reporter_name, note, reported_at FROM screening_reports
                 WHERE screening_id = $1 ORDER BY unit_code",
            )
            .bind(id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Records a unit's 零报告; false when it had reported already.
    pub async fn insert_screening_report(
        &self,
        id: i64,
        unit_code: &str,
        reporter: (i64, &str),
        note: Option<&str>,
    ) -> Result<bool> {
        let n = dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO screening_reports (screening_id, unit_code, reported_by,
                    reporter_name, note, reported_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(unit_code)
            .bind(reporter.0)
            .bind(reporter.1)
            .bind(note)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// How many disputes each unit registered in a campaign: (the first `unit_len` digits of
    /// where they lie, count).
    pub async fn screening_dispute_counts(
        &self,
        id: i64,
        unit_len: i64,
    ) -> Result<Vec<(String, i64)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT SUBSTR(c.org_code, 1, CAST($2 AS INTEGER)) AS unit, COUNT(*) AS n
                 FROM disputes x JOIN cases c ON c.id = x.case_id
                 WHERE x.screening_id = $1 GROUP BY 1",
            )
            .bind(id)
            .bind(unit_len)
            .fetch_all(p)
            .await
        })?)
    }
}
