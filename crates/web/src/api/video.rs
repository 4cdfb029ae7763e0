//! `/api/v1/stats/online-rate` — 点亮率: the share of cameras online, for a unit and the units below.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use pingan_app::{AppError, OnlineRateReport};
use pingan_domain::OrgCode;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/stats/online-rate", get(online_rate))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct RateQuery {
    /// The unit (default: your own).
    org: Option<String>,
}

/// 点亮率 now: a camera is online when its device is registered and keeping alive and the camera
/// reported `ON`.
#[utoipa::path(get, path = "/api/v1/stats/online-rate", tag = "video", params(RateQuery),
    security(("bearer" = [])),
    responses((status = 200, body = OnlineRateReport), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn online_rate(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<RateQuery>,
) -> Result<Json<OnlineRateReport>, ApiError> {
    let org = match q.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) => {
            OrgCode::parse(o).map_err(|e| AppError::Invalid(format!("组织编码 {o} 无效：{e}")))?
        }
        None => api.user.org_code.clone(),
    };
    Ok(Json(state.app.online_rate(&api.user, &org).await?))
}
