//! 工作日历 — the year's days off and make-up workdays, a warning for years not yet entered, the
//! administrator's edits, and a deadline calculator.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use pingan_app::{AppError, CalendarYear};
use pingan_domain::Capability;
use pingan_domain::calendar::TimeUnit;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(show))
        .route("/calendar/days", post(set_day))
        .route("/calendar/days/{day}/clear", post(clear_day))
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
struct CalendarPage {
    shell: Shell,
    cal: CalendarYear,
    /// `(date, 星期, kind label, name, source label)`.
    rows: Vec<(String, &'static str, &'static str, String, &'static str)>,
    gaps: Vec<i32>,
    can_edit: bool,
    q: TrialQuery,
    units: Vec<(&'static str, &'static str)>,
    deadline: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct TrialQuery {
    year: Option<i32>,
    /// `YYYY-MM-DDTHH:MM`, Beijing time.
    #[serde(default)]
    from: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    unit: String,
}

const WEEKDAYS: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<TrialQuery>,
) -> Result<Response, PageError> {
    let (deadline, error) = match trial(&state, &page, &q).await {
        Ok(d) => (d, None),
        Err(AppError::Invalid(msg)) => (None, Some(msg)),
        Err(e) => return Err(e.into()),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&state, &page, q, deadline, error).await?).into_response())
}

/// The deadline asked for in the query, if one was asked for.
async fn trial(
    state: &AppState,
    page: &PageUser,
    q: &TrialQuery,
) -> Result<Option<String>, AppError> {
    if q.from.is_empty() && q.amount.is_empty() {
        return Ok(None);
    }
    let local = NaiveDateTime::parse_from_str(q.from.trim(), "%Y-%m-%dT%H:%M").map_err(|_| {
        AppError::Invalid("开始时间应为 年-月-日 时:分，如 2026-09-30 10:00".into())
    })?;
    let start = pingan_domain::time::shanghai()
        .from_local_datetime(&local)
        .single()
        .ok_or_else(|| AppError::Invalid("开始时间无效".into()))?;
    let amount: u32 = q
        .amount
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid("时限应为不超过 3650 的整数".into()))?;
    let unit =
        TimeUnit::parse(&q.unit).ok_or_else(|| AppError::Invalid("请选择时限单位".into()))?;
    let due = state
        .app
        .org()
        .deadline_for(&page.user, start, amount, unit)
        .await?;
    let weekday = WEEKDAYS
        .get(due.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or("");
    Ok(Some(format!("{} {weekday}", due.format("%Y-%m-%d %H:%M"))))
}

async fn render(
    state: &AppState,
    page: &PageUser,
    q: TrialQuery,
    deadline: Option<String>,
    error: Option<String>,
) -> Result<CalendarPage, PageError> {
    let this_year = pingan_domain::time::in_shanghai(Utc::now()).year();
    let year = q.year.unwrap_or(this_year).clamp(2000, 2100);
    let cal = state.app.org().calendar_year(&page.user, year).await?;
    let rows = cal
        .days
        .iter()
        .map(|(day, kind, name, source)| {
            let weekday = WEEKDAYS
                .get(day.weekday().num_days_from_monday() as usize)
                .copied()
                .unwrap_or("");
            let kind = if kind == "workday" {
                "调休上班"
            } else {
                "放假"
            };
            let source = if source == "official" {
                "国务院通知"
            } else {
                "管理员录入"
            };
            (day.to_string(), weekday, kind, name.clone(), source)
        })
        .collect();
    Ok(CalendarPage {
        shell: Shell::new(&state.app, &page.user, "/calendar").await?,
        cal,
        rows,
        gaps: state.app.org().calendar_gaps().await?,
        can_edit: page.user.can(Capability::ManageOrg),
        q,
        units: [
            TimeUnit::WorkHours,
            TimeUnit::WorkDays,
            TimeUnit::UrgentHours,
            TimeUnit::NaturalDays,
            TimeUnit::StatutoryDays,
        ]
        .iter()
        .map(|u| (u.as_str(), u.label()))
        .collect(),
        deadline,
        error,
    })
}

#[derive(Deserialize)]
struct DayForm {
    day: String,
    kind: String,
    #[serde(default)]
    name: String,
}

fn parse_day(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid("日期应为 年-月-日，如 2027-01-01".into()))
}

async fn set_day(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<DayForm>,
) -> Result<Response, PageError> {
    let result = match parse_day(&f.day) {
        Ok(day) => state
            .app
            .org()
            .set_calendar_day(&page.actor(), day, f.kind == "workday", &f.name)
            .await
            .map(|()| day),
        Err(e) => Err(e),
    };
    match result {
        Ok(day) => Ok(Redirect::to(&format!("/calendar?year={}", day.year())).into_response()),
        Err(AppError::Invalid(msg)) => {
            let body = render(&state, &page, TrialQuery::default(), None, Some(msg)).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn clear_day(
    State(state): State<AppState>,
    page: PageUser,
    Path(day): Path<String>,
) -> Result<Response, PageError> {
    let day = parse_day(&day)?;
    state
        .app
        .org()
        .clear_calendar_day(&page.actor(), day)
        .await?;
    Ok(Redirect::to(&format!("/calendar?year={}", day.year())).into_response())
}
