//! Accounts and login sessions.
//!
//! A session token is 256 random bits handed to the browser (HttpOnly cookie) or an API client
//! (bearer token); the database keeps only its SM3 digest. A session ends after the configured idle
//! time, at logout, or when the account's password changes or the account is disabled. Failed logins
//! are counted per account name and per source address; too many lock both for a while, and a locked
//! login is refused before any password is checked.

use crate::Actor;
use crate::{AppError, Result};
use chrono::{DateTime, Utc};
use pingan_crypto::{hash_password, random_token, sm3_hex, verify_password};
use pingan_domain::RoleDef;
use pingan_domain::account::{check_password, check_username};
use pingan_domain::identity::PhoneNumber;
use pingan_domain::{Capability, OrgCode, Permissions, Scope};
use pingan_store::{NewUser, SessionRecord, UserRecord};
use serde::Serialize;
use serde_json::json;
use std::sync::OnceLock;

/// 当前用户 — the account behind a request.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The key of the account's role, e.g. `operator`.
    #[schema(example = "operator")]
    pub role: String,
    /// The role's name on screen, e.g. 综治中心工作人员.
    pub role_label: String,
    /// The permission keys of the role, as they stand at this request.
    #[schema(value_type = Vec<String>, example = json!(["view_org", "view_cases"]))]
    pub permissions: Permissions,
    #[schema(value_type = String, example = "511702001")]
    pub org_code: OrgCode,
    pub department_id: Option<i64>,
    /// What the account must do before anything else, if anything.
    pub setup: Option<SetupStep>,
    /// Whether the account signs in with a TOTP code.
    pub second_factor: bool,
}

/// 首次登录设置 — a step an account must complete before it may do anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    /// The password was generated or set by an administrator: the owner must choose their own.
    ChangePassword,
    /// The password is older than the configured maximum age.
    PasswordExpired,
    /// The role requires a second factor that is not enrolled yet.
    EnrolTotp,
}

impl SetupStep {
    pub const fn message(self) -> &'static str {
        match self {
            SetupStep::ChangePassword => "首次登录请先修改初始密码，完成后才能使用其他功能",
            SetupStep::PasswordExpired => "密码已到期，请修改后继续使用",
            SetupStep::EnrolTotp => "此账号须绑定动态口令（TOTP）后才能使用其他功能",
        }
    }
}

impl CurrentUser {
    /// The part of the district this user may see.
    pub fn scope(&self) -> Scope {
        match self.department_id {
            Some(d) => Scope::department(self.org_code.clone(), d),
            None => Scope::org(self.org_code.clone()),
        }
    }

    pub fn can(&self, capability: Capability) -> bool {
        self.permissions.contains(capability)
    }
}

/// A successful login: the token to hand back, once.
#[derive(Debug)]
pub struct LoginOutcome {
    pub token: String,
    pub user: CurrentUser,
}

/// 账号概要 — an account as listed: no password hash, the phone masked.
#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub username: String,
    pub display_name: String,
    /// The role's key.
    pub role: String,
    /// The role's name on screen.
    pub role_label: String,
    pub org_code: String,
    /// `138****5678`
    pub phone: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A new account as entered.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub org: String,
    pub role: String,
    pub password: String,
    /// Contact phone, mobile or fixed line; sealed at rest.
    pub phone: Option<String>,
    /// The department (成员单位) code of a 部门承办人, e.g. `511702-GA`; it must belong to `org`.
    pub department: Option<String>,
}

/// The longest username a login takes (accounts have at most 32 characters).
const MAX_LOGIN_NAME_CHARS: usize = 64;
/// The longest password a login or password change takes, in bytes.
pub(crate) const MAX_PASSWORD_BYTES: usize = 512;

/// A session is touched in the database at most this often, to spare writes.
const TOUCH_EVERY_SECS: i64 = 60;
/// The sealed column of an account's phone (also the associated data of its ciphertext).
pub(crate) const PHONE_FIELD: &str = "users.phone";

