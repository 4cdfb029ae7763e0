//! 分拨 — which hub owns a new event and which department it is suggested to go to: the most
//! specific routing rule (area first, then category) or, without one, the village station that
//! received it or else the township the event lies in, and a department of the category's usual
//! kind (the nearest: the owner's own, else its township's, else the district's).
//!
//! The hubs are three levels (三级综治中心): 区综治中心, 乡镇（街道）综治中心 and 村（社区）综治服务站.
//! A hub works the events it owns and those of the hubs below it; 提级 moves an event one level up.

use crate::{Actor, AppError, Result};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{CategoryRecord, DepartmentRecord, NewRoutingRule, RoutingRuleRecord};
use serde::Serialize;
use serde_json::json;

/// Where an event goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub owner_org: OrgCode,
    pub department_id: Option<i64>,
}

/// 分拨规则 — a routing rule as shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoutingRuleView {
    pub id: i64,
    /// Category code prefix; empty matches every category.
    pub category_prefix: String,
    /// Org-code prefix of the area; empty matches the whole district.
    pub area_prefix: String,
    pub owner_org: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
}

impl crate::services::Cases<'_> {
    /// The route of an event of `category` at `place`; `station` is the village hub that received
    /// it at its own counter, which owns it unless a rule says otherwise.
    pub(crate) async fn route(
        self,
        category: &CategoryRecord,
        place: &OrgCode,
        station: Option<&OrgCode>,
    ) -> Result<Route> {
        let rules = self.routing_rule_records().await?;
        let best = rules
            .iter()
            .filter(|r| {
                category.code.starts_with(&r.category_prefix)
                    && place.as_str().starts_with(&r.area_prefix)
            })
            .max_by_key(|r| (r.area_prefix.len(), r.category_prefix.len(), r.id));
        if let Some(r) = best {
            return Ok(Route {
                owner_org: super::parse_org(&r.owner_org)?,
                department_id: r.department_id,
            });
        }
        let owner = station.cloned().unwrap_or_else(|| {
            place
                .ancestor_at(OrgLevel::Township)
                .unwrap_or_else(|| place.clone())
        });
        let departments = self.all_departments().await?;
        let department_id = category.department_kind.as_deref().and_then(|kind| {
            std::iter::successors(Some(owner.clone()), OrgCode::parent).find_map(|org| {
                departments
                    .iter()
                    .find(|d| d.kind == kind && d.org_code == org.as_str())
                    .map(|d| d.id)
            })
        });
        Ok(Route {
            owner_org: owner,
            department_id,
        })
    }

    /// The routing rules (everyone who sees cases may read them).
    pub async fn routing_rules(self, actor: &Actor) -> Result<Vec<RoutingRuleView>> {
        self.case_user(actor)?;
        let departments = self.all_departments().await?;
        Ok(self
            .routing_rule_records()
            .await?
            .iter()
            .map(|r| RoutingRuleView {
                id: r.id,
                category_prefix: r.category_prefix.clone(),
                area_prefix: r.area_prefix.clone(),
                owner_org: r.owner_org.clone(),
                department_id: r.department_id,
                department_name: department_name(&departments, r.department_id),
            })
            .collect())
    }

    /// Adds a rule: events of `category_prefix` in `area_prefix` go to `owner_org` (and the
    /// department, if given). The area and the owner must lie in the commander's scope.
    pub async fn add_routing_rule(self, actor: &Actor, rule: NewRoutingRule) -> Result<i64> {
        let area = if rule.area_prefix.is_empty() {
            None
        } else {
            Some(OrgCode::parse(&rule.area_prefix).map_err(|e| {
                AppError::Invalid(format!("区域代码 {} 无效：{e}", rule.area_prefix))
            })?)
        };
        let owner = OrgCode::parse(&rule.owner_org)
            .map_err(|e| AppError::Invalid(format!("承办中心代码 {} 无效：{e}", rule.owner_org)))?;
        if owner.level() == OrgLevel::Grid {
            return Err(AppError::Invalid(
                "承办中心应为区、乡镇（街道）综治中心或村（社区）综治服务站，网格不能作为承办中心"
                    .into(),
            ));
        }
        self.authorize(actor, Capability::ManageCaseRules, Some(&owner))?;
        if let Some(a) = &area {
            self.authorize(actor, Capability::ManageCaseRules, Some(a))?;
        }
        if !rule.category_prefix.is_empty()
            && !self
                .category_records()
                .await?
                .iter()
                .any(|c| c.code.starts_with(&rule.category_prefix))
        {
            return Err(AppError::Invalid(format!(
                "没有以 {} 开头的事件类别",
                rule.category_prefix
            )));
        }
        if let Some(d) = rule.department_id
            && !self.all_departments().await?.iter().any(|x| x.id == d)
        {
            return Err(AppError::Invalid(format!("部门 {d} 不存在")));
        }
        let id = self.store.insert_routing_rule(&rule).await?;
        self.caches.routing.clear();
        self.audit(
            actor,
            "routing.add",
            &format!("routing_rule:{id}"),
            "ok",
            json!({"category": rule.category_prefix, "area": rule.area_prefix,
                   "owner": rule.owner_org, "department": rule.department_id}),
        )
        .await?;
        Ok(id)
    }

    pub async fn delete_routing_rule(self, actor: &Actor, id: i64) -> Result<()> {
        let rules = self.routing_rule_records().await?;
        let rule = rules
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::NotFound(format!("分拨规则 {id} 不存在")))?;
        let owner = super::parse_org(&rule.owner_org)?;
        self.authorize(actor, Capability::ManageCaseRules, Some(&owner))?;
        self.store.delete_routing_rule(id).await?;
        self.caches.routing.clear();
        self.audit(
            actor,
            "routing.delete",
            &format!("routing_rule:{id}"),
            "ok",
            json!({}),
        )
        .await
    }

    async fn routing_rule_records(self) -> Result<std::sync::Arc<Vec<RoutingRuleRecord>>> {
        if let Some(r) = self.caches.routing.get() {
            return Ok(r);
        }
        Ok(self.caches.routing.put(self.store.routing_rules().await?))
    }

    pub(crate) async fn all_departments(self) -> Result<std::sync::Arc<Vec<DepartmentRecord>>> {
        if let Some(d) = self.caches.departments.get() {
            return Ok(d);
        }
        Ok(self
            .caches
            .departments
            .put(self.store.departments_under("").await?))
    }

    /// The names of departments by id, for the timeline; unknown ids are refused.
    /// The names of the departments a hub (`owner`, its org code) dispatches a case to. A hub
    /// reaches its own departments and those above it; another township's departments only the
    /// district hub reaches — a township escalates instead.
    pub(crate) async fn department_names(
        self,
        owner: &str,
        list: &[(i64, bool)],
    ) -> Result<Vec<String>> {
        let departments = self.all_departments().await?;
        list.iter()
            .map(|(id, _)| {
                let d = departments.iter().find(|d| d.id == *id).ok_or_else(|| {
                    AppError::Invalid(format!("部门 {id} 不存在，请从列表中选择承办部门"))
                })?;
                if !reaches(owner, &d.org_code) {
                    return Err(AppError::Forbidden(format!(
                        "{} 属于其他乡镇（街道），本级综治中心不能派遣：请派遣本级或区级部门，跨乡镇的事项请提级到区综治中心",
                        d.name
                    )));
                }
                Ok(d.name.clone())
            })
            .collect()
    }
}

/// Whether a hub of org code `hub` may dispatch to a department of org code `department`: the
/// department is the hub's own or above it (a prefix), or within it (the district's hub reaches
/// every township's departments).
pub(crate) fn reaches(hub: &str, department: &str) -> bool {
    hub.starts_with(department) || department.starts_with(hub)
}

pub(crate) fn department_name(departments: &[DepartmentRecord], id: Option<i64>) -> Option<String> {
    let id = id?;
    departments
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.name.clone())
}
