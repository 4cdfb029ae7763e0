//! 户 — the households of the registry: persons with the same 户号 in a grid, each with their
//! relation to the head (GB/T 4761). Listed and opened within scope, members masked.

use crate::list::{Listed, page_at};
use crate::sheet::{Column, write_sheet};
use crate::{Actor, AppError, CurrentUser, PersonView, Result};
use pingan_domain::Capability;
use pingan_domain::page::KeyKind::{Int, Text};
use pingan_domain::page::PageAt;
use pingan_domain::text::filter_text;
use pingan_store::HouseholdRecord;
use serde_json::json;

/// Households a page of the list.
pub const HOUSEHOLD_PAGE_ROWS: i64 = 50;

/// 户 as lists show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HouseholdView {
    pub id: i64,
    pub grid_code: String,
    /// 户号.
    pub household_no: String,
    /// 户址 (the head's 现住址).
    pub address: String,
    /// Active members.
    pub members: i64,
}

impl From<&HouseholdRecord> for HouseholdView {
    fn from(r: &HouseholdRecord) -> Self {
        Self {
            id: r.id,
            grid_code: r.grid_code.clone(),
            household_no: r.household_no.clone(),
            address: r.address.clone(),
            members: r.members,
        }
    }
}

/// One household with its members, masked, the head first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HouseholdPage {
    pub household: HouseholdView,
    pub members: Vec<PersonView>,
}

/// Filters of the household list.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
pub struct HouseholdQuery {
    /// Part of the address, or a whole 户号.
    pub q: Option<String>,
    /// A grid, village or township code in your scope.
    pub grid: Option<String>,
    /// The next page: the `after` cursor of the page before it.
    pub after: Option<String>,
    /// The previous page: the `before` cursor of the page after it.
    pub before: Option<String>,
    /// Count every match for the total (`true`); by default a search's total stops at 10,000.
    pub exact_total: Option<bool>,
}

impl crate::services::Registry<'_> {
    /// Households of the user's scope; the total of the search.
    pub async fn households(
        self,
        user: &CurrentUser,
        q: &HouseholdQuery,
    ) -> Result<Listed<HouseholdView>> {
        let prefix = self.prefix_asked(user, q.grid.as_deref(), Capability::ViewRegistry)?;
        let at = page_at(q.after.as_deref(), q.before.as_deref(), &[Text, Text, Int])?;
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let text = text.as_deref();
        if text.is_some_and(|t| t.chars().count() < 2) {
            return Err(AppError::Invalid(
                "按地址或户号查找请至少输入 2 个字".into(),
            ));
        }
        let page = self
            .store
            .households(&prefix, text, &at, HOUSEHOLD_PAGE_ROWS)
            .await?;
        let total = self
            .store
            .count_households(&prefix, text, q.exact_total.unwrap_or(false))
            .await?;
        Ok(Listed::new(page, total, |h| HouseholdView::from(&h)))
    }

    /// The households a search finds, as an .xlsx (at most 100,000): 户号, address, members,
    /// grid — no personal identifiers; the file names the exporter. Audited.
    pub async fn export_households(
        self,
        actor: &Actor,
        user: &CurrentUser,
        q: &HouseholdQuery,
    ) -> Result<Vec<u8>> {
        let prefix = self.prefix_asked(user, q.grid.as_deref(), Capability::ViewRegistry)?;
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let text = text.as_deref();
        let page = self
            .store
            .households(&prefix, text, &PageAt::First, crate::MAX_EXPORT_ROWS as i64)
            .await?;
        let rows = page.rows;
        if page.after.is_some() {
            return Err(AppError::TooLarge(
                "符合条件的户超过 10 万户：请按网格缩小范围，分批导出".into(),
            ));
        }
        let columns: Vec<Column> = [
            ("序号", 8.0),
            ("户号", 14.0),
            ("户址", 40.0),
            ("人数", 8.0),
            ("网格编码", 18.0),
        ]
        .into_iter()
        .map(|(h, w)| Column::new(h, w).text())
        .collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .enumerate()
            .map(|(i, h)| {
                vec![
                    (i + 1).to_string(),
                    h.household_no.clone(),
                    h.address.clone(),
                    h.members.to_string(),
                    h.grid_code.clone(),
                ]
            })
            .collect();
        let note =
            crate::registry::export::export_note(user, &format!("共 {} 户", rows.len()), None);
        let bytes = write_sheet("户", &columns, &cells, Some(&note))?;
        self.audit(
            actor,
            "households.export",
            "households",
            "ok",
            json!({"rows": rows.len(), "grid": q.grid}),
        )
        .await?;
        Ok(bytes)
    }

    /// One household of the user's scope with its members.
    pub async fn household(self, user: &CurrentUser, id: i64) -> Result<HouseholdPage> {
        self.authorize_user(user, Capability::ViewRegistry)?;
        let record = self
            .store
            .household(id, &user.scope())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有户 {id}，或不在您的管辖范围内")))?;
        let members = self.store.household_members(id).await?;
        Ok(HouseholdPage {
            household: HouseholdView::from(&record),
            members: members.into_iter().map(PersonView::from).collect(),
        })
    }
}
