//! 12345 热线工单 — the orders handed over by the hotline (found by 工单编号) and the reports back
//! to it, with their tries.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// A report back waiting or sent.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HotlineReportRecord {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub next_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Queues a report: case, kind, payload, now.
const QUEUE_REPORT: &str =
    "INSERT INTO hotline_reports (case_id, kind, payload, next_at, created_at)
     VALUES ($1, $2, $3, $4, $4)";

const REPORT_COLUMNS: &str =
    "id, case_id, kind, payload, attempts, next_at, last_error, sent_at, failed_at, created_at";

impl Store {
    /// Records the order an event was made from, and queues its first report back (受理), in one
    /// transaction.
    pub async fn insert_hotline_order(
        &self,
        case_id: i64,
        order_no: &str,
        caller_sealed: Option<&[u8]>,
        due_at: Option<DateTime<Utc>>,
        report_kind: &str,
        report: &str,
    ) -> Result<()> {
        let now = Utc::now();
        dispatch!(self, |db| {
            let mut tx = db.begin().await?;
            sqlx::query(
                "INSERT INTO hotline_orders (case_id, order_no, caller_sealed, due_at, received_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(case_id)
            .bind(order_no)
            .bind(caller_sealed)
            .bind(due_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(QUEUE_REPORT)
                .bind(case_id)
                .bind(report_kind)
                .bind(report)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// The order an event was made from: its 工单编号 and the sealed caller.
    pub async fn hotline_order(&self, case_id: i64) -> Result<Option<(String, Option<Vec<u8>>)>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as("SELECT order_no, caller_sealed FROM hotline_orders WHERE case_id = $1")
                .bind(case_id)
                .fetch_optional(db)
                .await
        })?)
    }

    /// The 工单编号 of the order an event was made from, if any.
    pub async fn hotline_order_no(&self, case_id: i64) -> Result<Option<String>> {
        let row: Option<(String,)> = dispatch!(self, |db| {
            sqlx::query_as("SELECT order_no FROM hotline_orders WHERE case_id = $1")
                .bind(case_id)
                .fetch_optional(db)
                .await
        })?;
        Ok(row.map(|(o,)| o))
    }

    /// The event made from an order, by its 工单编号.
    pub async fn hotline_case(&self, order_no: &str) -> Result<Option<i64>> {
        let row: Option<(i64,)> = dispatch!(self, |db| {
            sqlx::query_as("SELECT case_id FROM hotline_orders WHERE order_no = $1")
                .bind(order_no)
                .fetch_optional(db)
                .await
        })?;
        Ok(row.map(|(c,)| c))
    }

    /// Queues a report back about an event made from an order.
    pub async fn queue_hotline_report(
        &self,
        case_id: i64,
        kind: &str,
        payload: &str,
    ) -> Result<()> {
        dispatch!(self, |db| {
            sqlx::query(QUEUE_REPORT)
                .bind(case_id)
                .bind(kind)
                .bind(payload)
                .bind(Utc::now())
                .execute(db)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Reports due at `now`, oldest first.
    pub async fn due_hotline_reports(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<HotlineReportRecord>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM hotline_reports
             WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= $1
             ORDER BY next_at, id LIMIT $2"
        );
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(now)
                .bind(limit)
                .fetch_all(db)
                .await
        })?)
    }

    /// Claims a report still due at `now` for this instance by moving its next try to `until`;
    /// false when another instance moved it first.
    pub async fn claim_hotline_report(
        &self,
        id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        let changed = dispatch!(self, |db| {
            sqlx::query(
                "UPDATE hotline_reports SET next_at = $3
                 WHERE id = $1 AND next_at <= $2 AND sent_at IS NULL AND failed_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .bind(until)
            .execute(db)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(changed == 1)
    }

    /// Records a try: sent (`sent`), or failed with `error` and tried again at `next_at`, or
    /// given up (`failed`).
    pub async fn record_hotline_try(
        &self,
        id: i64,
        at: DateTime<Utc>,
        outcome: HotlineTry<'_>,
    ) -> Result<()> {
        let (sent_at, failed_at, error, next_at) = match outcome {
            HotlineTry::Sent => (Some(at), None, None, at),
            HotlineTry::Retry { error, next_at } => (None, None, Some(error), next_at),
            HotlineTry::GiveUp { error } => (None, Some(at), Some(error), at),
        };
        dispatch!(self, |db| {
            sqlx::query(
                "UPDATE hotline_reports SET attempts = attempts + 1, sent_at = $2, failed_at = $3,
                     last_error = COALESCE($4, last_error), next_at = $5
                 WHERE id = $1",
            )
            .bind(id)
            .bind(sent_at)
            .bind(failed_at)
            .bind(error)
            .bind(next_at)
            .execute(db)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The reports back about one event, oldest first.
    pub async fn hotline_reports(&self, case_id: i64) -> Result<Vec<HotlineReportRecord>> {
        let sql =
            format!("SELECT {REPORT_COLUMNS} FROM hotline_reports WHERE case_id = $1 ORDER BY id");
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(case_id)
                .fetch_all(db)
                .await
        })?)
    }
}

/// What became of one try to send a report back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HotlineTry<'a> {
    Sent,
    Retry {
        error: &'a str,
        next_at: DateTime<Utc>,
    },
    GiveUp {
        error: &'a str,
    },
}
