//! Open311 接入密钥 — an integrator's `api_key`: an API token of an account of its own with the
//! 群众 role (it may report events, apply for services and follow its own, nothing else), made by
//! the system administrator on the 接入方 page or on the server (`pingan open311 key add`).
//! Revoking it is disabling that account; every use is on record as the token's.

use crate::{Actor, AppError, NewAccount, Result, UserSummary};
use pingan_crypto::random_token;
use pingan_domain::{Capability, OrgCode, Scope};

/// The prefix of the accounts that hold Open311 keys.
const ACCOUNT_PREFIX: &str = "open311-";
/// The most integrators a page lists.
const MAX_KEYS: i64 = 500;

/// A key just issued: shown this once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Key {
    /// The integrator's account, e.g. `open311-3f9a2c1d`.
    pub username: String,
    /// The `api_key`.
    pub key: String,
}

impl crate::services::Open311<'_> {
    /// Issues a key for the integrator `name` (e.g. "市民随手拍 App"), limited to `org` (default:
    /// the district): 管理账号 within `org`, or the server's command line.
    pub async fn add_key(self, actor: &Actor, name: &str, org: Option<&str>) -> Result<Open311Key> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(AppError::Invalid(
                "接入方名称应为 1 到 40 个字，如“市民随手拍 App”".into(),
            ));
        }
        let org = match org.map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => o.to_owned(),
            None => pingan_domain::division::DISTRICT.0.to_owned(),
        };
        let suffix = random_token()?.get(..8).unwrap_or_default().to_owned();
        let username = format!("{ACCOUNT_PREFIX}{suffix}");
        // Nobody signs in with this password: the account acts only through its token.
        let password = format!("Aa1!{}", random_token()?);
        self.access()
            .add_user(
                actor,
                &NewAccount {
                    username: username.clone(),
                    display_name: name.into(),
                    org,
                    role: "citizen".into(),
                    password,
                    phone: None,
                    department: None,
                },
            )
            .await?;
        let record = self
            .store
            .user_by_username(&username)
            .await?
            .ok_or_else(|| AppError::Internal("新建的接入方账号未能读出".into()))?;
        let key = self
            .access()
            .issue_token(actor, &record, &format!("Open311：{name}"), None)
            .await?;
        Ok(Open311Key { username, key })
    }

    /// The integrators (accounts holding Open311 keys) within the actor's scope.
    pub async fn keys(self, actor: &Actor) -> Result<Vec<UserSummary>> {
        let scope = match &actor.user {
            Some(me) => {
                self.authorize(actor, Capability::ManageUsers, None)?;
                me.scope()
            }
            None => Scope::org(
                OrgCode::parse(pingan_domain::division::DISTRICT.0)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
        };
        self.store
            .users_named_from(&scope, ACCOUNT_PREFIX, MAX_KEYS)
            .await?
            .into_iter()
            .map(|u| self.access().summary(u))
            .collect()
    }

    /// Revokes an integrator's key by disabling its account (管理账号 within its org).
    pub async fn revoke_key(self, actor: &Actor, username: &str) -> Result<()> {
        if !username.starts_with(ACCOUNT_PREFIX) {
            return Err(AppError::NotFound(format!(
                "{} 不是 Open311 接入方账号",
                username.chars().take(40).collect::<String>()
            )));
        }
        self.access().disable_user(actor, username).await
    }
}
