//! 登录 / 退出.

use crate::AppState;
use crate::auth::{ClientAddr, PageUser, cleared_cookie, session_cookie, session_token};
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::AppError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    notice: Option<&'static str>,
    error: Option<String>,
    username: String,
    next: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    /// Set after a password change, which ends every session.
    changed: Option<String>,
}

async fn form(Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        notice: q
            .changed
            .is_some()
            .then_some("密码已修改，请用新密码重新登录"),
        error: None,
        username: String::new(),
        next: safe_next(q.next.as_deref()).to_owned(),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    totp: String,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref()).to_owned();
    match state
        .app
        .login_with_totp(&f.username, &f.password, Some(f.totp.as_str()), source)
        .await
    {
        Ok(outcome) => Ok((
            [(
                header::SET_COOKIE,
                session_cookie(&outcome.token, state.app.config().secure_cookies),
            )],
            Redirect::to(&next),
        )
            .into_response()),
        Err(
            e @ (AppError::LoginFailed | AppError::TotpRequired | AppError::TooManyAttempts(_)),
        ) => Ok((
            if matches!(e, AppError::TooManyAttempts(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            },
            LoginPage {
                notice: None,
                error: Some(e.to_string()),
                username: f.username,
                next,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn logout(
    State(state): State<AppState>,
    page: Result<PageUser, PageError>,
    parts: Parts,
) -> Result<Response, PageError> {
    if let (Some(token), Ok(page)) = (session_token(&parts), page) {
        state.app.logout(&page.actor(), &token).await?;
    }
    Ok((
        [(header::SET_COOKIE, cleared_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

/// Only a path on this site may follow the login (never `//host` or `https://…`).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/map")), "/map");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
