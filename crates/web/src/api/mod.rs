//! The JSON API under `/api/v1`, and `/healthz`.

mod access;
mod cases;
mod health;
mod openapi;
mod org;
mod registry;
mod video;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(access::session::router())
        .merge(org::tree::router())
        .merge(openapi::router())
        .merge(org::calendar::router())
        .merge(cases::events::router())
        .merge(video::router())
        .merge(registry::persons::router())
        .merge(registry::places::router())
        .merge(registry::special_groups::router())
        .merge(registry::transfers::router())
        .merge(access::roles::router())
}
