//! `/api/v1/disputes` — 矛盾纠纷: registration, lists, the case record and mediation actions;
//! `/api/v1/mediation-organisations` and their mediators; `/api/v1/stats/disputes`, the
//! mediation indicators.

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
    DisputeActionRequest, DisputeDetailView, DisputeIntake, DisputeIntakeOutcome, DisputeListQuery,
    DisputePage, DisputeStatsQuery, DisputeStatsView, DisputeView, MediationOrganisationEntry,
    MediationOrganisationView, MediatorView, PhotoView, ScreeningEntry, ScreeningUnitView,
    ScreeningView,
};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/disputes", post(create).get(list))
        .route("/api/v1/disputes/{id}", get(show))
        .route("/api/v1/disputes/{id}/actions", post(act))
        .route("/api/v1/disputes/{id}/agreement.pdf", get(agreement))
        .route(
            "/api/v1/disputes/{id}/photos",
            crate::router::with_uploads(post(add_scans), crate::router::Upload::Photos),
        )
        .route("/api/v1/disputes/{id}/photos/{photo_id}", get(photo))
        .route(
            "/api/v1/mediation-organisations",
            get(organisations).post(create_organisation),
        )
        .route("/api/v1/mediation-organisations/{id}", get(organisation))
        .route(
            "/api/v1/mediation-organisations/{id}/mediators",
            post(set_mediator),
        )
        .route("/api/v1/stats/disputes", get(stats))
        .route(
            "/api/v1/dispute-screenings",
            get(screenings).post(create_screening),
        )
        .route("/api/v1/dispute-screenings/{id}", get(screening))
        .route(
            "/api/v1/dispute-screenings/{id}/zero-report",
            post(zero_report),
        )
}

/// Registers a dispute (排查, 当事人申请, or a referral with its number). Sending the same
/// `client_id` again answers 200 with the dispute it made.
#[utoipa::path(post, path = "/api/v1/disputes", tag = "disputes", request_body = DisputeIntake,
    security(("bearer" = [])),
    responses((status = 201, description = "新纠纷", body = DisputeIntakeOutcome),
        (status = 200, description = "client_id 已用过：返回它生成的纠纷", body = DisputeIntakeOutcome),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "client_id 属于别人的纠纷", body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<DisputeIntake>,
) -> Result<(StatusCode, Json<DisputeIntakeOutcome>), ApiError> {
    let outcome = state
        .app
        .cases()
        .register_dispute(&api.actor(), &body)
        .await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// Disputes you may see, newest first: your scope's, your organisation's, or those your
/// department referred.
#[utoipa::path(get, path = "/api/v1/disputes", tag = "disputes", params(DisputeListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = DisputePage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DisputeListQuery>,
) -> Result<Json<DisputePage>, ApiError> {
    Ok(Json(state.app.cases().disputes(&api.actor(), &q).await?))
}

/// One dispute with its parties (masked), sessions, organisation, timeline and your actions.
#[utoipa::path(get, path = "/api/v1/disputes/{id}", tag = "disputes", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = DisputeDetailView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DisputeDetailView>, ApiError> {
    Ok(Json(
        state.app.cases().dispute_detail(&api.actor(), id).await?,
    ))
}

/// Takes one action on a dispute (受理, 分流调解, 记录调解, 调解成功, 调解不成, 提交上级调解, 转出,
/// 回访, 申请司法确认, 司法确认结果, 归档 …). Send the `version` you saw: if someone else acted
/// first the answer is 409.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/actions", tag = "disputes", params(("id" = i64, Path)),
    request_body = DisputeActionRequest, security(("bearer" = [])),
    responses((status = 200, body = DisputeView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<DisputeActionRequest>,
) -> Result<Json<DisputeView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .act_on_dispute(&api.actor(), id, &body)
            .await?,
    ))
}

/// The agreement (调解协议书, or the record of an oral agreement) as a PDF to print and sign:
/// the parties by their full names, so only the hub or the mediating organisation may print it,
/// and each print is audited.
#[utoipa::path(get, path = "/api/v1/disputes/{id}/agreement.pdf", tag = "disputes",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", description = "调解协议书"),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "尚未调解成功或没有协议内容", body = Problem)))]
pub(crate) async fn agreement(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (name, bytes) = state.app.cases().agreement_pdf(&api.actor(), id).await?;
    Ok(super::pdf_response(
        &format!("agreement-{id}.pdf"),
        &name,
        bytes,
    ))
}

/// Adds photos of the signed agreement (签字协议书; multipart, one `file` part per photo: JPEG, PNG
/// or WebP, up to 10 MB each). Only the hub or the organisation, once a written agreement exists.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/photos", tag = "disputes", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "file…"),
    security(("bearer" = [])),
    responses((status = 201, body = Vec<PhotoView>), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn add_scans(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Vec<PhotoView>>), ApiError> {
    let (_, files) = crate::multipart::read_sent(form).await?;
    let photos = state
        .app
        .cases()
        .add_agreement_scans(&api.actor(), id, files)
        .await?;
    Ok((StatusCode::CREATED, Json(photos)))
}

/// One photo of a dispute you can see.
#[utoipa::path(get, path = "/api/v1/disputes/{id}/photos/{photo_id}", tag = "disputes",
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
        .dispute_photo(&api.actor(), id, photo_id)
        .await?;
    Ok(super::events::photo_response(content_type, bytes))
}

