//! `/api/v1/legal-advisers`, `/api/v1/legal-consultations`, `/api/v1/outreach-…` — 公共法律服务:
//! each village's adviser ("一村一法律顾问") and the coverage per township with its gaps;
//! consultations recorded and counted; the outreach teams and their activities (送法下乡,
//! 法治赶场日, 政法服务进小区) with photos.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use pingan_app::{
    AdviserRequest, AdvisersView, CheckupRequest, ConsultationRequest, ConsultationView,
    ConsultationsView, LegalHealthView, LegalQuery, LegalRiskView, OutreachOverview,
    OutreachRequest, OutreachTeamRequest, OutreachTeamView, OutreachView, RiskResolution,
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
        .route("/api/v1/outreach-teams", get(teams).post(add_team))
        .route(
            "/api/v1/outreach-activities",
            get(activities).post(record_activity),
        )
        .route(
            "/api/v1/outreach-activities/{id}/photos",
            crate::router::with_uploads(post(add_photos), crate::router::Upload::Photos),
        )
        .route(
            "/api/v1/outreach-activities/{id}/photos/{photo_id}",
            get(photo),
        )
        .route(
            "/api/v1/places/{id}/legal-health",
            get(legal_health).post(record_checkup),
        )
        .route("/api/v1/legal-risks", get(open_risks))
        .route("/api/v1/legal-risks/{id}/resolve", post(resolve_risk))
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
    params(LegalQuery), security(("bearer" = [])),
    responses((status = 200, body = ConsultationsView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn consultations(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<LegalQuery>,
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
    Ok((super::created_or_ok(created), Json(view)))
}

/// The outreach teams serving your area ("通川有礼"法治服务小分队).
#[utoipa::path(get, path = "/api/v1/outreach-teams", tag = "legal", security(("bearer" = [])),
    responses((status = 200, body = Vec<OutreachTeamView>), (status = 403, body = Problem)))]
pub(crate) async fn teams(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<OutreachTeamView>>, ApiError> {
    Ok(Json(state.app.legal().outreach_teams(&api.actor()).await?))
}

/// Adds an outreach team at your unit.
#[utoipa::path(post, path = "/api/v1/outreach-teams", tag = "legal",
    request_body = OutreachTeamRequest, security(("bearer" = [])),
    responses((status = 201, body = OutreachTeamView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn add_team(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<OutreachTeamRequest>,
) -> Result<(StatusCode, Json<OutreachTeamView>), ApiError> {
    let team = state
        .app
        .legal()
        .add_outreach_team(&api.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(team)))
}

/// The outreach activities of an area and period: the latest 50, the totals (activities,
/// officers, people reached, materials, questions) and the counts per team, township and kind.
#[utoipa::path(get, path = "/api/v1/outreach-activities", tag = "legal", params(LegalQuery),
    security(("bearer" = [])),
    responses((status = 200, body = OutreachOverview), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn activities(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<LegalQuery>,
) -> Result<Json<OutreachOverview>, ApiError> {
    Ok(Json(state.app.legal().outreach(&api.actor(), &q).await?))
}

/// Records an activity (送法下乡, 法治赶场日, 政法服务进小区, 普法宣传): 201 when new, 200 when its
/// `client_id` was recorded before.
#[utoipa::path(post, path = "/api/v1/outreach-activities", tag = "legal",
    request_body = OutreachRequest, security(("bearer" = [])),
    responses((status = 201, body = OutreachView), (status = 200, body = OutreachView),
        (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub(crate) async fn record_activity(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<OutreachRequest>,
) -> Result<(StatusCode, Json<OutreachView>), ApiError> {
    let (view, created) = state
        .app
        .legal()
        .record_outreach(&api.actor(), &body)
        .await?;
    Ok((super::created_or_ok(created), Json(view)))
}

/// Adds photos to an activity (multipart, one `file` part per photo: JPEG, PNG or WebP, up to
/// 10 MB each; nine at most).
#[utoipa::path(post, path = "/api/v1/outreach-activities/{id}/photos", tag = "legal",
    params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "file…"),
    security(("bearer" = [])),
    responses((status = 201, body = OutreachView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn add_photos(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<OutreachView>), ApiError> {
    let (_, files) = crate::multipart::read_sent(form).await?;
    let view = state
        .app
        .legal()
        .add_outreach_photos(&api.actor(), id, &files)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One photo of an activity of your area.
#[utoipa::path(get, path = "/api/v1/outreach-activities/{id}/photos/{photo_id}", tag = "legal",
    params(("id" = i64, Path), ("photo_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "图片"), (status = 404, body = Problem)))]
pub(crate) async fn photo(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = state
        .app
        .legal()
        .outreach_photo(&api.actor(), id, photo_id)
        .await?;
    Ok(super::cases::events::photo_response(content_type, bytes))
}

/// An enterprise's 法律健康档案: its check-ups, its risks (open first), its lawsuits and
/// enforcement status.
#[utoipa::path(get, path = "/api/v1/places/{id}/legal-health", tag = "legal",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = LegalHealthView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn legal_health(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<LegalHealthView>, ApiError> {
    Ok(Json(
        state.app.legal().legal_health(&api.actor(), id).await?,
    ))
}

/// Records a legal check-up (法律体检) of an enterprise with the risks it found: 201 when new,
/// 200 when its `client_id` was recorded before.
#[utoipa::path(post, path = "/api/v1/places/{id}/legal-health", tag = "legal",
    params(("id" = i64, Path)), request_body = CheckupRequest, security(("bearer" = [])),
    responses((status = 201, body = LegalHealthView), (status = 200, body = LegalHealthView),
        (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn record_checkup(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<CheckupRequest>,
) -> Result<(StatusCode, Json<LegalHealthView>), ApiError> {
    let (view, created) = state
        .app
        .legal()
        .record_checkup(&api.actor(), id, &body)
        .await?;
    Ok((super::created_or_ok(created), Json(view)))
}

/// The open legal risks of the enterprises of an area (企业法律风险清单), high first.
#[utoipa::path(get, path = "/api/v1/legal-risks", tag = "legal", params(OrgQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<LegalRiskView>), (status = 403, body = Problem)))]
pub(crate) async fn open_risks(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<OrgQuery>,
) -> Result<Json<Vec<LegalRiskView>>, ApiError> {
    Ok(Json(
        state
            .app
            .legal()
            .open_risks(&api.actor(), q.org.as_deref())
            .await?,
    ))
}

/// Puts a risk right (整改完成) with how.
#[utoipa::path(post, path = "/api/v1/legal-risks/{id}/resolve", tag = "legal",
    params(("id" = i64, Path)), request_body = RiskResolution, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn resolve_risk(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<RiskResolution>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .legal()
        .resolve_risk(&api.actor(), id, &body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
