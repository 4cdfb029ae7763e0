//! 巡防 — the hub's page (teams, key segments, today's 护学岗 and patrols, the month's coverage, and
//! the forms that add a team or a segment) and the patroller's phone page (start, positions kept on
//! the phone and sent in batches, check-ins, end).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use crate::pages::{Shell, options};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use pingan_app::{
    AppError, CoverageView, KeySegmentRequest, KeySegmentView, PatrolTeamRequest, PatrolTeamView,
    PatrolView, SchoolPostsView, ShiftRequest, ShiftView,
};
use pingan_domain::Capability;
use pingan_domain::patrol::{ForceKind, ForceLevel, SegmentKind};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patrols", get(show))
        .route("/patrols/teams", axum::routing::post(add_team))
        .route("/patrols/segments", axum::routing::post(add_segment))
        .route("/patrols/shifts", axum::routing::post(add_shift))
        .route(
            "/patrols/segments/{id}/retire",
            axum::routing::post(retire_segment),
        )
        .route("/patrol", get(phone))
}

#[derive(Template, WebTemplate)]
#[template(path = "patrols.html")]
struct PatrolsPage {
    shell: Shell,
    teams: Vec<PatrolTeamView>,
    segments: Vec<KeySegmentView>,
    posts: SchoolPostsView,
    coverage: CoverageView,
    /// Today's shifts.
    shifts: Vec<ShiftView>,
    /// Today's patrols with their start and last-heard times (Beijing).
    patrols: Vec<(PatrolView, String, String)>,
    /// Patrols still running.
    active: usize,
    can_manage: bool,
    levels: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    segment_kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AreaForm {
    org: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    org: Option<&str>,
    error: Option<String>,
) -> Result<PatrolsPage, PageError> {
    let p = state.app.patrols();
    let user = &page.user;
    let patrols: Vec<(PatrolView, String, String)> = p
        .patrols(user, org)
        .await?
        .into_iter()
        .map(|v| {
            let started = format_minute(v.started_at);
            let heard = v.last_at.map_or_else(|| "—".to_owned(), format_minute);
            (v, started, heard)
        })
        .collect();
    Ok(PatrolsPage {
        shell: Shell::new(&state.app, user, "/patrols").await?,
        teams: p.teams(user, org).await?,
        segments: p.segments(user, org).await?,
        posts: p.school_posts(user, org, None).await?,
        coverage: p.coverage(user, org, None, None).await?,
        shifts: p.shifts(user, org, None).await?,
        active: patrols.iter().filter(|(v, _, _)| v.active).count(),
        patrols,
        can_manage: user.can(Capability::ManagePatrols),
        levels: options(ForceLevel::ALL, ForceLevel::code, ForceLevel::label),
        kinds: options(ForceKind::ALL, ForceKind::code, ForceKind::label),
        segment_kinds: options(SegmentKind::ALL, SegmentKind::code, SegmentKind::label),
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<AreaForm>,
) -> Result<PatrolsPage, PageError> {
    render(&state, &page, q.org.as_deref(), None).await
}

/// What a form's outcome leads to: back to the page, or the page with the form's error.
async fn answer<T>(
    state: &AppState,
    page: &PageUser,
    done: Result<T, AppError>,
) -> Result<Response, PageError> {
    match done {
        Ok(_) => Ok(Redirect::to("/patrols").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render(state, page, None, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Deserialize)]
struct TeamForm {
    name: String,
    level: String,
    kind: String,
    org: Option<String>,
    headcount: String,
    vehicle_plate: Option<String>,
    members: Option<String>,
}

async fn add_team(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<TeamForm>,
) -> Result<Response, PageError> {
    let done = match f.headcount.trim().parse() {
        Ok(headcount) => {
            let r = PatrolTeamRequest {
                name: f.name,
                level: f.level,
                kind: f.kind,
                org: f.org,
                headcount,
                vehicle_plate: f.vehicle_plate,
                members: f
                    .members
                    .unwrap_or_default()
                    .split([',', '，', '、', ' ', '\n'])
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect(),
            };
            state.app.patrols().add_team(&page.actor(), &r).await
        }
        Err(_) => Err(AppError::Invalid("队伍人数应为整数".into())),
    };
    answer(&state, &page, done).await
}

#[derive(Deserialize)]
struct SegmentForm {
    name: String,
    kind: String,
    points: String,
    coord: Option<String>,
    radius_m: Option<String>,
    windows: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

async fn add_segment(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<SegmentForm>,
) -> Result<Response, PageError> {
    let request = (|| {
        let mut points = Vec::new();
        for (i, line) in f
            .points
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let bad = || {
                AppError::Invalid(format!(
                    "第 {} 行应为“经度,纬度”，如 107.4680,31.2090",
                    i + 1
                ))
            };
            let (lon, lat) = line.split_once([',', '，', ' ']).ok_or_else(bad)?;
            points.push([
                lon.trim().parse().map_err(|_| bad())?,
                lat.trim().parse().map_err(|_| bad())?,
            ]);
        }
        Ok::<_, AppError>(KeySegmentRequest {
            name: f.name.clone(),
            kind: f.kind.clone(),
            points,
            coord: f.coord.clone(),
            radius_m: match f.radius_m.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(r) => Some(
                    r.parse()
                        .map_err(|_| AppError::Invalid("覆盖距离应为整数米".into()))?,
                ),
            },
            windows: f.windows.clone().filter(|w| !w.trim().is_empty()),
            place_id: None,
            valid_from: date(f.valid_from.as_deref())?,
            valid_to: date(f.valid_to.as_deref())?,
        })
    })();
    let done = match request {
        Ok(r) => state.app.patrols().add_segment(&page.actor(), &r).await,
        Err(e) => Err(e),
    };
    answer(&state, &page, done).await
}

/// An optional date field: none when blank.
fn date(v: Option<&str>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match v.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => d
            .parse()
            .map(Some)
            .map_err(|_| AppError::Invalid(format!("日期“{d}”应为 年-月-日"))),
    }
}

async fn retire_segment(
    State(state): State<AppState>,
    page: PageUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Response, PageError> {
    let done = state.app.patrols().retire_segment(&page.actor(), id).await;
    answer(&state, &page, done).await
}

#[derive(Deserialize)]
struct ShiftForm {
    team_id: String,
    day: String,
    window: String,
    headcount: String,
    members: Option<String>,
}

async fn add_shift(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<ShiftForm>,
) -> Result<Response, PageError> {
    let request = (|| {
        let team: i64 = f
            .team_id
            .trim()
            .parse()
            .map_err(|_| AppError::Invalid("请选择队伍".into()))?;
        let r = ShiftRequest {
            day: f
                .day
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid("日期应为 年-月-日".into()))?,
            window: f.window.clone(),
            headcount: f
                .headcount
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid("出勤人数应为整数".into()))?,
            members: f
                .members
                .clone()
                .unwrap_or_default()
                .split([',', '，', '、', ' '])
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        Ok::<_, AppError>((team, r))
    })();
    let done = match request {
        Ok((team, r)) => state.app.patrols().add_shift(&page.actor(), team, &r).await,
        Err(e) => Err(e),
    };
    answer(&state, &page, done).await
}

#[derive(Template, WebTemplate)]
#[template(path = "patrol.html")]
struct PhonePage {
    shell: Shell,
    teams: Vec<PatrolTeamView>,
    /// The user's patrol still running today, if any.
    running: Option<PatrolView>,
    segments: Vec<KeySegmentView>,
    /// Today's shifts of the user's teams.
    shifts: Vec<ShiftView>,
}

async fn phone(State(state): State<AppState>, page: PageUser) -> Result<PhonePage, PageError> {
    let p = state.app.patrols();
    let user = &page.user;
    let teams = p.my_teams(user).await?;
    let running = p
        .patrols(user, None)
        .await?
        .into_iter()
        .find(|v| v.active && v.user_id == user.id);
    let segments = p.segments_to_check_in(user).await?;
    let shifts = p.shifts(user, None, None).await?;
    Ok(PhonePage {
        shifts,
        shell: Shell::new(&state.app, user, "/patrol").await?,
        teams,
        running,
        segments,
    })
}
