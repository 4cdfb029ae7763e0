//! 群众账号 — residents sign in with their mobile number and a code sent to it by SMS; the first
//! sign-in makes their account (群众 role: report events, apply for services, follow their own),
//! at the village or community they name. A code lives five minutes, signs in once and takes
//! five wrong tries; a phone gets one code a minute, and every code sent counts against the
//! source address like a failed login, so nobody sprays texts from one place.

use super::accounts::{LoginOutcome, PHONE_FIELD, hash_blocking};
use crate::{AppError, Result};
use chrono::{Duration, Utc};
use pingan_crypto::{random_bytes_into, random_token, sm3_hex};
use pingan_domain::identity::PhoneNumber;
use pingan_domain::{OrgCode, Role, Scope};
use pingan_store::{NewUser, SmsCodeRecord};
use serde::Deserialize;
use serde_json::json;

/// How long a code may be used.
const CODE_LIFETIME_MINUTES: i64 = 5;
/// How soon a phone may be sent another code.
const RESEND_AFTER_SECONDS: i64 = 60;
/// Wrong tries a code takes before it is spent.
const MAX_TRIES: i64 = 5;

/// 手机验证码登录.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CitizenSignIn {
    /// 手机号码 (11 digits).
    pub phone: String,
    /// The 6-digit code sent to it.
    pub code: String,
    /// 姓名 or how to be addressed, for a first sign-in (default 居民 and the last four digits).
    pub name: Option<String>,
    /// The village or community (org code) a first sign-in belongs to (default: the district;
    /// an application then names its station).
    pub org: Option<String>,
}

/// A mobile number from the form, or the refusal that says what is wrong.
fn mobile(raw: &str) -> Result<PhoneNumber> {
    if raw.len() > 32 {
        return Err(AppError::Invalid("手机号码应为 11 位数字".into()));
    }
    let phone =
        PhoneNumber::parse(raw).map_err(|e| AppError::Invalid(format!("手机号码有误：{e}")))?;
    if phone.as_str().len() != 11 || !phone.as_str().starts_with('1') {
        return Err(AppError::Invalid(
            "请填写 11 位手机号码，验证码以短信发送".into(),
        ));
    }
    Ok(phone)
}

/// Six random digits.
fn six_digits() -> Result<String> {
    let mut b = [0u8; 4];
    random_bytes_into(&mut b)?;
    Ok(format!("{:06}", u32::from_le_bytes(b) % 1_000_000))
}

