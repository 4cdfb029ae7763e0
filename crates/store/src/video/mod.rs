//! Video devices (GB/T 28181): their registration and liveness as the signalling server last saw
//! them, and the log of every change of their online state. Written through, so that any instance
//! can report a device's state and a restart rebuilds the timers instead of marking all offline.

pub(crate) mod registry;

use crate::{Result, Store, dispatch};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// Keepalives written by one statement.
const KEEPALIVES_PER_STATEMENT: usize = 500;
use chrono::{DateTime, Utc};

/// The tail of a channel upsert that keeps a stored place when the new row brings none.
macro_rules! keep_place {
    () => {
        "address = COALESCE(excluded.address, video_channels.address),
         lon = COALESCE(excluded.lon, video_channels.lon),
         lat = COALESCE(excluded.lat, video_channels.lat),
         grid_code = COALESCE(excluded.grid_code, video_channels.grid_code),
         updated_at = excluded.updated_at"
    };
}
pub(crate) use keep_place;

/// 视频设备 — a device's liveness as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VideoDeviceRecord {
    pub device_id: String,
    pub remote_addr: Option<String>,
    pub transport: String,
    pub registered_until: Option<DateTime<Utc>>,
    pub last_heard_at: Option<DateTime<Utc>>,
    /// When it counts as offline unless heard from again.
    pub offline_at: Option<DateTime<Utc>>,
    pub heartbeat_interval: i64,
    pub heartbeat_count: i64,
    pub online: bool,
    pub updated_at: DateTime<Utc>,
    /// The registry's name for it (台账名称), else what its DeviceInfo said.
    pub name: Option<String>,
    /// `xueliang` / `tianwang` / `huiyan`.
    pub network: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub firmware: Option<String>,
}

/// 在线状态变化 — one change of a device's online state.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VideoStatusRecord {
    pub device_id: String,
    pub online: bool,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// What the signalling server learnt of a device.
#[derive(Debug, Clone)]
pub struct DeviceSeen {
    pub device_id: String,
    pub remote_addr: String,
    pub transport: String,
    pub at: DateTime<Utc>,
    /// Set by a registration; a keepalive keeps the stored one.
    pub registered_until: Option<DateTime<Utc>>,
    pub offline_at: DateTime<Utc>,
    /// Why it is online now, for the log when it was not (`register`, `keepalive`).
    pub reason: &'static str,
    /// The heartbeat settings the deadline was computed with (seconds, count).
    pub heartbeat: (i64, i64),
}

