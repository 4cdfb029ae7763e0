//! 一键报警与门禁 — alarm points (校园一键报警, 社区一键报警柱, 居家紧急按钮) and door controllers:
//! registered with a signing key shown once, heard through signed HTTP calls (heartbeats give
//! their online rate like cameras'), and each alarm taken in as a 突发事件 at the point, pushed to
//! the hub's open pages with its place (they sound it and mark the map). The operator's 受理 on
//! the event is the acknowledgement, on its timeline.

mod points;
mod signals;

pub use signals::{AlarmBody, MAX_SIGNAL_BYTES, SignalOutcome, SignedCall};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The sealed column of a point's signing key (also the associated data of its ciphertext).
pub(crate) const KEY_FIELD: &str = "alarm_points.key_sealed";

/// 报警点登记 — a point as its installer registers it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AlarmPointRequest {
    /// The number on the device (serial or GB/T 28181 id), 4–32 letters, digits or `-`.
    pub code: String,
    /// e.g. 朝阳小学东门一键报警.
    pub name: String,
    /// `campus` (校园一键报警), `pillar` (社区一键报警柱), `home` (居家紧急按钮) or `door` (门禁控制器).
    pub kind: String,
    pub lat: f64,
    pub lon: f64,
    /// `wgs84` (the default) or `gcj02`.
    pub coord: Option<String>,
    pub address: Option<String>,
    /// The place (场所) it guards, from the places registry.
    pub place_id: Option<i64>,
    /// How often it sends a heartbeat, 10–3600 s (default 60); offline after three missed.
    pub heartbeat_secs: Option<i64>,
}

/// 报警点 — a point as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AlarmPointView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    /// The grid it stands in.
    pub org_code: String,
    pub place_id: Option<i64>,
    pub lat: f64,
    pub lon: f64,
    pub address: Option<String>,
    pub heartbeat_secs: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub online: bool,
}

/// A point just registered, with its signing key (hex, shown this once).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RegisteredAlarmPoint {
    pub point: AlarmPointView,
    /// 64 hex digits: the device signs every call with HMAC-SM3 under it.
    pub key: String,
}

/// 报警点在线率 — the points of an area and how many are online.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AlarmPointsView {
    pub points: Vec<AlarmPointView>,
    pub total: usize,
    pub online: usize,
    /// Online / total, in percent with one decimal; none without points.
    pub online_rate: Option<f64>,
}
