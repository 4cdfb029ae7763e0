//! `/api/v1/permissions` and `/api/v1/roles` — 角色管理: the 安全管理员 composes roles from the
//! permissions; the 系统管理员 reads them to assign one to an account.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use pingan_app::{PermissionView, RoleEntry, RoleView};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/permissions", get(permissions))
        .route("/api/v1/roles", get(list).post(create))
        .route("/api/v1/roles/{key}", get(show).put(update).delete(remove))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PermissionList {
    items: Vec<PermissionView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RoleList {
    items: Vec<RoleView>,
}

/// Every permission a role may carry, with its Chinese label.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "security", security(("bearer" = [])),
    responses((status = 200, body = PermissionList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn permissions(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<PermissionList>, ApiError> {
    Ok(Json(PermissionList {
        items: state.app.access().permissions(&api.actor())?,
    }))
}

/// Every role, its permissions and how many accounts hold it.
#[utoipa::path(get, path = "/api/v1/roles", tag = "security", security(("bearer" = [])),
    responses((status = 200, body = RoleList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<RoleList>, ApiError> {
    Ok(Json(RoleList {
        items: state.app.access().roles(&api.actor()).await?,
    }))
}

/// One role.
#[utoipa::path(get, path = "/api/v1/roles/{key}", tag = "security", params(("key" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = RoleView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
) -> Result<Json<RoleView>, ApiError> {
    Ok(Json(state.app.access().role(&api.actor(), &key).await?))
}

/// Adds a role (安全管理员). 三员分立 holds: one role carries at most one administrator's permission.
#[utoipa::path(post, path = "/api/v1/roles", tag = "security", request_body = RoleEntry,
    security(("bearer" = [])),
    responses((status = 201, body = RoleView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "角色代码或名称已被使用", body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(entry): Json<RoleEntry>,
) -> Result<(StatusCode, Json<RoleView>), ApiError> {
    let view = state.app.access().create_role(&api.actor(), &entry).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Changes a role's name and permissions (安全管理员, not for the role one holds oneself); its
/// holders get the new permissions at their next request.
#[utoipa::path(put, path = "/api/v1/roles/{key}", tag = "security", params(("key" = String, Path)),
    request_body = RoleEntry, security(("bearer" = [])),
    responses((status = 200, body = RoleView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Json(entry): Json<RoleEntry>,
) -> Result<Json<RoleView>, ApiError> {
    Ok(Json(
        state
            .app
            .access()
            .update_role(&api.actor(), &key, &entry)
            .await?,
    ))
}

/// Deletes a role no account holds (安全管理员); the shipped roles stay.
#[utoipa::path(delete, path = "/api/v1/roles/{key}", tag = "security", params(("key" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "内置角色，或仍有账号持有", body = Problem)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.access().delete_role(&api.actor(), &key).await?;
    Ok(StatusCode::NO_CONTENT)
}
