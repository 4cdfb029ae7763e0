//! What clients see of any case: its timeline, the actions the user may take, its departments;
//! and the event categories. Each kind adds its own views in its folder.

use chrono::{DateTime, Utc};
use pingan_domain::case::{ActionSpec, KindSpec, Need, Target};
use pingan_store::{CategoryRecord, TimelineRecord};
use serde::Serialize;

/// 办理记录 — one timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TimelineView {
    pub at: DateTime<Utc>,
    pub action: String,
    /// The action in Chinese, e.g. 派遣, 黄牌预警.
    pub action_label: String,
    pub actor_name: String,
    pub actor_org: Option<String>,
    pub from_state: Option<String>,
    pub to_state: String,
    pub to_state_label: String,
    pub comment: Option<String>,
    /// What the action carried, as JSON (departments, days, rating …).
    pub detail: serde_json::Value,
}

impl TimelineView {
    /// An entry of a case of `kind`, its action and state named in that kind's words.
    pub(crate) fn new(t: TimelineRecord, kind: &KindSpec) -> Self {
        let t = t.entry;
        let action_label = match t.action.as_str() {
            "report" => "上报".to_owned(),
            "intake" => "登记".to_owned(),
            "report_resolved" => "上报（已自行处置）".to_owned(),
            "photos" => "上传照片".to_owned(),
            "alert_yellow" => "黄牌预警".to_owned(),
            "alert_red" => "红牌超期".to_owned(),
            key => kind.action(key).map_or(key, |a| a.label).to_owned(),
        };
        Self {
            to_state_label: kind.state_label(&t.to_state).to_owned(),
            at: t.at,
            action: t.action,
            action_label,
            actor_name: t.actor_name,
            actor_org: t.actor_org,
            from_state: t.from_state,
            to_state: t.to_state,
            comment: t.comment,
            detail: serde_json::from_str(&t.detail).unwrap_or_default(),
        }
    }
}

/// 可办操作 — an action the user may take now, with what it needs.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActionView {
    pub action: String,
    pub label: String,
    /// The state it leads to, if it changes the state.
    pub to_state: Option<String>,
    pub needs_reason: bool,
    pub needs_department: bool,
    pub needs_merge_target: bool,
    pub needs_extension_days: bool,
    pub needs_rating: bool,
}

impl From<&ActionSpec> for ActionView {
    fn from(a: &ActionSpec) -> Self {
        Self {
            action: a.key.into(),
            label: a.label.into(),
            to_state: match a.to {
                Target::State(s) => Some(s.into()),
                Target::Stay => None,
            },
            needs_reason: a.needs.contains(&Need::Reason),
            needs_department: a.needs.contains(&Need::Department),
            needs_merge_target: a.needs.contains(&Need::MergeTarget),
            needs_extension_days: a.needs.contains(&Need::ExtensionDays),
            needs_rating: a.needs.contains(&Need::Rating),
        }
    }
}

/// A department on a case.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CaseDepartmentView {
    pub id: i64,
    pub name: String,
    /// 主办 (true) or 协办.
    pub lead: bool,
}

/// 事件类别 — a category with its handling limit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CategoryView {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    /// `综治` or `GB/T 30428`.
    pub family: String,
    /// 处置时限, e.g. "2 工作日".
    pub handling_limit: String,
    pub department_kind: Option<String>,
    pub version: String,
    pub retired: bool,
}

impl From<&CategoryRecord> for CategoryView {
    fn from(c: &CategoryRecord) -> Self {
        let unit = pingan_domain::calendar::TimeUnit::parse(&c.handling_unit)
            .map_or(c.handling_unit.as_str(), |u| u.label());
        Self {
            code: c.code.clone(),
            name: c.name.clone(),
            parent_code: c.parent_code.clone(),
            family: c.family.clone(),
            handling_limit: format!("{} {unit}", c.handling_amount),
            department_kind: c.department_kind.clone(),
            version: c.version.clone(),
            retired: c.retired_at.is_some(),
        }
    }
}
