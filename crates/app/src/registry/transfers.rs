//! 迁移申请 — moving a resident to another township's grid. The township that takes them in
//! asks, by ID number (it cannot see where the person is registered); the township that has them
//! sees the request and approves or rejects it; both see it on their persons page. Imports and
//! forms never move a person across a scope boundary by themselves (issue 12).

use crate::Actor;
use crate::{AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::identity::IdNumber;
use pingan_domain::time::format_minute;
use pingan_domain::{Capability, OrgLevel, Scope};
use pingan_store::{NewTransfer, TransferRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

/// A request to take a resident in, as filled in by the receiving township.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TransferEntry {
    /// The resident's 公民身份号码.
    pub id_number: String,
    /// The grid of yours they move to (15 digits).
    pub to_grid: String,
    /// Why: e.g. 购房迁入、投靠子女.
    pub reason: String,
}

/// 迁移申请 as one side sees it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TransferView {
    pub id: i64,
    /// `incoming`: the person is yours and another township asks for them; `outgoing`: you asked.
    pub direction: &'static str,
    /// 待确认, 已同意 or 已拒绝.
    pub state: &'static str,
    pub pending: bool,
    pub name: String,
    pub id_number: String,
    /// Where the person is registered: shown to the township that has them only.
    pub from_grid: Option<String>,
    pub to_grid: String,
    /// The township asking (for incoming) or asked (none until decided, for outgoing).
    pub counterpart: Option<String>,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
}

