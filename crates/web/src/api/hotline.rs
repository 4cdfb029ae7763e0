//! `/api/v1/hotline/orders` — 12345 工单: orders taken in as events (one as JSON, many as an .xlsx)
//! and an order's state with its reports back to the hotline.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::router::{Upload, with_uploads};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use pingan_app::{HotlineImportReport, HotlineOrder, HotlineOrderView, HotlineOutcome};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/hotline/orders", post(take))
        .route(
            "/api/v1/hotline/orders/import",
            with_uploads(post(import), Upload::Sheet),
        )
        .route("/api/v1/hotline/orders/{order_no}", get(show))
}

/// Takes in a 12345 order as an event of the channel 12345 转办 (with an API token of the
/// hotline's account). The same 工单编号 again answers 200 with the event it made.
#[utoipa::path(post, path = "/api/v1/hotline/orders", tag = "hotline", request_body = HotlineOrder,
    security(("bearer" = [])),
    responses((status = 201, body = HotlineOutcome), (status = 200, description = "此工单已受理过", body = HotlineOutcome),
        (status = 400, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn take(
    State(state): State<AppState>,
    api: ApiUser,
    Json(order): Json<HotlineOrder>,
) -> Result<(StatusCode, Json<HotlineOutcome>), ApiError> {
    let outcome = state.app.hotline().take_order(&api.actor(), &order).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// Takes in the orders of an .xlsx (the body): columns 工单编号, 事件类别, 标题, 诉求内容, 地址,
/// 所属网格, 来电人, 来电号码; every refused row is named.
#[utoipa::path(post, path = "/api/v1/hotline/orders/import", tag = "hotline",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, body = HotlineImportReport), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let report = state
        .app
        .hotline()
        .import_orders(&api.actor(), &body)
        .await?;
    crate::xlsx::import_answer(&headers, &report, &report.rejected)
}

/// An order by its 工单编号: its event and its reports back (受理, 办结, 回访) with how each went.
#[utoipa::path(get, path = "/api/v1/hotline/orders/{order_no}", tag = "hotline",
    params(("order_no" = String, Path, description = "12345 工单编号")),
    security(("bearer" = [])),
    responses((status = 200, body = HotlineOrderView), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(order_no): Path<String>,
) -> Result<Json<HotlineOrderView>, ApiError> {
    Ok(Json(
        state.app.hotline().order(&api.actor(), &order_no).await?,
    ))
}
