//! 公安统计 — the monthly public-security figures of each township, and their sums over a span of
//! months within an org prefix.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// One monthly figure as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoliceFigureRow {
    pub township: String,
    /// `YYYY-MM`.
    pub month: String,
    pub figure: String,
    pub value: i64,
}

impl Store {
    /// Writes monthly figures, each replacing the township's earlier figure for that month, in
    /// one transaction.
    pub async fn put_police_figures(
        &self,
        rows: &[PoliceFigureRow],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for r in rows {
                sqlx::query(
                    "INSERT INTO police_figures (township, month, figure, value, entered_by,
                        entered_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (township, month, figure) DO UPDATE SET value = excluded.value,
                        entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                )
                .bind(&r.township)
                .bind(&r.month)
                .bind(&r.figure)
                .bind(r.value)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The sum of each figure over the months `from`..=`to` (`YYYY-MM`) of the townships within
    /// the org prefix.
    pub async fn police_sums(
        &self,
        prefix: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, i64)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT figure, CAST(SUM(value) AS BIGINT) FROM police_figures
                 WHERE month >= $1 AND month <= $2
                   AND township LIKE $3 || '%'
                 GROUP BY figure",
            )
            .bind(from)
            .bind(to)
            .bind(prefix)
            .fetch_all(p)
            .await
        })?)
    }

    /// The latest month of `year` with any figure within the org prefix.
    pub async fn police_latest_month(&self, prefix: &str, year: i32) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT MAX(month) FROM police_figures
                 WHERE month LIKE $1 AND township LIKE $2 || '%'",
            )
            .bind(format!("{year}-%"))
            .bind(prefix)
            .fetch_optional(p)
            .await
        })?;
        Ok(row.and_then(|r| r.0))
    }
}
