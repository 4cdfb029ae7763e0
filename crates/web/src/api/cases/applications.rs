//! `/api/v1/applications` — 政务服务办件: applying (a resident, or the counter for them), the
//! counter's queue and a resident's own list, the record, actions, the materials and the
//! 办结告知书; `/api/v1/services`, the catalogue (政务服务事项, public) and the district's edits.

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
    AppError, ApplicationActionRequest, ApplicationDetailView, ApplicationIntake,
    ApplicationIntakeOutcome, ApplicationListQuery, ApplicationPage, ApplicationView, PhotoView,
    ServiceItemEdit, ServiceItemView,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/services", get(services))
        .route("/api/v1/services/{code}", axum::routing::put(edit_service))
        .route("/api/v1/applications", post(create).get(list))
        .route("/api/v1/applications/{id}", get(show))
        .route("/api/v1/applications/{id}/actions", post(act))
        .route("/api/v1/applications/{id}/result.pdf", get(result))
        .route(
            "/api/v1/applications/{id}/photos",
            crate::router::with_uploads(post(add_materials), crate::router::Upload::Photos),
        )
        .route("/api/v1/applications/{id}/photos/{photo_id}", get(material))
}

/// Which services to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub(crate) struct ServicesQuery {
    /// `true`: those the district took off the list too.
    pub all: Option<bool>,
}

/// The service catalogue (政务服务事项): materials, 办理单位, 承诺时限, 一次办结. Public: it is
/// the 办事指南.
#[utoipa::path(get, path = "/api/v1/services", tag = "applications", params(ServicesQuery),
    responses((status = 200, body = Vec<ServiceItemView>)))]
pub(crate) async fn services(
    State(state): State<AppState>,
    Query(q): Query<ServicesQuery>,
) -> Result<Json<Vec<ServiceItemView>>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .service_items(q.all.unwrap_or(false))
            .await?,
    ))
}

/// Changes a service (维护政务服务事项, district level): 办理单位, 承诺时限, materials, 一次办结,
/// or takes it off the list. A new shipped catalogue never overwrites the change.
#[utoipa::path(put, path = "/api/v1/services/{code}", tag = "applications",
    params(("code" = String, Path)), request_body = ServiceItemEdit, security(("bearer" = [])),
    responses((status = 200, body = ServiceItemView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn edit_service(
    State(state): State<AppState>,
    api: ApiUser,
    Path(code): Path<String>,
    Json(body): Json<ServiceItemEdit>,
) -> Result<Json<ServiceItemView>, ApiError> {
    if code.len() > 16 {
        return Err(AppError::NotFound("服务事项不存在".into()).into());
    }
    Ok(Json(
        state
            .app
            .cases()
            .edit_service_item(&api.actor(), &code, &body)
            .await?,
    ))
}

/// Applies for a service (申请政务服务): a resident for themself, or the counter entering it for
/// a resident who came in. Idempotent on `client_id`.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications",
    request_body = ApplicationIntake, security(("bearer" = [])),
    responses((status = 201, description = "新办件", body = ApplicationIntakeOutcome),
        (status = 200, description = "client_id 已用过", body = ApplicationIntakeOutcome),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<ApplicationIntake>,
) -> Result<(StatusCode, Json<ApplicationIntakeOutcome>), ApiError> {
    let outcome = state
        .app
        .cases()
        .apply_for_service(&api.actor(), &body)
        .await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// The applications you may see, newest first: the counter's of its scope, a resident's own.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications",
    params(ApplicationListQuery), security(("bearer" = [])),
    responses((status = 200, body = ApplicationPage), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ApplicationListQuery>,
) -> Result<Json<ApplicationPage>, ApiError> {
    Ok(Json(
        state.app.cases().applications(&api.actor(), &q).await?,
    ))
}

/// One application with its applicant (masked), service, materials, timeline and your actions.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetailView), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationDetailView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .application_detail(&api.actor(), id)
            .await?,
    ))
}

/// Takes one action on an application (受理, 一次性告知补正, 补正后重新提交, 不予受理, 办结, 撤回申请,
/// 评价, 督办, 催办).
#[utoipa::path(post, path = "/api/v1/applications/{id}/actions", tag = "applications",
    params(("id" = i64, Path)), request_body = ApplicationActionRequest, security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ApplicationActionRequest>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        state
            .app
            .cases()
            .act_on_application(&api.actor(), id, &body)
            .await?,
    ))
}

/// The 办结告知书 as a PDF, once the application is done: to the applicant and the counter.
#[utoipa::path(get, path = "/api/v1/applications/{id}/result.pdf", tag = "applications",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", description = "办结告知书"),
        (status = 404, body = Problem),
        (status = 409, description = "尚未办结", body = Problem)))]
pub(crate) async fn result(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (name, bytes) = state
        .app
        .cases()
        .application_result_pdf(&api.actor(), id)
        .await?;
    Ok(super::pdf_response(
        &format!("result-{id}.pdf"),
        &name,
        bytes,
    ))
}

/// Adds photos of the applicant's documents (申请材料; multipart, one `file` part per photo:
/// JPEG, PNG or WebP, up to 10 MB each): the applicant until it is accepted, the counter until
/// it is done.
#[utoipa::path(post, path = "/api/v1/applications/{id}/photos", tag = "applications",
    params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "file…"),
    security(("bearer" = [])),
    responses((status = 201, body = Vec<PhotoView>), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn add_materials(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Vec<PhotoView>>), ApiError> {
    let (_, files) = crate::multipart::read_sent(form).await?;
    let photos = state
        .app
        .cases()
        .add_application_materials(&api.actor(), id, files)
        .await?;
    Ok((StatusCode::CREATED, Json(photos)))
}

/// One material of an application you can see.
#[utoipa::path(get, path = "/api/v1/applications/{id}/photos/{photo_id}", tag = "applications",
    params(("id" = i64, Path), ("photo_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "图片"), (status = 404, body = Problem)))]
pub(crate) async fn material(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = state
        .app
        .cases()
        .application_material(&api.actor(), id, photo_id)
        .await?;
    Ok(super::events::photo_response(content_type, bytes))
}
