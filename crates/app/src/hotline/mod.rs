//! 12345 热线工单 — the connector with the 12345 hotline: orders taken in (over the API or as an
//! .xlsx) as events of the channel 12345 转办, found again by their 工单编号, and reports back to
//! the hotline — 受理, 办结, 回访 — sent from an outbox any instance works through, tried again
//! with growing waits until they get through or are given up.

mod orders;
mod reports;

pub(crate) use orders::CALLER_FIELD;
pub use orders::MAX_ORDER_ROWS;

use crate::{EventView, RejectedCell};
use serde::{Deserialize, Serialize};

/// Where the reports back go (`[hotline]` in pingan.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotlineConfig {
    /// The 12345 system's URL that takes the reports (POST, JSON).
    pub callback_url: String,
    /// The shared secret the reports are signed with (HMAC-SM3), if the hotline checks them.
    pub secret: Option<String>,
}

/// 12345 工单 — an order as the hotline hands it over.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HotlineOrder {
    /// 工单编号: 6–40 letters, digits, `-` or `_`. Sending it again answers the event it made.
    pub order_no: String,
    /// The event category: a code (`ZZ08`) or its Chinese name (`民生诉求`).
    pub category: String,
    /// 标题; default: the content's beginning.
    pub title: Option<String>,
    /// 诉求内容 (at most 2,000 characters).
    pub content: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `wgs84` (default) or `gcj02`.
    pub coord: Option<String>,
    /// The grid, when there is only an address.
    pub grid_code: Option<String>,
    /// 来电人 and 来电号码: sealed, shown to the hub masked.
    pub caller_name: Option<String>,
    pub caller_phone: Option<String>,
    /// The hotline's own deadline for the order (RFC 3339).
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The answer to an order.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HotlineOutcome {
    pub order_no: String,
    pub event: EventView,
    /// False when the order had been taken in before.
    pub created: bool,
}

/// What an .xlsx of orders did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HotlineImportReport {
    /// Orders taken in as new events.
    pub created: usize,
    /// Orders already taken in before (left as they were).
    pub existing: usize,
    pub rejected: Vec<RejectedCell>,
}

/// 回传记录 — a report back and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HotlineReportView {
    /// `received`, `concluded` or `visited`.
    pub kind: String,
    /// 已受理, 已办结, 已回访.
    pub label: String,
    /// `waiting`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// 工单状态 — an order, its event and its reports back.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HotlineOrderView {
    pub order_no: String,
    pub event: EventView,
    pub reports: Vec<HotlineReportView>,
}
