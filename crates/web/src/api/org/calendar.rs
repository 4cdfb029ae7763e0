//! `GET /api/v1/calendar/deadline` — the deadline of a time limit against the work calendar.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::Query;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::DateTime;
use pingan_app::AppError;
use pingan_domain::calendar::TimeUnit;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/calendar/deadline", get(deadline))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct DeadlineQuery {
    /// Start, RFC 3339 (e.g. `2026-09-30T10:00:00+08:00`).
    from: String,
    /// The limit, a whole number of units.
    amount: u32,
    /// `work_hours`, `work_days`, `urgent_hours`, `natural_days` or `statutory_days`.
    unit: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Deadline {
    /// The deadline, RFC 3339 in Beijing time.
    deadline: String,
    /// The unit in Chinese (工作日 …).
    unit_label: &'static str,
}

/// The deadline of a time limit counted against the work calendar (holidays, 调休, office hours).
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "calendar", params(DeadlineQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Deadline), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(crate) async fn deadline(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DeadlineQuery>,
) -> Result<Json<Deadline>, ApiError> {
    let from = DateTime::parse_from_rfc3339(q.from.trim()).map_err(|_| {
        AppError::Invalid(format!(
            "from 应为 RFC 3339 时间，如 2026-09-30T10:00:00+08:00，收到 \"{}\"",
            q.from
        ))
    })?;
    let unit = TimeUnit::parse(&q.unit).ok_or_else(|| {
        AppError::Invalid(
            "unit 应为 work_hours、work_days、urgent_hours、natural_days 或 statutory_days".into(),
        )
    })?;
    let due = state
        .app
        .org()
        .deadline_for(&api.user, from, q.amount, unit)
        .await?;
    Ok(Json(Deadline {
        deadline: due.to_rfc3339(),
        unit_label: unit.label(),
    }))
}
