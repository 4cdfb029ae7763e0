//! `/api/v1/persons` — 实有人口 of your scope: search (masked), one person, the reveal of their
//! identifiers for a stated reason, and the .xlsx import with its template.

use crate::AppState;
use crate::api::ListBody;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use pingan_app::{
    HouseholdPage, HouseholdQuery, HouseholdView, ImportJobView, PersonEntry, PersonImportReport,
    PersonPlain, PersonQuery, PersonView,
};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/persons", get(list).post(add))
        .route(
            "/api/v1/persons/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
        .route("/api/v1/persons/import/template", get(template))
        .route("/api/v1/persons/export", get(export))
        .route(
            "/api/v1/persons/import/jobs",
            crate::router::with_uploads(post(start_import), crate::router::Upload::Sheet),
        )
        .route("/api/v1/persons/import/jobs/{id}", get(import_job))
        .route("/api/v1/households", get(households))
        .route("/api/v1/households/export", get(export_households))
        .route("/api/v1/households/{id}", get(household))
        .route("/api/v1/persons/{id}", get(show))
        .route("/api/v1/persons/{id}/reveal", post(reveal))
        .route("/api/v1/persons/{id}/tags", get(tags).put(set_tags))
}

/// Persons of your scope, masked: `q` (two or more characters of a name, or part of an
/// address), `id_number` and `phone` (exact), `grid`, `residence`.
#[utoipa::path(get, path = "/api/v1/persons", tag = "registry", params(PersonQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListBody<PersonView>), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PersonQuery>,
) -> Result<Json<ListBody<PersonView>>, ApiError> {
    Ok(Json(
        state.app.registry().persons(&api.user, &q).await?.into(),
    ))
}

/// One person of your scope, masked.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registry",
    params(("id" = i64, Path, description = "person id")),
    security(("bearer" = [])),
    responses((status = 200, body = PersonView), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PersonView>, ApiError> {
    Ok(Json(state.app.registry().person(&api.user, id).await?))
}

/// Why the plain text is needed.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RevealBody {
    /// 4 to 200 characters, kept on the audit record.
    reason: String,
}

/// The person's name, ID number and phone in plain text (查看个人信息明文 only; audited).
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal", tag = "registry",
    params(("id" = i64, Path, description = "person id")),
    request_body = RevealBody,
    security(("bearer" = [])),
    responses((status = 200, body = PersonPlain), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn reveal(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<RevealBody>,
) -> Result<Json<PersonPlain>, ApiError> {
    Ok(Json(
        state
            .app
            .registry()
            .reveal_person(&api.actor(), id, &body.reason)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ImportQuery {
    /// The grid of rows without 网格编码.
    grid: Option<String>,
}

/// Imports persons from an .xlsx (the body). Good rows are written keyed by ID number (the same
/// file twice changes nothing); every bad cell is named. With `Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` the answer is the rejected
/// cells as a spreadsheet.
#[utoipa::path(post, path = "/api/v1/persons/import", tag = "registry", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, body = PersonImportReport), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ImportQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let report = state
        .app
        .registry()
        .import_persons(&api.actor(), &body, q.grid.as_deref())
        .await?;
    crate::xlsx::import_answer(&headers, &report, &report.rejected)
}

/// The blank person template: Chinese headers, the ID column as text, drop-downs.
#[utoipa::path(get, path = "/api/v1/persons/import/template", tag = "registry",
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub(crate) async fn template(_api: ApiUser) -> Result<Response, ApiError> {
    let bytes = pingan_app::person_template()?;
    Ok(crate::xlsx::download(
        bytes,
        "persons-template.xlsx",
        "实有人口模板.xlsx",
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ExportQuery {
    /// With a reason (4–200 characters), names, ID numbers and phones are in plain text
    /// (查看个人信息明文 only). Without, they are masked.
    pub(crate) reason: Option<String>,
}

/// The persons a search finds (the list's filters) as an .xlsx, at most 100,000; the file names
/// the exporter and the time. Audited.
#[utoipa::path(get, path = "/api/v1/persons/export", tag = "registry", params(PersonQuery, ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PersonQuery>,
    Query(e): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let bytes = state
        .app
        .registry()
        .export_persons(&api.actor(), &api.user, &q, e.reason.as_deref())
        .await?;
    Ok(crate::xlsx::download(
        bytes,
        "persons.xlsx",
        "实有人口.xlsx",
    ))
}

/// Households (户) of your scope: `q` (part of the address, or a whole 户号), `grid`.
#[utoipa::path(get, path = "/api/v1/households", tag = "registry", params(HouseholdQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListBody<HouseholdView>), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn households(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<HouseholdQuery>,
) -> Result<Json<ListBody<HouseholdView>>, ApiError> {
    Ok(Json(
        state.app.registry().households(&api.user, &q).await?.into(),
    ))
}

/// One household of your scope with its members (masked), the head first.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry",
    params(("id" = i64, Path, description = "household id")),
    security(("bearer" = [])),
    responses((status = 200, body = HouseholdPage), (status = 404, body = Problem)))]
pub(crate) async fn household(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<HouseholdPage>, ApiError> {
    Ok(Json(state.app.registry().household(&api.user, id).await?))
}

/// Starts importing persons from an .xlsx (the body) in the background, for large files: 202 with
/// the job, whose progress `GET /api/v1/persons/import/jobs/{id}` tells.
#[utoipa::path(post, path = "/api/v1/persons/import/jobs", tag = "registry", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 202, body = ImportJobView), (status = 403, body = Problem),
        (status = 413, body = Problem)))]
