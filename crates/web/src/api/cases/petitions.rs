//! `/api/v1/petitions` — 信访: registration, lists, the case record, the actions of the 2022
//! regulation, the notices as PDFs, attachments and revealing a petitioner; `/api/v1/lawyers`,
//! the lawyers' directory; `/api/v1/stats/petitions`, the indicators.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use pingan_app::{
    AppError, LawyerEntry, LawyerView, NoticeKind, PetitionActionRequest, PetitionDetailView,
    PetitionIntake, PetitionIntakeOutcome, PetitionListQuery, PetitionPage, PetitionStatsQuery,
    PetitionStatsView, PetitionView, PetitionerPlain, PhotoView,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/petitions", post(create).get(list))
        .route("/api/v1/petitions/{id}", get(show))
        .route("/api/v1/petitions/{id}/actions", post(act))
        .route("/api/v1/petitions/{id}/notices/{kind}", get(notice))
        .route(
            "/api/v1/petitions/{id}/petitioners/{party_id}/reveal",
            post(reveal),
        )
        .route(
            "/api/v1/petitions/{id}/photos",
            crate::router::with_uploads(post(add_attachments), crate::router::Upload::Photos),
        )
        .route("/api/v1/petitions/{id}/photos/{photo_id}", get(photo))
        .route("/api/v1/lawyers", get(lawyers).post(add_lawyer))
        .route("/api/v1/stats/petitions", get(stats))
}

/// Registers a petition (来信, 来访, 网上信访, 电话, 12345 转办, 领导信箱). The answer names what
/// registration found: 重复信访, 越级, 集体访, or 不再受理 (the same matter concluded by 复核).
/// Sending the same `client_id` again answers 200 with the petition it made.
#[utoipa::path(post, path = "/api/v1/petitions", tag = "petitions", request_body = PetitionIntake,
    security(("bearer" = [])),
    responses((status = 201, description = "新信访事项", body = PetitionIntakeOutcome),
        (status = 200, description = "client_id 已用过：返回它生成的信访事项", body = PetitionIntakeOutcome),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "client_id 属于别人的信访事项", body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PetitionIntake>,
) -> Result<(StatusCode, Json<PetitionIntakeOutcome>), ApiError> {
    let outcome = state
        .app
        .cases()
        .register_petition(&api.actor(), &body)
        .await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// Petitions you may see, newest first: your scope's, and those you lead (包案) or were
/// assigned to as a lawyer.
#[utoipa::path(get, path = "/api/v1/petitions", tag = "petitions", params(PetitionListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = PetitionPage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PetitionListQuery>,
) -> Result<Json<PetitionPage>, ApiError> {
    Ok(Json(state.app.cases().petitions(&api.actor(), &q).await?))
}

/// One petition with its petitioners (masked), organ, timeline, your actions, the current
/// `deadline` (absolute time) and the notices that can be printed.
#[utoipa::path(get, path = "/api/v1/petitions/{id}", tag = "petitions", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = PetitionDetailView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PetitionDetailView>, ApiError> {
    Ok(Json(
        state.app.cases().petition_detail(&api.actor(), id).await?,
    ))
}

/// Takes one action on a petition (分办 `route` with `mode`, 受理, 延期, 答复, 送达, 复查, 复核,
/// 听证, 办结, 访调对接, 领导包案, 指派律师, 律师意见, 满意度评价, 督办, 催办). Send the `version`
/// you saw: if someone else acted first the answer is 409.
#[utoipa::path(post, path = "/api/v1/petitions/{id}/actions", tag = "petitions", params(("id" = i64, Path)),
    request_body = PetitionActionRequest, security(("bearer" = [])),
    responses((status = 200, body = PetitionView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<PetitionActionRequest>,
) -> Result<Json<PetitionView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .act_on_petition(&api.actor(), id, &body)
            .await?,
    ))
}

