//! `/api/v1/places` — 场所与组织 of your scope: list (principal masked), one with its tenants,
//! entering one, the tenants of a rental house, and the .xlsx import with its template.

use crate::AppState;
use crate::api::ListBody;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use pingan_app::{PlaceEntry, PlaceImportReport, PlacePage, PlacePlain, PlaceQuery, PlaceView};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/places", get(list).post(save))
        .route(
            "/api/v1/places/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
        .route("/api/v1/places/import/template", get(template))
        .route("/api/v1/places/export", get(export))
        .route("/api/v1/places/{id}", get(show))
        .route("/api/v1/places/{id}/tenants", post(add_tenant))
        .route("/api/v1/places/{id}/reveal", post(reveal))
}

/// Places of your scope: `q` (part of the name or address, or a whole 统一社会信用代码),
/// `category`, `attention`, `grid`.
#[utoipa::path(get, path = "/api/v1/places", tag = "registry", params(PlaceQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListBody<PlaceView>), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PlaceQuery>,
) -> Result<Json<ListBody<PlaceView>>, ApiError> {
    Ok(Json(
        state.app.registry().places(&api.user, &q).await?.into(),
    ))
}

/// Enters a place; an organisation with the same 统一社会信用代码, or a place of the same grid,
/// category and name, is updated.
#[utoipa::path(post, path = "/api/v1/places", tag = "registry", request_body = PlaceEntry,
    security(("bearer" = [])),
    responses((status = 200, body = PlaceView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn save(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PlaceEntry>,
) -> Result<Json<PlaceView>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .save_place(&api.actor(), &api.user, &body)
            .await?,
    ))
}

/// One place of your scope with its tenants (masked).
#[utoipa::path(get, path = "/api/v1/places/{id}", tag = "registry",
    params(("id" = i64, Path, description = "place id")),
    security(("bearer" = [])),
    responses((status = 200, body = PlacePage), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PlacePage>, ApiError> {
    Ok(Json(state.app.registry().place(&api.user, id).await?))
}

/// A tenant, by ID number.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct TenantBody {
    /// The tenant's 公民身份号码; the person must be in the registry and your scope.
    id_number: String,
}

/// Registers a person of the registry as a tenant of a rental house.
#[utoipa::path(post, path = "/api/v1/places/{id}/tenants", tag = "registry",
    params(("id" = i64, Path, description = "place id")),
    request_body = TenantBody,
    security(("bearer" = [])),
    responses((status = 200, body = PlacePage), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn add_tenant(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<TenantBody>,
) -> Result<Json<PlacePage>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .add_tenant(&api.actor(), &api.user, id, &body.id_number)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ImportQuery {
    /// The grid of rows without 网格编码.
    grid: Option<String>,
}

/// Imports places from an .xlsx (the body); every bad cell is named. With `Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` the answer is the rejected
/// cells as a spreadsheet.
#[utoipa::path(post, path = "/api/v1/places/import", tag = "registry", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, body = PlaceImportReport), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ImportQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let report = state
        .app
        .registry()
        .import_places(&api.actor(), &body, q.grid.as_deref())
        .await?;
    crate::xlsx::import_answer(&headers, &report, &report.rejected)
}

/// The blank place template.
#[utoipa::path(get, path = "/api/v1/places/import/template", tag = "registry",
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub(crate) async fn template(_api: ApiUser) -> Result<Response, ApiError> {
    Ok(crate::xlsx::download(
        pingan_app::place_template()?,
        "places-template.xlsx",
        "场所与组织模板.xlsx",
    ))
}

/// Why the plain text is needed.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RevealBody {
    /// 4 to 200 characters, kept on the audit record.
    reason: String,
}

/// The principal's name and phone in plain text (查看个人信息明文 only; audited, refusals too).
#[utoipa::path(post, path = "/api/v1/places/{id}/reveal", tag = "registry",
    params(("id" = i64, Path, description = "place id")),
    request_body = RevealBody,
    security(("bearer" = [])),
    responses((status = 200, body = PlacePlain), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn reveal(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<RevealBody>,
) -> Result<Json<PlacePlain>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .reveal_place(&api.actor(), id, &body.reason)
            .await?,
    ))
}

/// The places a search finds (the list's filters) as an .xlsx, at most 100,000; with a `reason`
/// the principals in plain text (查看个人信息明文 only). The file names the exporter. Audited.
#[utoipa::path(get, path = "/api/v1/places/export", tag = "registry",
    params(PlaceQuery, super::persons::ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PlaceQuery>,
    Query(e): Query<super::persons::ExportQuery>,
) -> Result<Response, ApiError> {
    let bytes = state
        .app
        .registry()
        .export_places(&api.actor(), &api.user, &q, e.reason.as_deref())
        .await?;
    Ok(crate::xlsx::download(
        bytes,
        "places.xlsx",
        "场所与组织.xlsx",
    ))
}
