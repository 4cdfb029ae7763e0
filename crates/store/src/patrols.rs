//! 巡防 — patrol teams and their members, key segments, patrols with their positions, and the cover
//! each batch of positions gave, written with the batch in one transaction.

use crate::sql::{prefix_range, values};
use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;

/// A team as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPatrolTeam {
    pub name: String,
    pub level: String,
    pub kind: String,
    pub org_code: String,
    pub headcount: i64,
    pub vehicle_plate: Option<String>,
    pub members: Vec<i64>,
    pub at: DateTime<Utc>,
}

/// 巡防队伍 — a team as stored, with how many member accounts it has.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PatrolTeamRecord {
    pub id: i64,
    pub name: String,
    pub level: String,
    pub kind: String,
    pub org_code: String,
    pub headcount: i64,
    pub vehicle_plate: Option<String>,
    pub accounts: i64,
}

const TEAM_COLUMNS: &str = "SELECT t.id, t.name, t.level, t.kind, t.org_code, t.headcount,
    t.vehicle_plate, (SELECT COUNT(*) FROM patrol_team_members m WHERE m.team_id = t.id) AS accounts
    FROM patrol_teams t";

/// A key segment as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewKeySegment {
    pub name: String,
    pub kind: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub shape: String,
    pub closed: bool,
    pub radius_m: i64,
    pub windows: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// 重点部位 — a key segment as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct KeySegmentRecord {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub shape: String,
    pub closed: bool,
    pub radius_m: i64,
    pub windows: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

const SEGMENT_COLUMNS: &str = "SELECT s.id, s.name, s.kind, s.org_code, s.place_id, s.shape,
    s.closed, s.radius_m, s.windows, s.valid_from, s.valid_to FROM key_segments s";

/// 巡逻 — a patrol as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PatrolRecord {
    pub id: i64,
    pub client_id: String,
    pub team_id: i64,
    pub team_name: String,
    pub user_id: i64,
    pub org_code: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub last_lon: Option<f64>,
    pub last_lat: Option<f64>,
    pub last_at: Option<DateTime<Utc>>,
    pub positions: i64,
}

const PATROL_COLUMNS: &str = "SELECT p.id, p.client_id, p.team_id, t.name AS team_name, p.user_id,
    p.org_code, p.started_at, p.ended_at, p.last_lon, p.last_lat, p.last_at, p.positions
    FROM patrols p JOIN patrol_teams t ON t.id = p.team_id";

/// One position of a track.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct TrackPoint {
    pub at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
}

/// A shift as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewShift {
    pub team_id: i64,
    pub day: NaiveDate,
    pub slot: String,
    pub headcount: i64,
    /// Space-separated account ids.
    pub members: String,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// 排班 — a team's shift on a day, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ShiftRecord {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub team_org: String,
    pub day: NaiveDate,
    pub slot: String,
    pub headcount: i64,
    pub members: String,
}

/// 联勤联动 — a patrol sent to an event, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DispatchRecord {
    pub id: i64,
    pub event_id: i64,
    pub patrol_id: i64,
    pub team_name: String,
    pub lon: f64,
    pub lat: f64,
    pub distance_m: i64,
    pub dispatched_at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
}

const DISPATCH_COLUMNS: &str = "SELECT d.id, d.event_id, d.patrol_id, t.name AS team_name, d.lon,
    d.lat, d.distance_m, d.dispatched_at, d.arrived_at
    FROM patrol_dispatches d JOIN patrols p ON p.id = d.patrol_id
    JOIN patrol_teams t ON t.id = p.team_id";

/// Cover a piece of track gave: a segment's window on a day, by a team, first at.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CoverRecord {
    pub segment_id: i64,
    pub day: NaiveDate,
    pub slot: i64,
    pub team_id: i64,
    pub first_at: DateTime<Utc>,
}

impl Store {
    /// Adds a team with its member accounts; the same name twice in one area is a conflict.
    pub async fn insert_patrol_team(&self, t: &NewPatrolTeam) -> Result<i64> {
        let id = dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO patrol_teams (name, level, kind, org_code, headcount, vehicle_plate,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&t.name)
            .bind(&t.level)
            .bind(&t.kind)
            .bind(&t.org_code)
            .bind(t.headcount)
            .bind(&t.vehicle_plate)
            .bind(t.at)
            .fetch_one(&mut *tx)
            .await?;
            for user in &t.members {
                sqlx::query("INSERT INTO patrol_team_members (team_id, user_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await.map(|()| id)
        })?;
        Ok(id)
    }