impl crate::services::Access<'_> {
    /// Checks a username and password and opens a session. A wrong password, an unknown username
    /// and a disabled account all give [`AppError::LoginFailed`] after the same work; a locked name
    /// or address gives [`AppError::TooManyAttempts`] without any password being checked.
    pub async fn login(
        self,
        username: &str,
        password: &str,
        source: Option<String>,
    ) -> Result<LoginOutcome> {
        self.login_with_totp(username, password, None, source).await
    }

    /// [`App::login`] with the TOTP code of an account that has a second factor. A missing code
    /// gives [`AppError::TotpRequired`] (the password was right); a wrong or reused one counts as a
    /// failed login.
    pub async fn login_with_totp(
        self,
        username: &str,
        password: &str,
        totp: Option<&str>,
        source: Option<String>,
    ) -> Result<LoginOutcome> {
        let username = username.trim();
        // No account has a longer name or password (check_username, check_password): refused
        // before any lookup, hashing or audit work, whatever size was sent.
        if username.chars().count() > MAX_LOGIN_NAME_CHARS || password.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::Invalid(format!(
                "用户名最多 {MAX_LOGIN_NAME_CHARS} 个字符，密码最多 {MAX_PASSWORD_BYTES} 个字节"
            )));
        }
        let now = Utc::now();
        // What failures lock: the source address (a name is guessed from there, or names are
        // sprayed). A name is only slowed down wherever it is tried from, so that nobody can lock
        // its owner out by failing on it; without an address (the command line, tests) the name
        // itself is locked.
        let name_key = format!("user:{username}");
        let lock_key = source
            .as_ref()
            .map_or_else(|| name_key.clone(), |s| format!("addr:{s}"));
        if let Some(until) = self.store.login_locked_until(&lock_key, now).await? {
            self.audit_attempt(username, source.clone(), "login.locked", "denied")
                .await?;
            return Err(locked(until, now));
        }
        if source.is_some()
            && self
                .store
                .login_locked_until(&name_key, now)
                .await?
                .is_some()
        {
            tokio::time::sleep(self.config.lockout.slow_by).await;
        }
        let record = self.store.user_by_username(username).await?;
        let hash = record.as_ref().map(|u| u.password_hash.clone());
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            verify_password(&password, hash.as_deref().unwrap_or_else(|| dummy_hash()))
        })
        .await?;
        let second_factor = match &record {
            Some(u) if ok && !u.disabled => self.check_second_factor(u, totp).await?,
            _ => false,
        };
        let user = match record {
            Some(u) if ok && !u.disabled && second_factor => u,
            _ => {
                self.record_failure(&lock_key, now).await?;
                if source.is_some() && self.record_failure(&name_key, now).await?.is_some() {
                    // The owner reads it on their account page; the 安全管理员 on the security page.
                    self.audit_attempt(username, source.clone(), "login.name_slowed", "denied")
                        .await?;
                }
                self.audit_attempt(username, source, "login.failed", "failed")
                    .await?;
                return Err(AppError::LoginFailed);
            }
        };
        self.store.clear_login_failures(&lock_key).await?;
        self.open_session(user, source, "login").await
    }

    /// Opens a session for an account whose owner has just proved who they are (`how`: the
    /// audit action, `login` or `login.sms`).
    pub(crate) async fn open_session(
        self,
        user: UserRecord,
        source: Option<String>,
        how: &str,
    ) -> Result<LoginOutcome> {
        let now = Utc::now();
        let token = random_token()?;
        self.store
            .insert_session(&SessionRecord {
                token_hash: sm3_hex(token.as_bytes()),
                user_id: user.id,
                created_at: now,
                last_seen_at: now,
                source_addr: source.clone(),
            })
            .await?;
        let user = self.current_user(user)?;
        self.audit(
            &Actor::user(user.clone(), source),
            how,
            &format!("user:{}", user.username),
            "ok",
            json!({}),
        )
        .await?;
        Ok(LoginOutcome { token, user })
    }

    /// The account behind a session token, if the session is live. Ends sessions idle too long.
    pub async fn authenticate(self, token: &str) -> Result<CurrentUser> {
        if token.starts_with(crate::access::tokens::TOKEN_PREFIX) {
            return self.authenticate_api_token(token).await;
        }
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
        self.current_user(user)
    }

    /// Ends every session of the actor's account, on every device (the current one included).
    pub async fn logout_everywhere(self, actor: &Actor) -> Result<u64> {
        let me = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let ended = self.store.delete_sessions_of(me.id).await?;
        self.audit(
            actor,
            "logout.all",
            &format!("user:{}", me.username),
            "ok",
            json!({"sessions_ended": ended}),
        )
        .await?;
        Ok(ended)
    }

    /// Ends one session.
    pub async fn logout(self, actor: &Actor, token: &str) -> Result<()> {
        self.store
            .delete_session(&sm3_hex(token.as_bytes()))
            .await?;
        let object = format!(
            "user:{}",
            actor.user.as_ref().map_or("", |u| u.username.as_str())
        );
        self.audit(actor, "logout", &object, "ok", json!({})).await
    }

    /// Creates an account after checking the username, the password policy, the role, the phone and
    /// that the org unit exists and lies in the actor's scope.
    pub async fn add_user(self, actor: &Actor, a: &NewAccount) -> Result<()> {
        let invalid = |e: &dyn std::fmt::Display| AppError::Invalid(e.to_string());
        check_username(&a.username).map_err(|e| invalid(&e))?;
        let role = self.role_named(&a.role).await?;
        let org = OrgCode::parse(&a.org).map_err(|e| invalid(&e))?;
        self.authorize(actor, Capability::ManageUsers, Some(&org))?;
        check_password(&a.username, &a.password).map_err(|e| invalid(&e))?;
        let phone = a
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| PhoneNumber::parse(p).map_err(|e| invalid(&e)))
            .transpose()?;
        let display_name = a.display_name.trim();
        if display_name.chars().count() > 50 {
            return Err(AppError::Invalid("姓名不能超过 50 个字".into()));
        }
        if self.store.org_unit(org.as_str()).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "组织编码 {org} 不存在，请先在组织架构中查到正确的编码"
            )));
        }
        let department_id = self.account_department(a, &role, &org).await?;
        if self.store.user_by_username(&a.username).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "用户名 {} 已被占用",
                a.username
            )));
        }
        let sealed_phone = match &phone {
            Some(p) => Some((
                self.cipher.seal(PHONE_FIELD, p.as_str())?,
                self.cipher.blind_index(PHONE_FIELD, p.as_str()),
            )),
            None => None,
        };
        let hash = hash_blocking(&a.password).await?;
        self.store
            .insert_user(&NewUser {
                username: a.username.clone(),
                display_name: if display_name.is_empty() {
                    a.username.clone()
                } else {
                    display_name.to_owned()
                },
                org_code: org.to_string(),
                department_id,
                role: role.key.clone(),
                password_hash: hash,
                // A password an administrator typed on the web is a temporary one.
                must_change_password: actor.user.is_some(),
                phone: sealed_phone,
            })
            .await?;
        let after = json!({
            "username": a.username, "display_name": display_name, "org": org.as_str(),
            "role": role.key, "phone": phone.as_ref().map(PhoneNumber::masked),
        });
        self.audit(
            actor,
            "user.create",
            &format!("user:{}", a.username),
            "ok",
            json!({"after": after}),
        )
        .await
    }

    /// The department of a new account: required for a role that does 部门承办, refused for other
    /// roles, and it must be one of the org unit's own departments.
    async fn account_department(
        self,
        a: &NewAccount,
        role: &RoleDef,
        org: &OrgCode,
    ) -> Result<Option<i64>> {
        let code = a
            .department
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let in_department = role.permissions.contains(Capability::DepartmentWork);
        match (in_department, code) {
            (true, None) => Err(AppError::Invalid(format!(
                "{}须指定所属部门（成员单位编码，如 511702-GA）",
                role.label
            ))),
            (true, Some(code)) => {
                let departments = self.store.departments_under(org.as_str()).await?;
                departments
                    .iter()
                    .find(|d| d.code.eq_ignore_ascii_case(code) && d.org_code == org.as_str())
                    .map(|d| Some(d.id))
                    .ok_or_else(|| {
                        let known: Vec<&str> = departments
                            .iter()
                            .filter(|d| d.org_code == org.as_str())
                            .map(|d| d.code.as_str())
                            .collect();
                        AppError::Invalid(format!(
                            "{org} 没有编码为 {code} 的部门；可选：{}",
                            if known.is_empty() {
                                "（该组织没有部门）".to_owned()
                            } else {
                                known.join("、")
                            }
                        ))
                    })
            }
            (false, Some(_)) => Err(AppError::Invalid(format!(
                "只有承办部门事务的账号属于部门，{}不需要填写部门",
                role.label
            ))),
            (false, None) => Ok(None),
        }
    }

    /// Sets a new password and ends the account's sessions.
    pub async fn set_password(self, actor: &Actor, username: &str, password: &str) -> Result<()> {
        let user = self.user_or_not_found(username).await?;
        self.authorize(actor, Capability::ManageUsers, Some(&org_of(&user)?))?;
        check_password(username, password).map_err(|e| AppError::Invalid(e.to_string()))?;
        let hash = hash_blocking(password).await?;
        // A password set by an administrator on the web is temporary; one set at the console is not.
        self.store
            .set_password(user.id, &hash, actor.user.is_some())
            .await?;
        let ended = self.store.delete_sessions_of(user.id).await?;
        self.audit(
            actor,
            "user.passwd",
            &format!("user:{username}"),
            "ok",
            json!({"sessions_ended": ended}),
        )
        .await
    }

    /// Changes the actor's own password after checking the current one, and ends all their sessions.
    pub async fn change_own_password(self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        let me = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        if current.len() > MAX_PASSWORD_BYTES || new.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::Invalid(format!(
                "密码最多 {MAX_PASSWORD_BYTES} 个字节"
            )));
        }
        // Wrong current passwords count like failed logins, under a key of their own: a stolen
        // session cannot guess the password it would need to take the account over.
        let key = format!("passwd:{}", me.id);
        let now = Utc::now();
        if let Some(until) = self.store.login_locked_until(&key, now).await? {
            self.audit(
                actor,
                "user.passwd.self",
                &format!("user:{}", me.username),
                "denied",
                json!({"locked": true}),
            )
            .await?;
            return Err(locked(until, now));
        }
        let record = self.user_or_not_found(&me.username).await?;
        let (hash, given) = (record.password_hash.clone(), current.to_owned());
        if !tokio::task::spawn_blocking(move || verify_password(&given, &hash)).await? {
            let until = self.record_failure(&key, now).await?;
            self.audit(
                actor,
                "user.passwd.self",
                &format!("user:{}", me.username),
                "failed",
                json!({"reason": "wrong_current_password", "locked": until.is_some()}),
            )
            .await?;
            return Err(match until {
                Some(until) => locked(until, now),
                None => AppError::Invalid("当前密码不正确".into()),
            });
        }
        self.store.clear_login_failures(&key).await?;
        if current == new {
            return Err(AppError::Invalid("新密码不能与当前密码相同".into()));
        }
        check_password(&me.username, new).map_err(|e| AppError::Invalid(e.to_string()))?;
        self.store
            .set_password(record.id, &hash_blocking(new).await?, false)
            .await?;
        let ended = self.store.delete_sessions_of(record.id).await?;
        self.audit(
            actor,
            "user.passwd.self",
            &format!("user:{}", me.username),
            "ok",
            json!({"sessions_ended": ended}),
        )
        .await
    }

    /// Counts one failed attempt under `key` by the lockout policy; the time the key is locked
    /// until when this failure reached the threshold.
    pub(crate) async fn record_failure(
        self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let policy = &self.config.lockout;
        let window = chrono::Duration::from_std(policy.window).unwrap_or(chrono::Duration::MAX);
        let lock_for = chrono::Duration::from_std(policy.lock_for).unwrap_or(chrono::Duration::MAX);
        Ok(self
            .store
            .record_login_failure(key, now, window, policy.threshold, lock_for)
            .await?)
    }

    /// Disables an account and ends its sessions; the account and its history stay.
    pub async fn disable_user(self, actor: &Actor, username: &str) -> Result<()> {
        if actor
            .user
            .as_ref()
            .is_some_and(|me| me.username == username)
        {
            return Err(AppError::Invalid(
                "不能停用自己的账号：请由另一位系统管理员操作".into(),
            ));
        }
        let user = self.user_or_not_found(username).await?;
        self.authorize(actor, Capability::ManageUsers, Some(&org_of(&user)?))?;
        self.store.set_disabled(user.id, true).await?;
        self.store.delete_sessions_of(user.id).await?;
        let change = json!({"before": {"disabled": user.disabled}, "after": {"disabled": true}});
        self.audit(
            actor,
            "user.disable",
            &format!("user:{username}"),
            "ok",
            change,
        )
        .await
    }

    /// Accounts within the actor's scope (everything for the command line under `scope`), at most `limit`.
    pub async fn list_users(
        self,
        actor: &Actor,
        scope: &Scope,
        limit: i64,
    ) -> Result<Vec<UserSummary>> {
        let scope = self.scope_for(actor, scope)?;
        let users = self.store.users_in_scope(&scope, limit).await?;
        users.into_iter().map(|u| self.summary(u)).collect()
    }

    /// Accounts in scope with this contact phone, found through the blind index.
    pub async fn find_users_by_phone(
        self,
        actor: &Actor,
        scope: &Scope,
        phone: &str,
    ) -> Result<Vec<UserSummary>> {
        let scope = self.scope_for(actor, scope)?;
        let phone = PhoneNumber::parse(phone).map_err(|e| AppError::Invalid(e.to_string()))?;
        let index = self.cipher.blind_index(PHONE_FIELD, phone.as_str());
        let users = self.store.users_by_phone_index(&scope, &index).await?;
        users.into_iter().map(|u| self.summary(u)).collect()
    }

    /// Whether any account exists (a fresh installation has none until `pingan user add` or the demo).
    pub async fn has_users(self) -> Result<bool> {
        let root = OrgCode::parse(pingan_domain::division::DISTRICT.0)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(!self
            .store
            .users_in_scope(&Scope::org(root), 1)
            .await?
            .is_empty())
    }

    /// The narrower of the asked scope and the actor's own; refuses actors who may not manage users.
    fn scope_for(self, actor: &Actor, asked: &Scope) -> Result<Scope> {
        self.authorize(actor, Capability::ManageUsers, None)?;
        Ok(match &actor.user {
            Some(u)
                if !u.scope().covers(
                    &OrgCode::parse(asked.prefix())
                        .map_err(|e| AppError::Invalid(e.to_string()))?,
                ) =>
            {
                u.scope()
            }
            _ => asked.clone(),
        })
    }

    pub(crate) fn summary(self, u: UserRecord) -> Result<UserSummary> {
        let phone = match &u.phone_sealed {
            Some(sealed) => Some(pingan_domain::identity::mask_phone(
                &self.cipher.open(PHONE_FIELD, sealed)?,
            )),
            None => None,
        };
        Ok(UserSummary {
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            role_label: u.role_label,
            org_code: u.org_code,
            phone,
            disabled: u.disabled,
            created_at: u.created_at,
        })
    }

    async fn user_or_not_found(self, username: &str) -> Result<UserRecord> {
        self.store
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("用户 {username} 不存在")))
    }

    /// Removes sessions idle longer than the configured limit; run periodically by the server.
    pub async fn purge_idle_sessions(self) -> Result<u64> {
        let idle =
            chrono::Duration::from_std(self.config.session_idle).unwrap_or(chrono::Duration::MAX);
        let cutoff = Utc::now()
            .checked_sub_signed(idle)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        Ok(self.store.delete_sessions_idle_since(cutoff).await?)
    }
}

fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let minutes = ((until - now).num_seconds().max(1) + 59) / 60;
    AppError::TooManyAttempts(format!(
        "登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试"
    ))
}

fn org_of(u: &UserRecord) -> Result<OrgCode> {
    OrgCode::parse(&u.org_code).map_err(|e| AppError::Internal(e.to_string()))
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

impl crate::services::Access<'_> {
    pub(crate) fn current_user(self, u: UserRecord) -> Result<CurrentUser> {
        let permissions = Permissions::from_stored(&u.role_permissions);
        let org_code =
            OrgCode::parse(&u.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        let needs_totp = permissions.require_second_factor() || self.config.totp_for_everyone;
        let expired = self
            .config
            .password_max_age
            .and_then(|age| chrono::Duration::from_std(age).ok())
            .is_some_and(|age| Utc::now() - u.password_changed_at > age);
        let setup = if u.must_change_password {
            Some(SetupStep::ChangePassword)
        } else if expired {
            Some(SetupStep::PasswordExpired)
        } else if needs_totp && u.totp_sealed.is_none() {
            Some(SetupStep::EnrolTotp)
        } else {
            None
        };
        Ok(CurrentUser {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            role_label: u.role_label,
            permissions,
            org_code,
            department_id: u.department_id,
            setup,
            second_factor: u.totp_sealed.is_some(),
        })
    }
}
