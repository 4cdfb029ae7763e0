//! `/api/v1/clues` — 涉黑涉恶线索: registration by the clue office (with the informant's lookup
//! code), lists, the case record, actions, revealing the informant for a reason, and
//! `/api/v1/clues/lookup`, where an informant reads the stage and result with their code.

use crate::AppState;
use crate::auth::{ApiUser, ClientAddr};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use pingan_app::{
    ClueActionRequest, ClueDetailView, ClueIntake, ClueIntakeOutcome, ClueListQuery, ClueLookup,
    CluePage, ClueView, InformantPlain,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/clues", post(create).get(list))
        .route("/api/v1/clues/lookup", get(lookup))
        .route("/api/v1/clues/{id}", get(show))
        .route("/api/v1/clues/{id}/actions", post(act))
        .route("/api/v1/clues/{id}/informant", post(reveal))
}

/// Registers a report (线索管理 only; anonymous when no `informant` is given). The answer's `code`
/// is for the informant, shown this once.
#[utoipa::path(post, path = "/api/v1/clues", tag = "clues", request_body = ClueIntake,
    security(("bearer" = [])),
    responses((status = 201, description = "新线索，含查询码", body = ClueIntakeOutcome),
        (status = 200, description = "client_id 已用过", body = ClueIntakeOutcome),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ClueIntake>,
) -> Result<(StatusCode, Json<ClueIntakeOutcome>), ApiError> {
    let outcome = state.app.cases().register_clue(&api.actor(), &body).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// The clues you may see (the clue office's within its scope; a department's, those given to it
/// for 核查), newest first. No informant fields.
#[utoipa::path(get, path = "/api/v1/clues", tag = "clues", params(ClueListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = CluePage), (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ClueListQuery>,
) -> Result<Json<CluePage>, ApiError> {
    Ok(Json(state.app.cases().clues(&api.actor(), &q).await?))
}

/// One clue with its units, timeline and your actions. Every read is audited.
#[utoipa::path(get, path = "/api/v1/clues/{id}", tag = "clues", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ClueDetailView), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ClueDetailView>, ApiError> {
    Ok(Json(state.app.cases().clue_detail(&api.actor(), id).await?))
}

/// Takes one action on a clue (甄别分级, 分流核查, 延长核查期限, 报送核查结果, 退回补充核查, 反馈并办结,
/// 一案三查标记, 督办, 催办).
#[utoipa::path(post, path = "/api/v1/clues/{id}/actions", tag = "clues", params(("id" = i64, Path)),
    request_body = ClueActionRequest, security(("bearer" = [])),
    responses((status = 200, body = ClueView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ClueActionRequest>,
) -> Result<Json<ClueView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .act_on_clue(&api.actor(), id, &body)
            .await?,
    ))
}

/// Why the informant is revealed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct InformantBody {
    /// 4–200 characters, kept on the audit record.
    pub reason: String,
}

/// The informant of a named report in plain text (线索管理 only, for a stated reason, audited).
#[utoipa::path(post, path = "/api/v1/clues/{id}/informant", tag = "clues", params(("id" = i64, Path)),
    request_body = InformantBody, security(("bearer" = [])),
    responses((status = 200, body = InformantPlain), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn reveal(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<InformantBody>,
) -> Result<Json<InformantPlain>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .reveal_informant(&api.actor(), id, &body.reason)
            .await?,
    ))
}

/// The informant's code.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct LookupQuery {
    /// The 16-character 查询码.
    pub code: String,
}

/// What an informant may learn with their code, without signing in: the stage, and the result
/// once verified. Wrong codes are counted per source address and locked out (429) like logins.
#[utoipa::path(get, path = "/api/v1/clues/lookup", tag = "clues", params(LookupQuery),
    responses((status = 200, body = ClueLookup), (status = 404, body = Problem),
        (status = 429, body = Problem)))]
pub(crate) async fn lookup(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Query(q): Query<LookupQuery>,
) -> Result<Json<ClueLookup>, ApiError> {
    if q.code.len() > 64 {
        return Err(pingan_app::AppError::Invalid("查询码应为 16 位字母和数字".into()).into());
    }
    Ok(Json(
        state
            .app
            .cases()
            .lookup_clue(&q.code, source.as_deref())
            .await?,
    ))
}
