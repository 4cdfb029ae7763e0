//! 调解统计 — the mediation indicators of a scope and period, counted from the disputes
//! themselves (no figure is kept apart from the records it counts).

use crate::cases::scope_binds;
use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;

/// Counts of one combination of type, source, township and organisation in a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DisputeCount {
    pub dispute_type: String,
    pub source: String,
    /// The township (乡镇街道) code the disputes lie in.
    pub township: String,
    /// The organisation leading them (none before assignment).
    pub department_id: Option<i64>,
    /// 受理数: registered in the period.
    pub received: i64,
    /// 调解成功数: concluded with an agreement in the period.
    pub succeeded: i64,
    /// 调解不成: concluded without one in the period.
    pub failed: i64,
    /// 协议金额 of those that succeeded, in fen.
    pub amount_fen: i64,
    /// Registered in the period and taken to court.
    pub litigated: i64,
    /// 防止民转刑 among those that succeeded in the period.
    pub prevented_crime: i64,
    /// 防止群体性上访 among those that succeeded in the period.
    pub prevented_petition: i64,
}

/// The totals of a scope and period, for comparing with another.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DisputeTotals {
    pub received: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub amount_fen: i64,
    /// Road-accident disputes registered in the period and taken to court.
    pub traffic_litigated: i64,
}

/// The disputes of a period, one row for each registered in it and one for each whose mediation
/// ended in it, over `$3`..`$4` with the scope as `$1` (org prefix) and `$2` (a department: on the
/// case or its referrer), `true`/`false` as `$5`/`$6`. Each half is one range of an index that
/// holds every column it reads (`disputes_stats_created`, `disputes_stats_concluded`): no case row
/// is read, unless the scope is a department's.
macro_rules! counted {
    () => {
        concat!(
            "(SELECT x.dispute_type, x.source, SUBSTR(x.org_code, 1, 9) AS township,
                     x.department_id, 1 AS received, 0 AS succeeded, 0 AS failed, 0 AS amount_fen,
                     CASE WHEN x.litigated = $5 THEN 1 ELSE 0 END AS litigated,
                     0 AS prevented_crime, 0 AS prevented_petition
              FROM disputes x
              WHERE x.created_at >= $3 AND x.created_at < $4 AND ",
            stats_scope!(),
            "UNION ALL
              SELECT x.dispute_type, x.source, SUBSTR(x.org_code, 1, 9) AS township,
                     x.department_id, 0, CASE WHEN x.succeeded = $5 THEN 1 ELSE 0 END,
                     CASE WHEN x.succeeded = $6 THEN 1 ELSE 0 END,
                     CASE WHEN x.succeeded = $5 THEN COALESCE(x.amount_fen, 0) ELSE 0 END, 0,
                     CASE WHEN x.succeeded = $5 AND x.prevented_crime = $5 THEN 1 ELSE 0 END,
                     CASE WHEN x.succeeded = $5 AND x.prevented_petition = $5 THEN 1 ELSE 0 END
              FROM disputes x
              WHERE x.concluded_at >= $3 AND x.concluded_at < $4 AND ",
            stats_scope!(),
            ") counted"
        )
    };
}

/// The scope of `dispute_scoped!` (in `disputes/mod.rs`) over the dispute's own copy of its place.
macro_rules! stats_scope {
    () => {
        "($1 IS NULL OR x.org_code LIKE $1 || '%')
         AND ($2 IS NULL OR x.referrer_department_id = $2
              OR EXISTS (SELECT 1 FROM case_departments d
                         WHERE d.case_id = x.case_id AND d.department_id = $2)) "
    };
}

impl Store {
    /// The dispute counts of `scope` for `[from, to)`, by type, source, township and
    /// organisation: received by the day of registration, succeeded and failed by the day
    /// mediation ended.
    pub async fn dispute_stats(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DisputeCount>> {
        const SQL: &str = concat!(
            "SELECT dispute_type, source, township, department_id,
                    CAST(SUM(received) AS BIGINT) AS received,
                    CAST(SUM(succeeded) AS BIGINT) AS succeeded,
                    CAST(SUM(failed) AS BIGINT) AS failed,
                    CAST(SUM(amount_fen) AS BIGINT) AS amount_fen,
                    CAST(SUM(litigated) AS BIGINT) AS litigated,
                    CAST(SUM(prevented_crime) AS BIGINT) AS prevented_crime,
                    CAST(SUM(prevented_petition) AS BIGINT) AS prevented_petition
             FROM ",
            counted!(),
            " GROUP BY dispute_type, source, township, department_id"
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .persistent(self.plans_are_generic_safe())
                .bind(&org)
                .bind(dept)
                .bind(from)
                .bind(to)
                .bind(true)
                .bind(false)
                .fetch_all(p)
                .await
        })?)
    }

    /// The totals of `scope` for `[from, to)` (see [`Store::dispute_stats`]).
    pub async fn dispute_totals(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<DisputeTotals> {
        const SQL: &str = concat!(
            "SELECT CAST(COALESCE(SUM(received), 0) AS BIGINT) AS received,
                    CAST(COALESCE(SUM(succeeded), 0) AS BIGINT) AS succeeded,
                    CAST(COALESCE(SUM(failed), 0) AS BIGINT) AS failed,
                    CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS amount_fen,
                    CAST(COALESCE(SUM(CASE WHEN dispute_type = '13' THEN litigated ELSE 0 END), 0)
                         AS BIGINT) AS traffic_litigated
             FROM ",
            counted!()
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .persistent(self.plans_are_generic_safe())
                .bind(&org)
                .bind(dept)
                .bind(from)
                .bind(to)
                .bind(true)
                .bind(false)
                .fetch_one(p)
                .await
        })?)
    }
}
