//! 视频设备在线状态 — what the GB/T 28181 signalling server learns (registrations, keepalives,
//! departures), written through to the database, and the sweep that marks silent devices offline.

pub(crate) mod heartbeats;
mod import;
mod rate;
mod registry;
mod signals;

/// The sealed field of a device's own digest password.
pub(crate) const DEVICE_PASSWORD_FIELD: &str = "video_devices.password";

pub use import::{MAX_IMPORT_ROWS, RegistryImportReport, registry_template};
pub(crate) use rate::hour_of;
pub use rate::{DailyRate, MAX_DAYS, OnlineRate, OnlineRateReport};
pub use registry::{
    ChannelQuery, ChannelView, DevicePage, DeviceQuery, DeviceView, MapPoint, PAGE_ROWS,
    StatusChange,
};
pub use signals::StatusReport;

use crate::{App, AppError, Result};
use chrono::{DateTime, Utc};
use pingan_gb28181::DeviceId;
use pingan_gb28181::liveness::{Heartbeat, offline_at};
use pingan_gb28181::manscdp::{Alarm, CatalogItem, DeviceInfo, DeviceStatus};
use pingan_gb28181::server::{Registry, Transport};
use pingan_store::{DeviceSeen, VideoChannelRecord, VideoDeviceRecord, VideoStatusRecord};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

fn to_system(t: DateTime<Utc>) -> SystemTime {
    SystemTime::from(t)
}

fn to_utc(t: SystemTime) -> DateTime<Utc> {
    pingan_domain::audit::to_micros(DateTime::<Utc>::from(t))
}

impl crate::services::Video<'_> {
    /// Marks offline the devices whose registration ran out or whose heartbeats stopped.
    pub async fn sweep_video_offline(self) -> Result<Vec<String>> {
        self.heartbeats.flush().await?;
        Ok(self
            .store
            .devices_offline(to_utc(SystemTime::now()), None, "heartbeat_timeout")
            .await?)
    }

    /// Starts, on this instance, the sweep that marks silent devices offline (every
    /// `sweep_every`) and the hourly 点亮率 sample (tried every five minutes; the first instance
    /// to take an hour's sample wins). Devices registered with another instance are swept too:
    /// their state is in the shared database.
    pub fn spawn_video_workers(self, sweep_every: std::time::Duration) {
        let app = crate::App::clone(&self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(sweep_every);
            let mut last_sample: Option<std::time::Instant> = None;
            loop {
                tick.tick().await;
                if let Err(e) = app.video().sweep_video_offline().await {
                    tracing::warn!("设备离线检查失败: {e}");
                }
                if last_sample.is_none_or(|t| t.elapsed() >= Duration::from_secs(300)) {
                    last_sample = Some(std::time::Instant::now());
                    if let Err(e) = app.video().sample_video_online().await {
                        tracing::warn!("点亮率采样失败: {e}");
                    }
                }
            }
        });
    }

    /// A device's liveness and its changes of state (for the command line, tests and, later, the
    /// device pages).
    pub async fn video_device(
        self,
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
    pub async fn video_channels(self, device_id: &str) -> Result<Vec<VideoChannelRecord>> {
        Ok(self.store.video_channels(device_id).await?)
    }

    /// Every device's own sealed password, read at most once a minute (and again after an
    /// import on this instance).
    async fn device_passwords(self) -> Result<std::sync::Arc<HashMap<String, Vec<u8>>>> {
        if let Some(all) = self.caches.device_passwords.get() {
            return Ok(all);
        }
        let (mut all, mut after) = (HashMap::new(), String::new());
        loop {
            let page = self.store.sealed_device_passwords(&after, 5_000).await?;
            let Some(last) = page.last().map(|(id, _)| id.clone()) else {
                break;
            };
            all.extend(page);
            after = last;
        }
        Ok(self.caches.device_passwords.put(all))
    }

    /// A device that has registered at least once (a device only in the registry has not).
    async fn registered_device(
        self,
        device: &DeviceId,
    ) -> std::result::Result<Option<VideoDeviceRecord>, String> {
        let known = self
            .store
            .video_device(device.as_str())
            .await
            .map_err(|e| e.to_string())?;
        Ok(known.filter(|d| d.registered_until.is_some()))
    }

    /// A device's registration, from memory when read lately (the keepalive path).
    async fn registration(
        self,
        device: &DeviceId,
    ) -> std::result::Result<Option<heartbeats::Registration>, String> {
        if let Some(kept) = self.registrations.get(device.as_str()) {
            return Ok(kept);
        }
        let registration = self.registered_device(device).await?.and_then(|d| {
            Some(heartbeats::Registration {
                until: d.registered_until?,
                from: d.remote_addr.and_then(|a| a.parse().ok()),
            })
        });
        self.registrations.put(device.as_str(), registration);
        Ok(registration)
    }

    async fn seen(
        self,
        device: &DeviceId,
        (addr, transport): (SocketAddr, Transport),
        until: DateTime<Utc>,
        registered: bool,
    ) -> std::result::Result<bool, String> {
        let now = SystemTime::now();
        let heartbeat = Heartbeat::default();
        let seen = DeviceSeen {
            device_id: device.as_str().into(),
            remote_addr: addr.to_string(),
            transport: transport.as_str().into(),
            at: to_utc(now),
            registered_until: registered.then_some(until),
            offline_at: to_utc(offline_at(now, to_system(until), heartbeat)),
            reason: if registered { "register" } else { "keepalive" },
            heartbeat: (
                i64::try_from(heartbeat.interval.as_secs()).unwrap_or(60),
                i64::from(heartbeat.count),
            ),
        };
        if !registered {
            // The device is known (the caller checked): the deadline is written with the next
            // batch.
            self.heartbeats.push(seen);
            return Ok(true);
        }
        self.heartbeats.flush().await.map_err(|e| e.to_string())?;
        self.registrations.forget(device.as_str());
        self.store
            .device_seen(&seen)
            .await
            .map_err(|e| e.to_string())
    }
}

