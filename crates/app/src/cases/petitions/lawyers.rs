//! 律师名录 — the lawyers a petition office assigns to advise on a petition or represent the
//! petitioner in a 涉法涉诉 matter; a lawyer with an account sees the petitions assigned to them.

use crate::{Actor, AppError, Result};
use pingan_domain::{Capability, OrgCode};
use pingan_store::{LawyerRecord, NewLawyer, StoreError};
use serde::{Deserialize, Serialize};

/// A lawyer as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LawyerEntry {
    pub name: String,
    /// 律师事务所.
    pub firm: String,
    /// 律师执业证号: 17 digits.
    pub licence_number: String,
    /// Where they serve (the district's code, or a township's); default your unit.
    pub org_code: Option<String>,
    /// 法律顾问.
    #[serde(default)]
    pub legal_adviser: bool,
    /// Their account's username, if they have one (its role should be 律师).
    pub username: Option<String>,
}

/// A lawyer in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LawyerView {
    pub id: i64,
    pub name: String,
    pub firm: String,
    pub licence_number: String,
    pub org_code: String,
    pub legal_adviser: bool,
    /// Whether they have an account (and so see the petitions assigned to them).
    pub has_account: bool,
    /// Petitions assigned to them still open.
    pub open_cases: i64,
}

impl From<LawyerRecord> for LawyerView {
    fn from(l: LawyerRecord) -> Self {
        Self {
            id: l.id,
            name: l.name,
            firm: l.firm,
            licence_number: l.licence_number,
            org_code: l.org_code,
            legal_adviser: l.legal_adviser,
            has_account: l.user_id.is_some(),
            open_cases: l.open_cases,
        }
    }
}

impl crate::services::Cases<'_> {
    /// The lawyers serving the user's unit (the district's serve every township).
    pub async fn lawyers(self, actor: &Actor) -> Result<Vec<LawyerView>> {
        self.authorize(actor, Capability::RegisterPetitions, None)?;
        Ok(self
            .store
            .lawyers(&actor.scope_prefix())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Adds a lawyer to the directory (维护律师名录).
    pub async fn add_lawyer(self, actor: &Actor, e: &LawyerEntry) -> Result<LawyerView> {
        self.authorize(actor, Capability::ManageLawyers, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let name = e.name.trim();
        if !(2..=30).contains(&name.chars().count()) {
            return Err(AppError::Invalid("律师姓名应为 2 到 30 个字".into()));
        }
        let firm = e.firm.trim();
        if !(2..=60).contains(&firm.chars().count()) {
            return Err(AppError::Invalid("律师事务所名称应为 2 到 60 个字".into()));
        }
        let licence = e.licence_number.trim();
        if licence.len() != 17 || !licence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::Invalid("律师执业证号应为 17 位数字".into()));
        }
        let org = match e
            .org_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(code) => OrgCode::parse(code)
                .map_err(|_| AppError::Invalid(format!("服务区域 {code} 不是有效的区划代码")))?,
            None => user.org_code.clone(),
        };
        self.authorize(actor, Capability::ManageLawyers, Some(&org))?;
        let user_id = match e
            .username
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(u) => Some(
                self.store
                    .user_by_username(u)
                    .await?
                    .ok_or_else(|| AppError::Invalid(format!("没有账号 {u}")))?
                    .id,
            ),
            None => None,
        };
        let id = match self
            .store
            .insert_lawyer(&NewLawyer {
                name: name.into(),
                firm: firm.into(),
                licence_number: licence.into(),
                org_code: org.as_str().into(),
                legal_adviser: e.legal_adviser,
                user_id,
            })
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict("该执业证号或账号已在律师名录中".into()));
            }
            other => other?,
        };
        self.audit(
            actor,
            "lawyer.add",
            &format!("lawyer:{id}"),
            "ok",
            serde_json::json!({"firm": firm, "account": user_id.is_some()}),
        )
        .await?;
        Ok(self.store.lawyer(id).await?.into())
    }
}
