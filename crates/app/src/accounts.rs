//! Accounts and login sessions.
//!
//! A session token is 256 random bits handed to the browser (HttpOnly cookie) or an API client
//! (bearer token); the database keeps only its SM3 digest. A session ends after the configured idle
//! time, at logout, or when the account's password changes or the account is disabled.

use crate::{App, AppError, Result};
use chrono::{DateTime, Utc};
use pingan_crypto::{hash_password, random_token, sm3_hex, verify_password};
use pingan_domain::account::{check_password, check_username};
use pingan_domain::{OrgCode, Role, Scope};
use pingan_store::{NewUser, SessionRecord, UserRecord};
use serde::Serialize;
use std::sync::OnceLock;

/// 当前用户 — the account behind a request.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// One of the role names, e.g. `operator`.
    #[schema(value_type = String, example = "operator")]
    pub role: Role,
    #[schema(value_type = String, example = "511702001")]
    pub org_code: OrgCode,
    pub department_id: Option<i64>,
}

impl CurrentUser {
    /// The part of the district this user may see.
    pub fn scope(&self) -> Scope {
        match self.department_id {
            Some(d) => Scope::department(self.org_code.clone(), d),
            None => Scope::org(self.org_code.clone()),
        }
    }
}

/// A successful login: the token to hand back, once.
#[derive(Debug)]
pub struct LoginOutcome {
    pub token: String,
    pub user: CurrentUser,
}

/// 账号概要 — an account as listed (no password hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_code: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A session is touched in the database at most this often, to spare writes.
const TOUCH_EVERY_SECS: i64 = 60;

