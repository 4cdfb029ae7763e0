//! 政务服务办件 — the application kind's use cases: the service catalogue (shipped, edited by the
//! district), applying (a resident online, or the counter for a resident who came in), the
//! counter's queue with deadlines, the actions through the engine (受理, 一次性告知, 补正, 不予受理,
//! 办结, 撤回, 评价), the materials as photos, and the 办结告知书 as a PDF. A resident sees only
//! their own applications; the counter those of its scope.

mod catalogue;
mod intake;
mod work;

use chrono::{DateTime, Utc};
use pingan_domain::case::application::{ApplicationChannel, stage_for_applicant};
use pingan_store::{ApplicationRecord, ServiceItemRecord};
use serde::{Deserialize, Serialize};

use crate::cases::disputes::DisputePartyView;
use crate::cases::view::{ActionView, TimelineView};
use crate::cases::{PhotoView, case_number};

/// 政务服务事项 — a service as listed and answered.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ServiceItemView {
    /// `FW01` …
    pub code: String,
    pub name: String,
    /// 事项类别.
    pub category: String,
    /// 办理单位.
    pub unit: String,
    /// 承诺时限, working days from acceptance.
    pub limit_days: i64,
    /// 一次办结 (网上办).
    pub online_once: bool,
    /// 申请材料.
    pub materials: Vec<String>,
    /// Taken in now (the district may take a service off the list).
    pub active: bool,
    /// Changed by the district (a new shipped version leaves it alone).
    pub customized: bool,
}

impl From<&ServiceItemRecord> for ServiceItemView {
    fn from(s: &ServiceItemRecord) -> Self {
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            category: s.category.clone(),
            unit: s.unit.clone(),
            limit_days: s.limit_days,
            online_once: s.online_once,
            materials: s.materials.lines().map(str::to_owned).collect(),
            active: s.active,
            customized: s.customized,
        }
    }
}

/// 修改服务事项 — what the district may change of a service.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ServiceItemEdit {
    pub unit: String,
    pub limit_days: u32,
    pub online_once: bool,
    /// 申请材料, one per line.
    pub materials: String,
    pub active: bool,
}

/// 办件申请 — an application as a resident makes it, or the counter enters it for them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplicationIntake {
    /// The client's own id for this application (8–64 letters, digits, `-` or `_`): sending
    /// it again answers the application it made.
    pub client_id: String,
    /// The service's code (`FW09`) or name (老年人优待证办理).
    pub service: String,
    /// The village, community or township station applied at (its org code); by default the
    /// applicant's own.
    pub org: Option<String>,
    /// 申请人姓名.
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    /// 申请说明, up to 500 characters.
    #[serde(default)]
    pub note: String,
}

/// The answer to an application: the application, and whether it was new.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApplicationIntakeOutcome {
    #[serde(flatten)]
    pub application: ApplicationView,
    pub created: bool,
}

/// 办件操作.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplicationActionRequest {
    /// `accept`, `notify` (一次性告知), `resubmit`, `refuse`, `complete`, `withdraw`,
    /// `evaluate`, `supervise`, `urge`.
    pub action: String,
    pub version: Option<i64>,
    /// The ground (不予受理), what is missing (一次性告知, besides the materials ticked) or the
    /// result (办结).
    pub reason: Option<String>,
    /// With `notify`: the service's materials that are missing.
    #[serde(default)]
    pub missing_materials: Vec<String>,
    /// With `evaluate`: `satisfied`, `fairly_satisfied` or `dissatisfied`.
    pub rating: Option<String>,
}

/// Filters of the application list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ApplicationListQuery {
    pub state: Option<String>,
    pub open: Option<bool>,
    /// `yellow` or `red`.
    pub alert: Option<String>,
    /// A service's code.
    pub service: Option<String>,
    /// Text in the title, or a number (`BJ2026…`).
    pub q: Option<String>,
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// 政务服务办件 — an application as listed and answered; the applicant masked.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: i64,
    /// 办件编号, e.g. `BJ20261207000042`.
    pub number: String,
    pub state: String,
    pub state_label: String,
    /// What the resident is told of the stage.
    pub stage: String,
    pub title: String,
    pub service_code: String,
    pub service_name: String,
    pub channel: String,
    pub channel_label: String,
    pub note: String,
    /// 一次性告知: what is missing, while it is.
    pub missing: Option<String>,
    /// 办理结果.
    pub result: Option<String>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub org_code: String,
    pub created_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub alert: String,
    pub open: bool,
    pub supervised: bool,
    /// 好差评: `satisfied`, `fairly_satisfied` or `dissatisfied`.
    pub rating: Option<String>,
    pub version: i64,
}

impl ApplicationView {
    pub(crate) fn new(r: ApplicationRecord) -> Self {
        let (c, d) = (r.case, r.detail);
        let k = c.core;
        Self {
            number: case_number(k.kind, c.id, c.created_at),
            id: c.id,
            state: k.state.key.into(),
            state_label: k.state.label.into(),
            stage: stage_for_applicant(k.state.key).into(),
            title: c.title,
            service_code: d.service_code,
            service_name: d.service_name,
            channel_label: ApplicationChannel::parse(&d.channel)
                .map_or_else(|| d.channel.clone(), |x| x.label().into()),
            channel: d.channel,
            note: d.note,
            missing: d.missing,
            result: d.result,
            concluded_at: d.concluded_at,
            org_code: c.org_code,
            created_at: c.created_at,
            deadline: k.clock.map(|t| t.deadline),
            alert: k.alert.as_str().into(),
            open: k.open(),
            supervised: k.supervised,
            rating: k.rating.map(|r| r.as_str().into()),
            version: c.version,
        }
    }
}

/// One page of applications.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationView>,
    pub next_before: Option<i64>,
}

/// The page of one application.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApplicationDetailView {
    #[serde(flatten)]
    pub application: ApplicationView,
    /// 申请人, masked.
    pub applicant: Option<DisputePartyView>,
    /// The service as it stands (its materials for the 一次性告知 checklist).
    pub service: ServiceItemView,
    /// 申请材料 uploaded.
    pub materials: Vec<PhotoView>,
    pub timeline: Vec<TimelineView>,
    pub actions: Vec<ActionView>,
    /// Where the 办结告知书 is, once done.
    pub result_url: Option<String>,
}
