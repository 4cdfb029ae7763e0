//! 视频设备在线状态 — what the GB/T 28181 signalling server learns (registrations, keepalives,
//! departures), written through to the database, and the sweep that marks silent devices offline.

use crate::{App, AppError, Result};
use chrono::{DateTime, Utc};
use pingan_gb28181::DeviceId;
use pingan_gb28181::liveness::{Heartbeat, offline_at};
use pingan_gb28181::manscdp::CatalogItem;
use pingan_gb28181::server::Registry;
use pingan_store::{DeviceSeen, VideoChannelRecord, VideoDeviceRecord, VideoStatusRecord};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

fn to_system(t: DateTime<Utc>) -> SystemTime {
    SystemTime::from(t)
}

fn to_utc(t: SystemTime) -> DateTime<Utc> {
    pingan_domain::audit::to_micros(DateTime::<Utc>::from(t))
}

impl App {
    /// Marks offline the devices whose registration ran out or whose heartbeats stopped.
    pub async fn sweep_video_offline(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .devices_offline(to_utc(SystemTime::now()), None, "heartbeat_timeout")
            .await?)
    }

    /// A device's liveness and its changes of state (for the command line, tests and, later, the
    /// device pages).
    pub async fn video_device(
        &self,
        device_id: &str,
    ) -> Result<(VideoDeviceRecord, Vec<VideoStatusRecord>)> {
        let device = self
            .store
            .video_device(device_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("设备 {device_id} 未注册过")))?;
        let log = self.store.video_status_log(device_id).await?;
        Ok((device, log))
    }

    /// The channels a device reported in its catalog.
    pub async fn video_channels(&self, device_id: &str) -> Result<Vec<VideoChannelRecord>> {
        Ok(self.store.video_channels(device_id).await?)
    }

    /// Until when a device is registered; none for a device that never registered.
    async fn registered_until(
        &self,
        device: &DeviceId,
    ) -> std::result::Result<Option<DateTime<Utc>>, String> {
        let known = self
            .store
            .video_device(device.as_str())
            .await
            .map_err(|e| e.to_string())?;
        Ok(known.and_then(|d| d.registered_until))
    }

    async fn seen(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        until: DateTime<Utc>,
        registered: bool,
    ) -> std::result::Result<bool, String> {
        let now = SystemTime::now();
        let heartbeat = Heartbeat::default();
        let seen = DeviceSeen {
            device_id: device.as_str().into(),
            remote_addr: addr.to_string(),
            transport: "udp".into(),
            at: to_utc(now),
            registered_until: registered.then_some(until),
            offline_at: to_utc(offline_at(now, to_system(until), heartbeat)),
            reason: if registered { "register" } else { "keepalive" },
            heartbeat: (
                i64::try_from(heartbeat.interval.as_secs()).unwrap_or(60),
                i64::from(heartbeat.count),
            ),
        };
        self.store
            .device_seen(&seen)
            .await
            .map_err(|e| e.to_string())
    }
}

/// 点亮率 — the share of a unit's cameras that are online.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct OnlineRate {
    /// The unit's org code (none for cameras not placed on a grid).
    pub code: Option<String>,
    pub name: String,
    pub channels: i64,
    pub online: i64,
    /// online ÷ channels, 0–1 (0 without channels).
    pub rate: f64,
}

/// 点亮率 of a unit and of each unit below it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct OnlineRateReport {
    #[serde(flatten)]
    pub total: OnlineRate,
    pub units: Vec<OnlineRate>,
}

fn rate(code: Option<String>, name: String, channels: i64, online: i64) -> OnlineRate {
    let r = if channels == 0 {
        0.0
    } else {
        (online as f64 / channels as f64 * 10_000.0).round() / 10_000.0
    };
    OnlineRate {
        code,
        name,
        channels,
        online,
        rate: r,
    }
}

