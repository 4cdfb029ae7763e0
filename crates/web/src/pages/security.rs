//! 安全策略 — the security administrator's page: the roles and what each may do, and the
//! policies in force (set in `pingan.toml`; see docs/operations.md).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::Query;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::{get, post};
use pingan_app::{AppError, LoginLockView};
use pingan_domain::{Capability, Role};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/security", get(show))
        .route("/security/unlock", post(unlock))
}

#[derive(Template, WebTemplate)]
#[template(path = "security.html")]
struct SecurityPage {
    shell: Shell,
    /// Column headings: the capabilities.
    capabilities: Vec<&'static str>,
    /// One row a role: its label, name, whether it needs TOTP, and a tick per capability.
    roles: Vec<(&'static str, &'static str, bool, Vec<bool>)>,
    policies: Vec<(&'static str, String)>,
    /// Source addresses locked and account names slowed by failed logins.
    locks: Vec<LoginLockView>,
    notice: Option<String>,
}

const CAPABILITIES: [(Capability, &str); 16] = [
    (Capability::ViewOrg, "查看组织与网格"),
    (Capability::ManageUsers, "管理账号"),
    (Capability::ManageOrg, "导入网格"),
    (Capability::ManageSecurity, "安全策略"),
    (Capability::ReadAudit, "审计日志"),
    (Capability::RevealPersonalData, "查看个人信息明文"),
    (Capability::ViewCases, "查看案件"),
    (Capability::ReportEvents, "上报事件"),
    (Capability::ManageCaseRules, "分拨规则与时限"),
    (Capability::FollowOwnReports, "跟踪本人上报"),
    (Capability::ViewVideo, "查看视频资源"),
    (Capability::ManageVideo, "管理视频资源"),
    (Capability::ViewRegistry, "查看实有人口"),
    (Capability::ManageRegistry, "采集实有人口"),
    (Capability::ViewSpecialGroups, "特殊人群与走访"),
    (Capability::ViewKeyYouth, "重点青少年"),
];

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
    state.app.unlock_login(&page.actor(), &f.key).await?;
    Ok(Redirect::to("/security?unlocked=1"))
}

#[derive(Deserialize)]
struct ShowQuery {
    unlocked: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ShowQuery>,
) -> Result<SecurityPage, PageError> {
    if !page.user.can(Capability::ManageSecurity) {
        return Err(
            AppError::Forbidden(format!("{}无权查看安全策略", page.user.role.label())).into(),
        );
    }
    let config = state.app.config();
    let totp_all = config.totp_for_everyone;
    let roles = Role::ALL
        .iter()
        .map(|r| {
            let ticks = CAPABILITIES.iter().map(|(c, _)| r.can(*c)).collect();
            (
                r.label(),
                r.as_str(),
                r.requires_second_factor() || totp_all,
                ticks,
            )
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
        capabilities: CAPABILITIES.iter().map(|(_, l)| *l).collect(),
        roles,
        policies,
        locks: state.app.login_locks(&page.actor()).await?,
        notice: q.unlocked.map(|_| "已解除".to_owned()),
    })
}
