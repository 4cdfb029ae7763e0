//! `/api/v1/alarm-points` — 一键报警与门禁: registering points (the key shown once), listing them
//! with their online rate, and the devices' signed calls: alarms and heartbeats.

use crate::AppState;
use crate::auth::{ApiUser, ClientAddr};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::routing::{get, post};
use pingan_app::{
    AlarmPointRequest, AlarmPointsView, AppError, MAX_SIGNAL_BYTES, RegisteredAlarmPoint,
    SignalOutcome, SignedCall,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alarm-points", get(list).post(register))
        .route(
            "/api/v1/alarm-points/{id}/alarms",
            post(alarm).layer(DefaultBodyLimit::max(MAX_SIGNAL_BYTES)),
        )
        .route(
            "/api/v1/alarm-points/{id}/heartbeats",
            post(heartbeat).layer(DefaultBodyLimit::max(MAX_SIGNAL_BYTES)),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ListQuery {
    /// An org code within your area (default: your whole area).
    org: Option<String>,
}

/// The alarm points of your area (or of `org`), with their online state and rate.
#[utoipa::path(get, path = "/api/v1/alarm-points", tag = "alarms", params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = AlarmPointsView), (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<AlarmPointsView>, ApiError> {
    Ok(Json(
        state
            .app
            .alarms()
            .points(&api.actor(), q.org.as_deref())
            .await?,
    ))
}

/// Registers an alarm point or door controller where its coordinates lie (管理视频资源). The
/// answer holds its signing key, shown this once: set it on the device.
#[utoipa::path(post, path = "/api/v1/alarm-points", tag = "alarms", request_body = AlarmPointRequest,
    security(("bearer" = [])),
    responses((status = 201, body = RegisteredAlarmPoint), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, description = "设备编号已登记", body = Problem)))]
pub(crate) async fn register(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<AlarmPointRequest>,
) -> Result<(StatusCode, Json<RegisteredAlarmPoint>), ApiError> {
    let point = state
        .app
        .alarms()
        .register_point(&api.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(point)))
}

/// A device's body, or the problem that it is larger than a signal may be.
fn within_limit(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        ApiError(AppError::TooLarge(format!(
            "设备请求体最多 {} KB（{}）",
            MAX_SIGNAL_BYTES / 1024,
            e.body_text()
        )))
    })
}

/// The signature headers of a device's call.
fn signed<'a>(
    headers: &'a HeaderMap,
    method: &'a Method,
    uri: &'a Uri,
    body: &'a [u8],
    source: Option<&'a str>,
) -> Result<SignedCall<'a>, ApiError> {
    let header = |name: &'static str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError(AppError::Unauthenticated(
                "缺少签名：请带 X-Pingan-Timestamp、X-Pingan-Nonce 与 X-Pingan-Signature",
            )))
    };
    Ok(SignedCall {
        timestamp: header("x-pingan-timestamp")?,
        nonce: header("x-pingan-nonce")?,
        signature: header("x-pingan-signature")?,
        method: method.as_str(),
        path: uri.path(),
        body,
        source,
    })
}

/// A device's alarm (signed): a 突发事件 at the point, pushed to the hub's pages at once. The
/// body is `{"signal": "button"}` (door controllers: `door_forced`, `door_held`, `listed_card`;
/// any: `tamper`), with an optional `detail`. The signature is hex HMAC-SM3 under the point's key
/// of `timestamp \n nonce \n POST \n path \n body`.
#[utoipa::path(post, path = "/api/v1/alarm-points/{id}/alarms", tag = "alarms",
    params(("id" = i64, Path, description = "报警点 id"),
        ("X-Pingan-Timestamp" = String, Header, description = "Unix 秒，与中心时钟相差不超过 300 秒"),
        ("X-Pingan-Nonce" = String, Header, description = "16–64 位，每次不同"),
        ("X-Pingan-Signature" = String, Header, description = "HMAC-SM3，64 位十六进制")),
    request_body = pingan_app::AlarmBody,
    responses((status = 201, body = SignalOutcome), (status = 400, body = Problem),
        (status = 401, description = "签名无效、过期或重放", body = Problem)))]
pub(crate) async fn alarm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ClientAddr(source): ClientAddr,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<SignalOutcome>), ApiError> {
    let body = within_limit(body)?;
    let call = signed(&headers, &method, &uri, &body, source.as_deref())?;
    let outcome = state.app.alarms().alarm(id, &call).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// A device's heartbeat (signed, any body up to 4 KB, usually empty): the point is online.
#[utoipa::path(post, path = "/api/v1/alarm-points/{id}/heartbeats", tag = "alarms",
    params(("id" = i64, Path, description = "报警点 id")),
    responses((status = 200, body = SignalOutcome), (status = 401, body = Problem)))]
pub(crate) async fn heartbeat(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ClientAddr(source): ClientAddr,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SignalOutcome>, ApiError> {
    let body = within_limit(body)?;
    let call = signed(&headers, &method, &uri, &body, source.as_deref())?;
    Ok(Json(state.app.alarms().heartbeat(id, &call).await?))
}
