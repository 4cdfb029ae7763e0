//! `/api/v1/transfers` — 迁移申请: ask for a resident registered in another township (by ID
//! number), and approve or reject the requests for your own residents.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use pingan_app::{TransferEntry, TransferView};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/transfers", get(list).post(request))
        .route("/api/v1/transfers/{id}/decision", post(decide))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TransferList {
    items: Vec<TransferView>,
}

/// The requests leaving and arriving in your scope, pending ones first.
#[utoipa::path(get, path = "/api/v1/transfers", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = TransferList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<TransferList>, ApiError> {
    Ok(Json(TransferList {
        items: state.app.registry().transfers(&api.user).await?,
    }))
}

/// Asks for a resident registered outside your scope to move to one of your grids; the township
/// that has them decides. Where they are registered is not told.
#[utoipa::path(post, path = "/api/v1/transfers", tag = "registry", request_body = TransferEntry,
    security(("bearer" = [])),
    responses((status = 201, body = TransferView), (status = 400, body = Problem),
        (status = 404, description = "此身份证号码尚未登记", body = Problem),
        (status = 409, description = "已有待确认的申请", body = Problem)))]
pub(crate) async fn request(
    State(state): State<AppState>,
    api: ApiUser,
    Json(entry): Json<TransferEntry>,
) -> Result<(StatusCode, Json<TransferView>), ApiError> {
    let view = state
        .app
        .registry()
        .request_transfer(&api.actor(), &api.user, &entry)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct DecisionBody {
    /// True to let the person move, false to refuse.
    approve: bool,
    /// Required when refusing.
    note: Option<String>,
}

/// Approves or rejects a request for one of your residents.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/decision", tag = "registry",
    params(("id" = i64, Path)), request_body = DecisionBody, security(("bearer" = [])),
    responses((status = 200, body = TransferView), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<DecisionBody>,
) -> Result<Json<TransferView>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .decide_transfer(
                &api.actor(),
                &api.user,
                id,
                body.approve,
                body.note.as_deref(),
            )
            .await?,
    ))
}
