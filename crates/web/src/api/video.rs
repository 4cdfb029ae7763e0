//! The video resources: `/api/v1/devices`, `/api/v1/channels` (lists with `status`, `network`,
//! `org` filters; one with its status history; the cameras near a point) and
//! `/api/v1/stats/online-rate` — 点亮率, now and day by day.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_app::{
    AppError, ChannelQuery, ChannelView, DevicePage, DeviceQuery, DeviceView, MapPoint,
    OnlineRateReport, RegistryImportReport, StatusChange,
};
use pingan_domain::OrgCode;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stats/online-rate", get(online_rate))
        .route("/api/v1/devices", get(devices))
        .route(
            "/api/v1/devices/import",
            crate::router::with_uploads(axum::routing::post(import), crate::router::Upload::Sheet),
        )
        .route("/api/v1/devices/import/template", get(template))
        .route("/api/v1/devices/{id}", get(device))
        .route("/api/v1/devices/{id}/query", axum::routing::post(query))
        .route("/api/v1/channels", get(channels))
        .route("/api/v1/channels/near", get(near))
        .route("/api/v1/channels/map", get(map))
        .route("/api/v1/channels/{id}", get(channel))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct RateQuery {
    /// The unit (default: your own).
    org: Option<String>,
    /// Also the daily figures of this many days back, today included (1–366; district and
    /// townships).
    days: Option<u32>,
}

/// 点亮率 per channel: a camera is lit when its device is registered and keeping alive and the
/// camera reported `ON`. Per unit one level down and per network; with `days`, day by day.
#[utoipa::path(get, path = "/api/v1/stats/online-rate", tag = "video", params(RateQuery),
    security(("bearer" = [])),
    responses((status = 200, body = OnlineRateReport), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn online_rate(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<RateQuery>,
) -> Result<Json<OnlineRateReport>, ApiError> {
    let org = match q.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) => {
            OrgCode::parse(o).map_err(|e| AppError::Invalid(format!("组织编码 {o} 无效：{e}")))?
        }
        None => api.user.org_code.clone(),
    };
    Ok(Json(
        state
            .app
            .video()
            .online_rate(&api.user, &org, q.days)
            .await?,
    ))
}

/// A page of the channel list.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChannelList {
    items: Vec<ChannelView>,
    /// Rows of the whole filtered list (100 per page).
    total: i64,
}

/// A page of the device list.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DeviceList {
    items: Vec<DeviceView>,
    total: i64,
}

/// A camera with its status history, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChannelDetail {
    channel: ChannelView,
    history: Vec<StatusChange>,
}

/// Cameras of your scope; `status=offline` lists the longest-offline first.
#[utoipa::path(get, path = "/api/v1/channels", tag = "video", params(ChannelQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ChannelList), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn channels(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ChannelQuery>,
) -> Result<Json<ChannelList>, ApiError> {
    let (items, total) = state.app.video().channel_list(&api.user, &q).await?;
    Ok(Json(ChannelList { items, total }))
}

/// One camera and its status history (its own and its device's).
#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "video",
    params(("id" = String, Path, description = "20-digit channel id")),
    security(("bearer" = [])),
    responses((status = 200, body = ChannelDetail), (status = 404, body = Problem)))]
pub(crate) async fn channel(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ChannelDetail>, ApiError> {
    let (channel, history) = state.app.video().channel_page(&api.user, &id).await?;
    Ok(Json(ChannelDetail { channel, history }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct NearQuery {
    /// WGS-84 longitude.
    lon: f64,
    lat: f64,
    /// Metres (default 500, at most 5,000).
    radius: Option<f64>,
}

/// The cameras of your scope nearest a point, nearest first (at most 20).
#[utoipa::path(get, path = "/api/v1/channels/near", tag = "video", params(NearQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [ChannelView]), (status = 400, body = Problem)))]
pub(crate) async fn near(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<NearQuery>,
) -> Result<Json<Vec<ChannelView>>, ApiError> {
    let radius = q.radius.unwrap_or(500.0);
    if !(1.0..=5_000.0).contains(&radius) || !q.lon.is_finite() || !q.lat.is_finite() {
        return Err(
            AppError::Invalid("radius 应为 1 到 5000 米，lon/lat 为 WGS-84 经纬度".into()).into(),
        );
    }
    Ok(Json(
        state
            .app
            .video()
            .nearest_channels(&api.user, q.lon, q.lat, radius, 20)
            .await?,
    ))
}

/// Devices (IPC, NVR, lower platforms) of your scope, with their channel counts.
#[utoipa::path(get, path = "/api/v1/devices", tag = "video", params(DeviceQuery),
    security(("bearer" = [])),
    responses((status = 200, body = DeviceList), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn devices(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DeviceQuery>,
) -> Result<Json<DeviceList>, ApiError> {
    let (items, total) = state.app.video().device_list(&api.user, &q).await?;
    Ok(Json(DeviceList { items, total }))
}

/// One device with its channels and status history, newest first.
#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "video",
    params(("id" = String, Path, description = "20-digit device id")),
    security(("bearer" = [])),
    responses((status = 200, body = DevicePage), (status = 404, body = Problem)))]
pub(crate) async fn device(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<DevicePage>, ApiError> {
    Ok(Json(state.app.video().device_page(&api.user, &id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct MapQuery {
    /// A network code or name.
    network: Option<String>,
}

/// Every camera of your scope that has a point, as little as a map needs (at most 20,000).
#[utoipa::path(get, path = "/api/v1/channels/map", tag = "video", params(MapQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [MapPoint]), (status = 400, body = Problem)))]
pub(crate) async fn map(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<MapQuery>,
) -> Result<Json<Vec<MapPoint>>, ApiError> {
    Ok(Json(
        state
            .app
            .video()
            .channel_points(&api.user, q.network.as_deref())
            .await?,
    ))
}

/// Imports the camera registry from an .xlsx (the body; the template's columns in any order).
/// Good rows are written, upserted by channel id; every bad cell is named with its reason. With
/// `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` the answer is the
/// rejected rows as a spreadsheet instead.
#[utoipa::path(post, path = "/api/v1/devices/import", tag = "video",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, body = RegistryImportReport), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, ApiError> {
    let report = state
        .app
        .video()
        .import_video_registry(&api.actor(), &body)
        .await?;
    crate::xlsx::import_answer(&headers, &report, &report.rejected)
}

/// The blank registry template: Chinese headers, code columns as text, drop-downs.
#[utoipa::path(get, path = "/api/v1/devices/import/template", tag = "video",
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub(crate) async fn template(_api: ApiUser) -> Result<axum::response::Response, ApiError> {
    let bytes = pingan_app::video_sheets::registry_template()?;
    Ok(crate::xlsx::download(
        bytes,
        "video-registry-template.xlsx",
        "视频资源台账模板.xlsx",
    ))
}

/// What to ask a device.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct QueryBody {
    /// `catalog` (目录), `device_info` (设备信息) or `device_status` (设备状态).
    query: String,
}

/// Sends an online device a query now; its answer updates the device (catalog, name and model,
/// status) when it arrives. Only on the instance that runs the signalling server.
#[utoipa::path(post, path = "/api/v1/devices/{id}/query", tag = "video",
    params(("id" = String, Path, description = "20-digit device id")),
    request_body = QueryBody,
    security(("bearer" = [])),
    responses((status = 202, description = "sent"), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn query(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<QueryBody>,
) -> Result<axum::http::StatusCode, ApiError> {
    state
        .app
        .video()
        .query_device(&api.user, &id, &body.query)
        .await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}
