//! `/api/v1/credit/…` — 联合信用惩戒: checking a person or an organisation (信用核查), recording
//! the measures taken, and — for the list's keepers — importing the court's sheet, the list, an
//! entry and lifting it.

use super::ListBody;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use pingan_app::{
    CreditCheckRequest, CreditCheckView, CreditEntryView, CreditImportReport, CreditLiftRequest,
    CreditListQuery, CreditMeasureRecorded, CreditMeasureRequest,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/credit/check", post(check))
        .route("/api/v1/credit/measures", post(measure))
        .route("/api/v1/credit/entries", get(list))
        .route("/api/v1/credit/entries/{id}", get(show))
        .route("/api/v1/credit/entries/{id}/lift", post(lift))
        .route(
            "/api/v1/credit/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
        .route("/api/v1/credit/template", get(template))
}

/// Checks one person (`id_number`) or organisation (`credit_code`) against the 失信被执行人 and
/// 拒执 list for a `purpose` (信用核查): whether it is listed and what is restricted; the list's
/// keepers also get the entries. Every check is audited.
#[utoipa::path(post, path = "/api/v1/credit/check", tag = "credit",
    request_body = CreditCheckRequest, security(("bearer" = [])),
    responses((status = 200, body = CreditCheckView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<CreditCheckRequest>,
) -> Result<Json<CreditCheckView>, ApiError> {
    Ok(Json(state.app.credit().check(&api.actor(), &body).await?))
}

/// Records a joint-discipline measure (联合惩戒措施) your unit took against a listed subject.
#[utoipa::path(post, path = "/api/v1/credit/measures", tag = "credit",
    request_body = CreditMeasureRequest, security(("bearer" = [])),
    responses((status = 201, body = CreditMeasureRecorded), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, description = "不在名单上", body = Problem)))]
pub(crate) async fn measure(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<CreditMeasureRequest>,
) -> Result<(StatusCode, Json<CreditMeasureRecorded>), ApiError> {
    let done = state
        .app
        .credit()
        .record_measure(&api.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// The list of your scope (维护联合惩戒名单): `status` (standing, lifted), `kind`, `case_number`,
/// `subject`.
#[utoipa::path(get, path = "/api/v1/credit/entries", tag = "credit", params(CreditListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListBody<CreditEntryView>), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<CreditListQuery>,
) -> Result<Json<ListBody<CreditEntryView>>, ApiError> {
    Ok(Json(
        state.app.credit().entries(&api.actor(), &q).await?.into(),
    ))
}

/// An entry with the measures member units recorded on it.
#[utoipa::path(get, path = "/api/v1/credit/entries/{id}", tag = "credit",
    security(("bearer" = [])),
    responses((status = 200, body = CreditEntryView), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CreditEntryView>, ApiError> {
    Ok(Json(state.app.credit().entry(&api.actor(), id).await?))
}

/// Lifts an entry (撤销): it stops flagging from that day.
#[utoipa::path(post, path = "/api/v1/credit/entries/{id}/lift", tag = "credit",
    request_body = CreditLiftRequest, security(("bearer" = [])),
    responses((status = 200, body = CreditEntryView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "已撤销", body = Problem)))]
pub(crate) async fn lift(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<CreditLiftRequest>,
) -> Result<Json<CreditEntryView>, ApiError> {
    Ok(Json(
        state.app.credit().lift(&api.actor(), id, &body).await?,
    ))
}

/// Imports the court's sheet (.xlsx as the template lays it out): new entries added, known ones
/// brought up to date or lifted; every bad cell named.
#[utoipa::path(post, path = "/api/v1/credit/import", tag = "credit",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    security(("bearer" = [])),
    responses((status = 200, body = CreditImportReport), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    api: ApiUser,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let report = state.app.credit().import(&api.actor(), &body).await?;
    crate::xlsx::import_answer(&headers, &report, &report.rejected)
}

/// The blank import template.
#[utoipa::path(get, path = "/api/v1/credit/template", tag = "credit", security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = Problem)))]
pub(crate) async fn template(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Response, ApiError> {
    Ok(crate::xlsx::download(
        state.app.credit().template(&api.actor())?,
        "credit-template.xlsx",
        "失信被执行人名单模板.xlsx",
    ))
}