impl Registry for App {
    async fn password(&self, device: &DeviceId) -> Option<String> {
        let own = match self.video().device_passwords().await {
            Ok(all) => all.get(device.as_str()).cloned(),
            Err(e) => {
                tracing::warn!("GB28181: 读取设备密码失败：{e}");
                return None;
            }
        };
        match own {
            Some(sealed) => match self.cipher.open(DEVICE_PASSWORD_FIELD, &sealed) {
                Ok(own) => Some(own),
                Err(e) => {
                    tracing::warn!("GB28181: 无法解密设备 {device} 的密码：{e}");
                    None
                }
            },
            None => self.config.sip_password.clone(),
        }
    }

    async fn registered(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        transport: Transport,
        expires: Duration,
    ) -> std::result::Result<(), String> {
        let until = to_utc(SystemTime::now() + expires);
        self.video()
            .seen(device, (addr, transport), until, true)
            .await
            .map(|_| ())
    }

    async fn registered_from(
        &self,
        device: &DeviceId,
    ) -> std::result::Result<Option<SocketAddr>, String> {
        Ok(self
            .video()
            .registration(device)
            .await?
            .and_then(|r| r.from))
    }

    async fn unregistered(&self, device: &DeviceId) -> std::result::Result<(), String> {
        self.heartbeats.flush().await.map_err(|e| e.to_string())?;
        self.registrations.forget(device.as_str());
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
        let Some(known) = self.video().registered_device(device).await? else {
            return Ok(false);
        };
        let now = to_utc(SystemTime::now());
        let index = self.org().grid_index();
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
                network: known.network.clone(),
                updated_at: now,
            })
            .collect();
        self.store
            .upsert_channels(&channels, "catalog")
            .await
            .map(|()| true)
            .map_err(|e| e.to_string())
    }

    async fn keepalive(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        transport: Transport,
    ) -> std::result::Result<bool, String> {
        let Some(registration) = self.video().registration(device).await? else {
            return Ok(false);
        };
        let until = registration.until;
        self.video()
            .seen(device, (addr, transport), until, false)
            .await
    }

    async fn channel_events(
        &self,
        device: &DeviceId,
        events: Vec<(String, String)>,
    ) -> std::result::Result<bool, String> {
        if self.video().registered_device(device).await?.is_none() {
            return Ok(false);
        }
        self.store
            .channel_status_events(
                device.as_str(),
                &events,
                to_utc(SystemTime::now()),
                "notify",
            )
            .await
            .map(|_| true)
            .map_err(|e| e.to_string())
    }

    async fn alarm(&self, device: &DeviceId, alarm: Alarm) {
        let source = alarm.source_id.clone();
        match self.video().registered_device(device).await {
            Ok(Some(_)) => {}
            Ok(None) => return tracing::warn!("GB28181: 未注册的设备 {device} 发来报警，已忽略"),
            Err(e) => return tracing::warn!("GB28181: 处理 {device} 的报警失败：{e}"),
        }
        if let Err(e) = self.video().record_alarm(device, alarm).await {
            tracing::warn!("GB28181: 设备 {device}（报警源 {source}）的报警未能生成事件：{e}");
        }
    }

    async fn device_info(
        &self,
        device: &DeviceId,
        info: DeviceInfo,
    ) -> std::result::Result<(), String> {
        self.video()
            .record_device_info(device, info)
            .await
            .map_err(|e| e.to_string())
    }

    async fn device_status(
        &self,
        device: &DeviceId,
        status: DeviceStatus,
    ) -> std::result::Result<(), String> {
        self.video()
            .record_device_status(device, status)
            .await
            .map_err(|e| e.to_string())
    }
}