/// A notice as a PDF: `acceptance` (受理告知书), `refusal` (不予受理告知书), `extension` (延期
/// 告知书) or `opinion` (处理意见书). It names the petitioners in full: only the office or the
/// organ may print it, and each print is audited.
#[utoipa::path(get, path = "/api/v1/petitions/{id}/notices/{kind}", tag = "petitions",
    params(("id" = i64, Path), ("kind" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", description = "信访文书"),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "还没有出具此文书的依据", body = Problem)))]
pub(crate) async fn notice(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let kind = NoticeKind::parse(&kind).ok_or_else(|| {
        AppError::Invalid("文书应为 acceptance、refusal、extension 或 opinion".into())
    })?;
    let (name, bytes) = state
        .app
        .cases()
        .petition_notice(&api.actor(), id, kind)
        .await?;
    Ok(super::pdf_response(
        &format!("petition-{id}-{}.pdf", kind.key()),
        &name,
        bytes,
    ))
}

/// Why a petitioner's identity is revealed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct RevealBody {
    /// 4–200 characters, kept on the audit record.
    pub reason: String,
}

/// A petitioner's name, ID number and phone in plain text, for a stated reason (audited).
#[utoipa::path(post, path = "/api/v1/petitions/{id}/petitioners/{party_id}/reveal", tag = "petitions",
    params(("id" = i64, Path), ("party_id" = i64, Path)), request_body = RevealBody,
    security(("bearer" = [])),
    responses((status = 200, body = PetitionerPlain), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn reveal(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, party_id)): Path<(i64, i64)>,
    Json(body): Json<RevealBody>,
) -> Result<Json<PetitionerPlain>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .reveal_petitioner(&api.actor(), id, party_id, &body.reason)
            .await?,
    ))
}

/// Adds scans or photos to a petition (multipart, one `file` part each: JPEG, PNG or WebP, up to
/// 10 MB). Only the office or the organ on it.
#[utoipa::path(post, path = "/api/v1/petitions/{id}/photos", tag = "petitions", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "file…"),
    security(("bearer" = [])),
    responses((status = 201, body = Vec<PhotoView>), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn add_attachments(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Vec<PhotoView>>), ApiError> {
    let (_, files) = crate::multipart::read_sent(form).await?;
    let photos = state
        .app
        .cases()
        .add_petition_attachments(&api.actor(), id, files)
        .await?;
    Ok((StatusCode::CREATED, Json(photos)))
}

/// One attachment of a petition you can see.
#[utoipa::path(get, path = "/api/v1/petitions/{id}/photos/{photo_id}", tag = "petitions",
    params(("id" = i64, Path), ("photo_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "图片"), (status = 404, body = Problem)))]
pub(crate) async fn photo(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = state
        .app
        .cases()
        .petition_photo(&api.actor(), id, photo_id)
        .await?;
    Ok(super::events::photo_response(content_type, bytes))
}

/// The lawyers serving your unit.
#[utoipa::path(get, path = "/api/v1/lawyers", tag = "petitions", security(("bearer" = [])),
    responses((status = 200, body = Vec<LawyerView>), (status = 403, body = Problem)))]
pub(crate) async fn lawyers(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<LawyerView>>, ApiError> {
    Ok(Json(state.app.cases().lawyers(&api.actor()).await?))
}

/// Adds a lawyer to the directory (维护律师名录).
#[utoipa::path(post, path = "/api/v1/lawyers", tag = "petitions", request_body = LawyerEntry,
    security(("bearer" = [])),
    responses((status = 201, body = LawyerView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn add_lawyer(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<LawyerEntry>,
) -> Result<(StatusCode, Json<LawyerView>), ApiError> {
    let lawyer = state.app.cases().add_lawyer(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(lawyer)))
}

/// The petition indicators of a unit and period by township: 按期受理率, 按期办结率, 群众满意率,
/// 重复访率, 越级访, 集体访, 同比; and each leader's 包案 load.
#[utoipa::path(get, path = "/api/v1/stats/petitions", tag = "petitions", params(PetitionStatsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = PetitionStatsView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn stats(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PetitionStatsQuery>,
) -> Result<Json<PetitionStatsView>, ApiError> {
    Ok(Json(
        state.app.cases().petition_stats(&api.actor(), &q).await?,
    ))
}
