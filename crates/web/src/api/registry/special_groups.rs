//! `/api/v1/special-groups`, `/api/v1/visits`, `/api/v1/visit-policies` — 特殊人群 of your scope
//! (each group only with its permission), their enrolment and ending, the visits grid workers
//! record, what is due, and each grid's coverage.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use pingan_app::{
    MemberInput, MemberPage, MemberQuery, MemberView, UnitCoverage, VisitEntry, VisitPolicyView,
    VisitView,
};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/special-groups", get(list))
        .route("/api/v1/special-groups/export", get(export))
        .route("/api/v1/special-groups/{id}", axum::routing::patch(update))
        .route("/api/v1/special-groups/{id}/end", post(end))
        .route("/api/v1/persons/{id}/groups", get(of_person).post(enrol))
        .route("/api/v1/visits", get(visits).post(record))
        .route("/api/v1/visits/due", get(due))
        .route(
            "/api/v1/persons/{id}/visit-photos/{photo}",
            get(visit_photo),
        )
        .route("/api/v1/visits/coverage", get(coverage))
        .route("/api/v1/visit-policies", get(policies).put(set_policies))
}

/// Memberships.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MemberList {
    items: Vec<MemberView>,
}

/// Active members of your scope in the groups you may see, by due date, 100 a page: `group`,
/// `state` (`overdue` / `due_soon` / `on_time`), `grid`, `page`; with the counts of the whole list.
#[utoipa::path(get, path = "/api/v1/special-groups", tag = "registry", params(MemberQuery),
    security(("bearer" = [])),
    responses((status = 200, body = MemberPage), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<MemberQuery>,
) -> Result<Json<MemberPage>, ApiError> {
    Ok(Json(state.app.registry().member_page(&api.user, &q).await?))
}

/// One person's memberships you may see, ended ones too, with their facts (audited).
#[utoipa::path(get, path = "/api/v1/persons/{id}/groups", tag = "registry",
    params(("id" = i64, Path, description = "person id")),
    security(("bearer" = [])),
    responses((status = 200, body = MemberList), (status = 404, body = Problem)))]
pub(crate) async fn of_person(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<MemberList>, ApiError> {
    let items = state.app.registry().memberships_of(&api.user, id).await?;
    Ok(Json(MemberList { items }))
}

/// Enrols the person in a group (列管): `group`, `risk_level` 0–5, `enrolled_on`, `facts`.
#[utoipa::path(post, path = "/api/v1/persons/{id}/groups", tag = "registry",
    params(("id" = i64, Path, description = "person id")),
    request_body = MemberInput,
    security(("bearer" = [])),
    responses((status = 201, body = MemberView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn enrol(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<MemberInput>,
) -> Result<(StatusCode, Json<MemberView>), ApiError> {
    let view = state
        .app
        .registry()
        .enrol_member(&api.actor(), &api.user, id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Changes a membership's `risk_level` and `facts` (the visiting interval follows the level).
#[utoipa::path(patch, path = "/api/v1/special-groups/{id}", tag = "registry",
    params(("id" = i64, Path, description = "membership id")),
    request_body = MemberInput,
    security(("bearer" = [])),
    responses((status = 200, body = MemberView), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<MemberInput>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .update_member(&api.actor(), &api.user, id, &body)
            .await?,
    ))
}

/// Why a membership ends.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct EndBody {
    /// 2 to 200 characters, e.g. 矫正期满.
    reason: String,
}

/// Ends a membership (解除列管); the record is kept.
#[utoipa::path(post, path = "/api/v1/special-groups/{id}/end", tag = "registry",
    params(("id" = i64, Path, description = "membership id")),
    request_body = EndBody,
    security(("bearer" = [])),
    responses((status = 200, body = MemberView), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn end(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<EndBody>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .end_member(&api.actor(), &api.user, id, &body.reason)
            .await?,
    ))
}

/// Visits.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct VisitList {
    items: Vec<VisitView>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct VisitsQuery {
    /// The person visited.
    person: i64,
}

/// A person's visits, newest first (50).
#[utoipa::path(get, path = "/api/v1/visits", tag = "registry", params(VisitsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = VisitList), (status = 404, body = Problem)))]
pub(crate) async fn visits(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<VisitsQuery>,
) -> Result<Json<VisitList>, ApiError> {
    let items = state.app.registry().visits(&api.user, q.person).await?;
    Ok(Json(VisitList { items }))
}

/// Records a visit (入户走访). 201 when recorded, 200 with the first record when the same
/// `client_id` was sent before.
#[utoipa::path(post, path = "/api/v1/visits", tag = "registry", request_body = VisitEntry,
    security(("bearer" = [])),
    responses((status = 201, body = VisitView), (status = 200, body = VisitView),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub(crate) async fn record(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<VisitEntry>,
) -> Result<(StatusCode, Json<VisitView>), ApiError> {
    let (view, created) = state
        .app
        .registry()
        .record_visit(&api.actor(), &api.user, &body, &[])
        .await?;
    Ok((crate::api::created_or_ok(created), Json(view)))
}

/// 走访任务: members of your scope overdue or due within 7 days, soonest first.
#[utoipa::path(get, path = "/api/v1/visits/due", tag = "registry",
    security(("bearer" = [])),
    responses((status = 200, body = MemberList), (status = 403, body = Problem)))]
