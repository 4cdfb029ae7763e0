//! 视频资源台账 — the cameras and devices of a user's scope as lists, a device's page with its
//! channels and status history, the cameras nearest a point, and the registry's own entries
//! (network, capability, key place, owner, maintainer, a device's own password).

use super::rate::network_label;
use crate::{AppError, CurrentUser, Result};
use chrono::{DateTime, Utc};
use pingan_domain::video::{CameraCapability, Network, PlaceKind, channel_online};
use pingan_domain::{Capability, OrgLevel};
use pingan_store::{ChannelFilter, ChannelRow, DeviceFilter, DeviceRow};

/// 通道 — a camera as the lists, the map and the API show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ChannelView {
    pub channel_id: String,
    pub device_id: String,
    pub name: String,
    pub address: Option<String>,
    /// `xueliang` / `tianwang` / `huiyan`, and its Chinese name.
    pub network: String,
    pub network_label: String,
    /// `normal` / `face` / `plate`, and its Chinese name.
    pub capability: String,
    pub capability_label: String,
    pub place_kind: Option<String>,
    pub place_label: Option<String>,
    pub owner: Option<String>,
    pub maintainer: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// Lit (点亮): its device online and its own status `ON`.
    pub online: bool,
    /// Its own status as last reported (`ON`, `OFF`, `VLOST` …).
    pub status: Option<String>,
    /// Since when it is in its present state.
    pub since: Option<DateTime<Utc>>,
    /// WGS-84.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub grid_code: Option<String>,
    /// Metres from the point asked about (nearest cameras only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
}

impl From<ChannelRow> for ChannelView {
    fn from(r: ChannelRow) -> Self {
        let capability_label = CameraCapability::parse(&r.capability)
            .map_or_else(|| r.capability.clone(), |c| c.label().to_owned());
        Self {
            online: channel_online(r.device_online, r.status.as_deref()),
            network_label: network_label(&r.network),
            place_label: r
                .place_kind
                .as_deref()
                .and_then(PlaceKind::parse)
                .map(|p| p.label().to_owned()),
            capability_label,
            channel_id: r.channel_id,
            device_id: r.device_id,
            name: r.name,
            address: r.address,
            network: r.network,
            capability: r.capability,
            place_kind: r.place_kind,
            owner: r.owner,
            maintainer: r.maintainer,
            manufacturer: r.manufacturer,
            model: r.model,
            status: r.status,
            since: r.since,
            lon: r.lon,
            lat: r.lat,
            grid_code: r.grid_code,
            distance_m: None,
        }
    }
}

/// A camera on the map: as little as the map needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MapPoint {
    pub id: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub network: String,
    pub online: bool,
}

/// 设备 — a device (IPC, NVR, lower platform) as lists show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct DeviceView {
    pub device_id: String,
    /// The kind its 20-digit id says it is (网络视频录像机 …).
    pub kind: String,
    pub name: Option<String>,
    pub network: String,
    pub network_label: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// Where its last packet came from.
    pub remote_addr: Option<String>,
    pub transport: String,
    pub online: bool,
    pub last_heard_at: Option<DateTime<Utc>>,
    pub registered_until: Option<DateTime<Utc>>,
    /// Since when it is in its present state (for an online device: its last change).
    pub updated_at: DateTime<Utc>,
    pub channels: i64,
    pub channels_online: i64,
}

impl From<DeviceRow> for DeviceView {
    fn from(r: DeviceRow) -> Self {
        Self {
            kind: pingan_gb28181::DeviceId::parse(&r.device_id)
                .ok()
                .and_then(|id| pingan_gb28181::id::type_label(id.type_code()))
                .unwrap_or("其他设备")
                .to_owned(),
            network_label: network_label(&r.network),
            device_id: r.device_id,
            name: r.name,
            network: r.network,
            manufacturer: r.manufacturer,
            model: r.model,
            remote_addr: r.remote_addr,
            transport: r.transport,
            online: r.online,
            last_heard_at: r.last_heard_at,
            registered_until: r.registered_until,
            updated_at: r.updated_at,
            channels: r.channels,
            channels_online: r.channels_lit,
        }
    }
}

/// 状态变化 — one change in the status history of a device or a channel.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    /// Online (device) or `ON` (channel) after the change.
    pub online: bool,
    /// What the change was: `上线（注册）`, `离线（心跳超时）`, `通道 OFF（目录订阅）` …
    pub what: String,
}

/// A device with its channels and history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct DevicePage {
    pub device: DeviceView,
    pub channels: Vec<ChannelView>,
    /// Newest first.
    pub history: Vec<StatusChange>,
}

/// The filters of the channel list as a user gives them (codes or Chinese names).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ChannelQuery {
    /// `online` or `offline`.
    pub status: Option<String>,
    /// A network code or name.
    pub network: Option<String>,
    /// An org code in the user's scope.
    pub org: Option<String>,
    pub capability: Option<String>,
    pub place: Option<String>,
    pub device: Option<String>,
    /// Part of the name, address or id.
    pub q: Option<String>,
    /// Page from 1 (100 rows each).
    pub page: Option<i64>,
}

