//! 我的账号 — one's own account: who one is, and changing one's password.

use crate::AppState;
use crate::auth::{PageUser, cleared_cookie};
use crate::error::PageError;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use pingan_app::AppError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/account", get(show).post(change_password))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    username: String,
    org_code: String,
    error: Option<String>,
}

async fn show(State(state): State<AppState>, page: PageUser) -> Result<AccountPage, PageError> {
    render(&state, &page, None).await
}

async fn render(
    state: &AppState,
    page: &PageUser,
    error: Option<String>,
) -> Result<AccountPage, PageError> {
    Ok(AccountPage {
        shell: Shell::new(&state.app, &page.user, "/account").await?,
        username: page.user.username.clone(),
        org_code: page.user.org_code.to_string(),
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
            render(&state, &page, Some(msg)).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