impl Store {
    /// Records a registration or a keepalive: the device is online until `offline_at`. A device
    /// that was offline (or new) gets a log row. Returns false for a keepalive from a device that
    /// never registered (nothing is written then).
    pub async fn device_seen(&self, s: &DeviceSeen) -> Result<bool> {
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let was: Option<(bool,)> =
                sqlx::query_as("SELECT online FROM video_devices WHERE device_id = $1")
                    .bind(&s.device_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let known = match (&was, s.registered_until) {
                (None, None) => false,
                (None, Some(until)) => {
                    sqlx::query(
                        "INSERT INTO video_devices (device_id, remote_addr, transport,
                            registered_until, last_heard_at, offline_at, heartbeat_interval,
                            heartbeat_count, online, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $7, $5)",
                    )
                    .bind(&s.device_id)
                    .bind(&s.remote_addr)
                    .bind(&s.transport)
                    .bind(until)
                    .bind(s.at)
                    .bind(s.offline_at)
                    .bind(true)
                    .bind(s.heartbeat.0)
                    .bind(s.heartbeat.1)
                    .execute(&mut *tx)
                    .await?;
                    true
                }
                (Some(_), until) => {
                    sqlx::query(
                        "UPDATE video_devices SET remote_addr = $2, transport = $3,
                            registered_until = COALESCE($4, registered_until), last_heard_at = $5,
                            offline_at = $6, online = $7, updated_at = $5
                         WHERE device_id = $1",
                    )
                    .bind(&s.device_id)
                    .bind(&s.remote_addr)
                    .bind(&s.transport)
                    .bind(until)
                    .bind(s.at)
                    .bind(s.offline_at)
                    .bind(true)
                    .execute(&mut *tx)
                    .await?;
                    true
                }
            };
            if known && !matches!(was, Some((true,))) {
                sqlx::query(LOG_DEVICE_STATUS)
                    .bind(&s.device_id)
                    .bind(true)
                    .bind(s.at)
                    .bind(s.reason)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(known)
        })?)
    }

    /// Records a batch of keepalives of registered devices in one transaction: each device is
    /// online until its `offline_at`, and one that was offline gets a log row. The last
    /// keepalive of a device in the batch counts; devices never registered are left alone.
    pub async fn keepalives(&self, batch: &[DeviceSeen]) -> Result<()> {
        let mut last: HashMap<&str, &DeviceSeen> = HashMap::new();
        for s in batch {
            last.insert(s.device_id.as_str(), s);
        }
        let mut rows: Vec<&DeviceSeen> = last.into_values().collect();
        rows.sort_by(|a, b| a.device_id.cmp(&b.device_id));
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for part in rows.chunks(KEEPALIVES_PER_STATEMENT) {
                let values = self.positional_rows(part.len(), 5);
                // The log first, while `online` still says which devices come back.
                let log = format!(
                    "INSERT INTO video_status_log (device_id, online, at, reason)
                     SELECT v.column1, TRUE, v.column4, 'keepalive'
                     FROM (VALUES {values}) AS v JOIN video_devices d ON d.device_id = v.column1
                     WHERE d.online = FALSE AND d.registered_until IS NOT NULL"
                );
                let update = format!(
                    "UPDATE video_devices SET remote_addr = v.column2, transport = v.column3,
                        last_heard_at = v.column4, offline_at = v.column5, online = TRUE,
                        updated_at = v.column4
                     FROM (VALUES {values}) AS v
                     WHERE video_devices.device_id = v.column1
                       AND video_devices.registered_until IS NOT NULL"
                );
                for sql in [log, update] {
                    let mut q = sqlx::query(AssertSqlSafe(sql));
                    for s in part {
                        q = q
                            .bind(&s.device_id)
                            .bind(&s.remote_addr)
                            .bind(&s.transport)
                            .bind(s.at)
                            .bind(s.offline_at);
                    }
                    q.execute(&mut *tx).await?;
                }
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Marks devices offline: those whose `offline_at` has passed (`reason` says why), or one
    /// device that unregistered. Returns the devices that changed.
    pub async fn devices_offline(
        &self,
        now: DateTime<Utc>,
        only: Option<&str>,
        reason: &str,
    ) -> Result<Vec<String>> {
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let gone: Vec<(String,)> = sqlx::query_as(
                "UPDATE video_devices SET online = $1, updated_at = $2
                 WHERE online = $3 AND (($4 IS NULL AND offline_at <= $2) OR device_id = $4)
                 RETURNING device_id",
            )
            .bind(false)
            .bind(now)
            .bind(true)
            .bind(only)
            .fetch_all(&mut *tx)
            .await?;
            // One statement per 100 devices: a district-wide outage marks thousands at once.
            for part in gone.chunks(100) {
                let sql = format!(
                    "INSERT INTO video_status_log (device_id, online, at, reason) VALUES {}",
                    crate::sql::values(part.len(), 4)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id,) in part {
                    q = q.bind(id).bind(false).bind(now).bind(reason);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(gone.into_iter().map(|g| g.0).collect())
        })?)
    }

    pub async fn video_device(&self, device_id: &str) -> Result<Option<VideoDeviceRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT device_id, remote_addr, transport, registered_until, last_heard_at,
                        offline_at, heartbeat_interval, heartbeat_count, online, updated_at,
                        name, network, manufacturer, model, firmware
                 FROM video_devices WHERE device_id = $1",
            )
            .bind(device_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// A device's changes of state, oldest first.
    pub async fn video_status_log(&self, device_id: &str) -> Result<Vec<VideoStatusRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT device_id, online, at, reason FROM video_status_log
                 WHERE device_id = $1 ORDER BY id",
            )
            .bind(device_id)
            .fetch_all(p)
            .await
        })?)
    }
}

/// 视频通道 — a camera as its device's catalog reported it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VideoChannelRecord {
    pub channel_id: String,
    pub device_id: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub civil_code: Option<String>,
    pub address: Option<String>,
    pub parent_id: Option<String>,
    /// `ON`/`OFF` as reported.
    pub status: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The grid its point lies in, if it has one inside the district.
    pub grid_code: Option<String>,
    /// The network of a channel seen for the first time (its device's); the registry's is kept.
    pub network: String,
    pub updated_at: DateTime<Utc>,
}

const SET_STATUS_SINCE: &str = "UPDATE video_channels SET status_since = $2 WHERE channel_id = $1";
pub(crate) const LOG_DEVICE_STATUS: &str =
    "INSERT INTO video_status_log (device_id, online, at, reason) VALUES ($1, $2, $3, $4)";
pub(crate) const LOG_CHANNEL_STATUS: &str =
    "INSERT INTO video_channel_log (channel_id, status, at, reason) VALUES ($1, $2, $3, $4)";