/// The filters of the device list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct DeviceQuery {
    pub status: Option<String>,
    pub network: Option<String>,
    pub org: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
}

/// Rows per page of the lists.
pub const PAGE_ROWS: i64 = 100;

fn reason_label(reason: &str) -> &str {
    match reason {
        "register" => "注册",
        "keepalive" => "心跳恢复",
        "unregister" => "注销",
        "heartbeat_timeout" => "心跳超时",
        "catalog" => "目录查询",
        "notify" => "目录订阅",
        "import" => "台账导入",
        "simulated" => "演示数据",
        other => other,
    }
}

/// A device's changes, each said as `<who>上线（注册）`.
fn device_changes(log: Vec<pingan_store::VideoStatusRecord>, who: &str) -> Vec<StatusChange> {
    log.into_iter()
        .map(|l| StatusChange {
            at: l.at,
            online: l.online,
            what: format!(
                "{who}{}（{}）",
                if l.online { "上线" } else { "离线" },
                reason_label(&l.reason)
            ),
        })
        .collect()
}

/// A channel's changes of its own status, each said as `<who> OFF（目录订阅）`.
fn channel_changes(log: Vec<pingan_store::ChannelLogRecord>, who: &str) -> Vec<StatusChange> {
    log.into_iter()
        .map(|l| StatusChange {
            at: l.at,
            online: l.status.eq_ignore_ascii_case("ON"),
            what: format!("{who} {}（{}）", l.status, reason_label(&l.reason)),
        })
        .collect()
}

/// The latest 200 changes, newest first.
fn newest_first(mut history: Vec<StatusChange>) -> Vec<StatusChange> {
    history.sort_by_key(|h| std::cmp::Reverse(h.at));
    history.truncate(200);
    history
}

fn online_filter(status: Option<&str>) -> Result<Option<bool>> {
    match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("online" | "在线") => Ok(Some(true)),
        Some("offline" | "离线") => Ok(Some(false)),
        Some(other) => Err(AppError::Invalid(format!(
            "status 应为 online 或 offline，而不是“{other}”"
        ))),
    }
}

fn parsed<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    code: fn(T) -> &'static str,
    what: &str,
    labels: fn() -> String,
) -> Result<Option<String>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(|t| Some(code(t).to_owned()))
            .ok_or_else(|| AppError::Invalid(format!("{what}应为 {} 之一", labels()))),
    }
}

fn text(q: Option<&str>, field: &str) -> Result<Option<String>> {
    pingan_domain::text::filter_text(q, field).map_err(AppError::Invalid)
}

fn page_of(page: Option<i64>) -> Result<i64> {
    match page.unwrap_or(1) {
        p @ 1..=100_000 => Ok((p - 1) * PAGE_ROWS),
        _ => Err(AppError::Invalid("page 应为从 1 开始的页码".into())),
    }
}