impl App {
    /// Checks a username and password and opens a session. A wrong password, an unknown username
    /// and a disabled account all give [`AppError::LoginFailed`] after the same work.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        source: Option<String>,
    ) -> Result<LoginOutcome> {
        let record = self.store.user_by_username(username.trim()).await?;
        let hash = record.as_ref().map(|u| u.password_hash.clone());
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            verify_password(&password, hash.as_deref().unwrap_or_else(|| dummy_hash()))
        })
        .await?;
        let user = match record {
            Some(u) if ok && !u.disabled => u,
            _ => return Err(AppError::LoginFailed),
        };
        let token = random_token()?;
        let now = Utc::now();
        self.store
            .insert_session(&SessionRecord {
                token_hash: sm3_hex(token.as_bytes()),
                user_id: user.id,
                created_at: now,
                last_seen_at: now,
                source_addr: source,
            })
            .await?;
        tracing::info!(username = %user.username, "登录成功");
        Ok(LoginOutcome {
            token,
            user: current_user(user)?,
        })
    }

    /// The account behind a session token, if the session is live. Ends sessions idle too long.
    pub async fn authenticate(&self, token: &str) -> Result<CurrentUser> {
        let token_hash = sm3_hex(token.as_bytes());
        let Some((session, user)) = self.store.session(&token_hash).await? else {
            return Err(AppError::Unauthenticated("请先登录"));
        };
        let now = Utc::now();
        let idle = now.signed_duration_since(session.last_seen_at);
        let limit =
            chrono::Duration::from_std(self.config.session_idle).unwrap_or(chrono::Duration::MAX);
        if idle > limit || user.disabled {
            self.store.delete_session(&token_hash).await?;
            return Err(AppError::Unauthenticated("登录已超时，请重新登录"));
        }
        if idle.num_seconds() >= TOUCH_EVERY_SECS {
            self.store.touch_session(&token_hash, now).await?;
        }
        current_user(user)
    }

    /// Ends one session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self
            .store
            .delete_session(&sm3_hex(token.as_bytes()))
            .await?)
    }

    /// Creates an account after checking the username, the password policy, the role and that the
    /// org unit exists.
    pub async fn add_user(
        &self,
        username: &str,
        display_name: &str,
        org: &str,
        role: &str,
        password: &str,
    ) -> Result<()> {
        check_username(username).map_err(|e| AppError::Invalid(e.to_string()))?;
        check_password(username, password).map_err(|e| AppError::Invalid(e.to_string()))?;
        let role = Role::parse(role).ok_or_else(|| {
            AppError::Invalid(format!("未知角色 \"{role}\"，可选: {}", Role::names()))
        })?;
        let org = OrgCode::parse(org).map_err(|e| AppError::Invalid(e.to_string()))?;
        if self.store.org_unit(org.as_str()).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "组织编码 {org} 不存在，请先用 组织架构 页面或 API 查到正确的编码"
            )));
        }
        if self.store.user_by_username(username).await?.is_some() {
            return Err(AppError::Conflict(format!("用户名 {username} 已被占用")));
        }
        let hash = hash_blocking(password).await?;
        self.store
            .insert_user(&NewUser {
                username: username.into(),
                display_name: if display_name.trim().is_empty() {
                    username.into()
                } else {
                    display_name.trim().into()
                },
                org_code: org.into(),
                department_id: None,
                role: role.as_str().into(),
                password_hash: hash,
                must_change_password: false,
            })
            .await?;
        Ok(())
    }

    /// Sets a new password and ends the account's sessions.
    pub async fn set_password(&self, username: &str, password: &str) -> Result<()> {
        let user = self.user_or_not_found(username).await?;
        check_password(username, password).map_err(|e| AppError::Invalid(e.to_string()))?;
        let hash = hash_blocking(password).await?;
        self.store.set_password(user.id, &hash, false).await?;
        self.store.delete_sessions_of(user.id).await?;
        Ok(())
    }

    /// Disables an account and ends its sessions; the account and its history stay.
    pub async fn disable_user(&self, username: &str) -> Result<()> {
        let user = self.user_or_not_found(username).await?;
        self.store.set_disabled(user.id, true).await?;
        self.store.delete_sessions_of(user.id).await?;
        Ok(())
    }

    /// Accounts within `scope`, at most `limit`.
    pub async fn list_users(&self, scope: &Scope, limit: i64) -> Result<Vec<UserSummary>> {
        Ok(self
            .store
            .users_in_scope(scope, limit)
            .await?
            .into_iter()
            .map(|u| UserSummary {
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                org_code: u.org_code,
                disabled: u.disabled,
                created_at: u.created_at,
            })
            .collect())
    }

    /// Whether any account exists (a fresh installation has none until `pingan user add` or the demo).
    pub async fn has_users(&self) -> Result<bool> {
        let root = Scope::org(
            OrgCode::parse(pingan_domain::division::DISTRICT.0)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        );
        Ok(!self.store.users_in_scope(&root, 1).await?.is_empty())
    }

    async fn user_or_not_found(&self, username: &str) -> Result<UserRecord> {
        self.store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("用户 {username} 不存在")))
    }
}

/// Hashes a password on a blocking thread (argon2 is CPU-heavy by design).
pub(crate) async fn hash_blocking(password: &str) -> Result<String> {
    let password = password.to_owned();
    Ok(tokio::task::spawn_blocking(move || hash_password(&password)).await??)
}

/// A hash verified when the username is unknown, so that the answer takes as long as for a real one.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("unknown-user-placeholder#1").unwrap_or_default())
}

fn current_user(u: UserRecord) -> Result<CurrentUser> {
    let role = Role::parse(&u.role)
        .ok_or_else(|| AppError::Internal(format!("账号 {} 的角色无效: {}", u.username, u.role)))?;
    let org_code = OrgCode::parse(&u.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(CurrentUser {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        role,
        org_code,
        department_id: u.department_id,
    })
}

impl App {
    /// Removes sessions idle longer than the configured limit; run periodically by the server.
    pub async fn purge_idle_sessions(&self) -> Result<u64> {
        let idle =
            chrono::Duration::from_std(self.config.session_idle).unwrap_or(chrono::Duration::MAX);
        let cutoff = Utc::now()
            .checked_sub_signed(idle)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        Ok(self.store.delete_sessions_idle_since(cutoff).await?)
    }
}
