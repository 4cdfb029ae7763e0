//! 登录锁定 — what failed logins locked or slowed, for the 安全管理员 to see and lift, and the
//! failed logins on an account, for its owner to see.

use crate::Actor;
use crate::{AppError, CurrentUser, Result};
use chrono::{Duration, Utc};
use pingan_domain::Capability;
use pingan_domain::time::format_minute;
use pingan_store::AuditFilter;
use serde::Serialize;
use serde_json::json;

/// 登录锁定 — a source address locked, or an account name slowed, by failed logins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoginLockView {
    /// The throttle key (`addr:…` or `user:…`), to lift it by.
    pub key: String,
    /// What it holds, in words: `来源地址 10.1.1.1（锁定）` or `账号 zhangsan（减速）`.
    pub what: String,
    /// When it ends by itself, Beijing time.
    pub until: String,
}

/// A failed login on one's own account, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedLoginView {
    pub at: String,
    pub source: Option<String>,
}

/// How far back an owner is told of failed logins on their account.
const FAILED_LOGIN_DAYS: i64 = 30;

impl crate::services::Access<'_> {
    /// The locks and slow-downs in force (安全管理员).
    pub async fn login_locks(self, actor: &Actor) -> Result<Vec<LoginLockView>> {
        self.authorize(actor, Capability::ManageSecurity, None)?;
        Ok(self
            .store
            .login_locks(Utc::now())
            .await?
            .into_iter()
            .filter_map(|(key, until)| {
                let what = if let Some(addr) = key.strip_prefix("addr:") {
                    format!("来源地址 {addr}（锁定）")
                } else if let Some(name) = key.strip_prefix("user:") {
                    format!("账号 {name}（减速）")
                } else {
                    return None;
                };
                Some(LoginLockView {
                    key,
                    what,
                    until: format_minute(until),
                })
            })
            .collect())
    }

    /// Lifts a lock or slow-down before it ends by itself (安全管理员); audited.
    pub async fn unlock_login(self, actor: &Actor, key: &str) -> Result<()> {
        self.authorize(actor, Capability::ManageSecurity, None)?;
        if !(key.starts_with("addr:") || key.starts_with("user:")) || key.len() > 200 {
            return Err(AppError::Invalid("请从锁定列表中选择要解除的项".into()));
        }
        self.store.clear_login_failures(key).await?;
        self.audit(actor, "login.unlock", key, "ok", json!({}))
            .await
    }

    /// The failed logins on the user's own account in the last 30 days, the latest first (at
    /// most 20): the owner learns that someone tries their name.
    pub async fn own_failed_logins(self, user: &CurrentUser) -> Result<Vec<FailedLoginView>> {
        let filter = AuditFilter {
            username: Some(user.username.clone()),
            action_prefix: Some("login.".into()),
            from: Some(Utc::now() - Duration::days(FAILED_LOGIN_DAYS)),
            to: None,
        };
        Ok(self
            .store
            .search_audit(&filter, 200)
            .await?
            .into_iter()
            .filter(|r| r.event.user_id.is_none() && r.event.result != "ok")
            .take(20)
            .map(|r| FailedLoginView {
                at: format_minute(r.event.at),
                source: r.event.source_addr,
            })
            .collect())
    }
}
