//! `/api/v1/stats/indicators` and `/api/v1/stats/breakdown` — the figures of any unit and period
//! with 同比, 环比 and 累计同比 (also as .xlsx), and the dashboard's trend, units, grids and
//! categories.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use pingan_app::{BreakdownQuery, BreakdownView, IndicatorQuery, IndicatorsView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stats/indicators", get(indicators))
        .route("/api/v1/stats/indicators.xlsx", get(indicators_sheet))
        .route("/api/v1/stats/breakdown", get(breakdown))
}

/// The indicators of a unit and period: events (received, concluded, 按期办结率, time taken,
/// 满意率), disputes (受理, 调解成功, 成功率), petitions, and figures of now (open events and their
/// cards, 点亮率, registry counts) — each periodic one with 同比, 环比 and 累计同比 in §9.3's words.
#[utoipa::path(get, path = "/api/v1/stats/indicators", tag = "stats", params(IndicatorQuery),
    security(("bearer" = [])),
    responses((status = 200, body = IndicatorsView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn indicators(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<IndicatorQuery>,
) -> Result<Json<IndicatorsView>, ApiError> {
    Ok(Json(state.app.stats().indicators(&api.actor(), &q).await?))
}

/// The same indicators as an .xlsx sheet.
#[utoipa::path(get, path = "/api/v1/stats/indicators.xlsx", tag = "stats", params(IndicatorQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn indicators_sheet(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<IndicatorQuery>,
) -> Result<Response, ApiError> {
    let bytes = state.app.stats().indicators_sheet(&api.actor(), &q).await?;
    Ok(crate::xlsx::download(
        bytes,
        "indicators.xlsx",
        "统计指标.xlsx",
    ))
}

/// The dashboard's breakdown of one kind: the year's months against last year, each unit one
/// level down, each grid (for the map) and the categories.
#[utoipa::path(get, path = "/api/v1/stats/breakdown", tag = "stats", params(BreakdownQuery),
    security(("bearer" = [])),
    responses((status = 200, body = BreakdownView), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn breakdown(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<BreakdownQuery>,
) -> Result<Json<BreakdownView>, ApiError> {
    Ok(Json(state.app.stats().breakdown(&api.actor(), &q).await?))
}
