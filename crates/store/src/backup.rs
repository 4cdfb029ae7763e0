//! Consistent online snapshots of a SQLite database.

use crate::{Backend, Result, Store, StoreError, dispatch};

impl Store {
    /// Writes a consistent snapshot of the live SQLite database to `path` (`VACUUM INTO`), while
    /// the hub keeps serving. PostgreSQL is backed up with `pg_dump` (see docs/operations.md).
    pub async fn backup_to(&self, path: &str) -> Result<()> {
        if self.backend() == Backend::Postgres {
            return Err(StoreError::Unsupported(
                "PostgreSQL 数据库请用 pg_dump 备份（见 docs/operations.md），pingan backup 只用于 SQLite",
            ));
        }
        dispatch!(self, |p| sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
