//! `/api/v1/legal-advisers`, `/api/v1/legal-consultations` — 公共法律服务: each village's adviser
//! ("一村一法律顾问") and the coverage per township with its gaps; consultations recorded and
//! counted.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use pingan_app::{
    AdviserRequest, AdvisersView, ConsultationQuery, ConsultationRequest, ConsultationView,
    ConsultationsView,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/legal-advisers", get(advisers).post(assign))
        .route("/api/v1/legal-advisers/{village}", delete(end))
        .route(
            "/api/v1/legal-consultations",
            get(consultations).post(record),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct OrgQuery {
    /// An org code within your area (default: your own).
    org: Option<String>,
}

/// The villages of an area with their legal advisers, and each township's coverage with the
/// villages still without one.
#[utoipa::path(get, path = "/api/v1/legal-advisers", tag = "legal", params(OrgQuery),
    security(("bearer" = [])),
    responses((status = 200, body = AdvisersView), (status = 403, body = Problem)))]
pub(crate) async fn advisers(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<OrgQuery>,
) -> Result<Json<AdvisersView>, ApiError> {
    Ok(Json(
        state
            .app
            .legal()
            .advisers(&api.actor(), q.org.as_deref())
            .await?,
    ))
}

/// Makes a lawyer of the directory the adviser of a village (the one before leaves that day);
/// answers with the village's township.
#[utoipa::path(post, path = "/api/v1/legal-advisers", tag = "legal",
    request_body = AdviserRequest, security(("bearer" = [])),
    responses((status = 200, body = AdvisersView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn assign(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<AdviserRequest>,
) -> Result<Json<AdvisersView>, ApiError> {
    Ok(Json(
        state
            .app
            .legal()
            .assign_adviser(&api.actor(), &body)
            .await?,
    ))
}

/// Ends a village's adviser post (the lawyer left): the village shows as a gap.
#[utoipa::path(delete, path = "/api/v1/legal-advisers/{village}", tag = "legal",
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn end(
    State(state): State<AppState>,
    api: ApiUser,
    Path(village): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .legal()
        .end_adviser(&api.actor(), &village)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The consultations of an area and period: the latest 50 (askers masked) and the counts by
/// township, channel and topic, the time spent and the 公证 referrals.
#[utoipa::path(get, path = "/api/v1/legal-consultations", tag = "legal",
    params(ConsultationQuery), security(("bearer" = [])),
    responses((status = 200, body = ConsultationsView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn consultations(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ConsultationQuery>,
) -> Result<Json<ConsultationsView>, ApiError> {
    Ok(Json(
        state.app.legal().consultations(&api.actor(), &q).await?,
    ))
}

/// Records a consultation (法律咨询登记): 201 when new, 200 when its `client_id` was recorded
/// before.
#[utoipa::path(post, path = "/api/v1/legal-consultations", tag = "legal",
    request_body = ConsultationRequest, security(("bearer" = [])),
    responses((status = 201, body = ConsultationView), (status = 200, body = ConsultationView),
        (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub(crate) async fn record(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ConsultationRequest>,
) -> Result<(StatusCode, Json<ConsultationView>), ApiError> {
    let (view, created) = state
        .app
        .legal()
        .record_consultation(&api.actor(), &body)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}