impl crate::services::Access<'_> {
    /// Sends a sign-in code to a mobile number.
    pub async fn send_sign_in_code(self, phone: &str, source: Option<String>) -> Result<()> {
        let phone = mobile(phone)?;
        let now = Utc::now();
        let addr_key = format!("sms:{}", source.as_deref().unwrap_or("unknown"));
        if let Some(until) = self.store.login_locked_until(&addr_key, now).await? {
            return Err(AppError::TooManyAttempts(format!(
                "获取验证码过于频繁，请于 {} 后再试",
                pingan_domain::time::format_minute(until)
            )));
        }
        let index = self.cipher.blind_index(PHONE_FIELD, phone.as_str());
        if let Some(waiting) = self.store.sms_code(&index).await? {
            let wait = RESEND_AFTER_SECONDS - (now - waiting.sent_at).num_seconds();
            if wait > 0 {
                return Err(AppError::TooManyAttempts(format!(
                    "验证码已发送，请 {wait} 秒后再获取"
                )));
            }
        }
        self.record_failure(&addr_key, now).await?;
        let code = six_digits()?;
        self.store
            .put_sms_code(&SmsCodeRecord {
                code_digest: sm3_hex(format!("{index}:{code}").as_bytes()),
                phone_index: index,
                sent_at: now,
                expires_at: now + Duration::minutes(CODE_LIFETIME_MINUTES),
                attempts: 0,
            })
            .await?;
        self.config
            .sms
            .send(
                &phone,
                &format!(
                    "【平安通川】您的登录验证码是 {code}，{CODE_LIFETIME_MINUTES} 分钟内有效。如非本人操作，请忽略本短信。"
                ),
            )
            .await?;
        let masked = phone.masked();
        self.audit_unsigned(
            &masked,
            source,
            "sms.code",
            &format!("phone:{masked}"),
            "ok",
            &json!({}),
        )
        .await
    }

    /// Signs a resident in with the code sent to their phone, making their account the first
    /// time. Staff accounts never sign in this way, even with the same number.
    pub async fn sign_in_with_code(
        self,
        req: &CitizenSignIn,
        source: Option<String>,
    ) -> Result<LoginOutcome> {
        let phone = mobile(&req.phone)?;
        let code = req.code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::Invalid("验证码为 6 位数字".into()));
        }
        let now = Utc::now();
        let addr_key = format!("addr:{}", source.as_deref().unwrap_or("unknown"));
        if let Some(until) = self.store.login_locked_until(&addr_key, now).await? {
            return Err(AppError::TooManyAttempts(format!(
                "登录失败次数过多，请于 {} 后再试",
                pingan_domain::time::format_minute(until)
            )));
        }
        let index = self.cipher.blind_index(PHONE_FIELD, phone.as_str());
        let digest = sm3_hex(format!("{index}:{code}").as_bytes());
        let waiting = self
            .store
            .sms_code(&index)
            .await?
            .filter(|w| w.expires_at > now && w.attempts < MAX_TRIES)
            .ok_or_else(|| AppError::Invalid("验证码已失效，请重新获取".into()))?;
        if waiting.code_digest != digest || !self.store.take_sms_code(&index, &digest).await? {
            self.store.count_sms_attempt(&index).await?;
            self.record_failure(&addr_key, now).await?;
            let masked = phone.masked();
            self.audit_unsigned(
                &masked,
                source,
                "login.sms",
                &format!("phone:{masked}"),
                "failed",
                &json!({}),
            )
            .await?;
            return Err(AppError::Invalid("验证码不正确，请核对短信".into()));
        }
        let district = Scope::org(
            OrgCode::parse(pingan_domain::division::DISTRICT.0)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        );
        let citizen = Role::Citizen.as_str();
        let found = self
            .store
            .users_by_phone_index(&district, &index)
            .await?
            .into_iter()
            .find(|u| u.role == citizen);
        let user = match found {
            Some(u) if u.disabled => {
                return Err(AppError::Forbidden(
                    "此手机号的群众账号已停用，请联系所在村（社区）".into(),
                ));
            }
            Some(u) => u,
            None => {
                self.register_citizen(req, &phone, index, source.clone())
                    .await?
            }
        };
        self.open_session(user, source, "login.sms").await
    }

    /// Makes the account of a resident signing in for the first time.
    async fn register_citizen(
        self,
        req: &CitizenSignIn,
        phone: &PhoneNumber,
        index: String,
        source: Option<String>,
    ) -> Result<pingan_store::UserRecord> {
        let name = req.name.as_deref().map(str::trim).unwrap_or_default();
        if name.chars().count() > 20 {
            return Err(AppError::Invalid("称呼不超过 20 个字".into()));
        }
        let display_name = if name.is_empty() {
            format!("居民{}", phone.as_str().get(7..).unwrap_or_default())
        } else {
            name.to_owned()
        };
        let org = match req.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => self.org().station_of(o).await?,
            None => OrgCode::parse(pingan_domain::division::DISTRICT.0)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        };
        let suffix = random_token()?.get(..10).unwrap_or_default().to_lowercase();
        let username = format!("jm-{suffix}");
        // Nobody signs in with this password: a resident signs in with SMS codes.
        let hash = hash_blocking(&format!("Aa1!{}", random_token()?)).await?;
        self.store
            .insert_user(&NewUser {
                username: username.clone(),
                display_name,
                org_code: org.as_str().into(),
                department_id: None,
                role: Role::Citizen.as_str().into(),
                password_hash: hash,
                must_change_password: false,
                phone: Some((self.cipher.seal(PHONE_FIELD, phone.as_str())?, index)),
            })
            .await?;
        self.audit_unsigned(
            &username,
            source,
            "citizen.register",
            &format!("user:{username}"),
            "ok",
            &json!({"phone": phone.masked(), "org": org.as_str()}),
        )
        .await?;
        self.store
            .user_by_username(&username)
            .await?
            .ok_or_else(|| AppError::Internal("新建的群众账号未能读出".into()))
    }
}