impl App {
    /// 点亮率 now, for `org` (in the user's scope) and each unit one level below it. A channel is
    /// online when its device is and the channel reported `ON`.
    pub async fn online_rate(
        &self,
        user: &crate::CurrentUser,
        org: &pingan_domain::OrgCode,
    ) -> Result<OnlineRateReport> {
        self.authorize(
            &crate::Actor::user(user.clone(), None),
            pingan_domain::Capability::ViewOrg,
            Some(org),
        )?;
        let district = org.level() == pingan_domain::OrgLevel::District;
        let rows = self
            .store
            .channel_online_by_grid(org.as_str(), district)
            .await?;
        let children = self.store.org_children(Some(org.as_str())).await?;
        let name_of = |code: &str| {
            children
                .iter()
                .find(|c| c.code == code)
                .map_or_else(|| code.to_owned(), |c| c.name.clone())
        };
        let child_len = org.level().child().map_or(15, |l| l.code_len());
        let mut units: Vec<OnlineRate> = Vec::new();
        let (mut total, mut up) = (0, 0);
        for (grid, n, on) in rows {
            total += n;
            up += on;
            let key = grid
                .as_deref()
                .and_then(|g| g.get(..child_len))
                .map(str::to_owned);
            match units.iter_mut().find(|u| u.code == key) {
                Some(u) => {
                    *u = rate(
                        u.code.clone(),
                        u.name.clone(),
                        u.channels + n,
                        u.online + on,
                    );
                }
                None => {
                    let name = key.as_deref().map_or_else(|| "未定位".to_owned(), name_of);
                    units.push(rate(key, name, n, on));
                }
            }
        }
        units.sort_by(|a, b| a.code.cmp(&b.code));
        let unit = self.store.org_unit(org.as_str()).await?;
        let name = unit.map_or_else(|| org.as_str().to_owned(), |u| u.name);
        Ok(OnlineRateReport {
            total: rate(Some(org.as_str().into()), name, total, up),
            units,
        })
    }
}

impl Registry for App {
    async fn password(&self, _device: &DeviceId) -> Option<String> {
        // Per-device passwords arrive with the device registry; until then the global one.
        self.config.sip_password.clone()
    }

    async fn registered(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        expires: Duration,
    ) -> std::result::Result<(), String> {
        let until = to_utc(SystemTime::now() + expires);
        self.seen(device, addr, until, true).await.map(|_| ())
    }

    async fn unregistered(&self, device: &DeviceId) -> std::result::Result<(), String> {
        self.store
            .devices_offline(
                to_utc(SystemTime::now()),
                Some(device.as_str()),
                "unregister",
            )
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn catalog(
        &self,
        device: &DeviceId,
        items: Vec<CatalogItem>,
    ) -> std::result::Result<bool, String> {
        if self.registered_until(device).await?.is_none() {
            return Ok(false);
        }
        let now = to_utc(SystemTime::now());
        let index = self.grid_index();
        let channels: Vec<VideoChannelRecord> = items
            .into_iter()
            .filter(|i| !i.device_id.is_empty())
            .map(|i| VideoChannelRecord {
                grid_code: i
                    .longitude
                    .zip(i.latitude)
                    .and_then(|(lon, lat)| index.locate(lon, lat))
                    .map(str::to_owned),
                channel_id: i.device_id,
                device_id: device.as_str().into(),
                name: i.name,
                manufacturer: i.manufacturer,
                model: i.model,
                civil_code: i.civil_code,
                address: i.address,
                parent_id: i.parent_id,
                status: i.status,
                lon: i.longitude,
                lat: i.latitude,
                updated_at: now,
            })
            .collect();
        self.store
            .upsert_channels(&channels)
            .await
            .map(|()| true)
            .map_err(|e| e.to_string())
    }

    async fn keepalive(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
    ) -> std::result::Result<bool, String> {
        let Some(until) = self.registered_until(device).await? else {
            return Ok(false);
        };
        self.seen(device, addr, until, false).await
    }
}
