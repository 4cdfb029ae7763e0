//! `POST /api/v1/session` (sign in, get a bearer token) and `DELETE /api/v1/session` (sign out).

use crate::AppState;
use crate::auth::{ApiUser, ClientAddr, session_token};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::post;
use pingan_app::{CitizenSignIn, CurrentUser};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(create).delete(end))
        .route("/api/v1/session/sms-code", post(send_code))
        .route("/api/v1/session/sms", post(create_with_code))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Credentials {
    username: String,
    password: String,
    /// The 6-digit TOTP code, for accounts with a second factor.
    totp: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Session {
    token: String,
    token_type: &'static str,
    user: CurrentUser,
}

/// Signs in and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Credentials,
    responses((status = 201, body = Session), (status = 400, body = Problem),
        (status = 401, description = "用户名或密码错误", body = Problem),
        (status = 429, description = "登录失败次数过多，暂时锁定", body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Json(c): Json<Credentials>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let outcome = state
        .app
        .access()
        .login_with_totp(&c.username, &c.password, c.totp.as_deref(), source)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Session {
            token: outcome.token,
            token_type: "Bearer",
            user: outcome.user,
        }),
    ))
}

/// The phone a sign-in code goes to.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct CodeRequest {
    /// 11-digit mobile number.
    phone: String,
}

/// Sends a resident a sign-in code by SMS (valid 5 minutes; one a minute per phone; each send
/// counts against the source address like a failed login).
#[utoipa::path(post, path = "/api/v1/session/sms-code", tag = "session", request_body = CodeRequest,
    responses((status = 204, description = "已发送"), (status = 400, body = Problem),
        (status = 429, description = "发送过于频繁", body = Problem),
        (status = 503, description = "短信网关不可用", body = Problem)))]
pub(crate) async fn send_code(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Json(c): Json<CodeRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .access()
        .send_sign_in_code(&c.phone, source)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs a resident in with the code sent to their phone (群众 accounts only), making their
/// account the first time, and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/session/sms", tag = "session", request_body = CitizenSignIn,
    responses((status = 201, body = Session), (status = 400, body = Problem),
        (status = 403, description = "账号已停用", body = Problem),
        (status = 429, description = "失败次数过多，暂时锁定", body = Problem)))]
pub(crate) async fn create_with_code(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Json(c): Json<CitizenSignIn>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let outcome = state.app.access().sign_in_with_code(&c, source).await?;
    Ok((
        StatusCode::CREATED,
        Json(Session {
            token: outcome.token,
            token_type: "Bearer",
            user: outcome.user,
        }),
    ))
}

/// Ends the session of the token sent.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub(crate) async fn end(
    State(state): State<AppState>,
    api: ApiUser,
    parts: Parts,
) -> Result<StatusCode, ApiError> {
    if let Some(token) = session_token(&parts) {
        state.app.access().logout(&api.actor(), &token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
