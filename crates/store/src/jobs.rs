//! 导入任务 — background jobs and their progress, in the database so that any instance answers.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// One background job as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub owner_id: i64,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub total: i64,
    pub checked: i64,
    pub written: i64,
    /// The outcome, sealed, once done.
    pub report: Option<Vec<u8>>,
    /// Why it failed.
    pub message: Option<String>,
    pub started_at: DateTime<Utc>,
    /// When the instance running it last wrote to it.
    pub updated_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// How far a job has got, in rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobProgress {
    pub total: i64,
    pub checked: i64,
    pub written: i64,
}

impl Store {
    /// Records a job that has started, and forgets the jobs that ended before `forget_before`.
    pub async fn start_job(
        &self,
        id: &str,
        kind: &str,
        owner_id: i64,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            sqlx::query("DELETE FROM import_jobs WHERE ended_at < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO import_jobs (id, kind, owner_id, state, started_at, updated_at)
                 VALUES ($1, $2, $3, 'running', $4, $4)",
            )
            .bind(id)
            .bind(kind)
            .bind(owner_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Writes a running job's progress (and so shows that its instance is alive).
    pub async fn job_progress(
        &self,
        id: &str,
        progress: JobProgress,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "UPDATE import_jobs SET total = $2, checked = $3, written = $4, updated_at = $5
                 WHERE id = $1 AND state = 'running'",
            )
            .bind(id)
            .bind(progress.total)
            .bind(progress.checked)
            .bind(progress.written)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Ends a job: `done` with its (sealed) report, or `failed` with the reason.
    pub async fn end_job(
        &self,
        id: &str,
        outcome: std::result::Result<&[u8], &str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (state, report, message) = match outcome {
            Ok(report) => ("done", Some(report), None),
            Err(message) => ("failed", None, Some(message)),
        };
        dispatch!(self, |p| {
            sqlx::query(
                "UPDATE import_jobs SET state = $2, report = $3, message = $4, updated_at = $5,
                     ended_at = $5
                 WHERE id = $1",
            )
            .bind(id)
            .bind(state)
            .bind(report)
            .bind(message)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// One job.
    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, kind, owner_id, state, total, checked, written, report, message,
                        started_at, updated_at, ended_at
                 FROM import_jobs WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }
}
