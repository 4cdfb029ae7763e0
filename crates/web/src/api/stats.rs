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
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stats/indicators", get(indicators))
        .route("/api/v1/stats/indicators.xlsx", get(indicators_sheet))
        .route("/api/v1/stats/breakdown", get(breakdown))
        .route("/api/v1/stats/report.pdf", get(report))
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

/// The unit and month of a monthly report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ReportQuery {
    /// An org code within your area (default: your own unit).
    pub org: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
}

/// 月报: the month's indicators with 同比, 环比 and 累计同比 in words, and charts of the units one
/// level down against the same month a year before, as a PDF.
#[utoipa::path(get, path = "/api/v1/stats/report.pdf", tag = "stats", params(ReportQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let bytes = state
        .app
        .stats()
        .monthly_report(&api.actor(), q.org.as_deref(), &q.month)
        .await?;
    let month: String = q.month.chars().take(7).collect();
    Ok(super::cases::pdf_response(
        &format!("report-{month}.pdf"),
        &format!("综治工作月报-{month}.pdf"),
        bytes,
    ))
}
