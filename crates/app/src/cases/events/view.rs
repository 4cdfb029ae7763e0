//! What an event looks like to a client: in lists, and on its case page.

use crate::cases::case_number;
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use chrono::{DateTime, Utc};
use pingan_domain::case::event::Channel;
use pingan_domain::{OrgCode, OrgLevel};
use pingan_store::EventRecord;
use serde::Serialize;

/// 事件 — one event as listed and answered.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    /// 事件编号, e.g. `SJ20261128000042`.
    pub number: String,
    pub state: String,
    /// The state in Chinese, e.g. 待派遣.
    pub state_label: String,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub channel: String,
    pub channel_label: String,
    /// The grid it lies in, when known.
    pub grid_code: Option<String>,
    /// Where it lies (a grid, or a village/township when no grid is known).
    pub org_code: String,
    /// The hub that owns it.
    pub owner_org: String,
    /// The departments on it (the lead first).
    pub department_ids: Vec<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub self_resolved: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the current step started.
    pub step_started_at: DateTime<Utc>,
    /// The current step's deadline (none when no clock runs).
    pub deadline: Option<DateTime<Utc>>,
    /// When the yellow card shows.
    pub yellow_at: Option<DateTime<Utc>>,
    /// `normal`, `yellow` or `red`.
    pub alert: String,
    pub open: bool,
    /// 挂牌督办.
    pub supervised: bool,
    /// Working days asked for by a pending extension request.
    pub extension_days: Option<i64>,
    /// 处置时限, e.g. "2 工作日".
    pub handling_limit: String,
    pub merged_into: Option<i64>,
    pub rating: Option<String>,
    /// Send this back with an action to be told when someone else acted first.
    pub version: i64,
}

impl EventView {
    pub(crate) fn new(r: EventRecord, department_ids: Vec<i64>) -> Self {
        let (c, d) = (r.case, r.detail);
        let k = c.core;
        let grid_code = OrgCode::parse(&c.org_code)
            .ok()
            .filter(|o| o.level() == OrgLevel::Grid)
            .map(|o| o.as_str().to_owned());
        let channel = Channel::parse(&d.channel);
        Self {
            number: case_number(k.kind, c.id, c.created_at),
            state_label: k.state.label.to_owned(),
            handling_limit: k.handling.label(),
            id: c.id,
            state: k.state.key.to_owned(),
            title: c.title,
            description: d.description,
            category_code: d.category_code,
            channel_label: channel.map_or_else(|| d.channel.clone(), |ch| ch.label().into()),
            channel: d.channel,
            grid_code,
            org_code: c.org_code,
            owner_org: k.owner_org.as_str().to_owned(),
            department_ids,
            lat: d.lat,
            lon: d.lon,
            address: d.address,
            self_resolved: d.self_resolved,
            created_at: c.created_at,
            updated_at: c.updated_at,
            step_started_at: k.step_started_at,
            deadline: k.clock.map(|t| t.deadline),
            yellow_at: k.clock.map(|t| t.yellow_at),
            alert: k.alert.as_str().to_owned(),
            open: k.open(),
            supervised: k.supervised,
            extension_days: k.extension_days.map(i64::from),
            merged_into: k.merged_into,
            rating: k.rating.map(|r| r.as_str().to_owned()),
            version: c.version,
        }
    }
}

impl EventView {
    /// Whether `user` still sees this event (a department that returned it does not).
    pub fn visible_to(&self, user: &crate::CurrentUser) -> bool {
        crate::cases::bus::visible(user, &self.org_code, &self.department_ids)
    }
}

/// 事件详情 — the case page: the event, its departments, its timeline and what the user may do.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventDetailView {
    pub event: EventView,
    pub category_name: String,
    pub departments: Vec<CaseDepartmentView>,
    pub timeline: Vec<TimelineView>,
    pub actions: Vec<ActionView>,
    /// The department routing suggests for dispatch, if any.
    pub suggested_department_id: Option<i64>,
    /// 现场照片, oldest first.
    pub photos: Vec<crate::cases::PhotoView>,
    /// Who the case waits for now, e.g. "等待承办部门签收" (none once it is finished).
    pub waiting_for: Option<String>,
    /// The dispute it was converted into (转为矛盾纠纷), when the user may open it: id, number.
    pub dispute: Option<(i64, String)>,
    /// 上报人 of a request that came in through Open311 (name, phone, e-mail) or of a 12345 order
    /// (its 工单编号, the caller), masked.
    pub reporter_contact: Option<String>,
}
