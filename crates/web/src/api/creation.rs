//! `/api/v1/creation-units`, `/api/v1/six-none`, `/api/v1/creation-checklists` — 平安创建: units
//! from 申报 to 命名, their steps, the "六无" computed for an area, and the checklists.

use super::ListBody;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use pingan_app::{
    ChecklistRequest, ChecklistView, CreationListQuery, CreationStepRequest, CreationUnitPage,
    CreationUnitRequest, CreationUnitView, SixNoneOverview, SixNoneView,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/creation-units", get(list).post(declare))
        .route("/api/v1/creation-units/{id}", get(show))
        .route("/api/v1/creation-units/{id}/steps", post(step))
        .route("/api/v1/creation-units/{id}/assessment", get(assessment))
        .route("/api/v1/six-none", get(overview))
        .route("/api/v1/six-none/{org}", get(area))
        .route(
            "/api/v1/creation-checklists/{kind}",
            get(checklist).put(save_checklist),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct YearQuery {
    /// The year (default: this year, or the unit's own).
    year: Option<i32>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AreaQuery {
    /// An org code within your area (default: your whole area).
    org: Option<String>,
    year: Option<i32>,
}

/// The 平安创建 units of your area: `year`, `kind`, `status`, `org`.
#[utoipa::path(get, path = "/api/v1/creation-units", tag = "creation", params(CreationListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListBody<CreationUnitView>), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<CreationListQuery>,
) -> Result<Json<ListBody<CreationUnitView>>, ApiError> {
    Ok(Json(
        state.app.creation().units(&api.user, &q).await?.into(),
    ))
}

/// Declares a unit for a year's creation (申报, 组织平安创建).
#[utoipa::path(post, path = "/api/v1/creation-units", tag = "creation",
    request_body = CreationUnitRequest, security(("bearer" = [])),
    responses((status = 201, body = CreationUnitView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, description = "已申报", body = Problem)))]
pub(crate) async fn declare(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<CreationUnitRequest>,
) -> Result<(StatusCode, Json<CreationUnitView>), ApiError> {
    let unit = state.app.creation().declare(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

/// A unit with its assessments, checklist, "六无" and the steps you may take.
#[utoipa::path(get, path = "/api/v1/creation-units/{id}", tag = "creation",
    security(("bearer" = [])),
    responses((status = 200, body = CreationUnitPage), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CreationUnitPage>, ApiError> {
    Ok(Json(state.app.creation().unit(&api.user, id).await?))
}

/// Takes a step on a unit: 自评, 乡镇考核, 区复核 (scored against the checklist; a broken
/// "六无" fails it) or 摘牌.
#[utoipa::path(post, path = "/api/v1/creation-units/{id}/steps", tag = "creation",
    request_body = CreationStepRequest, security(("bearer" = [])),
    responses((status = 200, body = CreationUnitPage), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "当前状态不能做此步，或已被他人处理", body = Problem)))]
pub(crate) async fn step(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<CreationStepRequest>,
) -> Result<Json<CreationUnitPage>, ApiError> {
    Ok(Json(
        state
            .app
            .creation()
            .take_step(&api.actor(), id, &body)
            .await?,
    ))
}

/// The "六无" of a unit's area for `year` (default: the unit's year), with the records that
/// broke each item.
#[utoipa::path(get, path = "/api/v1/creation-units/{id}/assessment", tag = "creation",
    params(YearQuery), security(("bearer" = [])),
    responses((status = 200, body = SixNoneView), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn assessment(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Json<SixNoneView>, ApiError> {
    Ok(Json(
        state
            .app
            .creation()
            .unit_six_none(&api.user, id, q.year)
            .await?,
    ))
}

/// The "六无" of every village and community of your area (or of `org`) for `year`.
#[utoipa::path(get, path = "/api/v1/six-none", tag = "creation", params(AreaQuery),
    security(("bearer" = [])),
    responses((status = 200, body = SixNoneOverview), (status = 403, body = Problem)))]
pub(crate) async fn overview(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<AreaQuery>,
) -> Result<Json<SixNoneOverview>, ApiError> {
    Ok(Json(
        state
            .app
            .creation()
            .six_none_overview(&api.user, q.org.as_deref(), q.year)
            .await?,
    ))
}

/// The "六无" of one area (a township, village or community, or a grid) for `year`.
#[utoipa::path(get, path = "/api/v1/six-none/{org}", tag = "creation", params(YearQuery),
    security(("bearer" = [])),
    responses((status = 200, body = SixNoneView), (status = 403, body = Problem)))]
pub(crate) async fn area(
    State(state): State<AppState>,
    api: ApiUser,
    Path(org): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Json<SixNoneView>, ApiError> {
    Ok(Json(
        state
            .app
            .creation()
            .six_none(&api.user, &org, q.year)
            .await?,
    ))
}

/// A kind's checklist (考核标准).
#[utoipa::path(get, path = "/api/v1/creation-checklists/{kind}", tag = "creation",
    security(("bearer" = [])),
    responses((status = 200, body = ChecklistView), (status = 400, body = Problem)))]
pub(crate) async fn checklist(
    State(state): State<AppState>,
    api: ApiUser,
    Path(kind): Path<String>,
) -> Result<Json<ChecklistView>, ApiError> {
    Ok(Json(
        state.app.creation().checklist(&api.user, &kind).await?,
    ))
}

/// Replaces a kind's checklist (the district's 综治中心).
#[utoipa::path(put, path = "/api/v1/creation-checklists/{kind}", tag = "creation",
    request_body = ChecklistRequest, security(("bearer" = [])),
    responses((status = 200, body = ChecklistView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn save_checklist(
    State(state): State<AppState>,
    api: ApiUser,
    Path(kind): Path<String>,
    Json(body): Json<ChecklistRequest>,
) -> Result<Json<ChecklistView>, ApiError> {
    Ok(Json(
        state
            .app
            .creation()
            .save_checklist(&api.actor(), &kind, &body)
            .await?,
    ))
}
