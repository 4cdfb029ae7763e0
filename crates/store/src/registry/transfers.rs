//! 迁移申请 as stored: a request to move a resident to another township's grid, and the move
//! itself, made in the transaction that approves it.

use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::text::like_prefix;

/// A request to write.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub person_id: i64,
    pub from_grid: String,
    pub to_grid: String,
    pub reason: String,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub at: DateTime<Utc>,
}

/// 迁移申请 — a request as stored, with the person's masked name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TransferRecord {
    pub id: i64,
    pub person_id: i64,
    pub name_masked: String,
    pub id_masked: String,
    pub from_grid: String,
    pub to_grid: String,
    pub reason: String,
    pub state: String,
    pub requested_by_name: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

const TRANSFER_COLUMNS: &str = "SELECT t.id, t.person_id, p.name_masked, p.id_masked, t.from_grid,
        t.to_grid, t.reason, t.state, t.requested_by_name, t.requested_at, t.decided_by_name,
        t.decided_at, t.decision_note
    FROM transfer_requests t JOIN persons p ON p.id = t.person_id";

impl Store {
    /// Files a request; a person with one pending already is a conflict.
    pub async fn insert_transfer(&self, t: &NewTransfer) -> Result<i64> {
        let id: std::result::Result<i64, sqlx::Error> = dispatch!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO transfer_requests (person_id, from_grid, to_grid, reason, state,
                    requested_by, requested_by_name, requested_at)
                 VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) RETURNING id",
            )
            .bind(t.person_id)
            .bind(&t.from_grid)
            .bind(&t.to_grid)
            .bind(&t.reason)
            .bind(t.requested_by)
            .bind(&t.requested_by_name)
            .bind(t.at)
            .fetch_one(p)
            .await
        });
        match id {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Conflict("transfer_requests_pending".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// One request.
    pub async fn transfer(&self, id: i64) -> Result<Option<TransferRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{TRANSFER_COLUMNS} WHERE t.id = $1"
            )))
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The requests leaving `prefix` (`from_grid` under it) and those arriving there (`to_grid`
    /// under it), pending ones first, then the latest 200.
    pub async fn transfers_touching(&self, prefix: &str) -> Result<Vec<TransferRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{TRANSFER_COLUMNS} WHERE t.from_grid LIKE $1 ESCAPE '\\' OR t.to_grid LIKE $1 ESCAPE '\\'
                 ORDER BY CASE WHEN t.state = 'pending' THEN 0 ELSE 1 END, t.id DESC LIMIT 200"
            )))
            .bind(like_prefix(prefix))
            .fetch_all(p)
            .await
        })?)
    }

    /// Decides a pending request; on approval the person moves to the requested grid in the same
    /// transaction (leaving their household, which stays behind). False when the request was no
    /// longer pending or the person no longer where it was filed.
    pub async fn decide_transfer(
        &self,
        id: i64,
        approve: bool,
        by: &str,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let row: Option<(i64, String, String)> = sqlx::query_as(
                "UPDATE transfer_requests SET state = $2, decided_by_name = $3, decided_at = $4,
                    decision_note = $5
                 WHERE id = $1 AND state = 'pending' RETURNING person_id, from_grid, to_grid",
            )
            .bind(id)
            .bind(if approve { "approved" } else { "rejected" })
            .bind(by)
            .bind(at)
            .bind(note)
            .fetch_optional(&mut *tx)
            .await?;
            let done =
                match row {
                    None => false,
                    Some((person, from, to)) if approve => sqlx::query(
                        "UPDATE persons SET grid_code = $3, household_id = NULL, relation = NULL,
                            updated_at = $4
                         WHERE id = $1 AND grid_code = $2 AND ended_at IS NULL",
                    )
                    .bind(person)
                    .bind(&from)
                    .bind(&to)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1,
                    Some(_) => true,
                };
            // Dropped without a commit, the transaction rolls back: nothing was decided.
            if done {
                tx.commit().await?;
            }
            Ok::<_, sqlx::Error>(done)
        })?;
        Ok(done)
    }
}
