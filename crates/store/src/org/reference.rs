//! Versioned code tables: shipped entries are upserted, entries no longer shipped are retired.

use crate::{Result, Store, dispatch};
use chrono::Utc;
use pingan_domain::code_table::CodeTable;

/// A code as stored, with its retirement if any.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CodeEntryRecord {
    pub code: String,
    pub name: String,
    pub version: String,
    pub retired: bool,
}

impl Store {
    /// Brings one code table in line with the shipped version. Returns how many codes were
    /// retired because the shipped version no longer has them.
    pub async fn sync_code_table(&self, table: &CodeTable) -> Result<u64> {
        let now = Utc::now();
        let retired = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            sqlx::query(
                "INSERT INTO code_tables (table_key, name, standard, version) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (table_key) DO UPDATE
                 SET name = excluded.name, standard = excluded.standard, version = excluded.version",
            )
            .bind(table.key)
            .bind(table.name)
            .bind(table.standard)
            .bind(table.version)
            .execute(&mut *tx)
            .await?;
            for e in table.entries {
                sqlx::query(
                    "INSERT INTO code_entries (table_key, code, name, version) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (table_key, code) DO UPDATE
                     SET name = excluded.name, version = excluded.version, retired_at = NULL",
                )
                .bind(table.key)
                .bind(e.code)
                .bind(e.name)
                .bind(table.version)
                .execute(&mut *tx)
                .await?;
            }
            let current: Vec<String> = sqlx::query_scalar(
                "SELECT code FROM code_entries WHERE table_key = $1 AND retired_at IS NULL",
            )
            .bind(table.key)
            .fetch_all(&mut *tx)
            .await?;
            let mut retired = 0;
            for code in current.iter().filter(|c| table.name_of(c).is_none()) {
                retired += sqlx::query(
                    "UPDATE code_entries SET retired_at = $1 WHERE table_key = $2 AND code = $3",
                )
                .bind(now)
                .bind(table.key)
                .bind(code)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(retired)
        })?;
        Ok(retired)
    }

    /// Every code of a table, current and retired, in code order.
    pub async fn code_entries(&self, table_key: &str) -> Result<Vec<CodeEntryRecord>> {
        const SQL: &str = "SELECT code, name, version, retired_at IS NOT NULL AS retired
            FROM code_entries WHERE table_key = $1 ORDER BY code";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(table_key)
            .fetch_all(p)
            .await)?)
    }
}
