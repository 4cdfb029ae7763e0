//! 社会稳定风险评估 — the risk-assessment kind's use cases: registering a matter with its 评估主体,
//! carrying it through the eight steps (or the 简易评估 track), the materials, opinion records and
//! expert scores each step needs, the level (高/中/低 with the district's letters), the decision,
//! 备案, the measures and incidents while it is carried out, re-assessment; the expert pool and
//! the register of matters by level.

mod work;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};

/// 评估事项登记.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RiskIntake {
    /// The client's own id for this registration (8–64 letters, digits, `-` or `_`).
    pub client_id: String,
    /// `land`, `project`, `restructuring`, `policy`, `environment`, `event`, `rebuild`, `other`.
    pub matter_type: String,
    /// `full` (一般评估, default) or `simple` (简易评估).
    pub track: Option<String>,
    pub title: String,
    /// What is planned, where, for whom; up to 5,000 characters.
    pub description: String,
    /// 涉及群众人数.
    pub people_affected: Option<u32>,
    /// The 评估主体 (the proposing or undertaking department); a department's own account may
    /// leave it out.
    pub department_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub coord: Option<String>,
    pub grid_code: Option<String>,
    pub address: Option<String>,
}

/// 稳评操作.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RiskActionRequest {
    /// `advance` (complete the current step), `add_document`, `add_opinion`, `expert_score`,
    /// `set_level`, `decide`, `file_record`, `add_measure`, `complete_measure`, `report_incident`,
    /// `reassess`, `close`, `supervise`, `urge`.
    pub action: String,
    pub version: Option<i64>,
    pub reason: Option<String>,
    /// With `add_document`: `plan`, `analysis`, `report`, `minutes`, `contingency`, `other`.
    pub kind: Option<String>,
    /// With `add_document` and `add_opinion`.
    pub title: Option<String>,
    pub content: Option<String>,
    /// With `add_opinion`: `notice` 公示, `survey` 问卷, `visit` 走访, `forum` 座谈, `hearing` 听证.
    pub method: Option<String>,
    pub participants: Option<u32>,
    /// With `expert_score`: the expert and their scores (0–100) and opinion.
    pub expert_id: Option<i64>,
    pub legality: Option<u32>,
    pub rationality: Option<u32>,
    pub feasibility: Option<u32>,
    pub controllability: Option<u32>,
    pub safety: Option<u32>,
    /// With `set_level`: `high`, `medium`, `low`.
    pub level: Option<String>,
    /// With `decide`: `implement`, `postpone`, `reject`.
    pub decision: Option<String>,
    /// With `add_measure`: who carries it out and by when.
    pub owner: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// With `complete_measure`.
    pub measure_id: Option<i64>,
}

/// Filters of the assessment list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RiskListQuery {
    pub state: Option<String>,
    pub open: Option<bool>,
    /// `high`, `medium`, `low`.
    pub level: Option<String>,
    pub decision: Option<String>,
    pub matter_type: Option<String>,
    pub area: Option<String>,
    pub q: Option<String>,
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// 稳评事项 — an assessment as listed and answered.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskView {
    pub id: i64,
    /// e.g. `WP20261207000042`.
    pub number: String,
    pub state: String,
    pub state_label: String,
    pub title: String,
    pub description: String,
    pub matter_type: String,
    pub matter_type_label: String,
    pub track: String,
    pub track_label: String,
    pub people_affected: i64,
    pub level: Option<String>,
    /// "高风险（A级）", with the district's letters.
    pub level_label: Option<String>,
    pub decision: Option<String>,
    pub decision_label: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub filed_at: Option<DateTime<Utc>>,
    pub reassessments: i64,
    pub org_code: String,
    /// The 评估主体.
    pub department_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub alert: String,
    pub open: bool,
    pub supervised: bool,
    pub version: i64,
}

/// One page of assessments.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskPage {
    pub items: Vec<RiskView>,
    pub next_before: Option<i64>,
}

/// A material or an opinion record.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskDocumentView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub method_label: Option<String>,
    pub participants: Option<i64>,
    pub title: String,
    pub content: String,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// One expert's scores.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskScoreView {
    pub expert_id: i64,
    pub expert_name: String,
    pub legality: i64,
    pub rationality: i64,
    pub feasibility: i64,
    pub controllability: i64,
    pub safety: Option<i64>,
    pub opinion: String,
}

/// 专家评审结果.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PanelView {
    pub experts: usize,
    pub legality: f64,
    pub rationality: f64,
    pub feasibility: f64,
    pub controllability: f64,
    pub safety: Option<f64>,
    pub overall: f64,
    /// The level the panel's scores suggest, with the district's letters.
    pub suggested_level: String,
    pub suggested_label: String,
}

/// A measure after the decision.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskMeasureView {
    pub id: i64,
    pub content: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    /// Past its day and not done (督查督办).
    pub overdue: bool,
}

/// The case page of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskDetailView {
    #[serde(flatten)]
    pub risk: RiskView,
    pub departments: Vec<CaseDepartmentView>,
    pub documents: Vec<RiskDocumentView>,
    pub opinions: Vec<RiskDocumentView>,
    pub scores: Vec<RiskScoreView>,
    pub panel: Option<PanelView>,
    pub measures: Vec<RiskMeasureView>,
    /// What the current step still needs before `advance`, if anything.
    pub step_needs: Option<String>,
    pub timeline: Vec<TimelineView>,
    pub actions: Vec<ActionView>,
}

/// An expert of the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskExpertView {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    /// 专业领域 (法律, 规划, 环保, 社会学 …).
    pub field: String,
    pub unit: String,
}

/// 稳评台账 — the matters by level and decision.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RiskRegisterView {
    /// (level label or 未定级, decision label or 未决策, matters).
    pub lines: Vec<(String, String, i64)>,
    pub total: i64,
}
