//! `/api/v1/risk-assessments` — 社会稳定风险评估: registering a matter, lists, the case record and
//! the actions of the eight steps; `/api/v1/risk-experts`, the expert pool;
//! `/api/v1/stats/risk-assessments`, the register by level.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use pingan_app::{
    RiskActionRequest, RiskDetailView, RiskExpertView, RiskIntake, RiskListQuery, RiskPage,
    RiskRegisterView, RiskView,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/risk-assessments", post(create).get(list))
        .route("/api/v1/risk-assessments/{id}", get(show))
        .route("/api/v1/risk-assessments/{id}/actions", post(act))
        .route("/api/v1/risk-experts", get(experts).post(add_expert))
        .route("/api/v1/stats/risk-assessments", get(register))
}

/// Registers a matter for assessment, with its 评估主体 (a department) and track.
#[utoipa::path(post, path = "/api/v1/risk-assessments", tag = "risk", request_body = RiskIntake,
    security(("bearer" = [])),
    responses((status = 201, body = RiskView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<RiskIntake>,
) -> Result<(StatusCode, Json<RiskView>), ApiError> {
    let made = state.app.cases().register_risk(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Assessments you may see, newest first (filter by `level` for the register).
#[utoipa::path(get, path = "/api/v1/risk-assessments", tag = "risk", params(RiskListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = RiskPage), (status = 400, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<RiskListQuery>,
) -> Result<Json<RiskPage>, ApiError> {
    Ok(Json(state.app.cases().risks(&api.actor(), &q).await?))
}

/// One assessment with its materials, opinion records, expert scores and the panel's result,
/// measures, what the current step still needs, timeline and your actions.
#[utoipa::path(get, path = "/api/v1/risk-assessments/{id}", tag = "risk", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = RiskDetailView), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RiskDetailView>, ApiError> {
    Ok(Json(state.app.cases().risk_detail(&api.actor(), id).await?))
}

/// Takes one action: `advance` (complete the current step: `409` says what it still needs),
/// `add_document`, `add_opinion`, `expert_score`, `set_level`, `decide` (`409` for 实施 of a 高 or
/// 中 matter without a 化解风险工作预案), `file_record`, `add_measure`, `complete_measure`,
/// `report_incident`, `reassess`, `close`, `supervise`, `urge`.
#[utoipa::path(post, path = "/api/v1/risk-assessments/{id}/actions", tag = "risk",
    params(("id" = i64, Path)), request_body = RiskActionRequest, security(("bearer" = [])),
    responses((status = 200, body = RiskView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<RiskActionRequest>,
) -> Result<Json<RiskView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .act_on_risk(&api.actor(), id, &body)
            .await?,
    ))
}

/// The expert pool.
#[utoipa::path(get, path = "/api/v1/risk-experts", tag = "risk", security(("bearer" = [])),
    responses((status = 200, body = Vec<RiskExpertView>), (status = 403, body = Problem)))]
pub(crate) async fn experts(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<RiskExpertView>>, ApiError> {
    Ok(Json(state.app.cases().risk_experts(&api.actor()).await?))
}

/// Adds an expert (`name`, `field`, `unit`).
#[utoipa::path(post, path = "/api/v1/risk-experts", tag = "risk", request_body = RiskExpertView,
    security(("bearer" = [])),
    responses((status = 201, body = RiskExpertView), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn add_expert(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<RiskExpertView>,
) -> Result<(StatusCode, Json<RiskExpertView>), ApiError> {
    let e = state
        .app
        .cases()
        .add_risk_expert(&api.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// 稳评台账: the matters of your unit by level and decision.
#[utoipa::path(get, path = "/api/v1/stats/risk-assessments", tag = "risk", security(("bearer" = [])),
    responses((status = 200, body = RiskRegisterView), (status = 403, body = Problem)))]
pub(crate) async fn register(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<RiskRegisterView>, ApiError> {
    Ok(Json(state.app.cases().risk_register(&api.actor()).await?))
}
