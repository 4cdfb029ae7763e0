//! The audit trail: append-only, hash-chained rows. The store appends under a lock (a process
//! mutex on SQLite, an advisory transaction lock on PostgreSQL, so that several instances append in
//! turn) and keeps the tip — the last id and hash — in `settings`, in the same transaction.

use crate::{Backend, Result, Store, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::audit::AuditEvent;

/// 审计记录 — one row of the audit trail as stored: the event, its place in the chain and its hash.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    user_id: Option<i64>,
    username: String,
    source_addr: Option<String>,
    action: String,
    object: String,
    result: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        let event = AuditEvent {
            at: r.at,
            user_id: r.user_id,
            username: r.username,
            source_addr: r.source_addr,
            action: r.action,
            object: r.object,
            result: r.result,
            detail: r.detail,
        };
        Self {
            id: r.id,
            event,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Filters of an audit search; all optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action_prefix: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The hash that precedes the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const TIP_KEY: &str = "audit.tip";
/// Key of PostgreSQL's advisory lock for audit appends ("PA" "AU").
const AUDIT_LOCK: i64 = 0x5041_4155;

macro_rules! select_audit {
    ($rest:literal) => {
        concat!(
            "SELECT id, at, user_id, username, source_addr, action, object, result, detail, prev_hash, hash
             FROM audit_log ",
            $rest
        )
    };
}

impl Store {
    /// Appends one record. `make` receives the next id and the previous hash and returns the
    /// complete record, hash included; ids are consecutive.
    pub async fn append_audit<F>(&self, make: F) -> Result<AuditRecord>
    where
        F: FnOnce(i64, &str) -> AuditRecord,
    {
        let _serial = self.audit_lock.lock().await;
        let backend = self.backend();
        let record = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            if backend == Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(AUDIT_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            let last: Option<(i64, String)> =
                sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            let (last_id, prev) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
            let r = make(last_id + 1, &prev);
            sqlx::query(
                "INSERT INTO audit_log (id, at, user_id, username, source_addr, action, object, result, detail, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(r.id)
            .bind(r.event.at)
            .bind(r.event.user_id)
            .bind(&r.event.username)
            .bind(&r.event.source_addr)
            .bind(&r.event.action)
            .bind(&r.event.object)
            .bind(&r.event.result)
            .bind(&r.event.detail)
            .bind(&r.prev_hash)
            .bind(&r.hash)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(TIP_KEY)
            .bind(format!("{}:{}", r.id, r.hash))
            .bind(r.event.at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(r)
        })?;
        Ok(record)
    }

    /// Records with id greater than `after`, in id order, at most `limit` (for walking the chain).
    pub async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        const SQL: &str = select_audit!("WHERE id > $1 ORDER BY id LIMIT $2");
        let rows: Vec<AuditRow> = dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }

    /// The recorded tip of the chain as `(id, hash)`.
    pub async fn audit_tip(&self) -> Result<Option<(i64, String)>> {
        let tip = self.setting(TIP_KEY).await?;
        Ok(tip.and_then(|t| {
            let (id, hash) = t.split_once(':')?;
            Some((id.parse().ok()?, hash.to_owned()))
        }))
    }

    /// Records matching the filter, newest first, at most `limit`.
    pub async fn search_audit(&self, f: &AuditFilter, limit: i64) -> Result<Vec<AuditRecord>> {
        const SQL: &str = select_audit!(
            "WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\')
               AND ($3 IS NULL OR at >= $3) AND ($4 IS NULL OR at < $4)
             ORDER BY id DESC LIMIT $5"
        );
        let rows: Vec<AuditRow> = dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&f.username)
                .bind(
                    f.action_prefix
                        .as_deref()
                        .map(pingan_domain::text::like_prefix),
                )
                .bind(f.from)
                .bind(f.to)
                .bind(limit)
                .fetch_all(p)
                .await
        })?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }
}