pub(crate) async fn due(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<MemberList>, ApiError> {
    let items = state.app.registry().visit_tasks(&api.user).await?;
    Ok(Json(MemberList { items }))
}

/// Per-grid coverage.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CoverageList {
    items: Vec<UnitCoverage>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CoverageQuery {
    /// A township, village or grid code in your scope (default: your scope).
    org: Option<String>,
}

/// 走访覆盖: per grid, members visited in time, due soon and overdue.
#[utoipa::path(get, path = "/api/v1/visits/coverage", tag = "registry", params(CoverageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = CoverageList), (status = 403, body = Problem)))]
pub(crate) async fn coverage(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<CoverageQuery>,
) -> Result<Json<CoverageList>, ApiError> {
    let items = state
        .app
        .registry()
        .visit_coverage(&api.user, q.org.as_deref())
        .await?;
    Ok(Json(CoverageList { items }))
}

/// The visiting rules.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub(crate) struct PolicyList {
    items: Vec<VisitPolicyView>,
}

/// 走访频次: per group and risk level, the days between visits.
#[utoipa::path(get, path = "/api/v1/visit-policies", tag = "registry",
    security(("bearer" = [])),
    responses((status = 200, body = PolicyList), (status = 403, body = Problem)))]
pub(crate) async fn policies(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<PolicyList>, ApiError> {
    let items = state.app.registry().visit_policy_views(&api.user).await?;
    Ok(Json(PolicyList { items }))
}

/// Replaces the visiting rules (district commanders): every group needs a rule from level 0.
#[utoipa::path(put, path = "/api/v1/visit-policies", tag = "registry", request_body = PolicyList,
    security(("bearer" = [])),
    responses((status = 200, body = PolicyList), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn set_policies(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PolicyList>,
) -> Result<Json<PolicyList>, ApiError> {
    let items = state
        .app
        .registry()
        .set_visit_policies(&api.actor(), &body.items)
        .await?;
    Ok(Json(PolicyList { items }))
}

/// One photo of a visit to a person of your scope.
#[utoipa::path(get, path = "/api/v1/persons/{id}/visit-photos/{photo}", tag = "registry",
    params(("id" = i64, Path, description = "person id"), ("photo" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "the image", content_type = "image/jpeg"),
        (status = 404, body = Problem)))]
pub(crate) async fn visit_photo(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, photo)): Path<(i64, i64)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (content_type, bytes) = state
        .app
        .registry()
        .visit_photo(&api.user, id, photo)
        .await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The members a search finds (the list's filters) as an .xlsx; with a `reason` names and ID
/// numbers in plain text (查看个人信息明文 only). The file names the exporter. Audited.
#[utoipa::path(get, path = "/api/v1/special-groups/export", tag = "registry",
    params(MemberQuery, super::persons::ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<MemberQuery>,
    Query(e): Query<super::persons::ExportQuery>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = state
        .app
        .registry()
        .export_members(&api.actor(), &api.user, &q, e.reason.as_deref())
        .await?;
    Ok(crate::xlsx::download(
        bytes,
        "special-groups.xlsx",
        "特殊人群.xlsx",
    ))
}
