//! 视频资源台账 — the registry side of the video module: devices and channels as the district
//! keeps them (name, network, capability, key place, owner, maintainer, the device's own digest
//! password, sealed), the lists and the nearest cameras, each channel's status log, and the hourly
//! samples of the 点亮率 that give its figures over time.

use super::{keep_place, lit};
use crate::{Result, Store, VideoStatusRecord, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::text::like_contains;

/// A device as the registry describes it (imported or typed in).
#[derive(Debug, Clone)]
pub struct RegistryDevice {
    pub device_id: String,
    pub name: Option<String>,
    pub network: String,
    /// Its own digest password, sealed; none keeps the stored one (or the global password).
    pub password_sealed: Option<Vec<u8>>,
    pub at: DateTime<Utc>,
}

/// A channel (camera) as the registry describes it.
#[derive(Debug, Clone)]
pub struct RegistryChannel {
    pub channel_id: String,
    pub device_id: String,
    pub name: String,
    pub network: String,
    pub capability: String,
    pub place_kind: Option<String>,
    pub owner: Option<String>,
    pub maintainer: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub grid_code: Option<String>,
    /// The status a new channel starts with (the demo's simulated one); none for an import. A
    /// known channel keeps the status its device reported.
    pub status: Option<String>,
    pub at: DateTime<Utc>,
}

/// 通道 — a channel with its registry fields and its device's state, as lists show it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelRow {
    pub channel_id: String,
    pub device_id: String,
    pub name: String,
    pub address: Option<String>,
    pub network: String,
    pub capability: String,
    pub place_kind: Option<String>,
    pub owner: Option<String>,
    pub maintainer: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// `ON`/`OFF`/… as last reported.
    pub status: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub grid_code: Option<String>,
    pub device_online: bool,
    /// Since when it is in its present state: its device's going offline, else its own status.
    pub since: Option<DateTime<Utc>>,
    /// How many rows the whole filtered list has.
    pub total: i64,
}

/// 设备 — a device with its channel counts, as lists show it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DeviceRow {
    pub device_id: String,
    pub name: Option<String>,
    pub network: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub remote_addr: Option<String>,
    pub transport: String,
    pub online: bool,
    pub last_heard_at: Option<DateTime<Utc>>,
    pub registered_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub channels: i64,
    pub channels_lit: i64,
    pub total: i64,
}

/// The filters of the channel list; `prefix` none means the whole installation (a district
/// user), which includes channels not placed on a grid.
#[derive(Debug, Clone, Default)]
pub struct ChannelFilter {
    pub prefix: Option<String>,
    pub network: Option<String>,
    pub capability: Option<String>,
    pub place_kind: Option<String>,
    pub online: Option<bool>,
    pub device_id: Option<String>,
    /// Part of the name, address or id.
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// The filters of the device list (`prefix` as for channels: a device is in a unit when one of
/// its channels is).
#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    pub prefix: Option<String>,
    pub network: Option<String>,
    pub online: Option<bool>,
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// 通道状态变化 — one change of a channel's own status.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelLogRecord {
    pub status: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// One hourly sample of the 点亮率 of a township (empty: not placed) and network.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OnlineSample {
    pub at: DateTime<Utc>,
    pub township: String,
    pub network: String,
    pub channels: i64,
    pub online: i64,
}

/// Since when a channel is in its present state (SQL over `ch` and `d`).
macro_rules! since {
    () => {
        "CASE WHEN d.online THEN ch.status_since ELSE d.updated_at END"
    };
}

const CHANNEL_COLUMNS: &str = concat!(
    "SELECT ch.channel_id, ch.device_id, ch.name, ch.address, ch.network,
        ch.capability, ch.place_kind, ch.owner, ch.maintainer, ch.manufacturer, ch.model,
        ch.status, ch.lon, ch.lat, ch.grid_code, d.online AS device_online, ",
    since!(),
    " AS since, COUNT(*) OVER () AS total
    FROM video_channels ch JOIN video_devices d ON d.device_id = ch.device_id"
);

