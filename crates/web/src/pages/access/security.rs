//! 安全策略 — the security administrator's page: the roles and what each may do (composed here
//! from the permissions), and the policies in force (set in `pingan.toml`; see docs/operations.md).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{AppError, LoginLockView, PermissionView, RoleEntry, RoleView};
use pingan_domain::Capability;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/security", get(show))
        .route("/security/unlock", post(unlock))
        .route("/security/roles", post(create_role))
        .route("/security/roles/new", get(new_role))
        .route("/security/roles/{key}", get(edit_role).post(update_role))
        .route("/security/roles/{key}/delete", post(delete_role))
}

#[derive(Template, WebTemplate)]
#[template(path = "security.html")]
struct SecurityPage {
    shell: Shell,
    /// Column headings: the permissions.
    permissions: Vec<PermissionView>,
    /// One row a role, with a tick per permission in the order of `permissions`.
    roles: Vec<(RoleView, Vec<bool>)>,
    /// Whether every account needs TOTP whatever its role.
    totp_all: bool,
    policies: Vec<(&'static str, String)>,
    /// Source addresses locked and account names slowed by failed logins.
    locks: Vec<LoginLockView>,
    notice: Option<String>,
}

/// 新建角色 / 修改角色.
#[derive(Template, WebTemplate)]
#[template(path = "role.html")]
struct RolePage {
    shell: Shell,
    /// The role being changed; `None` for a new one.
    role: Option<RoleView>,
    key: String,
    label: String,
    /// Every permission with whether the form has it ticked.
    permissions: Vec<(PermissionView, bool)>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct UnlockForm {
    key: String,
}

/// Lifts a lock (安全管理员), then shows the page again.
async fn unlock(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<UnlockForm>,
) -> Result<Redirect, PageError> {
    state
        .app
        .access()
        .unlock_login(&page.actor(), &f.key)
        .await?;
    Ok(Redirect::to("/security?unlocked=1"))
}

#[derive(Deserialize)]
struct ShowQuery {
    unlocked: Option<String>,
    saved: Option<String>,
    deleted: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ShowQuery>,
) -> Result<SecurityPage, PageError> {
    if !page.user.can(Capability::ManageSecurity) {
        return Err(
            AppError::Forbidden(format!("{}无权查看安全策略", page.user.role_label)).into(),
        );
    }
    let config = state.app.config();
    let totp_all = config.totp_for_everyone;
    let permissions = state.app.access().permissions(&page.actor())?;
    let roles = state
        .app
        .access()
        .roles(&page.actor())
        .await?
        .into_iter()
        .map(|r| {
            let ticks = permissions
                .iter()
                .map(|p| r.permissions.iter().any(|c| c.key() == p.key))
                .collect();
            (r, ticks)
        })
        .collect();
    let minutes = |d: std::time::Duration| format!("{} 分钟", d.as_secs() / 60);
    let policies = vec![
        ("密码规则", "至少 8 个字符，含大写字母、小写字母、数字、特殊字符中的至少 3 类，不得包含用户名；系统生成或管理员设置的密码须在首次登录时修改".to_owned()),
        (
            "密码有效期",
            config.password_max_age.map_or_else(
                || "不限".to_owned(),
                |d| format!("{} 天，到期后须先修改密码", d.as_secs() / 86_400),
            ),
        ),
        ("登录锁定", format!(
            "{} 内失败 {} 次，来源地址锁定 {}（锁定期间不校验密码）；同一账号名从各处累计失败 {} 次后，每次登录放慢 {} 秒，不会把账号本人锁在外面，本人可在“我的账号”看到失败记录；安全管理员可在下方提前解除",
            minutes(config.lockout.window), config.lockout.threshold, minutes(config.lockout.lock_for),
            config.lockout.threshold, config.lockout.slow_by.as_secs()
        )),
        ("会话", format!("无操作 {} 后自动退出；修改密码、停用账号时该账号的全部会话立即失效", minutes(config.session_idle))),
        ("动态口令", if totp_all { "所有账号须绑定（TOTP，RFC 6238）".to_owned() } else { "三类管理员须绑定（TOTP，RFC 6238）；其他账号可自愿绑定".to_owned() }),
        ("个人信息", "身份证号、电话等以 SM4-GCM 加密存储，以 HMAC-SM3 盲索引精确查找，页面和导出默认脱敏".to_owned()),
        ("审计", "登录、账号变更、导出等全部记入只增不改的审计日志，逐条 SM3 链接，可随时校验".to_owned()),
    ];
    Ok(SecurityPage {
        shell: Shell::new(&state.app, &page.user, "/security").await?,
        permissions,
        roles,
        totp_all,
        policies,
        locks: state.app.access().login_locks(&page.actor()).await?,
        notice: [
            (q.unlocked, "已解除"),
            (
                q.saved,
                "角色已保存，持有该角色的账号自下一次操作起按新权限执行",
            ),
            (q.deleted, "角色已删除"),
        ]
        .into_iter()
        .find_map(|(flag, text)| flag.map(|_| text.to_owned())),
    })
}

/// The role form as posted: `key`, `label` and one `permission` field per ticked box.
fn role_entry(fields: Vec<(String, String)>) -> RoleEntry {
    let mut entry = RoleEntry::default();
    for (name, value) in fields {
        match name.as_str() {
            "key" => entry.key = value,
            "label" => entry.label = value,
            "permission" => entry.permissions.push(value),
            _ => {}
        }
    }
    entry
}

/// A stored role as the form shows it.
fn entry_of(role: &RoleView) -> RoleEntry {
    RoleEntry {
        key: role.key.clone(),
        label: role.label.clone(),
        permissions: role
            .permissions
            .iter()
            .map(|c| c.key().to_owned())
            .collect(),
    }
}

async fn role_page(
    state: &AppState,
    page: &PageUser,
    role: Option<RoleView>,
    entry: &RoleEntry,
    error: Option<String>,
) -> Result<RolePage, PageError> {
    let permissions = state
        .app
        .access()
        .permissions(&page.actor())?
        .into_iter()
        .map(|p| {
            let ticked = entry.permissions.iter().any(|k| k == p.key);
            (p, ticked)
        })
        .collect();
    Ok(RolePage {
        shell: Shell::new(&state.app, &page.user, "/security").await?,
        role,
        key: entry.key.clone(),
        label: entry.label.clone(),
        permissions,
        error,
    })
}

async fn new_role(State(state): State<AppState>, page: PageUser) -> Result<RolePage, PageError> {
    role_page(&state, &page, None, &RoleEntry::default(), None).await
}

async fn edit_role(
    State(state): State<AppState>,
    page: PageUser,
    Path(key): Path<String>,
) -> Result<RolePage, PageError> {
    let role = state.app.access().role(&page.actor(), &key).await?;
    let entry = entry_of(&role);
    role_page(&state, &page, Some(role), &entry, None).await
}

/// Shows the form again with a refusal of what was entered, or passes other errors on.
async fn refused(
    state: &AppState,
    page: &PageUser,
    role: Option<RoleView>,
    entry: &RoleEntry,
    e: AppError,
) -> Result<Response, PageError> {
    let (status, msg) = on_the_form(e)?;
    let view = role_page(state, page, role, entry, Some(msg)).await?;
    Ok((status, view).into_response())
}

async fn create_role(
    State(state): State<AppState>,
    page: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let entry = role_entry(fields);
    match state.app.access().create_role(&page.actor(), &entry).await {
        Ok(_) => Ok(Redirect::to("/security?saved=1").into_response()),
        Err(e) => refused(&state, &page, None, &entry, e).await,
    }
}

async fn update_role(
    State(state): State<AppState>,
    page: PageUser,
    Path(key): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let entry = role_entry(fields);
    match state
        .app
        .access()
        .update_role(&page.actor(), &key, &entry)
        .await
    {
        Ok(_) => Ok(Redirect::to("/security?saved=1").into_response()),
        Err(e) => {
            let role = state.app.access().role(&page.actor(), &key).await?;
            refused(&state, &page, Some(role), &entry, e).await
        }
    }
}

async fn delete_role(
    State(state): State<AppState>,
    page: PageUser,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    match state.app.access().delete_role(&page.actor(), &key).await {
        Ok(()) => Ok(Redirect::to("/security?deleted=1").into_response()),
        Err(e) => {
            let role = state.app.access().role(&page.actor(), &key).await?;
            let entry = entry_of(&role);
            refused(&state, &page, Some(role), &entry, e).await
        }
    }
}
