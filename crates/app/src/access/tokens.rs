//! API 令牌 — credentials for integrations (the 12345 hotline bridge, a department's system):
//! shown once, stored as their SM3 digest, acting as their owner within an org unit the owner
//! chooses (their own or one under it), revocable at any time. Every issue, use and revocation is
//! on record.

use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Utc};
use pingan_crypto::{random_token, sm3_hex};
use pingan_domain::OrgCode;
use pingan_store::{ApiTokenRecord, NewApiToken};
use serde::Serialize;
use serde_json::json;

/// What marks a bearer token as an API token rather than a session.
pub const TOKEN_PREFIX: &str = "pat_";

/// API 令牌 — a token as its owner sees it (never the token itself after it was issued).
#[derive(Debug, Clone, Serialize)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub org_code: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl crate::services::Access<'_> {
    /// Issues a token for the actor's own account (or, from the command line, for `owner`),
    /// limited to `org` (default: the owner's own unit). Returns the token: it is shown this once.
    pub async fn create_api_token(
        self,
        actor: &Actor,
        owner: Option<&str>,
        name: &str,
        org: Option<&str>,
    ) -> Result<String> {
        let owner = match (&actor.user, owner) {
            (Some(me), _) => {
                if let Some(step) = me.setup {
                    return Err(AppError::SetupRequired(step.message()));
                }
                me.username.clone()
            }
            (None, Some(owner)) => owner.to_owned(),
            (None, None) => {
                return Err(AppError::Invalid(
                    "请用 --username 指定令牌所属的账号".into(),
                ));
            }
        };
        let record = self
            .store
            .user_by_username(&owner)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("用户 {owner} 不存在")))?;
        self.issue_token(actor, &record, name, org).await
    }

    /// Issues a token for `record` (whose owner the caller has settled), limited to `org`
    /// (default: the account's own); audited as the actor's.
    pub(crate) async fn issue_token(
        self,
        actor: &Actor,
        record: &pingan_store::UserRecord,
        name: &str,
        org: Option<&str>,
    ) -> Result<String> {
        let owner = &record.username;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(AppError::Invalid(
                "令牌名称应为 1 到 50 个字，写明用途，如“12345 热线对接”".into(),
            ));
        }
        let own_org =
            OrgCode::parse(&record.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        let org = match org.map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => OrgCode::parse(o).map_err(|e| AppError::Invalid(e.to_string()))?,
            None => own_org.clone(),
        };
        if !org.is_within(&own_org) {
            return Err(AppError::Forbidden(format!(
                "令牌的范围 {org} 须在账号所属的 {own_org} 之内"
            )));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_token()?);
        self.store
            .insert_api_token(&NewApiToken {
                user_id: record.id,
                name: name.into(),
                token_hash: sm3_hex(token.as_bytes()),
                prefix: token.chars().take(12).collect(),
                org_code: org.to_string(),
            })
            .await?;
        let detail = json!({"name": name, "org": org.as_str(), "prefix": token.chars().take(12).collect::<String>()});
        self.audit(
            actor,
            "token.create",
            &format!("user:{owner}"),
            "ok",
            detail,
        )
        .await?;
        Ok(token)
    }

    /// The account behind an API token, its scope narrowed to the token's org unit.
    pub(crate) async fn authenticate_api_token(self, token: &str) -> Result<CurrentUser> {
        let Some((t, owner)) = self
            .store
            .use_api_token(&sm3_hex(token.as_bytes()), Utc::now())
            .await?
        else {
            return Err(AppError::Unauthenticated("API 令牌无效或已吊销"));
        };
        if owner.disabled {
            return Err(AppError::Unauthenticated("API 令牌所属账号已停用"));
        }
        let mut user = self.current_user(owner)?;
        user.org_code =
            OrgCode::parse(&t.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        // The owner's first-login setup concerns signing in on the web, not an issued token.
        user.setup = None;
        Ok(user)
    }

    /// The actor's own tokens, newest first.
    pub async fn list_api_tokens(self, actor: &Actor) -> Result<Vec<ApiTokenView>> {
        let me = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        Ok(self
            .store
            .api_tokens_of(me.id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_api_token(self, actor: &Actor, id: i64) -> Result<()> {
        let me = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        if !self.store.revoke_api_token(me.id, id).await? {
            return Err(AppError::NotFound("没有这个有效的令牌".into()));
        }
        self.audit(
            actor,
            "token.revoke",
            &format!("user:{}", me.username),
            "ok",
            json!({"id": id}),
        )
        .await
    }
}

fn view(t: ApiTokenRecord) -> ApiTokenView {
    ApiTokenView {
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        org_code: t.org_code,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        revoked: t.revoked_at.is_some(),
    }
}
