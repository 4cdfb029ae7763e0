//! The JSON API under `/api/v1`, and `/healthz`.

mod access;
mod alarms;
mod cases;
mod creation;
mod credit;
mod health;
mod hotline;
mod legal;
mod openapi;
mod org;
mod patrols;
mod police;
mod registry;
mod stats;
mod video;

use crate::AppState;
use axum::Router;
use pingan_app::Listed;
use serde::Serialize;

/// 列表页 — one page of a list: its rows, the list's total, and the cursors to pass as `after`
/// (the next page) or `before` (the previous page), absent where there is no such page.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ListBody<T> {
    items: Vec<T>,
    /// Rows of the whole list; a search's count stops at 10,000 (`total_exact` false) unless
    /// asked for with `exact_total=true`.
    total: u64,
    total_exact: bool,
    before: Option<String>,
    after: Option<String>,
}

impl<T> From<Listed<T>> for ListBody<T> {
    fn from(l: Listed<T>) -> Self {
        Self {
            items: l.rows,
            total: l.total.count,
            total_exact: l.total.exact,
            before: l.before,
            after: l.after,
        }
    }
}

/// The status of a write keyed by a `client_id`: 201 when it made a record, 200 when it answers
/// with the one a resend made before.
pub(crate) fn created_or_ok(created: bool) -> axum::http::StatusCode {
    if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(access::session::router())
        .merge(org::tree::router())
        .merge(openapi::router())
        .merge(org::calendar::router())
        .merge(cases::events::router())
        .merge(cases::disputes::router())
        .merge(cases::petitions::router())
        .merge(cases::clues::router())
        .merge(cases::applications::router())
        .merge(cases::risks::router())
        .merge(police::router())
        .merge(stats::router())
        .merge(alarms::router())
        .merge(creation::router())
        .merge(credit::router())
        .merge(legal::router())
        .merge(patrols::router())
        .merge(hotline::router())
        .merge(video::router())
        .merge(registry::persons::router())
        .merge(registry::places::router())
        .merge(registry::special_groups::router())
        .merge(registry::transfers::router())
        .merge(access::roles::router())
}
