//! 涉黑涉恶线索 — the clue kind's use cases: taking a report in (anonymous allowed) with a lookup
//! code for the informant, the clue office's list and case page, the actions through the engine,
//! revealing the informant for a stated reason, and the informant's anonymous lookup. Under 反有组织
//! 犯罪法 the informant's identity is read in one place only ([`work`]'s reveal), by 线索管理
//! holders, audited; a clue is seen by the clue office and the unit verifying it, nobody else; and
//! none of its changes reaches the live stream.

mod intake;
mod work;

use chrono::{DateTime, Utc};
use pingan_domain::case::clue::{ClueGrade, ClueMark, ClueResult, ClueSource};
use pingan_store::ClueRecord;
use serde::{Deserialize, Serialize};

use crate::cases::case_number;
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};

pub(crate) const INFORMANT_NAME_FIELD: &str = "clue_informants.name";
pub(crate) const INFORMANT_PHONE_FIELD: &str = "clue_informants.phone";
pub(crate) const INFORMANT_ID_FIELD: &str = "clue_informants.id_number";
pub(crate) const INFORMANT_CONTACT_FIELD: &str = "clue_informants.contact";
/// The blind-index key label of lookup codes.
pub(crate) const CODE_FIELD: &str = "clues.code";

/// 举报人 — the informant as the office enters them; all optional (anonymous when none given).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InformantEntry {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    /// How they wish to be reached (an address, a time of day).
    pub contact: Option<String>,
}

/// 线索登记 — a report as the clue office enters it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClueIntake {
    /// The client's own id for this registration (8–64 letters, digits, `-` or `_`).
    pub client_id: String,
    /// `letter`, `phone`, `online`, `visit`, `hotline_12345`, `case_work`, `inspection`.
    pub source: String,
    /// 12345 工单号 or the referring case's number.
    pub external_ref: Option<String>,
    /// A short title that names no informant (e.g. 某村村霸强揽工程).
    pub title: String,
    /// 举报内容, up to 5,000 characters.
    pub content: String,
    /// The people and organisations the report names.
    #[serde(default)]
    pub named: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub coord: Option<String>,
    pub grid_code: Option<String>,
    pub address: Option<String>,
    /// Leave out, or send empty, for an anonymous report.
    pub informant: Option<InformantEntry>,
}

/// The answer to a registration: the clue, and the code to give the informant (once).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClueIntakeOutcome {
    #[serde(flatten)]
    pub clue: ClueView,
    /// 查询码: tell it to the informant; it is not kept and cannot be shown again. Empty when the
    /// client id had been used already.
    pub code: String,
    pub created: bool,
}

/// 线索办理操作.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClueActionRequest {
    /// `screen`, `discard`, `assign`, `extend`, `report_result`, `send_back`, `conclude`, `mark`,
    /// `supervise`, `urge`.
    pub action: String,
    pub version: Option<i64>,
    pub reason: Option<String>,
    /// With `screen`: `important` or `general`.
    pub grade: Option<String>,
    /// With `assign`: the unit that verifies it (公安, 纪委监委, an industry department).
    pub department_id: Option<i64>,
    /// With `extend`: days.
    pub extension_days: Option<u32>,
    /// With `report_result`: `substantiated` 查实, `unfounded` 查否 or `doubtful` 存疑, and for a
    /// substantiated clue the cases opened, the people and the assets involved (yuan).
    pub result: Option<String>,
    pub cases_opened: Option<u32>,
    pub people_involved: Option<u32>,
    pub assets_yuan: Option<f64>,
    /// With `mark`: `umbrella` (保护伞) or `dereliction` (失职渎职).
    pub mark: Option<String>,
    /// With `conclude`: what the informant is told.
    pub feedback: Option<String>,
}

/// Filters of the clue list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ClueListQuery {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub alert: Option<String>,
    /// `important` or `general`.
    pub grade: Option<String>,
    pub area: Option<String>,
    /// Text in the title, or a case number (`XS2026…`).
    pub q: Option<String>,
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// 涉黑涉恶线索 — a clue as listed and answered: never anything of the informant but whether the
/// report was anonymous.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClueView {
    pub id: i64,
    /// 线索编号, e.g. `XS20261207000042`.
    pub number: String,
    pub state: String,
    pub state_label: String,
    pub title: String,
    pub content: String,
    pub named: String,
    pub source: String,
    pub source_label: String,
    pub external_ref: Option<String>,
    pub anonymous: bool,
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    pub result: Option<String>,
    pub result_label: Option<String>,
    pub cases_opened: i64,
    pub people_involved: i64,
    pub assets_yuan: f64,
    /// 一案三查 marks, as labels.
    pub marks: Vec<String>,
    pub feedback: Option<String>,
    pub feedback_at: Option<DateTime<Utc>>,
    pub org_code: String,
    pub department_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub alert: String,
    pub open: bool,
    pub supervised: bool,
    pub version: i64,
}

impl ClueView {
    pub(crate) fn new(r: ClueRecord) -> Self {
        let (c, d) = (r.case, r.detail);
        let k = c.core;
        let grade = d.grade.as_deref().and_then(ClueGrade::parse);
        let result = d.result.as_deref().and_then(ClueResult::parse);
        Self {
            number: case_number(k.kind, c.id, c.created_at),
            id: c.id,
            state: k.state.key.into(),
            state_label: k.state.label.into(),
            title: c.title,
            content: d.content,
            named: d.named,
            source_label: ClueSource::parse(&d.source)
                .map_or_else(|| d.source.clone(), |s| s.label().into()),
            source: d.source,
            external_ref: d.external_ref,
            anonymous: d.anonymous,
            grade: d.grade,
            grade_label: grade.map(|g| g.label().into()),
            result: d.result,
            result_label: result.map(|r| r.label().into()),
            cases_opened: d.cases_opened,
            people_involved: d.people_involved,
            assets_yuan: d.assets_fen as f64 / 100.0,
            marks: d
                .marks
                .split_whitespace()
                .map(|m| ClueMark::parse(m).map_or_else(|| m.to_owned(), |x| x.label().into()))
                .collect(),
            feedback: d.feedback,
            feedback_at: d.feedback_at,
            org_code: c.org_code,
            department_id: k.department,
            created_at: c.created_at,
            deadline: k.clock.map(|t| t.deadline),
            alert: k.alert.as_str().into(),
            open: k.open(),
            supervised: k.supervised,
            version: c.version,
        }
    }
}

/// One page of clues.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CluePage {
    pub items: Vec<ClueView>,
    pub next_before: Option<i64>,
}

/// The case page of a clue.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClueDetailView {
    #[serde(flatten)]
    pub clue: ClueView,
    pub departments: Vec<CaseDepartmentView>,
    pub timeline: Vec<TimelineView>,
    pub actions: Vec<ActionView>,
    /// Whether the reader may reveal the informant (线索管理, a named report).
    pub can_reveal: bool,
}

/// 举报人 in plain text, revealed for a stated reason.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InformantPlain {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub contact: Option<String>,
}

/// What an informant's code answers: the stage, and the result once verified. Nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClueLookup {
    pub stage: String,
    pub result: Option<String>,
}