impl crate::services::Registry<'_> {
    /// Asks for a resident registered outside the user's scope to be moved to one of its grids.
    pub async fn request_transfer(
        self,
        actor: &Actor,
        user: &CurrentUser,
        entry: &TransferEntry,
    ) -> Result<TransferView> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        let prefix = user.scope().prefix().to_owned();
        let to_grid = entry.to_grid.trim();
        let ours = self.store.grids_under(&prefix).await?;
        if !ours.iter().any(|g| g.code == to_grid) {
            return Err(AppError::Invalid(format!(
                "网格：{to_grid} 不存在或不在您的管辖范围内，请选择迁入的网格"
            )));
        }
        let reason = entry.reason.trim();
        if !(2..=200).contains(&reason.chars().count()) {
            return Err(AppError::Invalid(
                "迁移原因：请写明 2 到 200 个字（如 购房迁入、投靠子女）".into(),
            ));
        }
        let today = pingan_domain::time::beijing_date(Utc::now());
        let id = IdNumber::parse(entry.id_number.trim(), today)
            .map_err(|e| AppError::Invalid(format!("公民身份号码：{e}")))?;
        let index = self.id_number_index(&id);
        let found = self
            .store
            .person_ids(std::slice::from_ref(&index))
            .await?
            .into_iter()
            .next()
            .map(|(_, person)| person);
        let Some(person) = found else {
            return Err(AppError::NotFound(
                "此公民身份号码尚未登记：请直接在本辖区登记此人".into(),
            ));
        };
        // A transfer looks across the requester's district (the answer never tells where).
        let district = user
            .org_code
            .ancestor_at(OrgLevel::District)
            .unwrap_or_else(|| user.org_code.clone());
        let record = self
            .store
            .person(person, &Scope::org(district))
            .await?
            .ok_or_else(|| AppError::NotFound("此人已注销".into()))?;
        if record.grid_code.starts_with(&prefix) {
            return Err(AppError::Invalid(
                "此人已在您的管辖范围内：如需换网格，请在人员页面修改".into(),
            ));
        }
        let new = NewTransfer {
            person_id: person,
            from_grid: record.grid_code.clone(),
            to_grid: to_grid.to_owned(),
            reason: reason.to_owned(),
            requested_by: user.id,
            requested_by_name: user.display_name.clone(),
            at: pingan_domain::audit::to_micros(Utc::now()),
        };
        let id = self
            .store
            .insert_transfer(&new)
            .await
            .map_err(|e| match e {
                pingan_store::StoreError::Conflict(_) => {
                    AppError::Conflict("此人已有一条待原辖区确认的迁移申请，请等待处理结果".into())
                }
                other => other.into(),
            })?;
        self.audit(
            actor,
            "transfer.request",
            &format!("transfer:{id}"),
            "ok",
            json!({"person": person, "to": to_grid}),
        )
        .await?;
        self.transfer_view(user, id).await
    }

    /// The requests of the user's scope, leaving and arriving, pending ones first.
    pub async fn transfers(self, user: &CurrentUser) -> Result<Vec<TransferView>> {
        self.authorize_user(user, Capability::ViewRegistry)?;
        let prefix = user.scope().prefix().to_owned();
        let records = self.store.transfers_touching(&prefix).await?;
        let mut names = HashMap::new();
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            out.push(self.view_of(&prefix, r, &mut names).await?);
        }
        Ok(out)
    }

    /// Approves or rejects a request for a resident of the user's scope (the giving township);
    /// on approval the person moves, with their groups and visits, and leaves their household.
    pub async fn decide_transfer(
        self,
        actor: &Actor,
        user: &CurrentUser,
        id: i64,
        approve: bool,
        note: Option<&str>,
    ) -> Result<TransferView> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        let prefix = user.scope().prefix().to_owned();
        let record = self
            .store
            .transfer(id)
            .await?
            .filter(|r| r.from_grid.starts_with(&prefix))
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "没有迁移申请 {id}，或此人不在您的管辖范围内（迁入方不能自行确认）"
                ))
            })?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::Invalid("处理意见不能超过 200 字".into()));
        }
        if !approve && note.is_none() {
            return Err(AppError::Invalid("拒绝迁移请写明理由".into()));
        }
        let at = pingan_domain::audit::to_micros(Utc::now());
        if !self
            .store
            .decide_transfer(id, approve, &user.display_name, note, at)
            .await?
        {
            return Err(AppError::Conflict(
                "此申请已处理，或此人已不在申请时的网格：请刷新后查看".into(),
            ));
        }
        self.audit(
            actor,
            if approve {
                "transfer.approve"
            } else {
                "transfer.reject"
            },
            &format!("transfer:{id}"),
            "ok",
            json!({"person": record.person_id, "from": record.from_grid, "to": record.to_grid}),
        )
        .await?;
        self.transfer_view(user, id).await
    }

    async fn transfer_view(self, user: &CurrentUser, id: i64) -> Result<TransferView> {
        let prefix = user.scope().prefix().to_owned();
        let record = self
            .store
            .transfer(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有迁移申请 {id}")))?;
        self.view_of(&prefix, record, &mut HashMap::new()).await
    }

    /// The request as the side under `prefix` may see it: the giving township sees where the
    /// person is registered; the asking one does not, until it is decided.
    async fn view_of(
        self,
        prefix: &str,
        r: TransferRecord,
        names: &mut HashMap<String, String>,
    ) -> Result<TransferView> {
        let incoming = r.from_grid.starts_with(prefix);
        let pending = r.state == "pending";
        let other_side = if incoming { &r.to_grid } else { &r.from_grid };
        let counterpart = if incoming || !pending {
            Some(self.township_name(other_side, names).await?)
        } else {
            None
        };
        Ok(TransferView {
            id: r.id,
            direction: if incoming { "incoming" } else { "outgoing" },
            state: match r.state.as_str() {
                "pending" => "待确认",
                "approved" => "已同意",
                _ => "已拒绝",
            },
            pending,
            name: r.name_masked,
            id_number: r.id_masked,
            from_grid: incoming.then_some(r.from_grid),
            to_grid: r.to_grid,
            counterpart,
            reason: r.reason,
            requested_by: r.requested_by_name,
            requested_at: format_minute(r.requested_at),
            decided_by: r.decided_by_name,
            decided_at: r.decided_at.map(format_minute),
            note: r.decision_note,
        })
    }

    /// The name of the township (街道/乡/镇) a grid lies in.
    async fn township_name(
        self,
        grid: &str,
        names: &mut HashMap<String, String>,
    ) -> Result<String> {
        let code = grid.get(..9).unwrap_or(grid).to_owned();
        if let Some(n) = names.get(&code) {
            return Ok(n.clone());
        }
        let name = self
            .store
            .org_unit(&code)
            .await?
            .map_or_else(|| code.clone(), |u| u.name);
        names.insert(code, name.clone());
        Ok(name)
    }
}
