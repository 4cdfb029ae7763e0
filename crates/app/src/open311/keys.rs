//! Open311 接入密钥 — an integrator's `api_key`: an API token of an account of its own with the
//! 群众 role (it may report events and follow its own reports, nothing else), made by the
//! system administrator on the server. Revoking it is disabling that account
//! (`pingan user disable USERNAME`); every use is on record as the token's.

use crate::{Actor, AppError, NewAccount, Result};
use pingan_crypto::random_token;

/// The prefix of the accounts that hold Open311 keys.
const ACCOUNT_PREFIX: &str = "open311-";

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
    /// the district). Only on the server (`pingan open311 key add`).
    pub async fn add_key(self, actor: &Actor, name: &str, org: Option<&str>) -> Result<Open311Key> {
        if actor.user.is_some() {
            return Err(AppError::Forbidden(
                "Open311 密钥请系统管理员在服务器上用 pingan open311 key add 生成".into(),
            ));
        }
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
        let key = self
            .access()
            .create_api_token(actor, Some(&username), &format!("Open311：{name}"), None)
            .await?;
        Ok(Open311Key { username, key })
    }
}
