//! 矛盾纠纷 — the dispute kind's use cases: registration from 排查, a party's application or a
//! referral (and from an event), the lists and case page, the mediation actions, the mediation
//! organisations and the indicators. Actions go through the engine (`take_action`), with what
//! each writes of the dispute's own rows in the same transaction.

mod agreement;
mod intake;
pub(crate) mod organisations;
mod screenings;
pub(crate) mod stats;
mod view;
mod work;

pub(crate) use intake::{PARTY_ID_FIELD, PARTY_NAME_FIELD, PARTY_PHONE_FIELD};
pub(crate) use organisations::MEDIATION_DEPARTMENT_KIND;
pub use organisations::{MediationOrganisationEntry, MediationOrganisationView, MediatorView};
pub use screenings::{ScreeningEntry, ScreeningUnitView, ScreeningView};
pub use stats::{Comparison, DisputeStatsQuery, DisputeStatsView, StatsRow};
pub use view::{DisputeDetailView, DisputePartyView, DisputeSessionView, DisputeView};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 当事人 — a party as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PartyEntry {
    /// `applicant` (申请人) or `respondent` (被申请人).
    pub role: String,
    /// A person's name or an organisation's name.
    pub name: String,
    /// 公民身份号码 of a person (optional; sealed, shown masked).
    pub id_number: Option<String>,
    pub phone: Option<String>,
    /// 统一社会信用代码: makes the party an organisation.
    pub credit_code: Option<String>,
}

/// 纠纷登记 — a dispute as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DisputeIntake {
    /// The client's own id for this registration (8–64 letters, digits, `-` or `_`): sending it
    /// again returns the dispute it made.
    pub client_id: String,
    /// One of the 15 types by code (`13`) or name (`道路交通事故纠纷`).
    #[serde(rename = "type")]
    pub dispute_type: String,
    /// A sub-type of that type (e.g. `拖欠农民工工资`).
    pub sub_type: Option<String>,
    /// `screening`, `application`, `police_110`, `court_delegated`, `court_entrusted`,
    /// `procuratorate`, `petition`, `hotline_12345`, `grid` (or the Chinese names).
    pub source: String,
    pub title: String,
    /// 纠纷简要情况, up to 2,000 characters.
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub parties: Vec<PartyEntry>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `wgs84` (default) or `gcj02`.
    pub coord: Option<String>,
    pub address: Option<String>,
    pub grid_code: Option<String>,
    /// 涉及人数 (five or more make a 群体性 dispute); default 2.
    pub people_count: Option<u32>,
    /// 涉及金额, in yuan.
    pub amount_yuan: Option<f64>,
    /// The referring body's number: 法院案号, 警情编号, 检察院案件编号, 信访件编号, 12345工单号
    /// (required for those sources).
    pub external_ref: Option<String>,
    /// 道交一体化: the accident's number (事故认定书编号).
    pub accident_number: Option<String>,
    /// 道交一体化: the insurer.
    pub insurer: Option<String>,
    /// 道交一体化: the respondent's share of liability, 0–100 %.
    pub liability_percent: Option<u32>,
    /// The 排查 campaign this dispute was found in (its place must lie in the campaign's unit).
    pub screening_id: Option<i64>,
}

/// 事件转矛盾纠纷 — what a dispute needs besides what its event already says.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DisputeConversion {
    /// One of the 15 types by code or name.
    #[serde(rename = "type")]
    pub dispute_type: String,
    pub sub_type: Option<String>,
    #[serde(default)]
    pub parties: Vec<PartyEntry>,
    pub people_count: Option<u32>,
    pub amount_yuan: Option<f64>,
}

/// 调解操作 — an action on a dispute as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DisputeActionRequest {
    /// `accept`, `refuse`, `assign`, `record_session`, `extend`, `succeed`, `fail`, `escalate`,
    /// `refer`, `follow_up`, `apply_confirmation`, `record_confirmation`, `archive`,
    /// `supervise`, `urge`.
    pub action: String,
    /// The case version the client last saw.
    pub version: Option<i64>,
    /// The reason, opinion or record (不予受理, 调解记录, 调解不成, 回访 …).
    pub reason: Option<String>,
    /// The mediation organisation (分流调解).
    pub organisation_id: Option<i64>,
    /// Days to extend mediation by, with both parties' consent (1–30).
    pub extension_days: Option<u32>,
    /// `written` (书面协议) or `oral` (口头协议), with `succeed`.
    pub agreement: Option<String>,
    /// The agreed content, with `succeed`.
    pub content: Option<String>,
    /// With `succeed`: the mediation kept the dispute from turning into a criminal case
    /// (防止民转刑).
    pub prevented_crime: Option<bool>,
    /// With `succeed`: it kept a group from petitioning (防止群体性上访).
    pub prevented_petition: Option<bool>,
    /// With `assign`: other organisations or departments mediating jointly (协办), e.g. the
    /// police station and the 司法所 for 两所一中心 joint mediation.
    #[serde(default)]
    pub assist_organisation_ids: Vec<i64>,
    /// `confirmed` or `rejected`, with `record_confirmation`.
    pub outcome: Option<String>,
    /// When the session was held (default now), with `record_session`.
    pub held_at: Option<DateTime<Utc>>,
    /// 调解地点, with `record_session`.
    pub place: Option<String>,
    /// 视频调解 meeting link, with `record_session`.
    pub video_link: Option<String>,
    /// 参加人员, with `record_session`.
    pub attendees: Option<String>,
    /// Where it goes (劳动人事争议仲裁委员会, 人民法院 …), with `refer`.
    pub referred_to: Option<String>,
    /// With `refer`: the parties go to court (进入诉讼; 道交一体化 counts these).
    pub to_court: Option<bool>,
}

/// Filters of a dispute list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct DisputeListQuery {
    pub state: Option<String>,
    pub open: Option<bool>,
    /// `normal`, `yellow` or `red`.
    pub alert: Option<String>,
    /// A type code or name.
    #[serde(rename = "type")]
    pub dispute_type: Option<String>,
    pub source: Option<String>,
    /// An org code within your scope.
    pub area: Option<String>,
    /// Text in the title, or a case number (`JF20261207000042`).
    pub q: Option<String>,
    /// Only those on this mediation organisation.
    pub organisation_id: Option<i64>,
    /// `true`: only those your department referred.
    pub referred: Option<bool>,
    /// Cursor: the `next_before` of the previous page.
    pub before: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// One page of disputes, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputePage {
    pub items: Vec<DisputeView>,
    pub next_before: Option<i64>,
}

/// The answer to a registration.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputeIntakeOutcome {
    #[serde(flatten)]
    pub dispute: DisputeView,
    /// False when the client id had been used already and this is the dispute it made.
    pub created: bool,
}
