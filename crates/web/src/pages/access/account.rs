//! 我的账号 — one's own account: who one is, changing one's password, and binding the second
//! factor (TOTP) with a QR code drawn on the server. Accounts with setup pending land here.

use crate::AppState;
use crate::auth::{PageUser, cleared_cookie};
use crate::error::PageError;
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{ApiTokenView, AppError, FailedLoginView, TotpEnrolment};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show).post(change_password))
        .route("/account/totp", post(begin_totp))
        .route("/account/totp/confirm", post(confirm_totp))
        .route("/account/tokens", post(create_token))
        .route("/account/logout-everywhere", post(logout_everywhere))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    username: String,
    org_code: String,
    setup: Option<&'static str>,
    second_factor: bool,
    enrolment: Option<TotpEnrolment>,
    tokens: Vec<(ApiTokenView, String, String)>,
    /// A token just issued: shown this once.
    issued: Option<String>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// Failed logins on this account lately: someone may be trying the name.
    failed_logins: Vec<FailedLoginView>,
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    totp: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ShowQuery>,
) -> Result<AccountPage, PageError> {
    let notice = q
        .totp
        .is_some()
        .then_some("动态口令已绑定，今后登录时请同时输入验证器中的 6 位数字");
    render(&state, &page, None, None, notice).await
}

async fn render(
    state: &AppState,
    page: &PageUser,
    enrolment: Option<TotpEnrolment>,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<AccountPage, PageError> {
    render_with(state, page, enrolment, None, error, notice).await
}

async fn render_with(
    state: &AppState,
    page: &PageUser,
    enrolment: Option<TotpEnrolment>,
    issued: Option<String>,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<AccountPage, PageError> {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "从未".to_owned(), pingan_domain::time::format_minute)
    };
    let tokens = if page.user.setup.is_none() {
        state
            .app
            .access()
            .list_api_tokens(&page.actor())
            .await?
            .into_iter()
            .map(|t| {
                let (created, used) = (when(Some(t.created_at)), when(t.last_used_at));
                (t, created, used)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(AccountPage {
        failed_logins: state.app.access().own_failed_logins(&page.user).await?,
        tokens,
        issued,
        shell: Shell::new(&state.app, &page.user, "/account").await?,
        username: page.user.username.clone(),
        org_code: page.user.org_code.to_string(),
        setup: page.user.setup.map(|s| s.message()),
        second_factor: page.user.second_factor,
        enrolment,
        notice,
        error,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let result = if f.new != f.confirm {
        Err(AppError::Invalid("两次输入的新密码不一致".into()))
    } else {
        state
            .app
            .access()
            .change_own_password(&page.actor(), &f.current, &f.new)
            .await
    };
    match result {
        // Every session of the account has ended: sign in again with the new password.
        Ok(()) => Ok((
            [(header::SET_COOKIE, cleared_cookie())],
            Redirect::to("/login?changed=1"),
        )
            .into_response()),
        Err(AppError::Invalid(msg)) => Ok((
            StatusCode::BAD_REQUEST,
            render(&state, &page, None, Some(msg), None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn begin_totp(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<AccountPage, PageError> {
    let enrolment = state.app.access().begin_totp(&page.actor()).await?;
    render(&state, &page, Some(enrolment), None, None).await
}

async fn logout_everywhere(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<Response, PageError> {
    state.app.access().logout_everywhere(&page.actor()).await?;
    Ok((
        [(header::SET_COOKIE, cleared_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
    #[serde(default)]
    org: String,
}

async fn create_token(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .access()
        .create_api_token(&page.actor(), None, &f.name, Some(&f.org))
        .await
    {
        Ok(token) => Ok(render_with(&state, &page, None, Some(token), None, None)
            .await?
            .into_response()),
        Err(AppError::Invalid(msg) | AppError::Forbidden(msg)) => Ok((
            StatusCode::BAD_REQUEST,
            render(&state, &page, None, Some(msg), None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state
        .app
        .access()
        .revoke_api_token(&page.actor(), id)
        .await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn confirm_totp(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .access()
        .confirm_totp(&page.actor(), &f.code)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?totp=1").into_response()),
        Err(AppError::Invalid(msg)) => {
            let enrolment = state.app.access().begin_totp(&page.actor()).await?;
            Ok((
                StatusCode::BAD_REQUEST,
                render(&state, &page, Some(enrolment), Some(msg), None).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
