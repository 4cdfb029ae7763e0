//! 事件类别 — the shipped categories with their handling limits (立结案标准), which a district
//! may shorten or lengthen.

use crate::cases::view::CategoryView;
use crate::{Actor, AppError, Result};
use pingan_domain::{Capability, OrgCode};
use pingan_store::CategoryRecord;
use std::sync::Arc;

impl crate::services::Cases<'_> {
    /// The categories in force (and retired ones, marked), for forms and the API.
    pub async fn event_categories(self) -> Result<Vec<CategoryView>> {
        Ok(self
            .category_records()
            .await?
            .iter()
            .map(CategoryView::from)
            .collect())
    }

    /// Changes a category's handling limit (立结案标准): district commanders only, since the
    /// categories are the whole district's. New events use it; open ones keep the limit they had.
    pub async fn set_category_limit(
        self,
        actor: &Actor,
        code: &str,
        amount: u32,
        unit: &str,
    ) -> Result<()> {
        let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.authorize(actor, Capability::ManageCaseRules, Some(&district))?;
        let unit = pingan_domain::calendar::TimeUnit::parse(unit).ok_or_else(|| {
            AppError::Invalid(
                "时限单位应为 work_hours、work_days、urgent_hours、natural_days 或 statutory_days"
                    .into(),
            )
        })?;
        if !(1..=365).contains(&amount) {
            return Err(AppError::Invalid("时限应为 1 到 365 之间的整数".into()));
        }
        let before = self
            .category_records()
            .await?
            .iter()
            .find(|c| c.code == code)
            .map(|c| format!("{} {}", c.handling_amount, c.handling_unit))
            .ok_or_else(|| AppError::NotFound(format!("事件类别 {code} 不存在")))?;
        self.store
            .set_category_limit(code, i64::from(amount), unit.as_str())
            .await?;
        self.caches.categories.clear();
        self.audit(
            actor,
            "category.limit",
            &format!("category:{code}"),
            "ok",
            serde_json::json!({"before": before, "after": format!("{amount} {}", unit.as_str())}),
        )
        .await
    }

    /// A category in force by code or Chinese name.
    pub(crate) async fn category(self, code_or_name: &str) -> Result<CategoryRecord> {
        self.category_records()
            .await?
            .iter()
            .find(|c| c.retired_at.is_none() && (c.code == code_or_name || c.name == code_or_name))
            .cloned()
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "事件类别“{code_or_name}”不存在或已停用：请填类别代码（如 ZZ02）或名称（如 治安隐患），可选类别见 /api/v1/event-categories"
                ))
            })
    }

    pub(crate) async fn category_records(self) -> Result<Arc<Vec<CategoryRecord>>> {
        if let Some(c) = self.caches.categories.get() {
            return Ok(c);
        }
        Ok(self.caches.categories.put(self.store.categories().await?))
    }

    /// Brings the shipped categories into the database (at every start).
    pub(crate) async fn sync_event_categories(self) -> Result<()> {
        use pingan_domain::case::event::category::{CATEGORIES, VERSION};
        let shipped: Vec<CategoryRecord> = CATEGORIES
            .iter()
            .map(|c| CategoryRecord {
                code: c.code.into(),
                name: c.name.into(),
                parent_code: c.parent.map(Into::into),
                family: c.family.into(),
                handling_amount: i64::from(c.handling.amount),
                handling_unit: c.handling.unit.as_str().into(),
                department_kind: c.department_kind.map(Into::into),
                version: VERSION.into(),
                customized: false,
                retired_at: None,
            })
            .collect();
        self.store.sync_categories(&shipped).await?;
        self.caches.categories.clear();
        Ok(())
    }
}
