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

    async fn seen(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        until: DateTime<Utc>,
        registered: bool,
    ) -> std::result::Result<bool, String> {
        let now = SystemTime::now();
        let seen = DeviceSeen {
            device_id: device.as_str().into(),
            remote_addr: addr.to_string(),
            transport: "udp".into(),
            at: to_utc(now),
            registered_until: registered.then_some(until),
            offline_at: to_utc(offline_at(now, to_system(until), Heartbeat::default())),
            reason: if registered { "register" } else { "keepalive" },
        };
        self.store
            .device_seen(&seen)
            .await
            .map_err(|e| e.to_string())
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
        let known = self
            .store
            .video_device(device.as_str())
            .await
            .map_err(|e| e.to_string())?;
        if known.is_none() {
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
        let known = self
            .store
            .video_device(device.as_str())
            .await
            .map_err(|e| e.to_string())?;
        let Some(until) = known.and_then(|d| d.registered_until) else {
            return Ok(false);
        };
        self.seen(device, addr, until, false).await
    }
}
