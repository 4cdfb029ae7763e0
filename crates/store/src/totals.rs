//! 统计汇总 — the kept totals of the cases (`case_totals`): by kind, org unit at each level, day
//! and month (Asia/Shanghai) and category; and the mediation figures (`dispute_totals`, read in
//! `cases/disputes/stats.rs`). The database keeps them current with triggers in the transaction
//! that changes a record (migrations 0023 and 0030); this module reads the cases', recounts both
//! from the records (`pingan stats rebuild`) and compares them with a count from the records.

use crate::{Result, Store, dispatch};
use sqlx::AssertSqlSafe;

/// How fine a kept period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// A day, `YYYY-MM-DD`.
    Day,
    /// A month, `YYYY-MM`.
    Month,
}

impl Grain {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Grain::Day => "d",
            Grain::Month => "m",
        }
    }
}

/// The kept totals of one unit, period and category of a kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseTotalRow {
    pub unit: String,
    /// `YYYY-MM-DD` or `YYYY-MM`, as the grain asked.
    pub period: String,
    pub category: String,
    /// 受理: registered in the period.
    pub received: i64,
    /// 办结: concluded in the period.
    pub concluded: i64,
    /// Of those concluded, after their step's deadline.
    pub late: i64,
    /// Of those concluded, rated by the reporter.
    pub rated: i64,
    /// Of those rated, 满意 or 基本满意.
    pub satisfied: i64,
    /// Minutes from registration to conclusion, summed over those concluded.
    pub minutes: i64,
}

/// Cases open now in a unit, by alert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenCounts {
    pub open: i64,
    /// 黄牌.
    pub yellow: i64,
    /// 红牌 (overdue).
    pub red: i64,
}

/// A table of kept totals: its key columns, its figures and the view of what each record adds.
struct KeptTable {
    table: &'static str,
    view: &'static str,
    keys: &'static str,
    figures: &'static [&'static str],
}

/// The kept totals: the cases' (migration 0023) and the disputes' mediation figures (0030).
const KEPT_TABLES: [KeptTable; 2] = [
    KeptTable {
        table: "case_totals",
        view: "case_contributions",
        keys: "kind, unit, grain, period, category",
        figures: &[
            "received",
            "concluded",
            "late",
            "rated",
            "satisfied",
            "minutes",
        ],
    },
    KeptTable {
        table: "dispute_totals",
        view: "dispute_contributions",
        keys: "unit, grain, period, dim, key",
        figures: &[
            "received",
            "succeeded",
            "failed",
            "amount_fen",
            "traffic_litigated",
            "prevented_crime",
            "prevented_petition",
        ],
    },
];

impl KeptTable {
    /// The totals summed over the records, one row for each key (what the table must hold).
    fn counted(&self) -> String {
        let sums: Vec<String> = self
            .figures
            .iter()
            .map(|f| format!("CAST(SUM({f}) AS BIGINT) AS {f}"))
            .collect();
        format!(
            "SELECT {keys}, {sums} FROM {view} GROUP BY {keys}",
            keys = self.keys,
            sums = sums.join(", "),
            view = self.view
        )
    }

    /// The kept rows that count anything (a record moving away leaves zeros behind).
    fn kept(&self) -> String {
        let figures: Vec<String> = self
            .figures
            .iter()
            .map(|f| format!("CAST({f} AS BIGINT) AS {f}"))
            .collect();
        let any: Vec<String> = self.figures.iter().map(|f| format!("{f} <> 0")).collect();
        format!(
            "SELECT {keys}, {figures} FROM {table} WHERE {any}",
            keys = self.keys,
            figures = figures.join(", "),
            table = self.table,
            any = any.join(" OR ")
        )
    }
}

