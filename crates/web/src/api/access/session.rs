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
use pingan_app::CurrentUser;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/session", post(create).delete(end))
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
