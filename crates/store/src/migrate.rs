//! Schema migrations for both backends, embedded in the binary and run at start.
//!
//! Each migration has a SQLite and a PostgreSQL text with the same number and name; a test checks
//! that the two folders hold exactly the files listed here.

use crate::{Result, Store, dispatch};
use chrono::Utc;

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $file,
            sqlite: include_str!(concat!("../../../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../../../migrations/postgres/", $file, ".sql")),
        }
    };
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_security"),
    migration!(3, "0003_calendar"),
    migration!(4, "0004_cases"),
    migration!(5, "0005_case_files"),
    migration!(6, "0006_video"),
    migration!(7, "0007_video_registry"),
    migration!(8, "0008_persons"),
    migration!(9, "0009_special_groups"),
    migration!(10, "0010_households"),
    migration!(11, "0011_places"),
    migration!(12, "0012_transfers"),
    migration!(13, "0013_roles"),
    migration!(14, "0014_list_counts"),
    migration!(15, "0015_visit_due"),
    migration!(16, "0016_import_jobs"),
    migration!(17, "0017_compact_registry"),
    migration!(18, "0018_disputes"),
    migration!(19, "0019_petitions"),
    migration!(20, "0020_clues"),
    migration!(21, "0021_risk_assessments"),
    migration!(22, "0022_police_statistics"),
    migration!(23, "0023_case_totals"),
    migration!(24, "0024_open311"),
    migration!(25, "0025_alarm_points"),
    migration!(26, "0026_hotline"),
    migration!(27, "0027_applications"),
    migration!(28, "0028_creation"),
    migration!(29, "0029_patrols"),
    migration!(30, "0030_dispute_totals"),
    migration!(31, "0031_credit"),
    migration!(32, "0032_legal_services"),
    migration!(33, "0033_outreach"),
    migration!(34, "0034_legal_health"),
];

const CREATE_LEDGER_SQLITE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
const CREATE_LEDGER_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)";

impl Store {
    /// The migrations not applied yet, without applying any (all of them on an empty database).
    pub async fn pending_migrations(&self) -> Result<Vec<&'static str>> {
        let ledger: Option<String> = match self.backend() {
            crate::Backend::Sqlite => dispatch!(self, |p| {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                )
                .fetch_optional(p)
                .await
            })?,
            crate::Backend::Postgres => dispatch!(self, |p| {
                sqlx::query_scalar("SELECT CAST(to_regclass('schema_migrations') AS TEXT)")
                    .fetch_one(p)
                    .await
            })?,
        };
        let applied: Vec<i64> = match ledger {
            Some(_) => dispatch!(self, |p| {
                sqlx::query_scalar("SELECT version FROM schema_migrations")
                    .fetch_all(p)
                    .await
            })?,
            None => Vec::new(),
        };
        Ok(MIGRATIONS
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .map(|m| m.name)
            .collect())
    }

    /// Applies every migration not yet applied, each in its own transaction. Returns the names of
    /// those applied now.
    pub async fn migrate(&self) -> Result<Vec<&'static str>> {
        let ledger = match self.backend() {
            crate::Backend::Sqlite => CREATE_LEDGER_SQLITE,
            crate::Backend::Postgres => CREATE_LEDGER_POSTGRES,
        };
        dispatch!(self, |p| sqlx::raw_sql(ledger)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        let applied: Vec<i64> = dispatch!(self, |p| {
            sqlx::query_scalar("SELECT version FROM schema_migrations")
                .fetch_all(p)
                .await
        })?;
        let mut done = Vec::new();
        for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
            let sql = match self.backend() {
                crate::Backend::Sqlite => m.sqlite,
                crate::Backend::Postgres => m.postgres,
            };
            dispatch!(self, |p| {
                let mut tx = p.begin_with(self.begin_write()).await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                )
                .bind(m.version)
                .bind(m.name)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
                tx.commit().await
            })?;
            tracing::info!(migration = m.name, "已执行数据库迁移");
            done.push(m.name);
        }
        Ok(done)
    }

    /// The highest migration version applied, or none on an empty database.
    pub async fn schema_version(&self) -> Result<Option<i64>> {
        let v = dispatch!(self, |p| {
            sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
                .fetch_one(p)
                .await
        });
        match v {
            Ok(v) => Ok(v),
            Err(sqlx::Error::Database(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn names_in(dir: &str) -> BTreeSet<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/");
        std::fs::read_dir(format!("{path}{dir}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn both_backends_have_the_same_migrations_and_all_are_listed() {
        let listed: BTreeSet<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{}.sql", m.name))
            .collect();
        assert_eq!(names_in("sqlite"), listed);
        assert_eq!(names_in("postgres"), listed);
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }
}
