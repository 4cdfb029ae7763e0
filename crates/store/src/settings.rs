//! Installation-wide settings as key/value pairs.

use crate::{Result, Store, dispatch};
use chrono::Utc;

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await
        })?)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
