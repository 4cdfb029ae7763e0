//! What a dispute looks like to a client: in lists, and on its case page.

use crate::cases::case_number;
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use chrono::{DateTime, Utc};
use pingan_domain::case::dispute::{
    AgreementKind, DisputeScale, DisputeSource, DisputeType, PartyRole,
};
use pingan_store::{CasePartyRecord, DisputeRecord, DisputeSessionRecord};
use serde::Serialize;

/// 矛盾纠纷 — one dispute as listed and answered.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputeView {
    pub id: i64,
    /// 纠纷编号, e.g. `JF20261207000042`.
    pub number: String,
    pub state: String,
    pub state_label: String,
    pub title: String,
    pub facts: String,
    /// Type code (`13`).
    #[serde(rename = "type")]
    pub dispute_type: String,
    pub type_label: String,
    pub sub_type: Option<String>,
    pub source: String,
    pub source_label: String,
    pub external_ref: Option<String>,
    /// `individual` or `group`.
    pub scale: String,
    pub scale_label: String,
    pub people_count: i64,
    pub amount_yuan: Option<f64>,
    /// Where it lies (a grid, or a village/township).
    pub org_code: String,
    /// The hub that owns it.
    pub owner_org: String,
    /// The mediation organisation leading it, once assigned (or its registrar's own).
    pub organisation_id: Option<i64>,
    pub referrer_department_id: Option<i64>,
    /// The event it came from.
    pub event_id: Option<i64>,
    pub mediator_id: Option<i64>,
    /// `written` or `oral`, once mediation succeeded.
    pub agreement: Option<String>,
    pub agreement_label: Option<String>,
    pub agreement_content: Option<String>,
    /// When mediation ended, and whether it succeeded.
    pub concluded_at: Option<DateTime<Utc>>,
    pub succeeded: Option<bool>,
    pub referred_to: Option<String>,
    pub accident_number: Option<String>,
    pub insurer: Option<String>,
    pub liability_percent: Option<i64>,
    /// 防止民转刑.
    pub prevented_crime: bool,
    /// 防止群体性上访.
    pub prevented_petition: bool,
    /// The organisations and departments mediating jointly (协办), besides the lead.
    pub assist_organisation_ids: Vec<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub yellow_at: Option<DateTime<Utc>>,
    pub alert: String,
    pub open: bool,
    pub supervised: bool,
    pub version: i64,
}

impl DisputeView {
    pub(crate) fn new(r: DisputeRecord, departments: Vec<i64>) -> Self {
        let (c, d) = (r.case, r.detail);
        let k = c.core;
        let t = DisputeType::parse(&d.dispute_type);
        let source = DisputeSource::parse(&d.source);
        let scale = DisputeScale::parse(&d.scale);
        let agreement = d.agreement_kind.as_deref().and_then(AgreementKind::parse);
        Self {
            number: case_number(k.kind, c.id, c.created_at),
            id: c.id,
            state: k.state.key.into(),
            state_label: k.state.label.into(),
            title: c.title,
            facts: d.facts,
            type_label: t.map_or_else(|| d.dispute_type.clone(), |t| t.label().into()),
            dispute_type: d.dispute_type,
            sub_type: d.sub_type,
            source_label: source.map_or_else(|| d.source.clone(), |s| s.label().into()),
            source: d.source,
            external_ref: d.external_ref,
            scale_label: scale.map_or_else(|| d.scale.clone(), |s| s.label().into()),
            scale: d.scale,
            people_count: d.people_count,
            amount_yuan: d.amount_fen.map(|f| f as f64 / 100.0),
            org_code: c.org_code,
            owner_org: k.owner_org.as_str().into(),
            organisation_id: departments.first().copied(),
            assist_organisation_ids: departments.iter().skip(1).copied().collect(),
            prevented_crime: d.prevented_crime,
            prevented_petition: d.prevented_petition,
            referrer_department_id: d.referrer_department_id,
            event_id: d.event_id,
            mediator_id: d.mediator_id,
            agreement_label: agreement.map(|a| a.label().into()),
            agreement: d.agreement_kind,
            agreement_content: d.agreement,
            concluded_at: d.concluded_at,
            succeeded: d.succeeded,
            referred_to: d.referred_to,
            accident_number: d.accident_number,
            insurer: d.insurer,
            liability_percent: d.liability_percent,
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

/// 当事人 — a party, masked.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputePartyView {
    pub id: i64,
    /// `applicant` or `respondent`.
    pub role: String,
    pub role_label: String,
    /// The name masked (an organisation's name in full).
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub credit_code: Option<String>,
}

impl From<CasePartyRecord> for DisputePartyView {
    fn from(r: CasePartyRecord) -> Self {
        let p = r.party;
        Self {
            id: r.id,
            role_label: PartyRole::parse(&p.role)
                .map_or_else(|| p.role.clone(), |x| x.label().into()),
            role: p.role,
            name: p.name_masked,
            id_number: p.id_masked,
            phone: p.phone_masked,
            credit_code: p.credit_code,
        }
    }
}

/// 调解记录 — one session.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputeSessionView {
    pub held_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub attendees: String,
    pub record: String,
    pub mediator_name: String,
}

impl From<DisputeSessionRecord> for DisputeSessionView {
    fn from(r: DisputeSessionRecord) -> Self {
        let s = r.session;
        Self {
            held_at: s.held_at,
            place: s.place,
            video_link: s.video_link,
            attendees: s.attendees,
            record: s.record,
            mediator_name: s.mediator_name,
        }
    }
}

/// 纠纷详情 — the case page: the dispute, its parties, sessions, organisation, timeline and
/// what the user may do.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputeDetailView {
    pub dispute: DisputeView,
    pub parties: Vec<DisputePartyView>,
    pub sessions: Vec<DisputeSessionView>,
    /// The organisation leading it (主办) first.
    pub organisations: Vec<CaseDepartmentView>,
    /// The department that referred it, by name.
    pub referrer: Option<String>,
    /// The event it came from, by number, when the user may open it.
    pub event_number: Option<String>,
    pub timeline: Vec<TimelineView>,
    pub actions: Vec<ActionView>,
    /// Who it waits for now, e.g. "等待调解组织调解成功" (none once finished).
    pub waiting_for: Option<String>,
    /// Photos of the signed agreement (签字协议书).
    pub scans: Vec<crate::cases::PhotoView>,
    /// The user may upload them: the hub or the organisation, once a written agreement exists.
    pub can_attach_agreement: bool,
}
