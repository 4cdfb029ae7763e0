//! 调解统计 — the mediation indicators of a scope and period: for the district and a township
//! from the kept totals (`dispute_totals`, kept by the database in each dispute's transaction),
//! for any other scope counted from the disputes themselves.

use crate::cases::scope_binds;
use crate::{Grain, Result, Store, dispatch};
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

/// A breakdown of the mediation figures (see [`DisputeMargin`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeDim {
    /// 纠纷类型.
    Type,
    /// 来源.
    Source,
    /// 乡镇（街道）: each dispute under exactly one, so its lines sum to the totals.
    Township,
    /// 调解组织 (the lead organisation; `""` before assignment).
    Organisation,
}

impl DisputeDim {
    /// The breakdown's letter in `dispute_totals.dim`.
    pub fn key(self) -> &'static str {
        match self {
            DisputeDim::Type => "t",
            DisputeDim::Source => "s",
            DisputeDim::Township => "w",
            DisputeDim::Organisation => "o",
        }
    }
}

/// One line of one breakdown of the mediation figures over a span: a type, a source, a township
/// or an organisation with what its disputes count (the figures as in [`DisputeCount`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DisputeMargin {
    /// [`DisputeDim::key`].
    pub dim: String,
    pub key: String,
    pub received: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub amount_fen: i64,
    /// Road-accident disputes registered in the span and taken to court.
    pub traffic_litigated: i64,
    pub prevented_crime: i64,
    pub prevented_petition: i64,
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

    /// The kept mediation figures (`dispute_totals`, migration 0030) of the district or a
    /// township `unit` over the periods `from..=to` of `grain`, one row per breakdown line (only
    /// the townships' lines when `only` says so): one range of the primary key.
    pub async fn kept_dispute_margins(
        &self,
        unit: &str,
        grain: Grain,
        from: &str,
        to: &str,
        only: Option<DisputeDim>,
    ) -> Result<Vec<DisputeMargin>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT dim, key, CAST(SUM(received) AS BIGINT) AS received,
                        CAST(SUM(succeeded) AS BIGINT) AS succeeded,
                        CAST(SUM(failed) AS BIGINT) AS failed,
                        CAST(SUM(amount_fen) AS BIGINT) AS amount_fen,
                        CAST(SUM(traffic_litigated) AS BIGINT) AS traffic_litigated,
                        CAST(SUM(prevented_crime) AS BIGINT) AS prevented_crime,
                        CAST(SUM(prevented_petition) AS BIGINT) AS prevented_petition
                   FROM dispute_totals
                  WHERE unit = $1 AND grain = $2 AND period >= $3 AND period <= $4
                    AND ($5 IS NULL OR dim = $5)
                  GROUP BY dim, key
                 HAVING SUM(received) <> 0 OR SUM(succeeded) <> 0 OR SUM(failed) <> 0",
            )
            .bind(unit)
            .bind(grain.key())
            .bind(from)
            .bind(to)
            .bind(only.map(DisputeDim::key))
            .fetch_all(p)
            .await
        })?)
    }
}