impl Store {
    /// The kept totals of `kind` for each of `units` over the periods `from`..=`to` of `grain`,
    /// one row per unit, period and category that counts anything.
    pub async fn case_totals(
        &self,
        kind: &str,
        units: &[String],
        grain: Grain,
        from: &str,
        to: &str,
    ) -> Result<Vec<CaseTotalRow>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..units.len()).map(|i| format!("${}", i + 5)).collect();
        let sql = format!(
            "SELECT unit, period, category, CAST(received AS BIGINT) AS received,
                    CAST(concluded AS BIGINT) AS concluded, CAST(late AS BIGINT) AS late,
                    CAST(rated AS BIGINT) AS rated, CAST(satisfied AS BIGINT) AS satisfied,
                    CAST(minutes AS BIGINT) AS minutes
               FROM case_totals
              WHERE kind = $1 AND grain = $2 AND period >= $3 AND period <= $4
                AND unit IN ({})
                AND (received <> 0 OR concluded <> 0)",
            list.join(", ")
        );
        Ok(dispatch!(self, |p| {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(kind)
                .bind(grain.key())
                .bind(from)
                .bind(to);
            for u in units {
                q = q.bind(u);
            }
            q.fetch_all(p).await
        })?)
    }

    /// The kept totals of `kind` summed for each unit whose code is one of two lengths under the
    /// org `prefix` (a district's townships and its grids) over the periods `from`..=`to` of
    /// `grain` (period and category left empty): one range of `case_totals_period`, however
    /// many units, and one row per unit.
    pub async fn case_totals_under(
        &self,
        kind: &str,
        prefix: &str,
        unit_lens: (usize, usize),
        grain: Grain,
        from: &str,
        to: &str,
    ) -> Result<Vec<CaseTotalRow>> {
        // The prefix as an expression, not a range of `unit`: a range would lead SQLite to the
        // primary key (every period of every unit under the prefix, 60 ms for a district's
        // disputes) instead of the period index (one span of periods).
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT unit, '' AS period, '' AS category,
                        CAST(SUM(received) AS BIGINT) AS received,
                        CAST(SUM(concluded) AS BIGINT) AS concluded,
                        CAST(SUM(late) AS BIGINT) AS late, CAST(SUM(rated) AS BIGINT) AS rated,
                        CAST(SUM(satisfied) AS BIGINT) AS satisfied,
                        CAST(SUM(minutes) AS BIGINT) AS minutes
                   FROM case_totals
                  WHERE kind = $1 AND grain = $2 AND period >= $3 AND period <= $4
                    AND substr(unit, 1, CAST($5 AS INTEGER)) = $6
                    AND length(unit) IN ($7, $8)
                  GROUP BY unit",
            )
            .bind(kind)
            .bind(grain.key())
            .bind(from)
            .bind(to)
            .bind(i64::try_from(prefix.len()).unwrap_or(0))
            .bind(prefix)
            .bind(i64::try_from(unit_lens.0).unwrap_or(15))
            .bind(i64::try_from(unit_lens.1).unwrap_or(15))
            .fetch_all(p)
            .await
        })?)
    }

    /// The cases of `kind` open now within the org prefix, by alert.
    pub async fn open_case_counts(&self, kind: &str, prefix: &str) -> Result<OpenCounts> {
        let Some((low, high)) = crate::sql::prefix_range(prefix) else {
            return Ok(OpenCounts::default());
        };
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT CAST(COUNT(*) AS BIGINT) AS open,
                        CAST(COALESCE(SUM(CASE WHEN alert = 'yellow' THEN 1 ELSE 0 END), 0)
                             AS BIGINT) AS yellow,
                        CAST(COALESCE(SUM(CASE WHEN alert = 'red' THEN 1 ELSE 0 END), 0)
                             AS BIGINT) AS red
                   FROM cases
                  WHERE open = $1 AND kind = $2 AND org_code >= $3
                    AND ($4 IS NULL OR org_code < $4)",
            )
            .bind(true)
            .bind(kind)
            .bind(&low)
            .bind(&high)
            .fetch_one(p)
            .await
        })?)
    }

    /// Recounts every kept total from the records, in one transaction; the number of rows kept.
    pub async fn rebuild_totals(&self) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut kept = 0;
            for t in &KEPT_TABLES {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM {}", t.table)))
                    .execute(&mut *tx)
                    .await?;
                let insert = format!(
                    "INSERT INTO {} ({}, {}) {}",
                    t.table,
                    t.keys,
                    t.figures.join(", "),
                    t.counted()
                );
                kept += sqlx::query(AssertSqlSafe(insert))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(kept)
        })?)
    }

    /// How many kept rows differ from a count from the records — rows kept but not counted, or
    /// counted but not kept, or with other figures (each such key counts twice), over every kept
    /// table. Zero when the kept totals are right.
    pub async fn totals_drift(&self) -> Result<i64> {
        let mut drift = 0;
        for t in &KEPT_TABLES {
            let (kept, counted) = (t.kept(), t.counted());
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT * FROM ({kept}) k EXCEPT
                    SELECT * FROM ({counted}) c) a
                 UNION ALL
                 SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT * FROM ({counted}) c EXCEPT
                    SELECT * FROM ({kept}) k) b"
            );
            let rows: Vec<(i64,)> = dispatch!(self, |p| {
                sqlx::query_as(AssertSqlSafe(sql.clone()))
                    .fetch_all(p)
                    .await
            })?;
            drift += rows.iter().map(|r| r.0).sum::<i64>();
        }
        Ok(drift)
    }
}

impl Store {
    /// The active rows of `kind` (`persons`, `households`, `places`) under the org prefix, from
    /// the counts migration 0014's triggers keep.
    pub async fn registry_total(&self, kind: &str, prefix: &str) -> Result<i64> {
        let total = self.kept_total(kind, prefix).await?;
        Ok(i64::try_from(total.count).unwrap_or(i64::MAX))
    }
}