/// Which unit's organisations to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct OrgQuery {
    /// An org code within your scope (default: your own unit).
    org: Option<String>,
}

/// The mediation organisations your hub reaches (those within `org` and above it), with their
/// mediators and open caseload.
#[utoipa::path(get, path = "/api/v1/mediation-organisations", tag = "disputes", params(OrgQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MediationOrganisationView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn organisations(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<OrgQuery>,
) -> Result<Json<Vec<MediationOrganisationView>>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .mediation_organisations(&api.actor(), q.org.as_deref())
            .await?,
    ))
}

/// Creates a mediation organisation (维护调解组织与调解员).
#[utoipa::path(post, path = "/api/v1/mediation-organisations", tag = "disputes",
    request_body = MediationOrganisationEntry, security(("bearer" = [])),
    responses((status = 201, body = MediationOrganisationView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn create_organisation(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<MediationOrganisationEntry>,
) -> Result<(StatusCode, Json<MediationOrganisationView>), ApiError> {
    let made = state
        .app
        .cases()
        .create_mediation_organisation(&api.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// An organisation with its mediators.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OrganisationDetail {
    organisation: MediationOrganisationView,
    mediators: Vec<MediatorView>,
}

/// One mediation organisation with its mediators and their caseload.
#[utoipa::path(get, path = "/api/v1/mediation-organisations/{id}", tag = "disputes",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrganisationDetail), (status = 404, body = Problem)))]
pub(crate) async fn organisation(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OrganisationDetail>, ApiError> {
    let (organisation, mediators) = state
        .app
        .cases()
        .mediation_organisation(&api.actor(), id)
        .await?;
    Ok(Json(OrganisationDetail {
        organisation,
        mediators,
    }))
}

/// A mediator to name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct MediatorBody {
    /// An account whose department is this organisation.
    user_id: i64,
    /// 专职 (true) or 兼职 (false).
    #[serde(default)]
    full_time: bool,
}

/// Names an account of the organisation as its mediator (专职 or 兼职).
#[utoipa::path(post, path = "/api/v1/mediation-organisations/{id}/mediators", tag = "disputes",
    params(("id" = i64, Path)), request_body = MediatorBody, security(("bearer" = [])),
    responses((status = 200, body = MediatorView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn set_mediator(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<MediatorBody>,
) -> Result<Json<MediatorView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .set_mediator(&api.actor(), id, body.user_id, body.full_time)
            .await?,
    ))
}

/// The mediation indicators (受理数, 调解成功数, 调解成功率, 协议金额) of a unit and period, by type,
/// source, township and organisation, with 同比 and 环比.
#[utoipa::path(get, path = "/api/v1/stats/disputes", tag = "disputes", params(DisputeStatsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = DisputeStatsView), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn stats(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DisputeStatsQuery>,
) -> Result<Json<DisputeStatsView>, ApiError> {
    Ok(Json(
        state.app.cases().dispute_stats(&api.actor(), &q).await?,
    ))
}

/// Starts a 排查 campaign: every village or grid of the unit reports its disputes (registered with
/// `screening_id`) or a 零报告 by `due_on`.
#[utoipa::path(post, path = "/api/v1/dispute-screenings", tag = "disputes", request_body = ScreeningEntry,
    security(("bearer" = [])),
    responses((status = 201, body = ScreeningView), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn create_screening(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ScreeningEntry>,
) -> Result<(StatusCode, Json<ScreeningView>), ApiError> {
    let made = state
        .app
        .cases()
        .create_screening(&api.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// The campaigns your unit runs or takes part in, with how many units answered.
#[utoipa::path(get, path = "/api/v1/dispute-screenings", tag = "disputes", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScreeningView>), (status = 401, body = Problem)))]
pub(crate) async fn screenings(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<ScreeningView>>, ApiError> {
    Ok(Json(state.app.cases().screenings(&api.actor()).await?))
}

/// A campaign and its units' answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ScreeningDetail {
    screening: ScreeningView,
    units: Vec<ScreeningUnitView>,
}

/// One campaign with each unit's answer: disputes, 零报告 or not yet (未报告).
#[utoipa::path(get, path = "/api/v1/dispute-screenings/{id}", tag = "disputes", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ScreeningDetail), (status = 404, body = Problem)))]
pub(crate) async fn screening(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ScreeningDetail>, ApiError> {
    let (screening, units) = state.app.cases().screening(&api.actor(), id).await?;
    Ok(Json(ScreeningDetail { screening, units }))
}

/// A 零报告.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct ZeroReportBody {
    /// The unit reporting (default: your own); a hub may report for a unit below it.
    unit_code: Option<String>,
    /// 说明 (optional, up to 200 characters).
    note: Option<String>,
}

/// Reports that a unit found no dispute in the campaign (零报告).
#[utoipa::path(post, path = "/api/v1/dispute-screenings/{id}/zero-report", tag = "disputes",
    params(("id" = i64, Path)), request_body = ZeroReportBody, security(("bearer" = [])),
    responses((status = 200, body = ScreeningUnitView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn zero_report(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ZeroReportBody>,
) -> Result<Json<ScreeningUnitView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .zero_report(
                &api.actor(),
                id,
                body.unit_code.as_deref(),
                body.note.as_deref(),
            )
            .await?,
    ))
}
