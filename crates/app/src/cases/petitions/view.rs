//! What a petition looks like to a client: in lists, and on its case page.

use crate::cases::PhotoView;
use crate::cases::case_number;
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use chrono::{DateTime, Utc};
use pingan_domain::case::petition::{
    LawyerRole, PetitionChannel, PetitionClass, PetitionerRole, RefusalGround, ReplyOutcome,
    ReviewOutcome,
};
use pingan_store::{CasePartyRecord, PetitionRecord};
use serde::Serialize;

/// The label of a code in a closed list, or the code itself when this version does not know it.
fn label_of(code: &Option<String>, parse: impl Fn(&str) -> Option<&'static str>) -> Option<String> {
    code.as_deref()
        .map(|c| parse(c).map_or_else(|| c.to_owned(), str::to_owned))
}

/// 信访事项 — one petition as listed and answered.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionView {
    pub id: i64,
    /// 信访件编号, e.g. `XF20261207000042`.
    pub number: String,
    pub state: String,
    pub state_label: String,
    pub title: String,
    pub content: String,
    pub requests: String,
    pub channel: String,
    pub channel_label: String,
    pub class: String,
    pub class_label: String,
    pub people_count: i64,
    /// 集体访.
    pub collective: bool,
    pub external_ref: Option<String>,
    /// Where the matter lies (a grid, or a village/township).
    pub org_code: String,
    /// The petition office (hub) that owns it.
    pub owner_org: String,
    /// The organ handling it (转送/交办), once routed.
    pub department_id: Option<i64>,
    /// 重复信访: the earlier petition's id (its number on the case page, for those who may see it).
    pub repeat_of: Option<i64>,
    /// 越级.
    pub skipped_level: bool,
    pub refusal_ground: Option<String>,
    pub refusal_ground_label: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub extended_days: i64,
    /// `support`, `explain` or `reject`, once replied.
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub served_at: Option<DateTime<Utc>>,
    pub review_outcome_label: Option<String>,
    pub recheck_outcome_label: Option<String>,
    /// A 听证 under way since.
    pub hearing_since: Option<DateTime<Utc>>,
    pub hearing_days: i64,
    pub leader_id: Option<i64>,
    pub leader_plan: Option<String>,
    pub lawyer_id: Option<i64>,
    pub lawyer_role_label: Option<String>,
    /// 访调对接: the dispute it went to mediation as.
    pub dispute_id: Option<i64>,
    /// 满意度, once rated.
    pub rating: Option<String>,
    pub rating_label: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The current step's deadline (absolute time), counted by the regulation.
    pub deadline: Option<DateTime<Utc>>,
    pub yellow_at: Option<DateTime<Utc>>,
    pub alert: String,
    pub open: bool,
    pub supervised: bool,
    pub version: i64,
}

impl PetitionView {
    pub(crate) fn new(r: PetitionRecord) -> Self {
        let (c, d) = (r.case, r.detail);
        let k = c.core;
        Self {
            number: case_number(k.kind, c.id, c.created_at),
            id: c.id,
            state: k.state.key.into(),
            state_label: k.state.label.into(),
            title: c.title,
            content: d.content,
            requests: d.requests,
            channel_label: PetitionChannel::parse(&d.channel)
                .map_or_else(|| d.channel.clone(), |x| x.label().into()),
            channel: d.channel,
            class_label: PetitionClass::parse(&d.class)
                .map_or_else(|| d.class.clone(), |x| x.label().into()),
            class: d.class,
            people_count: d.people_count,
            collective: d.collective,
            external_ref: d.external_ref,
            org_code: c.org_code,
            owner_org: k.owner_org.as_str().into(),
            department_id: k.department,
            repeat_of: d.repeat_of,
            skipped_level: d.skipped_level,
            refusal_ground_label: label_of(&d.refusal_ground, |g| {
                RefusalGround::parse(g).map(RefusalGround::label)
            }),
            refusal_ground: d.refusal_ground,
            accepted_at: d.accepted_at,
            extended_days: d.extended_days,
            outcome_label: label_of(&d.outcome, |o| {
                ReplyOutcome::parse(o).map(ReplyOutcome::label)
            }),
            outcome: d.outcome,
            replied_at: d.replied_at,
            served_at: d.served_at,
            review_outcome_label: label_of(&d.review_outcome, |o| {
                ReviewOutcome::parse(o).map(ReviewOutcome::label)
            }),
            recheck_outcome_label: label_of(&d.recheck_outcome, |o| {
                ReviewOutcome::parse(o).map(ReviewOutcome::label)
            }),
            hearing_since: d.hearing_since,
            hearing_days: d.hearing_days,
            leader_id: d.leader_id,
            leader_plan: d.leader_plan,
            lawyer_id: d.lawyer_id,
            lawyer_role_label: label_of(&d.lawyer_role, |r| {
                LawyerRole::parse(r).map(LawyerRole::label)
            }),
            dispute_id: d.dispute_id,
            rating: k.rating.map(|r| r.as_str().into()),
            rating_label: k.rating.map(|r| r.label().into()),
            lat: d.lat,
            lon: d.lon,
            address: d.address,
            created_at: c.created_at,
            updated_at: c.updated_at,
            deadline: k.clock.map(|t| t.deadline),
            yellow_at: k.clock.map(|t| t.yellow_at),
            alert: k.alert.as_str().into(),
            open: k.open(),
            supervised: k.supervised,
            version: c.version,
        }
    }
}

/// 信访人 — a petitioner, masked.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionerView {
    pub id: i64,
    /// `petitioner` or `representative`.
    pub role: String,
    pub role_label: String,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

impl From<CasePartyRecord> for PetitionerView {
    fn from(p: CasePartyRecord) -> Self {
        Self {
            id: p.id,
            role_label: PetitionerRole::parse(&p.party.role)
                .map_or_else(|| p.party.role.clone(), |r| r.label().into()),
            role: p.party.role,
            name: p.party.name_masked,
            id_number: p.party.id_masked,
            phone: p.party.phone_masked,
        }
    }
}

/// A petitioner in plain text, revealed for a stated reason (audited).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionerPlain {
    pub id: i64,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

/// The case page of a petition.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionDetailView {
    #[serde(flatten)]
    pub petition: PetitionView,
    pub petitioners: Vec<PetitionerView>,
    pub departments: Vec<CaseDepartmentView>,
    /// The earlier petition's number, when the reader may see it.
    pub repeat_of_number: Option<String>,
    pub leader_name: Option<String>,
    /// 律师: name and firm.
    pub lawyer: Option<String>,
    /// The dispute's number, when the reader may see it.
    pub dispute_number: Option<String>,
    pub timeline: Vec<TimelineView>,
    pub actions: Vec<ActionView>,
    /// Who the petition waits for, and the step (e.g. 等待承办部门受理).
    pub waiting_for: Option<String>,
    /// The notices (告知书, 处理意见书) that can be printed now: (key, name).
    pub notices: Vec<(String, String)>,
    pub attachments: Vec<PhotoView>,
}