impl Store {
    /// Writes the channels of a catalog part (new ones inserted, known ones updated; a channel's
    /// registry fields and, when the catalog gives no point, its place are kept). A channel whose
    /// status changed gets a log row, `reason` saying from what.
    pub async fn upsert_channels(
        &self,
        channels: &[VideoChannelRecord],
        reason: &str,
    ) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for c in channels {
                let was: Option<(Option<String>,)> =
                    sqlx::query_as("SELECT status FROM video_channels WHERE channel_id = $1")
                        .bind(&c.channel_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                sqlx::query(concat!(
                    "INSERT INTO video_channels (channel_id, device_id, name, manufacturer, model,
                        civil_code, address, parent_id, status, lon, lat, grid_code, updated_at,
                        network)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                     ON CONFLICT (channel_id) DO UPDATE SET device_id = excluded.device_id,
                        name = excluded.name, manufacturer = excluded.manufacturer,
                        model = excluded.model, civil_code = excluded.civil_code,
                        parent_id = excluded.parent_id, status = excluded.status,
                        ",
                    keep_place!()
                ))
                .bind(&c.channel_id)
                .bind(&c.device_id)
                .bind(&c.name)
                .bind(&c.manufacturer)
                .bind(&c.model)
                .bind(&c.civil_code)
                .bind(&c.address)
                .bind(&c.parent_id)
                .bind(&c.status)
                .bind(c.lon)
                .bind(c.lat)
                .bind(&c.grid_code)
                .bind(c.updated_at)
                .bind(&c.network)
                .execute(&mut *tx)
                .await?;
                let before = was.and_then(|w| w.0);
                if let Some(status) = c
                    .status
                    .as_deref()
                    .filter(|s| before.as_deref() != Some(*s))
                {
                    sqlx::query(SET_STATUS_SINCE)
                        .bind(&c.channel_id)
                        .bind(c.updated_at)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(LOG_CHANNEL_STATUS)
                        .bind(&c.channel_id)
                        .bind(status)
                        .bind(c.updated_at)
                        .bind(reason)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Applies status events of a catalog subscription (`ON`, `OFF`, `VLOST`, `DEFECT`) to the
    /// channels of `device_id`, logged with `reason`; returns how many changed. Unknown channels are left alone (an
    /// `ADD` arrives with a full item and goes through [`Store::upsert_channels`]).
    pub async fn channel_status_events(
        &self,
        device_id: &str,
        events: &[(String, String)],
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<usize> {
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut changed = 0;
            for (channel, status) in events {
                let done = sqlx::query(
                    "UPDATE video_channels SET status = $3, updated_at = $4, status_since = $4
                     WHERE channel_id = $1 AND device_id = $2 AND COALESCE(status, '') <> $3",
                )
                .bind(channel)
                .bind(device_id)
                .bind(status)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    continue;
                }
                changed += 1;
                sqlx::query(LOG_CHANNEL_STATUS)
                    .bind(channel)
                    .bind(status)
                    .bind(at)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(changed)
        })?)
    }

    /// The channels of a device, by id.
    pub async fn video_channels(&self, device_id: &str) -> Result<Vec<VideoChannelRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT channel_id, device_id, name, manufacturer, model, civil_code, address,
                        parent_id, status, lon, lat, grid_code, network, updated_at
                 FROM video_channels WHERE device_id = $1 ORDER BY channel_id",
            )
            .bind(device_id)
            .fetch_all(p)
            .await
        })?)
    }
}

/// Whether a channel is lit (点亮), in SQL over `ch` (the channel) and `d` (its device): the same
/// rule as `pingan_domain::video::channel_online`.
macro_rules! lit {
    () => {
        "(d.online AND UPPER(COALESCE(ch.status, '')) IN ('ON', 'ONLINE'))"
    };
}
pub(crate) use lit;

impl Store {
    /// Channels per grid, network and key place under an org-code prefix, and how many are lit;
    /// with `unplaced`, also the channels with no grid (key none).
    pub async fn channel_online_by_grid(
        &self,
        prefix: &str,
        unplaced: bool,
    ) -> Result<Vec<ChannelCount>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(concat!(
                "SELECT ch.grid_code, ch.network, ch.place_kind, COUNT(*) AS channels,
                        COALESCE(SUM(CASE WHEN ",
                lit!(),
                " THEN 1 ELSE 0 END), 0) AS online
                 FROM video_channels ch JOIN video_devices d ON d.device_id = ch.device_id
                 WHERE ch.grid_code LIKE $1 || '%' OR ($2 AND ch.grid_code IS NULL)
                 GROUP BY ch.grid_code, ch.network, ch.place_kind"
            ))
            .bind(prefix)
            .bind(unplaced)
            .fetch_all(p)
            .await
        })?)
    }
}

/// How many cameras of one grid, network and key place there are, and how many are lit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelCount {
    pub grid_code: Option<String>,
    pub network: String,
    pub place_kind: Option<String>,
    pub channels: i64,
    pub online: i64,
}
