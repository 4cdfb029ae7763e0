//! 动态口令 — the second factor: enrolment with a QR code drawn on the server, the check at login
//! (each code once), and the reset an administrator does for a lost phone.

use crate::{Actor, AppError, Result};
use chrono::Utc;
use pingan_crypto::{otpauth_uri, qr_svg, totp_check};
use pingan_domain::Capability;
use pingan_store::UserRecord;
use serde_json::json;

/// The sealed column of a TOTP secret.
pub(crate) const TOTP_FIELD: &str = "users.totp";
const ISSUER: &str = "平安 通川区综治中心";

/// What the user needs to add the account to an authenticator app.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    /// The secret in base32, for typing in by hand.
    pub secret_base32: String,
    /// The `otpauth://` URI the QR code carries.
    pub uri: String,
    /// The QR code as an SVG image.
    pub qr_svg: String,
}

fn unix_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

impl crate::services::Access<'_> {
    /// The signed-in actor and their account as stored.
    async fn own_record(self, actor: &Actor) -> Result<(&crate::CurrentUser, UserRecord)> {
        let me = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let record = self
            .store
            .user_by_username(&me.username)
            .await?
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        Ok((me, record))
    }

    /// Starts enrolment for the actor's own account: a fresh 160-bit secret, kept sealed until a
    /// code from it is confirmed. While one is pending, the same secret is shown again.
    pub async fn begin_totp(self, actor: &Actor) -> Result<TotpEnrolment> {
        let (me, record) = self.own_record(actor).await?;
        let secret = match &record.totp_pending_sealed {
            Some(sealed) => self.cipher.open_bytes(TOTP_FIELD, sealed)?,
            None => {
                let mut secret = vec![0u8; 20];
                pingan_crypto::random_bytes_into(&mut secret)?;
                let sealed = self.cipher.seal_bytes(TOTP_FIELD, &secret)?;
                self.store.set_totp_pending(me.id, Some(&sealed)).await?;
                secret
            }
        };
        let uri = otpauth_uri(ISSUER, &me.username, &secret);
        let qr = qr_svg(&uri).ok_or_else(|| AppError::Internal("无法生成二维码".into()))?;
        Ok(TotpEnrolment {
            secret_base32: pingan_crypto::base32(&secret),
            uri,
            qr_svg: qr,
        })
    }

    /// Confirms enrolment with a code from the authenticator app; from now on logins need a code.
    pub async fn confirm_totp(self, actor: &Actor, code: &str) -> Result<()> {
        let (me, record) = self.own_record(actor).await?;
        let sealed = record
            .totp_pending_sealed
            .ok_or_else(|| AppError::Invalid("请先点击“绑定动态口令”生成二维码".into()))?;
        let secret = self.cipher.open_bytes(TOTP_FIELD, &sealed)?;
        let step = totp_check(&secret, code, unix_now()).ok_or_else(|| {
            AppError::Invalid(
                "动态口令不正确：请输入验证器中当前显示的 6 位数字，并确认手机时间准确".into(),
            )
        })?;
        self.store
            .set_totp(record.id, Some(&sealed), i64::try_from(step).ok())
            .await?;
        self.audit(
            actor,
            "user.totp.enable",
            &format!("user:{}", me.username),
            "ok",
            json!({}),
        )
        .await
    }

    /// Removes an account's second factor (a lost phone); the owner enrols again at next login
    /// where the role requires it.
    pub async fn reset_totp(self, actor: &Actor, username: &str) -> Result<()> {
        let user = self
            .store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("用户 {username} 不存在")))?;
        let org = pingan_domain::OrgCode::parse(&user.org_code)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.authorize(actor, Capability::ManageUsers, Some(&org))?;
        self.store.set_totp(user.id, None, None).await?;
        self.store.delete_sessions_of(user.id).await?;
        self.audit(
            actor,
            "user.totp.reset",
            &format!("user:{username}"),
            "ok",
            json!({}),
        )
        .await
    }

    /// Whether the second factor of a login holds: true for accounts without one; for the others
    /// the code must match and its time step must not have been used before.
    pub(crate) async fn check_second_factor(
        self,
        user: &UserRecord,
        code: Option<&str>,
    ) -> Result<bool> {
        let Some(sealed) = &user.totp_sealed else {
            return Ok(true);
        };
        let code = code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or(AppError::TotpRequired)?;
        let secret = self.cipher.open_bytes(TOTP_FIELD, sealed)?;
        match totp_check(&secret, code, unix_now()).and_then(|s| i64::try_from(s).ok()) {
            Some(step) => Ok(self.store.use_totp_step(user.id, step).await?),
            None => Ok(false),
        }
    }
}
