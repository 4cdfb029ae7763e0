//! Counting failed logins per account and per source address.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Duration, Utc};

impl Store {
    /// Until when `key` is locked, if it is locked at `now`.
    pub async fn login_locked_until(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let until: Option<Option<DateTime<Utc>>> = dispatch!(self, |p| {
            sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await
        })?;
        Ok(until.flatten().filter(|u| *u > now))
    }

    /// Counts one failure of `key`. Failures older than `window` start a new count; reaching
    /// `threshold` within the window locks the key for `lock_for`. Returns the lock's end, if any.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
        threshold: i64,
        lock_for: Duration,
    ) -> Result<Option<DateTime<Utc>>> {
        let locked = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let row: Option<(i64, DateTime<Utc>)> =
                sqlx::query_as("SELECT failures, window_start FROM login_throttle WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (failures, start) = match row {
                Some((n, start)) if now - start <= window => (n + 1, start),
                _ => (1, now),
            };
            let locked_until = (failures >= threshold).then(|| now + lock_for);
            // A lock starts a fresh count, so that after it ends the account has its full tries again.
            let (failures, start) = if locked_until.is_some() {
                (0, now)
            } else {
                (failures, start)
            };
            sqlx::query(
                "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
                     window_start = excluded.window_start,
                     locked_until = COALESCE(excluded.locked_until, login_throttle.locked_until)",
            )
            .bind(key)
            .bind(failures)
            .bind(start)
            .bind(locked_until)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(locked_until)
        })?;
        Ok(locked)
    }

    /// The keys locked at `now`, with the end of each lock, the latest first.
    pub async fn login_locks(&self, now: DateTime<Utc>) -> Result<Vec<(String, DateTime<Utc>)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT key, locked_until FROM login_throttle WHERE locked_until > $1
                 ORDER BY locked_until DESC LIMIT 500",
            )
            .bind(now)
            .fetch_all(p)
            .await
        })?)
    }

    /// Forgets the failures of `key` (after a successful login).
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(key)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
