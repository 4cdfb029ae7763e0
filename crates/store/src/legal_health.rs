//! 法律健康档案 — an enterprise's legal check-ups with the risks each found (written together, the
//! check-up keyed by its client id), a risk put right, and the open risks of an org prefix.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};

/// A check-up as entered, with its risks: (area, level, finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckup {
    pub client_id: String,
    pub place_id: i64,
    pub org_code: String,
    pub checked_on: NaiveDate,
    pub lawyer_id: Option<i64>,
    pub advice: String,
    pub lawsuits_pending: i64,
    pub enforcement: String,
    pub follow_up_on: Option<NaiveDate>,
    pub risks: Vec<(String, String, String)>,
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// 法律体检 — a check-up as stored, with its lawyer's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CheckupRecord {
    pub id: i64,
    pub place_id: i64,
    pub checked_on: NaiveDate,
    pub lawyer_name: Option<String>,
    pub advice: String,
    pub lawsuits_pending: i64,
    pub enforcement: String,
    pub follow_up_on: Option<NaiveDate>,
}

/// 法律风险 — a risk as stored, with its enterprise's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LegalRiskRecord {
    pub id: i64,
    pub checkup_id: i64,
    pub place_id: i64,
    pub place_name: String,
    pub org_code: String,
    pub area: String,
    pub level: String,
    pub finding: String,
    pub checked_on: NaiveDate,
    pub follow_up_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub resolution: Option<String>,
}

const RISK_COLUMNS: &str =
    "SELECT r.id, r.checkup_id, r.place_id, s.name AS place_name, r.org_code,
        r.area, r.level, r.finding, c.checked_on, c.follow_up_on, r.resolved_on, r.resolution
   FROM legal_risks r JOIN legal_checkups c ON c.id = r.checkup_id
   JOIN places s ON s.id = r.place_id";

impl Store {
    /// Records a check-up and its risks in one transaction; `false` when its client id was
    /// recorded before (nothing new).
    pub async fn insert_checkup(&self, c: &NewCheckup) -> Result<(i64, bool)> {
        Ok(dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            let known: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM legal_checkups WHERE client_id = $1")
                    .bind(&c.client_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((id,)) = known {
                tx.rollback().await?;
                return Ok((id, false));
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO legal_checkups (client_id, place_id, org_code, checked_on, lawyer_id,
                     advice, lawsuits_pending, enforcement, follow_up_on, recorded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(&c.client_id)
            .bind(c.place_id)
            .bind(&c.org_code)
            .bind(c.checked_on)
            .bind(c.lawyer_id)
            .bind(&c.advice)
            .bind(c.lawsuits_pending)
            .bind(&c.enforcement)
            .bind(c.follow_up_on)
            .bind(c.recorded_by)
            .bind(c.at)
            .fetch_one(&mut *tx)
            .await?;
            for (area, level, finding) in &c.risks {
                sqlx::query(
                    "INSERT INTO legal_risks (checkup_id, place_id, org_code, area, level, finding)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(c.place_id)
                .bind(&c.org_code)
                .bind(area)
                .bind(level)
                .bind(finding)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>((id, true))
        })?)
    }

    /// A place's check-ups, newest first.
    pub async fn checkups(&self, place_id: i64) -> Result<Vec<CheckupRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT c.id, c.place_id, c.checked_on, l.name AS lawyer_name, c.advice,
                        c.lawsuits_pending, c.enforcement, c.follow_up_on
                   FROM legal_checkups c LEFT JOIN lawyers l ON l.id = c.lawyer_id
                  WHERE c.place_id = $1 ORDER BY c.checked_on DESC, c.id DESC",
            )
            .bind(place_id)
            .fetch_all(db)
            .await
        })?)
    }

    /// A place's risks, the open ones first, then by check-up.
    pub async fn place_risks(&self, place_id: i64) -> Result<Vec<LegalRiskRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{RISK_COLUMNS} WHERE r.place_id = $1
                  ORDER BY CASE WHEN r.resolved_on IS NULL THEN 0 ELSE 1 END, c.checked_on DESC, r.id"
            )))
            .bind(place_id)
            .fetch_all(db)
            .await
        })?)
    }

    /// The open risks under `prefix`, high level first, then the oldest check-up, at most `limit`.
    pub async fn open_risks(&self, prefix: &str, limit: i64) -> Result<Vec<LegalRiskRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{RISK_COLUMNS} WHERE r.org_code LIKE $1 || '%' AND r.resolved_on IS NULL
                  ORDER BY CASE r.level WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                           c.checked_on, r.id
                  LIMIT $2"
            )))
            .bind(prefix)
            .bind(limit)
            .fetch_all(db)
            .await
        })?)
    }

    /// Puts a risk under `prefix` right; whether an open one was found.
    pub async fn resolve_risk(
        &self,
        id: i64,
        prefix: &str,
        on: NaiveDate,
        resolution: &str,
    ) -> Result<bool> {
        let n = dispatch!(self, |db| {
            sqlx::query(
                "UPDATE legal_risks SET resolved_on = $3, resolution = $4
                  WHERE id = $1 AND org_code LIKE $2 || '%' AND resolved_on IS NULL",
            )
            .bind(id)
            .bind(prefix)
            .bind(on)
            .bind(resolution)
            .execute(db)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(n == 1)
    }
}