impl Store {
    /// Writes registry devices and channels in one transaction: new ones inserted (a device as
    /// never registered, offline), known ones get the registry's fields; what the devices
    /// themselves reported (state, catalog status) is kept.
    pub async fn upsert_registry(
        &self,
        devices: &[RegistryDevice],
        channels: &[RegistryChannel],
    ) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for d in devices {
                sqlx::query(
                    "INSERT INTO video_devices (device_id, transport, heartbeat_interval,
                        heartbeat_count, online, updated_at, name, network, password_sealed)
                     VALUES ($1, 'udp', 60, 3, $2, $3, $4, $5, $6)
                     ON CONFLICT (device_id) DO UPDATE SET
                        name = COALESCE(excluded.name, video_devices.name),
                        network = excluded.network,
                        password_sealed = COALESCE(excluded.password_sealed,
                                                   video_devices.password_sealed)",
                )
                .bind(&d.device_id)
                .bind(false)
                .bind(d.at)
                .bind(&d.name)
                .bind(&d.network)
                .bind(&d.password_sealed)
                .execute(&mut *tx)
                .await?;
            }
            // Many rows a statement, but not too many: sqlx looks up each SQLite parameter by
            // name, which grows faster than the number of parameters.
            for chunk in channels.chunks(60) {
                let sql = format!(
                    concat!(
                        "INSERT INTO video_channels (channel_id, device_id, name, network, capability,
                            place_kind, owner, maintainer, address, lon, lat, grid_code, updated_at,
                            status, status_since)
                         VALUES {}
                         ON CONFLICT (channel_id) DO UPDATE SET device_id = excluded.device_id,
                            name = excluded.name, network = excluded.network,
                            capability = excluded.capability, place_kind = excluded.place_kind,
                            owner = excluded.owner, maintainer = excluded.maintainer, ",
                        keep_place!()
                    ),
                    crate::sql::values(chunk.len(), 15)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for c in chunk {
                    q = q
                        .bind(&c.channel_id)
                        .bind(&c.device_id)
                        .bind(&c.name)
                        .bind(&c.network)
                        .bind(&c.capability)
                        .bind(&c.place_kind)
                        .bind(&c.owner)
                        .bind(&c.maintainer)
                        .bind(&c.address)
                        .bind(c.lon)
                        .bind(c.lat)
                        .bind(&c.grid_code)
                        .bind(c.at)
                        .bind(&c.status)
                        .bind(c.status.as_ref().map(|_| c.at));
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Where registered cameras lie, as (device id, channel id, grid code): every channel with
    /// one of `channel_ids`, and every channel of one of `device_ids`. For refusing an import
    /// that would reach cameras outside the importer's scope.
    pub async fn registered_channel_grids(
        &self,
        device_ids: &[String],
        channel_ids: &[String],
    ) -> Result<Vec<(String, String, Option<String>)>> {
        let mut rows = self
            .fetch_in(
                "SELECT device_id, channel_id, grid_code FROM video_channels
                 WHERE channel_id IN ({})",
                channel_ids,
            )
            .await?;
        rows.extend(
            self.fetch_in(
                "SELECT device_id, channel_id, grid_code FROM video_channels
                 WHERE device_id IN ({})",
                device_ids,
            )
            .await?,
        );
        Ok(rows)
    }

    /// Every sealed device password after `after` (by id), `limit` at a time.
    pub async fn sealed_device_passwords(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT device_id, password_sealed FROM video_devices
                 WHERE password_sealed IS NOT NULL AND device_id > $1 ORDER BY device_id LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn set_device_password(&self, device_id: &str, sealed: &[u8]) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("UPDATE video_devices SET password_sealed = $2 WHERE device_id = $1")
                .bind(device_id)
                .bind(sealed)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// What a device said of itself in its DeviceInfo answer (its name only when the registry
    /// has none).
    pub async fn set_device_info(
        &self,
        device_id: &str,
        name: Option<&str>,
        manufacturer: Option<&str>,
        model: Option<&str>,
        firmware: Option<&str>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "UPDATE video_devices SET name = COALESCE(name, $2),
                    manufacturer = COALESCE($3, manufacturer), model = COALESCE($4, model),
                    firmware = COALESCE($5, firmware)
                 WHERE device_id = $1",
            )
            .bind(device_id)
            .bind(name)
            .bind(manufacturer)
            .bind(model)
            .bind(firmware)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Keeps a device's answer to a DeviceStatus query.
    pub async fn set_device_status_report(
        &self,
        device_id: &str,
        report: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "UPDATE video_devices SET status_report = $2, status_report_at = $3
                 WHERE device_id = $1",
            )
            .bind(device_id)
            .bind(report)
            .bind(at)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// A device's last DeviceStatus answer and when it came.
    pub async fn device_status_report(
        &self,
        device_id: &str,
    ) -> Result<Option<(String, DateTime<Utc>)>> {
        let row: Option<(Option<String>, Option<DateTime<Utc>>)> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT status_report, status_report_at FROM video_devices WHERE device_id = $1",
            )
            .bind(device_id)
            .fetch_optional(p)
            .await
        })?;
        Ok(row.and_then(|(r, at)| r.zip(at)))
    }

    /// A line in a channel's log without a change of its status (an equipment alarm).
    pub async fn log_channel(
        &self,
        channel_id: &str,
        what: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(super::LOG_CHANNEL_STATUS)
                .bind(channel_id)
                .bind(what)
                .bind(at)
                .bind(reason)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// The channel list, filtered; offline ones by how long they have been so, else by id.
    pub async fn channel_rows(&self, f: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        let sql = format!(
            "{CHANNEL_COLUMNS}
             WHERE ($1 IS NULL OR ch.grid_code LIKE $1 || '%')
               AND ($2 IS NULL OR ch.network = $2)
               AND ($3 IS NULL OR ch.capability = $3)
               AND ($4 IS NULL OR ch.place_kind = $4)
               AND ($5 IS NULL OR {lit} = $5)
               AND ($6 IS NULL OR ch.device_id = $6)
               AND ($7 IS NULL OR ch.name LIKE $7 ESCAPE '\\' OR ch.address LIKE $7 ESCAPE '\\'
                    OR ch.channel_id LIKE $7 ESCAPE '\\')
             ORDER BY CASE WHEN $5 = $10 THEN {since} END, ch.channel_id
             LIMIT $8 OFFSET $9",
            lit = lit!(),
            since = since!(),
        );
        let generic_safe = self.plans_are_generic_safe();
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&f.prefix)
                .bind(&f.network)
                .bind(&f.capability)
                .bind(&f.place_kind)
                .bind(f.online)
                .bind(&f.device_id)
                .bind(f.q.as_deref().map(like_contains))
                .bind(f.limit)
                .bind(f.offset)
                .bind(false)
                .persistent(generic_safe)
                .fetch_all(p)
                .await
        })?)
    }

    /// One channel.
    pub async fn channel_row(&self, channel_id: &str) -> Result<Option<ChannelRow>> {
        let sql = format!("{CHANNEL_COLUMNS} WHERE ch.channel_id = $1");
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(channel_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// A channel's changes of its own status, oldest first.
    pub async fn channel_log(&self, channel_id: &str) -> Result<Vec<ChannelLogRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT status, at, reason FROM video_channel_log WHERE channel_id = $1 ORDER BY id",
            )
            .bind(channel_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The status changes of every channel of a device, with the channel's name, oldest first
    /// (one query for a device's page, however many cameras it carries).
    pub async fn channel_logs_of_device(
        &self,
        device_id: &str,
    ) -> Result<Vec<(String, ChannelLogRecord)>> {
        let rows: Vec<(String, String, DateTime<Utc>, String)> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT ch.name, l.status, l.at, l.reason FROM video_channel_log l
                 JOIN video_channels ch ON ch.channel_id = l.channel_id
                 WHERE ch.device_id = $1 ORDER BY l.id",
            )
            .bind(device_id)
            .fetch_all(p)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(name, status, at, reason)| (name, ChannelLogRecord { status, at, reason }))
            .collect())
    }

    /// Channels with a point inside the box around (`lon`, `lat`) of half-size `half` degrees,
    /// under `prefix` (none: anywhere).
    pub async fn channels_in_box(
        &self,
        prefix: Option<&str>,
        lon: f64,
        lat: f64,
        half: (f64, f64),
    ) -> Result<Vec<ChannelRow>> {
        let sql = format!(
            "{CHANNEL_COLUMNS}
             WHERE ch.lon BETWEEN $1 AND $2 AND ch.lat BETWEEN $3 AND $4
               AND ($5 IS NULL OR ch.grid_code LIKE $5 || '%')
             LIMIT 500"
        );
        let generic_safe = self.plans_are_generic_safe();
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(lon - half.0)
                .bind(lon + half.0)
                .bind(lat - half.1)
                .bind(lat + half.1)
                .bind(prefix)
                .persistent(generic_safe)
                .fetch_all(p)
                .await
        })?)
    }

    /// The device list with each device's channel counts.
    pub async fn device_rows(&self, f: &DeviceFilter) -> Result<Vec<DeviceRow>> {
        let sql = format!(
            "SELECT d.device_id, d.name, d.network, d.manufacturer, d.model, d.remote_addr,
                    d.transport, d.online, d.last_heard_at, d.registered_until, d.updated_at,
                    (SELECT COUNT(*) FROM video_channels ch WHERE ch.device_id = d.device_id)
                        AS channels,
                    (SELECT COUNT(*) FROM video_channels ch
                     WHERE ch.device_id = d.device_id AND {lit}) AS channels_lit,
                    COUNT(*) OVER () AS total
             FROM video_devices d
             WHERE ($1 IS NULL OR EXISTS (SELECT 1 FROM video_channels ch
                                          WHERE ch.device_id = d.device_id
                                            AND ch.grid_code LIKE $1 || '%'))
               AND ($2 IS NULL OR d.network = $2)
               AND ($3 IS NULL OR d.online = $3)
               AND ($4 IS NULL OR d.name LIKE $4 ESCAPE '\\' OR d.device_id LIKE $4 ESCAPE '\\')
             ORDER BY d.device_id LIMIT $5 OFFSET $6",
            lit = lit!()
        );
        let generic_safe = self.plans_are_generic_safe();
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&f.prefix)
                .bind(&f.network)
                .bind(f.online)
                .bind(f.q.as_deref().map(like_contains))
                .bind(f.limit)
                .bind(f.offset)
                .persistent(generic_safe)
                .fetch_all(p)
                .await
        })?)
    }

    /// Takes the 点亮率 sample of the hour `at` per township and network; a second instance
    /// sampling the same hour changes nothing. Returns the rows written.
    pub async fn sample_online(&self, at: DateTime<Utc>) -> Result<u64> {
        let sql = format!(
            "INSERT INTO video_online_samples (at, township, network, channels, online)
             SELECT $1, COALESCE(SUBSTR(ch.grid_code, 1, 9), ''), ch.network, COUNT(*),
                    SUM(CASE WHEN {lit} THEN 1 ELSE 0 END)
             FROM video_channels ch JOIN video_devices d ON d.device_id = ch.device_id
             GROUP BY COALESCE(SUBSTR(ch.grid_code, 1, 9), ''), ch.network
             ON CONFLICT (at, township, network) DO NOTHING",
            lit = lit!()
        );
        Ok(dispatch!(self, |p| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(at)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }

    /// Writes samples as given (the demo's simulated history), 500 rows a statement.
    pub async fn insert_online_samples(&self, rows: &[OnlineSample]) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for chunk in rows.chunks(500) {
                let sql = format!(
                    "INSERT INTO video_online_samples (at, township, network, channels, online)
                     VALUES {} ON CONFLICT (at, township, network) DO NOTHING",
                    crate::sql::values(chunk.len(), 5)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(r.at)
                        .bind(&r.township)
                        .bind(&r.network)
                        .bind(r.channels)
                        .bind(r.online);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The samples since `since` of the townships under `prefix` (a district or township code;
    /// the district also gets the unplaced ones), summed per hour and network.
    pub async fn online_samples(
        &self,
        prefix: &str,
        district: bool,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, String, i64, i64)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT at, network, CAST(SUM(channels) AS BIGINT), CAST(SUM(online) AS BIGINT) FROM video_online_samples
                 WHERE at >= $1 AND (township LIKE $2 || '%' OR ($3 AND township = ''))
                 GROUP BY at, network ORDER BY at",
            )
            .bind(since)
            .bind(prefix)
            .bind(district)
            .fetch_all(p)
            .await
        })?)
    }

    /// Writes past changes of device state as given (the demo's simulated history).
    pub async fn insert_status_history(&self, rows: &[VideoStatusRecord]) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for r in rows {
                sqlx::query(
                    "INSERT INTO video_status_log (device_id, online, at, reason)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&r.device_id)
                .bind(r.online)
                .bind(r.at)
                .bind(&r.reason)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }
}
