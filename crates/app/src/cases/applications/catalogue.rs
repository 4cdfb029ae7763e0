//! 政务服务事项目录 — the shipped catalogue brought into the database at every start, read by
//! anyone (it is the public 办事指南), and edited by the district.

use super::{ServiceItemEdit, ServiceItemView};
use crate::{Actor, AppError, Result};
use chrono::Utc;
use pingan_domain::service_item::{SERVICE_ITEMS, VERSION, check_edit};
use pingan_domain::{Capability, OrgCode};
use pingan_store::ServiceItemRecord;
use serde_json::json;

impl crate::services::Cases<'_> {
    /// Brings the shipped services into the database (at every start).
    pub(crate) async fn sync_service_items(self) -> Result<()> {
        let now = Utc::now();
        let shipped: Vec<ServiceItemRecord> = SERVICE_ITEMS
            .iter()
            .map(|s| ServiceItemRecord {
                code: s.code.into(),
                name: s.name.into(),
                category: s.category.into(),
                unit: s.unit.into(),
                limit_days: i64::from(s.limit_days),
                online_once: s.online_once,
                materials: s.materials.join("\n"),
                active: true,
                version: VERSION.into(),
                customized: false,
                retired_at: None,
                updated_at: now,
            })
            .collect();
        self.store.sync_service_items(&shipped).await?;
        Ok(())
    }

    /// The services in force, by code; with `all`, those the district took off the list too.
    pub async fn service_items(self, all: bool) -> Result<Vec<ServiceItemView>> {
        Ok(self
            .store
            .service_items()
            .await?
            .iter()
            .filter(|s| s.retired_at.is_none() && (all || s.active))
            .map(ServiceItemView::from)
            .collect())
    }

    /// The stations an application may be made at, for forms: each township's 便民服务中心 and
    /// each village's or community's 便民服务站, labelled with its township ("东城街道 · 朝阳社区").
    /// The divisions are reference data: anyone may read them.
    pub async fn service_stations(self) -> Result<Vec<(String, String)>> {
        let units = self
            .store
            .org_units_under(pingan_domain::division::DISTRICT.0)
            .await?;
        let townships: std::collections::HashMap<&str, &str> = units
            .iter()
            .filter(|u| u.level == "township")
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        Ok(units
            .iter()
            .filter(|u| u.retired_at.is_none())
            .filter_map(|u| match u.level.as_str() {
                "township" => Some((u.code.clone(), format!("{}（便民服务中心）", u.name))),
                "village" => {
                    let township = u
                        .parent_code
                        .as_deref()
                        .and_then(|p| townships.get(p))
                        .copied()
                        .unwrap_or_default();
                    Some((u.code.clone(), format!("{township} · {}", u.name)))
                }
                _ => None,
            })
            .collect())
    }

    /// A service in force by code or name (taken off the list: refused, with what to do).
    pub(crate) async fn service_item(self, code_or_name: &str) -> Result<ServiceItemRecord> {
        let wanted = code_or_name.trim();
        let found = self
            .store
            .service_items()
            .await?
            .into_iter()
            .find(|s| s.retired_at.is_none() && (s.code == wanted || s.name == wanted))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "服务事项“{}”不存在：请填事项编码（如 FW09）或名称，可办事项见 /api/v1/services",
                    wanted.chars().take(40).collect::<String>()
                ))
            })?;
        if !found.active {
            return Err(AppError::Invalid(format!(
                "“{}”暂停受理，请咨询所在村（社区）便民服务站",
                found.name
            )));
        }
        Ok(found)
    }

    /// Changes a service (维护政务服务事项, at district level): its unit, limit, materials,
    /// online flag, or takes it off the list. New applications use it; open ones keep the limit
    /// they had.
    pub async fn edit_service_item(
        self,
        actor: &Actor,
        code: &str,
        edit: &ServiceItemEdit,
    ) -> Result<ServiceItemView> {
        let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.authorize(actor, Capability::ManageServices, Some(&district))?;
        let materials =
            check_edit(&edit.unit, edit.limit_days, &edit.materials).map_err(AppError::Invalid)?;
        let before = self
            .store
            .service_items()
            .await?
            .into_iter()
            .find(|s| s.code == code && s.retired_at.is_none())
            .ok_or_else(|| AppError::NotFound(format!("服务事项 {code} 不存在")))?;
        let after = ServiceItemRecord {
            unit: edit.unit.trim().into(),
            limit_days: i64::from(edit.limit_days),
            online_once: edit.online_once,
            materials: materials.join("\n"),
            active: edit.active,
            customized: true,
            updated_at: Utc::now(),
            ..before.clone()
        };
        self.store.update_service_item(&after).await?;
        let facts = |s: &ServiceItemRecord| {
            json!({"unit": s.unit, "limit_days": s.limit_days, "online_once": s.online_once,
                   "materials": s.materials, "active": s.active})
        };
        self.audit(
            actor,
            "service_item.edit",
            &format!("service:{code}"),
            "ok",
            json!({"before": facts(&before), "after": facts(&after)}),
        )
        .await?;
        Ok(ServiceItemView::from(&after))
    }
}
