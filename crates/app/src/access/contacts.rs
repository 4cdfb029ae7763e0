//! 通讯录 — the accounts of one's part of the district with their contact phones, masked; the
//! plain number is revealed only to those allowed to see personal data, for a stated reason, and
//! every reveal is on the audit record.

use crate::access::accounts::PHONE_FIELD;
use crate::{Actor, AppError, Result, UserSummary};
use pingan_domain::{Capability, OrgCode};
use serde_json::json;

/// The shortest reason accepted for seeing personal data in plain text.
pub(crate) const MIN_REASON_CHARS: usize = 4;

impl crate::services::Access<'_> {
    /// The accounts in the actor's scope, phones masked (for everyone who may see the org tree).
    pub async fn contacts(self, actor: &Actor, limit: i64) -> Result<Vec<UserSummary>> {
        self.authorize(actor, Capability::ViewOrg, None)?;
        let me = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let users = self.store.users_in_scope(&me.scope(), limit).await?;
        users.into_iter().map(|u| self.summary(u)).collect()
    }

    /// The plain contact phone of an account in the actor's scope. Needs the permission to see
    /// personal data and a reason, which is recorded with the reveal.
    pub async fn reveal_phone(self, actor: &Actor, username: &str, reason: &str) -> Result<String> {
        let reason = reason.trim();
        if reason.chars().count() < MIN_REASON_CHARS || reason.chars().count() > 200 {
            return Err(AppError::Invalid(
                "请写明查看原因（4 到 200 个字），如“联系网格员核实事件”".into(),
            ));
        }
        let user = self
            .store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("用户 {username} 不存在")))?;
        let org = OrgCode::parse(&user.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        let allowed = self.authorize(actor, Capability::RevealPersonalData, Some(&org));
        let object = format!("user:{username}");
        if let Err(e) = allowed {
            self.audit(
                actor,
                "personal.reveal",
                &object,
                "denied",
                json!({"field": "phone", "reason": reason}),
            )
            .await?;
            return Err(e);
        }
        let sealed = user
            .phone_sealed
            .ok_or_else(|| AppError::NotFound(format!("{username} 没有登记联系电话")))?;
        let phone = self.cipher.open(PHONE_FIELD, &sealed)?;
        self.audit(
            actor,
            "personal.reveal",
            &object,
            "ok",
            json!({"field": "phone", "reason": reason}),
        )
        .await?;
        Ok(phone)
    }
}
