//! `/api/v1/stats/police` — 公安统计: the year's table with 同比, entering a township's month, and
//! importing months from .xlsx (with its template).

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use pingan_app::{PoliceEntry, PoliceImportReport, PoliceYearView};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stats/police", get(year).post(enter))
        .route(
            "/api/v1/stats/police/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
        .route("/api/v1/stats/police/template", get(template))
}

/// The unit and year asked about.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct YearQuery {
    /// An org code within your scope (default: your own).
    pub org: Option<String>,
    /// Default: this year (counted to its latest month with figures: 累计同比).
    pub year: Option<i32>,
}

/// The year's public-security table: 警情 by category, 治安案件 and 刑事立案, each with last year's
/// same months and the 同比 wording; and the 破案率.
#[utoipa::path(get, path = "/api/v1/stats/police", tag = "stats", params(YearQuery),
    security(("bearer" = [])),
    responses((status = 200, body = PoliceYearView), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn year(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<PoliceYearView>, ApiError> {
    Ok(Json(
        state
            .app
            .stats()
            .police_year(&api.actor(), q.org.as_deref(), q.year)
            .await?,
    ))
}

/// How many figures were written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Written {
    pub rows: usize,
}

/// Enters one township's figures for a month (录入公安统计数据), replacing earlier ones.
#[utoipa::path(post, path = "/api/v1/stats/police", tag = "stats", request_body = PoliceEntry,
    security(("bearer" = [])),
    responses((status = 200, body = Written), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn enter(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PoliceEntry>,
) -> Result<Json<Written>, ApiError> {
    let rows = state
        .app
        .stats()
        .enter_police_month(&api.actor(), &body)
        .await?;
    Ok(Json(Written { rows }))
}

/// Imports township-months from an .xlsx (the body, as the template lays it out); every bad cell
/// is named.
#[utoipa::path(post, path = "/api/v1/stats/police/import", tag = "stats",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, body = PoliceImportReport), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let report = state.app.stats().import_police(&api.actor(), &body).await?;
    crate::xlsx::import_answer(&headers, &report, &report.rejected)
}

/// The blank import template.
#[utoipa::path(get, path = "/api/v1/stats/police/template", tag = "stats", security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem)))]
pub(crate) async fn template(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Response, ApiError> {
    Ok(crate::xlsx::download(
        state.app.stats().police_template(&api.actor())?,
        "police-template.xlsx",
        "公安统计模板.xlsx",
    ))
}
