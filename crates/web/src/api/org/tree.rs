//! The org tree and the grids: `GET /api/v1/org-units?parent=CODE`, `GET /api/v1/grids` (GeoJSON),
//! `GET /api/v1/grids/locate?lat=..&lon=..` and `GET /api/v1/district-outline` (GeoJSON).

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::Query;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_app::{AppError, GridFeatureCollection, Located, OrgUnitView};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/org-units", get(children))
        .route("/api/v1/grids", get(grids))
        .route("/api/v1/grids/locate", get(locate))
        .route("/api/v1/district-outline", get(outline))
}

/// The outline of the district and of its neighbouring counties, as a GeoJSON FeatureCollection
/// (WGS-84, converted from the source's GCJ-02; `properties.district` marks this district).
#[utoipa::path(get, path = "/api/v1/district-outline", tag = "org", security(("bearer" = [])),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object),
        (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn outline(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<&'static serde_json::Value>, ApiError> {
    Ok(Json(state.app.org().district_outline(&api.user)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ChildrenQuery {
    /// Org code of the parent unit; omitted, the top of the tree.
    parent: Option<String>,
}

/// The children of `parent`; without it, the top of the tree (the district).
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org", params(ChildrenQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [OrgUnitView]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn children(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<ChildrenQuery>,
) -> Result<Json<Vec<OrgUnitView>>, ApiError> {
    let parent = q.parent.as_deref().filter(|p| !p.trim().is_empty());
    Ok(Json(state.app.org().org_children(&api.user, parent).await?))
}

/// The grid boundaries within the caller's scope, as a GeoJSON FeatureCollection (WGS-84).
#[utoipa::path(get, path = "/api/v1/grids", tag = "org", security(("bearer" = [])),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object),
        (status = 401, body = Problem)))]
pub(crate) async fn grids(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<GridFeatureCollection>, ApiError> {
    Ok(Json(state.app.org().grid_features(&api.user).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct LocateQuery {
    /// Latitude, WGS-84 decimal degrees.
    #[param(value_type = f64, example = 31.21)]
    lat: Option<String>,
    /// Longitude, WGS-84 decimal degrees.
    #[param(value_type = f64, example = 107.5)]
    lon: Option<String>,
}

/// The grid holding a WGS-84 point, with its chain of org units.
#[utoipa::path(get, path = "/api/v1/grids/locate", tag = "org", params(LocateQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Located), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, description = "outside every grid", body = Problem)))]
pub(crate) async fn locate(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<LocateQuery>,
) -> Result<Json<Located>, ApiError> {
    let lat = coordinate(q.lat.as_deref(), "lat", "纬度")?;
    let lon = coordinate(q.lon.as_deref(), "lon", "经度")?;
    Ok(Json(state.app.org().locate(&api.user, lat, lon).await?))
}

fn coordinate(raw: Option<&str>, name: &str, label: &str) -> Result<f64, AppError> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty());
    let raw = raw
        .ok_or_else(|| AppError::Invalid(format!("缺少参数 {name}（{label}，WGS-84 十进制度）")))?;
    raw.parse().map_err(|_| {
        AppError::Invalid(format!(
            "参数 {name}（{label}）应为十进制度数，如 31.21，收到 \"{raw}\""
        ))
    })
}
