//! 一键报警与门禁 — alarm points and door controllers: their registry (with the sealed signing
//! key), the nonces that refuse replays, and when each was last heard.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// A new alarm point.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlarmPoint {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub lon: f64,
    pub lat: f64,
    pub address: Option<String>,
    pub key_sealed: Vec<u8>,
    pub heartbeat_secs: i64,
}

/// 报警点 — one alarm point or door controller as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AlarmPointRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub lon: f64,
    pub lat: f64,
    pub address: Option<String>,
    pub key_sealed: Vec<u8>,
    pub heartbeat_secs: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, code, name, kind, org_code, place_id, lon, lat, address, key_sealed,
    heartbeat_secs, last_seen_at, created_at";

impl Store {
    /// Registers an alarm point; a code in use is a conflict.
    pub async fn insert_alarm_point(&self, p: &NewAlarmPoint) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO alarm_points (code, name, kind, org_code, place_id, lon, lat, address,
                     key_sealed, heartbeat_secs, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.kind)
            .bind(&p.org_code)
            .bind(p.place_id)
            .bind(p.lon)
            .bind(p.lat)
            .bind(&p.address)
            .bind(&p.key_sealed)
            .bind(p.heartbeat_secs)
            .bind(Utc::now())
            .fetch_one(db)
            .await
        })?;
        Ok(id)
    }

    /// One alarm point by id, wherever it stands (a device names itself; its key proves it).
    pub async fn alarm_point(&self, id: i64) -> Result<Option<AlarmPointRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM alarm_points WHERE id = $1");
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(db)
                .await
        })?)
    }

    /// The alarm points standing under an org-code prefix, by code.
    pub async fn alarm_points_under(&self, prefix: &str) -> Result<Vec<AlarmPointRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alarm_points WHERE org_code LIKE $1 || '%' ORDER BY code"
        );
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(prefix)
                .fetch_all(db)
                .await
        })?)
    }

    /// Takes a nonce for a point: false when the point used it already (a replay). Nonces older
    /// than `forget_before` are dropped first: a signal that old is refused by its timestamp.
    pub async fn take_alarm_nonce(
        &self,
        point_id: i64,
        nonce: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<bool> {
        let taken = dispatch!(self, |db| {
            let mut tx = db.begin().await?;
            sqlx::query("DELETE FROM alarm_nonces WHERE point_id = $1 AND at < $2")
                .bind(point_id)
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query(
                "INSERT INTO alarm_nonces (point_id, nonce, at) VALUES ($1, $2, $3)
                 ON CONFLICT (point_id, nonce) DO NOTHING",
            )
            .bind(point_id)
            .bind(nonce)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(done.rows_affected() == 1)
        })?;
        Ok(taken)
    }

    /// Records that a point was heard.
    pub async fn touch_alarm_point(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        dispatch!(self, |db| {
            sqlx::query("UPDATE alarm_points SET last_seen_at = $2 WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(db)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}
