//! `GET /healthz`: 200 when the hub can reach its database, 503 otherwise. For load balancers.

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_app::Backend;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

/// Whether the hub can reach its database.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Object, example = json!({"status": "ok", "database": "sqlite"})),
        (status = 503, body = Problem)))]
pub(crate) async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.app.health().await?;
    let database = match state.app.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Ok(Json(json!({"status": "ok", "database": database})))
}