pub(crate) async fn start_import(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<(axum::http::StatusCode, Json<ImportJobView>), ApiError> {
    let id = state
        .app
        .registry()
        .start_person_import(api.actor(), body.to_vec(), q.grid)
        .await?;
    let job = state.app.registry().import_job(&api.user, &id).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(job)))
}

/// One of your import jobs: `running` with its progress, `done` with the report, or `failed`
/// with the reason. Kept a day after it ends; any instance answers.
#[utoipa::path(get, path = "/api/v1/persons/import/jobs/{id}", tag = "registry",
    params(("id" = String, Path, description = "job id")),
    security(("bearer" = [])),
    responses((status = 200, body = ImportJobView), (status = 404, body = Problem)))]
pub(crate) async fn import_job(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ImportJobView>, ApiError> {
    Ok(Json(state.app.registry().import_job(&api.user, &id).await?))
}

/// Registers one person (the phone's quick add): every field checked as in the import; 409 when
/// the ID number is registered already.
#[utoipa::path(post, path = "/api/v1/persons", tag = "registry", request_body = PersonEntry,
    security(("bearer" = [])),
    responses((status = 201, body = PersonView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PersonEntry>,
) -> Result<(axum::http::StatusCode, Json<PersonView>), ApiError> {
    let person = state
        .app
        .registry()
        .add_person(&api.actor(), &api.user, &body)
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(person)))
}

/// A person's tags (人员标签).
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub(crate) struct TagList {
    /// Codes (`living_alone` …) or, when setting, codes or Chinese names (独居老人 …).
    tags: Vec<String>,
}

/// The person's tags, as codes.
#[utoipa::path(get, path = "/api/v1/persons/{id}/tags", tag = "registry",
    params(("id" = i64, Path, description = "person id")),
    security(("bearer" = [])),
    responses((status = 200, body = TagList), (status = 404, body = Problem)))]
pub(crate) async fn tags(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TagList>, ApiError> {
    let tags = state.app.registry().person_tags(&api.user, id).await?;
    Ok(Json(TagList {
        tags: tags.into_iter().map(|(code, _)| code.to_owned()).collect(),
    }))
}

/// Replaces the person's tags.
#[utoipa::path(put, path = "/api/v1/persons/{id}/tags", tag = "registry",
    params(("id" = i64, Path, description = "person id")),
    request_body = TagList,
    security(("bearer" = [])),
    responses((status = 200, body = TagList), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn set_tags(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<TagList>,
) -> Result<Json<TagList>, ApiError> {
    let tags = state
        .app
        .registry()
        .set_person_tags(&api.actor(), &api.user, id, &body.tags)
        .await?;
    Ok(Json(TagList {
        tags: tags.into_iter().map(|(code, _)| code.to_owned()).collect(),
    }))
}

/// The households a search finds as an .xlsx (户号, address, members, grid). Audited.
#[utoipa::path(get, path = "/api/v1/households/export", tag = "registry", params(HouseholdQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn export_households(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<HouseholdQuery>,
) -> Result<Response, ApiError> {
    let bytes = state
        .app
        .registry()
        .export_households(&api.actor(), &api.user, &q)
        .await?;
    Ok(crate::xlsx::download(bytes, "households.xlsx", "户.xlsx"))
}
