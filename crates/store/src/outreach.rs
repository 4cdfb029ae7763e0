//! 送法下乡 — the outreach teams, their activities (recorded once per client id) with photos, and
//! the activities' counts by team and township over a period within an org prefix.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};

/// 法治服务小分队 — a team as stored, with its activities in a period counted by the reader.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutreachTeamRecord {
    pub id: i64,
    pub name: String,
    pub lead_unit: String,
    pub officers: i64,
    pub org_code: String,
}

/// An activity as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutreachActivity {
    pub client_id: String,
    pub kind: String,
    pub team_id: Option<i64>,
    pub org_code: String,
    pub place: String,
    pub held_on: NaiveDate,
    pub officers: i64,
    pub people_reached: i64,
    pub materials: i64,
    pub questions: i64,
    pub summary: String,
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// 法治宣传活动 — an activity as stored, with its team's name and how many photos it has.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutreachActivityRecord {
    pub id: i64,
    pub kind: String,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub org_code: String,
    pub place: String,
    pub held_on: NaiveDate,
    pub officers: i64,
    pub people_reached: i64,
    pub materials: i64,
    pub questions: i64,
    pub summary: String,
    pub photos: i64,
}

/// The activities of one team (none: without a team), township and kind in a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutreachCount {
    pub team_id: Option<i64>,
    pub township: String,
    pub kind: String,
    pub activities: i64,
    pub officers: i64,
    pub people_reached: i64,
    pub materials: i64,
    pub questions: i64,
}

/// A photo of an activity as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutreachPhotoRecord {
    pub id: i64,
    pub activity_id: i64,
    pub content_type: String,
    pub digest: String,
}

const ACTIVITY_COLUMNS: &str = "SELECT a.id, a.kind, a.team_id, t.name AS team_name, a.org_code,
        a.place, a.held_on, a.officers, a.people_reached, a.materials, a.questions, a.summary,
        (SELECT COUNT(*) FROM outreach_photos p WHERE p.activity_id = a.id) AS photos
   FROM outreach_activities a LEFT JOIN outreach_teams t ON t.id = a.team_id";

impl Store {
    /// Adds a team; a name already used is a conflict.
    pub async fn insert_outreach_team(
        &self,
        name: &str,
        lead_unit: &str,
        officers: i64,
        org_code: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO outreach_teams (name, lead_unit, officers, org_code, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(name)
            .bind(lead_unit)
            .bind(officers)
            .bind(org_code)
            .bind(at)
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// The teams kept within `prefix` or above it (the district's teams serve every township),
    /// by id.
    pub async fn outreach_teams(&self, prefix: &str) -> Result<Vec<OutreachTeamRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT id, name, lead_unit, officers, org_code FROM outreach_teams
                  WHERE org_code LIKE $1 || '%' OR $1 LIKE org_code || '%' ORDER BY id",
            )
            .bind(prefix)
            .fetch_all(db)
            .await
        })?)
    }

    /// Records an activity; `false` when its client id was recorded before (nothing new).
    pub async fn insert_outreach_activity(&self, a: &NewOutreachActivity) -> Result<(i64, bool)> {
        let made: Option<(i64,)> = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO outreach_activities (client_id, kind, team_id, org_code, place,
                     held_on, officers, people_reached, materials, questions, summary,
                     recorded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (client_id) DO NOTHING RETURNING id",
            )
            .bind(&a.client_id)
            .bind(&a.kind)
            .bind(a.team_id)
            .bind(&a.org_code)
            .bind(&a.place)
            .bind(a.held_on)
            .bind(a.officers)
            .bind(a.people_reached)
            .bind(a.materials)
            .bind(a.questions)
            .bind(&a.summary)
            .bind(a.recorded_by)
            .bind(a.at)
            .fetch_optional(db)
            .await
        })?;
        if let Some((id,)) = made {
            return Ok((id, true));
        }
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as("SELECT id FROM outreach_activities WHERE client_id = $1")
                .bind(&a.client_id)
                .fetch_one(db)
                .await
        })?;
        Ok((id, false))
    }

    /// One activity, if it was held under `prefix`.
    pub async fn outreach_activity(
        &self,
        id: i64,
        prefix: &str,
    ) -> Result<Option<OutreachActivityRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{ACTIVITY_COLUMNS} WHERE a.id = $1 AND a.org_code LIKE $2 || '%'"
            )))
            .bind(id)
            .bind(prefix)
            .fetch_optional(db)
            .await
        })?)
    }

    /// The latest activities under `prefix` held `from..=to`, newest first, at most `limit`.
    pub async fn outreach_activities(
        &self,
        prefix: &str,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<OutreachActivityRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{ACTIVITY_COLUMNS} WHERE a.org_code LIKE $1 || '%' AND a.held_on >= $2
                   AND a.held_on <= $3 ORDER BY a.held_on DESC, a.id DESC LIMIT $4"
            )))
            .bind(prefix)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(db)
            .await
        })?)
    }

    /// The activities under `prefix` held `from..=to`, counted by team, township and kind.
    pub async fn outreach_counts(
        &self,
        prefix: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OutreachCount>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT team_id, SUBSTR(org_code, 1, 9) AS township, kind,
                        CAST(COUNT(*) AS BIGINT) AS activities,
                        CAST(SUM(officers) AS BIGINT) AS officers,
                        CAST(SUM(people_reached) AS BIGINT) AS people_reached,
                        CAST(SUM(materials) AS BIGINT) AS materials,
                        CAST(SUM(questions) AS BIGINT) AS questions
                   FROM outreach_activities
                  WHERE org_code LIKE $1 || '%' AND held_on >= $2 AND held_on <= $3
                  GROUP BY team_id, SUBSTR(org_code, 1, 9), kind",
            )
            .bind(prefix)
            .bind(from)
            .bind(to)
            .fetch_all(db)
            .await
        })?)
    }

    /// Adds photos to an activity: (content type, size, digest) each.
    pub async fn add_outreach_photos(
        &self,
        activity_id: i64,
        photos: &[(String, i64, String)],
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            for (content_type, size, digest) in photos {
                sqlx::query(
                    "INSERT INTO outreach_photos (activity_id, content_type, size, digest,
                         created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(activity_id)
                .bind(content_type)
                .bind(size)
                .bind(digest)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// An activity's photos, in upload order.
    pub async fn outreach_photos(&self, activity_id: i64) -> Result<Vec<OutreachPhotoRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT id, activity_id, content_type, digest FROM outreach_photos
                  WHERE activity_id = $1 ORDER BY id",
            )
            .bind(activity_id)
            .fetch_all(db)
            .await
        })?)
    }
}