impl crate::services::Video<'_> {
    /// The org prefix a user's video lists are limited to: none for a district user (who also
    /// sees cameras not placed on a grid), else the user's unit or the `org` asked for inside it.
    fn video_scope(self, user: &CurrentUser, org: Option<&str>) -> Result<Option<String>> {
        self.authorize_user(user, Capability::ViewVideo)?;
        let unit = match org.map(str::trim).filter(|o| !o.is_empty()) {
            Some(code) => {
                let code = pingan_domain::OrgCode::parse(code)
                    .map_err(|e| AppError::Invalid(format!("org：{e}")))?;
                self.authorize(
                    &crate::Actor::user(user.clone(), None),
                    Capability::ViewVideo,
                    Some(&code),
                )?;
                code
            }
            None => user.org_code.clone(),
        };
        Ok((unit.level() != OrgLevel::District).then(|| unit.as_str().to_owned()))
    }

    /// The cameras of the user's scope, filtered; offline ones longest-offline first.
    pub async fn channel_list(
        self,
        user: &CurrentUser,
        q: &ChannelQuery,
    ) -> Result<(Vec<ChannelView>, i64)> {
        let filter = ChannelFilter {
            prefix: self.video_scope(user, q.org.as_deref())?,
            network: parsed(
                q.network.as_deref(),
                Network::parse,
                Network::code,
                "网络",
                Network::labels,
            )?,
            capability: parsed(
                q.capability.as_deref(),
                CameraCapability::parse,
                CameraCapability::code,
                "功能",
                CameraCapability::labels,
            )?,
            place_kind: parsed(
                q.place.as_deref(),
                PlaceKind::parse,
                PlaceKind::code,
                "重点部位",
                PlaceKind::labels,
            )?,
            online: online_filter(q.status.as_deref())?,
            device_id: text(q.device.as_deref(), "device")?,
            q: text(q.q.as_deref(), "q")?,
            limit: PAGE_ROWS,
            offset: page_of(q.page)?,
        };
        let rows = self.store.channel_rows(&filter).await?;
        let total = rows.first().map_or(0, |r| r.total);
        Ok((rows.into_iter().map(ChannelView::from).collect(), total))
    }

    /// Every camera of the user's scope with a point, for the map (at most 20,000).
    pub async fn channel_points(
        self,
        user: &CurrentUser,
        network: Option<&str>,
    ) -> Result<Vec<MapPoint>> {
        let filter = ChannelFilter {
            prefix: self.video_scope(user, None)?,
            network: parsed(
                network,
                Network::parse,
                Network::code,
                "网络",
                Network::labels,
            )?,
            limit: 20_000,
            ..Default::default()
        };
        Ok(self
            .store
            .channel_rows(&filter)
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(MapPoint {
                    online: channel_online(r.device_online, r.status.as_deref()),
                    // Six decimals are 0.1 m: enough for a map, a third of the bytes.
                    lon: (r.lon? * 1e6).round() / 1e6,
                    lat: (r.lat? * 1e6).round() / 1e6,
                    id: r.channel_id,
                    name: r.name,
                    network: r.network,
                })
            })
            .collect())
    }

    /// The devices of the user's scope, filtered.
    pub async fn device_list(
        self,
        user: &CurrentUser,
        q: &DeviceQuery,
    ) -> Result<(Vec<DeviceView>, i64)> {
        let filter = DeviceFilter {
            prefix: self.video_scope(user, q.org.as_deref())?,
            network: parsed(
                q.network.as_deref(),
                Network::parse,
                Network::code,
                "网络",
                Network::labels,
            )?,
            online: online_filter(q.status.as_deref())?,
            q: text(q.q.as_deref(), "q")?,
            limit: PAGE_ROWS,
            offset: page_of(q.page)?,
        };
        let rows = self.store.device_rows(&filter).await?;
        let total = rows.first().map_or(0, |r| r.total);
        Ok((rows.into_iter().map(DeviceView::from).collect(), total))
    }

    /// A device of the user's scope with its channels and its status history (the device's own
    /// changes and its channels', newest first).
    pub async fn device_page(self, user: &CurrentUser, device_id: &str) -> Result<DevicePage> {
        let prefix = self.video_scope(user, None)?;
        let not_found =
            || AppError::NotFound(format!("没有设备 {device_id}，或它不在您的管辖范围内"));
        let device = self
            .store
            .device_rows(&DeviceFilter {
                prefix: prefix.clone(),
                q: Some(device_id.to_owned()),
                limit: 50,
                ..Default::default()
            })
            .await?
            .into_iter()
            .find(|d| d.device_id == device_id)
            .ok_or_else(not_found)?;
        let channels: Vec<ChannelView> = self
            .store
            .channel_rows(&ChannelFilter {
                device_id: Some(device_id.to_owned()),
                limit: 10_000,
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(ChannelView::from)
            .collect();
        let mut history = device_changes(self.store.video_status_log(device_id).await?, "设备");
        for (name, log) in self.store.channel_logs_of_device(device_id).await? {
            history.extend(channel_changes(vec![log], &format!("通道 {name}")));
        }
        Ok(DevicePage {
            device: device.into(),
            channels,
            history: newest_first(history),
        })
    }

    /// A camera of the user's scope and its status history (its device's and its own).
    pub async fn channel_page(
        self,
        user: &CurrentUser,
        channel_id: &str,
    ) -> Result<(ChannelView, Vec<StatusChange>)> {
        let prefix = self.video_scope(user, None)?;
        let channel = self
            .store
            .channel_row(channel_id)
            .await?
            .filter(|c| match &prefix {
                None => true,
                Some(p) => c
                    .grid_code
                    .as_deref()
                    .is_some_and(|g| g.starts_with(p.as_str())),
            })
            .ok_or_else(|| {
                AppError::NotFound(format!("没有摄像机 {channel_id}，或它不在您的管辖范围内"))
            })?;
        let mut history = channel_changes(self.store.channel_log(channel_id).await?, "通道");
        let device_log = self.store.video_status_log(&channel.device_id).await?;
        history.extend(device_changes(device_log, "所属设备"));
        Ok((channel.into(), newest_first(history)))
    }

    /// The cameras of the user's scope nearest a WGS-84 point, within `radius_m`, nearest first.
    pub async fn nearest_channels(
        self,
        user: &CurrentUser,
        lon: f64,
        lat: f64,
        radius_m: f64,
        limit: usize,
    ) -> Result<Vec<ChannelView>> {
        let prefix = self.video_scope(user, None)?;
        let half = pingan_geo::coord::degrees_around(lat, radius_m);
        let mut near: Vec<ChannelView> = self
            .store
            .channels_in_box(prefix.as_deref(), lon, lat, half)
            .await?
            .into_iter()
            .filter_map(|r| {
                let d = pingan_geo::coord::distance_m((lon, lat), (r.lon?, r.lat?));
                (d <= radius_m).then(|| ChannelView {
                    distance_m: Some(d.round()),
                    ..r.into()
                })
            })
            .collect();
        near.sort_by(|a, b| {
            a.distance_m
                .partial_cmp(&b.distance_m)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        near.truncate(limit);
        Ok(near)
    }
}
