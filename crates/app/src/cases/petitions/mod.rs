//! 信访 — the petition kind's use cases: registration (with 重复信访, 越级 and 不再受理 found from
//! the earlier petitions), the lists and case page, the actions of the 2022 regulation through
//! the engine, 领导包案, 律师参与, 访调对接 (a dispute made from the petition, whose mediation
//! closes it), the notices as PDFs and the indicators.

mod intake;
mod lawyers;
mod notices;
mod stats;
mod view;
mod work;

pub use lawyers::{LawyerEntry, LawyerView};
pub use notices::NoticeKind;
pub use stats::{LeaderLoadView, PetitionStatsQuery, PetitionStatsRow, PetitionStatsView};
pub use view::{PetitionDetailView, PetitionView, PetitionerPlain, PetitionerView};

use serde::{Deserialize, Serialize};

/// 信访人 — one petitioner as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PetitionerEntry {
    /// `petitioner` (信访人, the default) or `representative` (代表人 of a collective petition).
    #[serde(default)]
    pub role: String,
    pub name: String,
    /// 公民身份号码 (optional; sealed, shown masked).
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

/// 信访登记 — a petition as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PetitionIntake {
    /// The client's own id for this registration (8–64 letters, digits, `-` or `_`): sending it
    /// again returns the petition it made.
    pub client_id: String,
    /// `letter`, `visit`, `online`, `phone`, `email`, `fax`, `hotline_12345`, `mailbox` (or the
    /// Chinese names).
    pub channel: String,
    /// `suggestion` (建议意见类), `accusation` (检举控告类) or `claim` (申诉求决类).
    pub class: String,
    /// 信访事项 in a line.
    pub title: String,
    /// 主要内容, up to 5,000 characters.
    pub content: String,
    /// 诉求, up to 2,000 characters.
    #[serde(default)]
    pub requests: String,
    #[serde(default)]
    pub petitioners: Vec<PetitionerEntry>,
    /// 信访人数 (five or more make a 集体访, which names one to five representatives).
    pub people_count: Option<u32>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `wgs84` (default) or `gcj02`.
    pub coord: Option<String>,
    pub address: Option<String>,
    pub grid_code: Option<String>,
    /// 12345 工单号 (required for `hotline_12345`) or the number a higher office gave it.
    pub external_ref: Option<String>,
}

/// 信访办理操作 — an action on a petition as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PetitionActionRequest {
    /// `route` (with `mode`), `accept`, `extend`, `reply`, `serve`, `request_review`,
    /// `review_reply`, `request_recheck`, `hearing_start`, `hearing_end`, `recheck_reply`,
    /// `conclude`, `to_mediation`, `assign_leader`, `progress`, `assign_lawyer`,
    /// `lawyer_opinion`, `rate`, `supervise`, `urge`.
    pub action: String,
    /// The case version the client last saw.
    pub version: Option<i64>,
    /// The reason, opinion or note (告知 where to go, 处理意见, 延期理由, 包案方案, 律师意见 …).
    pub reason: Option<String>,
    /// With `route`: `transfer` (转送), `assign` (交办), `inform` (告知) or `refuse` (不予受理).
    pub mode: Option<String>,
    /// With `route` as 转送 or 交办: the organ (a department).
    pub department_id: Option<i64>,
    /// With 不予受理: `litigation`, `settled`, `lapsed`, `concluded` or `remit`.
    pub ground: Option<String>,
    /// With `extend`: days, at most 30 in all.
    pub extension_days: Option<u32>,
    /// With `reply`: `support`, `explain` or `reject`; with `review_reply` and `recheck_reply`:
    /// `uphold`, `change` or `revoke`.
    pub outcome: Option<String>,
    /// With `assign_leader`: the leader's account id.
    pub leader_id: Option<i64>,
    /// With `assign_lawyer`: the lawyer (from the directory) and `advise` or `represent`.
    pub lawyer_id: Option<i64>,
    pub lawyer_role: Option<String>,
    /// With `rate`: 满意, 基本满意 or 不满意 (`satisfied`, `fairly_satisfied`, `dissatisfied`).
    pub rating: Option<String>,
    /// With `to_mediation`: the dispute's type (code or name).
    pub dispute_type: Option<String>,
    /// With `to_mediation`: the other side (被申请人), by name; the petitioners are the applicants.
    pub respondent: Option<String>,
}

/// Filters of a petition list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PetitionListQuery {
    pub state: Option<String>,
    pub open: Option<bool>,
    /// `normal`, `yellow` or `red`.
    pub alert: Option<String>,
    pub class: Option<String>,
    pub channel: Option<String>,
    /// An org code within your scope.
    pub area: Option<String>,
    /// Text in the title, or a case number (`XF20261207000042`).
    pub q: Option<String>,
    /// `leader`: only your 包案 petitions; `lawyer`: only those assigned to you as a lawyer.
    pub mine: Option<String>,
    pub collective: Option<bool>,
    pub repeated: Option<bool>,
    pub skipped_level: Option<bool>,
    /// Cursor: the `next_before` of the previous page.
    pub before: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// One page of petitions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionPage {
    pub items: Vec<PetitionView>,
    pub next_before: Option<i64>,
}

/// The answer to a registration.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionIntakeOutcome {
    #[serde(flatten)]
    pub petition: PetitionView,
    /// False when the client id had been used already and this is the petition it made.
    pub created: bool,
    /// What registration found: 重复信访 of …, 越级, 不再受理 (复核终结 of …).
    pub findings: Vec<String>,
}
