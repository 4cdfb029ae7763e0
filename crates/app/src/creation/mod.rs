//! 平安创建 — units declared for a year's creation and carried from 申报 to 命名 (or 摘牌), each
//! step scored against the district's checklist, and the "六无" of every village and community
//! computed from the hub's own records (`six_none.rs`) — never typed in, so a 命案 entered on an
//! event turns the village's 无命案 red and names the event.

mod checklists;
mod six_none;
mod units;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// 创建申报 — a unit as declared.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
pub struct CreationUnitRequest {
    /// `township` 平安乡镇（街道）, `village` 平安村（社区）, `campus` 平安校园, `hospital` 平安医院,
    /// `family` 平安家庭 or `demonstration` 平安示范点 (code or Chinese name).
    pub kind: String,
    /// The creation year, e.g. 2026.
    pub year: i32,
    /// The area (a township's or village's code) or the grid the unit lies in; a school or
    /// hospital may name its place instead.
    pub org: Option<String>,
    /// The place (学校, 医院) from the places registry.
    pub place_id: Option<i64>,
    /// 申报单位名称; a township or village defaults to its own name.
    pub name: Option<String>,
}

/// A step an assessor takes on a unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CreationStepRequest {
    /// `self_assess` 自评, `township_assess` 乡镇考核, `district_review` 区复核 or `revoke` 摘牌.
    pub step: String,
    /// The points given per line of the kind's checklist, in its order (not for 摘牌).
    #[serde(default)]
    pub scores: Vec<u32>,
    /// 考核意见 (for 摘牌: the ground, required), at most 500 characters.
    #[serde(default)]
    pub remarks: String,
    /// With 区复核: the day it was named (default today) and the 命名文号.
    pub named_on: Option<NaiveDate>,
    pub document_no: Option<String>,
    /// The unit's version as read (另一位考核人先提交时答 409).
    pub version: i64,
}

/// A search of the units.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CreationListQuery {
    pub year: Option<i32>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// An org code within your area.
    pub org: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// 创建单位 — a unit as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreationUnitView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub year: i32,
    pub name: String,
    pub org_code: String,
    /// The township and village it lies in, e.g. 朝阳街道 马房坝社区.
    pub area_name: String,
    pub place_id: Option<i64>,
    pub status: String,
    pub status_label: String,
    /// The total of its latest scored assessment.
    pub score: Option<i64>,
    pub named_on: Option<NaiveDate>,
    pub document_no: Option<String>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// 考核记录 — one step taken on a unit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreationAssessmentView {
    pub step: String,
    pub step_label: String,
    pub passed: bool,
    pub total: Option<i64>,
    /// The lines as scored.
    pub scores: Vec<ScoredLineView>,
    /// The "六无" items broken when it was taken (labels).
    pub six_none_broken: Vec<String>,
    pub remarks: String,
    pub status_after_label: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// A line of the checklist as one assessment scored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoredLineView {
    pub label: String,
    pub points: u32,
    pub veto: bool,
    pub given: u32,
}

/// 创建单位详情 — a unit with its assessments, its checklist and, for an area, its "六无" now.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreationUnitPage {
    pub unit: CreationUnitView,
    pub assessments: Vec<CreationAssessmentView>,
    pub checklist: ChecklistView,
    /// The "六无" of its area for its year (townships, villages, demonstration sites).
    pub six_none: Option<SixNoneView>,
    /// The steps the viewer may take now.
    pub steps: Vec<StepOption>,
}

/// A step offered on the unit's page.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StepOption {
    pub step: String,
    pub label: String,
    pub scores: bool,
}

/// 考核标准 — a kind's checklist.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChecklistView {
    pub kind: String,
    pub kind_label: String,
    pub pass_mark: u32,
    pub total: u32,
    pub items: Vec<CriterionEntry>,
    /// Whether "六无" is a veto of its own for this kind.
    pub six_none_veto: bool,
    /// When the district last changed it; none while it is the shipped one.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A line of a checklist, as shown and as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriterionEntry {
    pub label: String,
    pub points: u32,
    /// 一票否决.
    #[serde(default)]
    pub veto: bool,
}

/// A checklist as the district enters it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChecklistRequest {
    pub pass_mark: u32,
    pub items: Vec<CriterionEntry>,
}

/// "六无" of one area and year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SixNoneView {
    pub org_code: String,
    pub area_name: String,
    pub year: i32,
    /// All six hold.
    pub clean: bool,
    pub items: Vec<SixNoneItemView>,
}

/// One "六无" item: what was looked at and the records that broke it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SixNoneItemView {
    pub key: String,
    pub label: String,
    pub evidence: String,
    pub clean: bool,
    pub breaches: Vec<BreachView>,
}

/// 破坏记录 — a record that broke an item. What the viewer may not open is counted, not shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BreachView {
    /// `event`, `clue`, `petition` or `drug_user`.
    pub source: String,
    pub source_label: String,
    /// The case number, when the viewer may open the case.
    pub number: Option<String>,
    /// What it is (the case title, or the 列管日期); none when the viewer may not see it.
    pub title: Option<String>,
    /// The page to open it on, when the viewer may.
    pub href: Option<String>,
    pub org_code: String,
    pub at: DateTime<Utc>,
}

/// "六无" of every village and community of an area.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SixNoneOverview {
    pub year: i32,
    pub org_code: String,
    /// The labels of the six items, in order.
    pub items: Vec<String>,
    pub villages: Vec<VillageSixNone>,
    /// How many villages keep all six.
    pub clean: usize,
}

/// One village's row of the overview.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VillageSixNone {
    pub org_code: String,
    pub name: String,
    pub township: String,
    /// Records breaking each item, in the order of `items` (0: the item holds).
    pub broken: Vec<usize>,
    pub clean: bool,
}
