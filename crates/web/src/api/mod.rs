//! The JSON API under `/api/v1`, and `/healthz`.

mod calendar;
mod events;
mod health;
mod openapi;
mod org;
mod persons;
mod places;
mod roles;
mod session;
mod special_groups;
mod transfers;
mod video;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(session::router())
        .merge(org::router())
        .merge(openapi::router())
        .merge(calendar::router())
        .merge(events::router())
        .merge(video::router())
        .merge(persons::router())
        .merge(places::router())
        .merge(special_groups::router())
        .merge(transfers::router())
        .merge(roles::router())
}