    /// The teams of an area, by area and name.
    pub async fn patrol_teams(&self, prefix: &str) -> Result<Vec<PatrolTeamRecord>> {
        self.in_area(TEAM_COLUMNS, "t.org_code", "t.org_code, t.name", prefix)
            .await
    }

    /// One team of `scope`.
    pub async fn patrol_team(&self, id: i64, scope: &Scope) -> Result<Option<PatrolTeamRecord>> {
        self.fetch_in_scope(TEAM_COLUMNS, "t.id", "t.org_code", id, scope)
            .await
    }

    /// The teams an account is a member of.
    pub async fn teams_of(&self, user_id: i64) -> Result<Vec<PatrolTeamRecord>> {
        let sql = format!(
            "{TEAM_COLUMNS} WHERE t.id IN (SELECT team_id FROM patrol_team_members
                 WHERE user_id = $1) ORDER BY t.name"
        );
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(user_id)
                .fetch_all(db)
                .await
        })?)
    }

    /// The ids of a team's member accounts.
    pub async fn team_member_ids(&self, team_id: i64) -> Result<Vec<i64>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_scalar("SELECT user_id FROM patrol_team_members WHERE team_id = $1")
                .bind(team_id)
                .fetch_all(db)
                .await
        })?)
    }

    /// Adds a key segment.
    pub async fn insert_key_segment(&self, s: &NewKeySegment) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO key_segments (name, kind, org_code, place_id, shape, closed, radius_m,
                     windows, valid_from, valid_to, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(&s.name)
            .bind(&s.kind)
            .bind(&s.org_code)
            .bind(s.place_id)
            .bind(&s.shape)
            .bind(s.closed)
            .bind(s.radius_m)
            .bind(&s.windows)
            .bind(s.valid_from)
            .bind(s.valid_to)
            .bind(s.at)
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// Takes a key segment off (its cover so far stays); false when it was not active.
    pub async fn retire_key_segment(&self, id: i64) -> Result<bool> {
        let n = dispatch!(self, |db| {
            sqlx::query("UPDATE key_segments SET active = FALSE WHERE id = $1 AND active")
                .bind(id)
                .execute(db)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// The active key segments of an area, by area and id.
    pub async fn key_segments(&self, prefix: &str) -> Result<Vec<KeySegmentRecord>> {
        let select = format!("{SEGMENT_COLUMNS} WHERE s.active AND");
        self.in_area(&select, "s.org_code", "s.org_code, s.id", prefix)
            .await
    }

    /// One key segment of `scope`.
    pub async fn key_segment(&self, id: i64, scope: &Scope) -> Result<Option<KeySegmentRecord>> {
        self.fetch_in_scope(SEGMENT_COLUMNS, "s.id", "s.org_code", id, scope)
            .await
    }

    /// The rows of `select` (which ends in `FROM …` or `WHERE … AND`) whose `column` lies under
    /// `prefix`, in `order`.
    async fn in_area<T>(
        &self,
        select: &str,
        column: &str,
        order: &str,
        prefix: &str,
    ) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let Some((low, high)) = prefix_range(prefix) else {
            return Ok(Vec::new());
        };
        let joiner = if select.trim_end().ends_with("AND") {
            ""
        } else {
            "WHERE"
        };
        let sql = format!(
            "{select} {joiner} {column} >= $1 AND ($2 IS NULL OR {column} < $2) ORDER BY {order}"
        );
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&low)
                .bind(&high)
                .fetch_all(db)
                .await
        })?)
    }

    /// Starts a patrol, once per `client_id`: a second start with the same id answers the first
    /// (false).
    pub async fn start_patrol(
        &self,
        client_id: &str,
        team_id: i64,
        user_id: i64,
        org_code: &str,
        at: DateTime<Utc>,
    ) -> Result<(i64, bool)> {
        let inserted: Option<(i64,)> = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO patrols (client_id, team_id, user_id, org_code, started_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id) DO NOTHING RETURNING id",
            )
            .bind(client_id)
            .bind(team_id)
            .bind(user_id)
            .bind(org_code)
            .bind(at)
            .fetch_optional(db)
            .await
        })?;
        if let Some((id,)) = inserted {
            return Ok((id, true));
        }
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as("SELECT id FROM patrols WHERE client_id = $1")
                .bind(client_id)
                .fetch_one(db)
                .await
        })?;
        Ok((id, false))
    }

    /// A patrol by id (the caller checks whose it is or that its area is in scope).
    pub async fn patrol(&self, id: i64) -> Result<Option<PatrolRecord>> {
        let sql = format!("{PATROL_COLUMNS} WHERE p.id = $1");
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(db)
                .await
        })?)
    }

    /// The patrols of an area started since `since`, newest first.
    pub async fn patrols_since(
        &self,
        prefix: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<PatrolRecord>> {
        let Some((low, high)) = prefix_range(prefix) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "{PATROL_COLUMNS} WHERE p.org_code >= $1 AND ($2 IS NULL OR p.org_code < $2)
               AND p.started_at >= $3 ORDER BY p.started_at DESC, p.id DESC LIMIT 2000"
        );
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&low)
                .bind(&high)
                .bind(since)
                .fetch_all(db)
                .await
        })?)
    }

    /// An account's own patrols started since `since`, newest first.
    pub async fn patrols_of(
        &self,
        user_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<PatrolRecord>> {
        let sql = format!(
            "{PATROL_COLUMNS} WHERE p.user_id = $1 AND p.started_at >= $2
             ORDER BY p.started_at DESC, p.id DESC LIMIT 100"
        );
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(user_id)
                .bind(since)
                .fetch_all(db)
                .await
        })?)
    }

    /// The position of a patrol just before `at`, to join a batch to the track before it.
    pub async fn position_before(
        &self,
        patrol_id: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<TrackPoint>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT at, lon, lat FROM patrol_positions WHERE patrol_id = $1 AND at < $2
                 ORDER BY at DESC LIMIT 1",
            )
            .bind(patrol_id)
            .bind(at)
            .fetch_optional(db)
            .await
        })?)
    }

    /// A patrol's track, in time order.
    pub async fn patrol_track(&self, patrol_id: i64) -> Result<Vec<TrackPoint>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT at, lon, lat FROM patrol_positions WHERE patrol_id = $1 ORDER BY at",
            )
            .bind(patrol_id)
            .fetch_all(db)
            .await
        })?)
    }

    /// Records a batch of positions and the cover it gave, once per `client_id`: the positions
    /// (a time already held is kept as it was), the cover rows (the first time a team covered a
    /// window stays), the arrivals at events it was sent to, and the patrol's last position if
    /// the batch is newer. None when the batch was
    /// received before; else how many positions were new.
    pub async fn record_positions(
        &self,
        patrol_id: i64,
        client_id: &str,
        points: &[TrackPoint],
        covers: &[CoverRecord],
        arrivals: &[(i64, DateTime<Utc>)],
        at: DateTime<Utc>,
    ) -> Result<Option<u64>> {
        let done = dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            let fresh = sqlx::query(
                "INSERT INTO patrol_batches (patrol_id, client_id, positions, received_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (patrol_id, client_id) DO NOTHING",
            )
            .bind(patrol_id)
            .bind(client_id)
            .bind(i64::try_from(points.len()).unwrap_or(i64::MAX))
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if fresh == 0 {
                tx.rollback().await?;
                return Ok(None);
            }
            let mut new = 0;
            for chunk in points.chunks(300) {
                let sql = format!(
                    "INSERT INTO patrol_positions (patrol_id, at, lon, lat) VALUES {}
                     ON CONFLICT (patrol_id, at) DO NOTHING",
                    values(chunk.len(), 4)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for p in chunk {
                    q = q.bind(patrol_id).bind(p.at).bind(p.lon).bind(p.lat);
                }
                new += q.execute(&mut *tx).await?.rows_affected();
            }
            for chunk in covers.chunks(200) {
                let sql = format!(
                    "INSERT INTO segment_cover (segment_id, day, slot, team_id, first_at) VALUES {}
                     ON CONFLICT (segment_id, day, slot, team_id) DO UPDATE
                     SET first_at = excluded.first_at WHERE excluded.first_at < segment_cover.first_at",
                    values(chunk.len(), 5)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for c in chunk {
                    q = q
                        .bind(c.segment_id)
                        .bind(c.day)
                        .bind(c.slot)
                        .bind(c.team_id)
                        .bind(c.first_at);
                }
                q.execute(&mut *tx).await?;
            }
            for (dispatch, arrived) in arrivals {
                sqlx::query(
                    "UPDATE patrol_dispatches SET arrived_at = $2 WHERE id = $1 AND arrived_at IS NULL",
                )
                .bind(dispatch)
                .bind(arrived)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(last) = points.iter().max_by_key(|p| p.at) {
                sqlx::query(
                    "UPDATE patrols SET positions = positions + $2,
                         last_lon = CASE WHEN last_at IS NULL OR last_at < $5 THEN $3 ELSE last_lon END,
                         last_lat = CASE WHEN last_at IS NULL OR last_at < $5 THEN $4 ELSE last_lat END,
                         last_at = CASE WHEN last_at IS NULL OR last_at < $5 THEN $5 ELSE last_at END
                     WHERE id = $1",
                )
                .bind(patrol_id)
                .bind(i64::try_from(new).unwrap_or(i64::MAX))
                .bind(last.lon)
                .bind(last.lat)
                .bind(last.at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await.map(|()| Some(new))
        })?;
        Ok(done)
    }

    /// Adds a team's shift; the same team, day and window twice is a conflict.
    pub async fn insert_shift(&self, n: &NewShift) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO patrol_shifts (team_id, day, slot, headcount, members, created_by,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(n.team_id)
            .bind(n.day)
            .bind(&n.slot)
            .bind(n.headcount)
            .bind(&n.members)
            .bind(n.by)
            .bind(n.at)
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// The shifts of the teams of an area on a day, by team and window.
    pub async fn shifts_on(&self, prefix: &str, day: NaiveDate) -> Result<Vec<ShiftRecord>> {
        let Some((low, high)) = prefix_range(prefix) else {
            return Ok(Vec::new());
        };
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT s.id, s.team_id, t.name AS team_name, t.org_code AS team_org, s.day, s.slot,
                     s.headcount, s.members
                 FROM patrol_shifts s JOIN patrol_teams t ON t.id = s.team_id
                 WHERE s.day = $3 AND t.org_code >= $1 AND ($2 IS NULL OR t.org_code < $2)
                 ORDER BY t.org_code, t.name, s.slot",
            )
            .bind(&low)
            .bind(&high)
            .bind(day)
            .fetch_all(db)
            .await
        })?)
    }

    /// Records that a patrol was sent to an event.
    pub async fn insert_dispatch(
        &self,
        event_id: i64,
        patrol_id: i64,
        place: (f64, f64),
        distance_m: i64,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO patrol_dispatches (event_id, patrol_id, lon, lat, distance_m,
                     dispatched_by, dispatched_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(event_id)
            .bind(patrol_id)
            .bind(place.0)
            .bind(place.1)
            .bind(distance_m)
            .bind(by)
            .bind(at)
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// The patrols sent to an event, oldest first.
    pub async fn dispatches_of_event(&self, event_id: i64) -> Result<Vec<DispatchRecord>> {
        self.dispatches_where("d.event_id = $1 ORDER BY d.id", event_id)
            .await
    }

    /// A patrol's dispatches it has not yet arrived at.
    pub async fn open_dispatches(&self, patrol_id: i64) -> Result<Vec<DispatchRecord>> {
        self.dispatches_where(
            "d.patrol_id = $1 AND d.arrived_at IS NULL ORDER BY d.id",
            patrol_id,
        )
        .await
    }

    async fn dispatches_where(&self, condition: &str, id: i64) -> Result<Vec<DispatchRecord>> {
        let sql = format!("{DISPATCH_COLUMNS} WHERE {condition}");
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_all(db)
                .await
        })?)
    }

    /// Ends a patrol (once: a second end keeps the first time); false when it had ended.
    pub async fn end_patrol(&self, patrol_id: i64, at: DateTime<Utc>) -> Result<bool> {
        let n = dispatch!(self, |db| {
            sqlx::query("UPDATE patrols SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL")
                .bind(patrol_id)
                .bind(at)
                .execute(db)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Records a check-in at a key segment.
    pub async fn insert_checkin(
        &self,
        patrol_id: i64,
        segment_id: i64,
        at: DateTime<Utc>,
        position: Option<(f64, f64)>,
        method: &str,
    ) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO patrol_checkins (patrol_id, segment_id, at, lon, lat, method)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(patrol_id)
            .bind(segment_id)
            .bind(at)
            .bind(position.map(|p| p.0))
            .bind(position.map(|p| p.1))
            .bind(method)
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// The cover of the segments of an area on the days `[from, to]`.
    pub async fn segment_covers(
        &self,
        prefix: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CoverRecord>> {
        let Some((low, high)) = prefix_range(prefix) else {
            return Ok(Vec::new());
        };
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT c.segment_id, c.day, c.slot, c.team_id, c.first_at
                 FROM segment_cover c JOIN key_segments s ON s.id = c.segment_id
                 WHERE c.day >= $3 AND c.day <= $4
                   AND s.org_code >= $1 AND ($2 IS NULL OR s.org_code < $2)
                 ORDER BY c.segment_id, c.day, c.slot, c.first_at",
            )
            .bind(&low)
            .bind(&high)
            .bind(from)
            .bind(to)
            .persistent(false)
            .fetch_all(db)
            .await
        })?)
    }
}
