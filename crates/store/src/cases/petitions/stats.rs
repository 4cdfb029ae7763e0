//! 信访统计 — the petition indicators of a unit and period, and the 包案 load of each leader,
//! counted from the petitions themselves.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// Counts of the petitions registered in a period in one unit (乡镇街道, or 村社区).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct PetitionCount {
    pub unit: String,
    pub received: i64,
    /// 集体访.
    pub collective: i64,
    /// 越级.
    pub skipped_level: i64,
    /// 重复信访.
    pub repeated: i64,
    /// Decided on (受理 or not) so far, and of those within the limit.
    pub acceptance_due: i64,
    pub accepted_on_time: i64,
    /// Replied to (处理意见书) so far, and of those within the limit.
    pub replied: i64,
    pub replied_on_time: i64,
    /// Rated by the petitioner, and of those 满意 or 基本满意.
    pub rated: i64,
    pub satisfied: i64,
}

/// One leader's 包案 cases.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeaderLoad {
    pub leader_id: i64,
    pub leader_name: String,
    pub total: i64,
    pub open: i64,
    /// Open and past their step's deadline (红牌).
    pub overdue: i64,
}

impl Store {
    /// The petitions registered in `from`..`to` within the org prefix, by the unit whose code is
    /// the first `unit_len` digits of their place's (9: township, 12: village).
    pub async fn petition_counts(
        &self,
        prefix: &str,
        unit_len: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PetitionCount>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT SUBSTR(x.org_code, 1, CAST($5 AS INTEGER)) AS unit, COUNT(*) AS received,
                        SUM(CASE WHEN x.collective = $4 THEN 1 ELSE 0 END) AS collective,
                        SUM(CASE WHEN x.skipped_level = $4 THEN 1 ELSE 0 END) AS skipped_level,
                        SUM(CASE WHEN x.repeat_of IS NOT NULL THEN 1 ELSE 0 END) AS repeated,
                        SUM(CASE WHEN x.accepted_on_time IS NOT NULL THEN 1 ELSE 0 END)
                            AS acceptance_due,
                        SUM(CASE WHEN x.accepted_on_time = $4 THEN 1 ELSE 0 END)
                            AS accepted_on_time,
                        SUM(CASE WHEN x.replied_on_time IS NOT NULL THEN 1 ELSE 0 END) AS replied,
                        SUM(CASE WHEN x.replied_on_time = $4 THEN 1 ELSE 0 END) AS replied_on_time,
                        SUM(CASE WHEN x.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated,
                        SUM(CASE WHEN x.rating IN ('satisfied', 'fairly_satisfied') THEN 1 ELSE 0 END)
                            AS satisfied
                 FROM petitions x
                 WHERE x.created_at >= $2 AND x.created_at < $3 AND x.org_code LIKE $1 || '%'
                 GROUP BY 1 ORDER BY 1",
            )
            .bind(prefix)
            .bind(from)
            .bind(to)
            .bind(true)
            .bind(unit_len)
            .fetch_all(p)
            .await
        })?)
    }

    /// Every leader's 包案 petitions lying within the org prefix, the busiest first.
    pub async fn leader_loads(&self, prefix: &str) -> Result<Vec<LeaderLoad>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT x.leader_id AS leader_id, u.display_name AS leader_name,
                        COUNT(*) AS total,
                        SUM(CASE WHEN c.open = $2 THEN 1 ELSE 0 END) AS open,
                        SUM(CASE WHEN c.open = $2 AND c.alert = 'red' THEN 1 ELSE 0 END)
                            AS overdue
                 FROM petitions x JOIN cases c ON c.id = x.case_id
                      JOIN users u ON u.id = x.leader_id
                 WHERE x.org_code LIKE $1 || '%'
                 GROUP BY x.leader_id, u.display_name
                 ORDER BY 4 DESC, 3 DESC, 1",
            )
            .bind(prefix)
            .bind(true)
            .fetch_all(p)
            .await
        })?)
    }
}
