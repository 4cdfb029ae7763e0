//! 事件中心 — the live event list with its map, the case page with timeline and actions, and the
//! report page a grid worker uses on the phone.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use crate::pages::pairs::Pairs;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    ActionRequest, CategoryView, EventDetailView, EventIntake, EventListQuery, EventView,
    IntakeOutcome,
};
use pingan_domain::Capability;
use pingan_domain::time::format_minute;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/{id}", get(show))
        .route("/events/{id}/act", post(act))
        .route("/events/{id}/to-dispute", post(to_dispute))
        .route("/events/{id}/patrol", post(send_patrol))
        .route(
            "/events/{id}/photos",
            crate::router::with_uploads(post(add_photos), crate::router::Upload::Photos),
        )
        .route(
            "/report",
            crate::router::with_uploads(
                get(report_form).post(report),
                crate::router::Upload::Photos,
            ),
        )
}

/// One row of the list, ready to show.
struct Row {
    e: EventView,
    place: String,
    created: String,
    deadline: String,
}

fn row(e: EventView, names: &HashMap<String, String>) -> Row {
    let place = names
        .get(&e.org_code)
        .cloned()
        .unwrap_or_else(|| e.org_code.clone());
    Row {
        created: format_short(e.created_at),
        deadline: e.deadline.map(format_short).unwrap_or_else(|| "—".into()),
        place,
        e,
    }
}

/// "11-28 08:44": lists show the month, day and time (Beijing); the case page the full date.
fn format_short(t: chrono::DateTime<chrono::Utc>) -> String {
    pingan_domain::time::in_shanghai(t)
        .format("%m-%d %H:%M")
        .to_string()
}

#[derive(Template, WebTemplate)]
#[template(path = "events.html")]
struct EventsPage {
    shell: Shell,
    rows: Vec<Row>,
    q: ListForm,
    categories: Vec<CategoryView>,
    next: Option<String>,
    can_report: bool,
}

/// The list filters as the form sends them (empty fields are absent filters).
#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    alert: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

impl ListForm {
    fn query(&self) -> EventListQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let (open, mine) = match self.scope.as_str() {
            "all" => (None, None),
            "closed" => (Some(false), None),
            "mine" => (None, Some(true)),
            _ => (Some(true), None),
        };
        EventListQuery {
            open,
            mine,
            alert: some(&self.alert),
            category: some(&self.category),
            q: some(&self.q),
            before: self.before,
            limit: Some(50),
            ..Default::default()
        }
    }

    /// The query string of the next page.
    fn next(&self, before: i64) -> String {
        let enc = pingan_domain::text::percent_encode;
        format!(
            "/events?scope={}&alert={}&category={}&q={}&before={before}",
            enc(&self.scope),
            enc(&self.alert),
            enc(&self.category),
            enc(&self.q)
        )
    }
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ListForm>,
) -> Result<EventsPage, PageError> {
    let actor = page.actor();
    let events = state.app.cases().events(&actor, &q.query()).await?;
    let names = state.app.cases().place_names(&actor).await?;
    Ok(EventsPage {
        shell: Shell::new(&state.app, &page.user, "/events").await?,
        rows: events.items.into_iter().map(|e| row(e, &names)).collect(),
        next: events.next_before.map(|b| q.next(b)),
        categories: state.app.cases().event_categories().await?,
        can_report: page.user.can(Capability::ReportEvents),
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "event.html")]
struct EventPage {
    shell: Shell,
    d: EventDetailView,
    place: String,
    owner: String,
    created: String,
    deadline: String,
    yellow_at: String,
    /// (at, entry) of the timeline, Beijing time.
    timeline: Vec<(String, pingan_app::TimelineView, String)>,
    /// (id, name, kind, suggested) of the departments to dispatch to.
    departments: Vec<(i64, String, String, bool)>,
    /// The cameras within 500 m of the event, nearest first (for users who see video).
    cameras: Vec<pingan_app::ChannelView>,
    /// The patrols sent to the event (联勤联动), with the time each was sent and arrived, for
    /// users who see patrols; and whether the user may send one.
    patrols: Vec<(pingan_app::DispatchView, String, String)>,
    can_send_patrol: bool,
    /// The dispute types (code, name), for 转为矛盾纠纷.
    dispute_types: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn render_case(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<EventPage, PageError> {
    let actor = page.actor();
    let d = state.app.cases().event_detail(&actor, id).await?;
    let names = state.app.cases().place_names(&actor).await?;
    let place = names
        .get(&d.event.org_code)
        .cloned()
        .unwrap_or_else(|| d.event.org_code.clone());
    let owner = names
        .get(&d.event.owner_org)
        .map_or_else(|| d.event.owner_org.clone(), |n| format!("{n}综治中心"));
    let timeline = d
        .timeline
        .iter()
        .map(|t| {
            let detail = describe(&t.detail);
            (format_minute(t.at), t.clone(), detail)
        })
        .collect();
    let needs_departments = d.actions.iter().any(|a| a.needs_department);
    let cameras = match (d.event.lon, d.event.lat) {
        (Some(lon), Some(lat)) if page.user.can(Capability::ViewVideo) => {
            state
                .app
                .video()
                .nearest_channels(&page.user, lon, lat, 500.0, 5)
                .await?
        }
        _ => Vec::new(),
    };
    let patrols = if page.user.can(Capability::ViewPatrols) && page.user.department_id.is_none() {
        state
            .app
            .patrols()
            .dispatches(&actor, id)
            .await?
            .into_iter()
            .map(|d| {
                let sent = format_minute(d.dispatched_at);
                let arrived = d
                    .arrived_at
                    .map_or_else(|| "未到达".to_owned(), format_minute);
                (d, sent, arrived)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(EventPage {
        can_send_patrol: page.user.can(Capability::ManagePatrols)
            && page.user.department_id.is_none()
            && d.event.lon.is_some()
            && d.event.open,
        patrols,
        cameras,
        dispute_types: pingan_domain::case::dispute::DisputeType::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect(),
        shell: Shell::new(&state.app, &page.user, "/events").await?,
        created: format_minute(d.event.created_at),
        deadline: d
            .event
            .deadline
            .map(format_minute)
            .unwrap_or_else(|| "—".into()),
        yellow_at: d.event.yellow_at.map(format_minute).unwrap_or_default(),
        departments: if needs_departments {
            let suggested = d.suggested_department_id;
            state
                .app
                .cases()
                .dispatch_departments(&actor)
                .await?
                .into_iter()
                .map(|(id, name, kind)| (id, name, kind, Some(id) == suggested))
                .collect()
        } else {
            Vec::new()
        },
        place,
        owner,
        timeline,
        d,
        error,
    })
}

/// What a timeline entry carried, in words.
fn describe(detail: &serde_json::Value) -> String {
    let mut out = Vec::new();
    if let Some(list) = detail["departments"].as_array() {
        let names: Vec<&str> = list.iter().filter_map(|v| v.as_str()).collect();
        if let Some((lead, assist)) = names.split_first() {
            out.push(format!("主办：{lead}"));
            if !assist.is_empty() {
                out.push(format!("协办：{}", assist.join("、")));
            }
        }
    }
    if let Some(days) = detail["days"].as_i64() {
        out.push(format!("延期 {days} 个工作日"));
    }
    if let Some(r) = detail["rating"].as_str() {
        let label = pingan_domain::case::Rating::parse(r).map_or(r, |r| r.label());
        out.push(format!("评价：{label}"));
    }
    if let Some(to) = detail["to"].as_str() {
        out.push(format!("提级至 {to}"));
    }
    if let Some(into) = detail["into"].as_i64() {
        out.push(format!("并入事件 {into}"));
    }
    out.join("；")
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<EventPage, PageError> {
    render_case(&state, &page, id, None).await
}

/// An action as the case page's forms send it: field pairs, since 协办部门 is a multiple choice
/// (one `assist` pair per department).
fn action_request(pairs: &[(String, String)]) -> Result<ActionRequest, String> {
    let f = Pairs(pairs);
    let merge_into = match f.text("merge_into") {
        Some(s) => Some(
            pingan_app::parse_case_ref(&s)
                .ok_or_else(|| format!("“{s}”不是事件编号，请填写如 SJ20261128000042 的编号"))?,
        ),
        None => None,
    };
    Ok(ActionRequest {
        action: f.text("action").unwrap_or_default(),
        version: f.number("version")?,
        reason: f.text("reason"),
        department_id: f.number("department_id")?,
        assist_department_ids: f.numbers("assist"),
        merge_into,
        extension_days: f
            .number("extension_days")?
            .and_then(|d| u32::try_from(d).ok()),
        rating: f.text("rating"),
    })
}

async fn act(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let req = match action_request(&pairs) {
        Ok(r) => r,
        Err(msg) => return failed(&state, &page, id, StatusCode::BAD_REQUEST, msg).await,
    };
    match state
        .app
        .cases()
        .act_on_event(&page.actor(), id, &req)
        .await
    {
        Ok(view) => {
            // A department that returned a case no longer sees it: back to the list then.
            let to = if view.visible_to(&page.user) {
                format!("/events/{id}")
            } else {
                "/events".into()
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            failed(&state, &page, id, status, msg).await
        }
    }
}

/// 转为矛盾纠纷 as the case page's form sends it.
#[derive(Debug, Default, Deserialize)]
struct ToDisputeForm {
    version: Option<i64>,
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    respondent: String,
    #[serde(default)]
    people_count: String,
}

/// Converts the event into a dispute and opens the dispute.
async fn to_dispute(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ToDisputeForm>,
) -> Result<Response, PageError> {
    let party = |role: &str, name: &str| pingan_app::PartyEntry {
        role: role.into(),
        name: name.into(),
        ..Default::default()
    };
    let conversion = pingan_app::DisputeConversion {
        dispute_type: f.r#type.clone(),
        parties: vec![
            party("applicant", &f.applicant),
            party("respondent", &f.respondent),
        ],
        people_count: f.people_count.trim().parse().ok(),
        ..Default::default()
    };
    let req = ActionRequest {
        action: "to_dispute".into(),
        version: f.version,
        ..Default::default()
    };
    match state
        .app
        .cases()
        .event_to_dispute(&page.actor(), id, &req, &conversion)
        .await
    {
        Ok(outcome) => {
            Ok(Redirect::to(&format!("/disputes/{}", outcome.dispute.id)).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            failed(&state, &page, id, status, msg).await
        }
    }
}

/// 上传照片 from the case page.
async fn add_photos(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, PageError> {
    let result = match crate::multipart::read(form).await {
        Ok((fields, files)) => {
            let stage = crate::multipart::field(&fields, "stage").unwrap_or("before");
            state
                .app
                .cases()
                .add_photos(&page.actor(), id, stage, files)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/events/{id}#photos")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            failed(&state, &page, id, status, msg).await
        }
    }
}

async fn failed(
    state: &AppState,
    page: &PageUser,
    id: i64,
    status: StatusCode,
    msg: String,
) -> Result<Response, PageError> {
    Ok((status, render_case(state, page, id, Some(msg)).await?).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
struct ReportPage {
    shell: Shell,
    categories: Vec<CategoryView>,
    grids: Vec<(String, String)>,
    /// A fresh idempotency key: resubmitting this form makes no second event.
    client_id: String,
    form: ReportForm,
    is_grid_worker: bool,
    error: Option<String>,
    done: Option<IntakeOutcome>,
    mine: Vec<Row>,
}

/// The report form.
#[derive(Debug, Default, Clone, Deserialize)]
struct ReportForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    grid_code: String,
    #[serde(default)]
    self_resolved: Option<String>,
}

impl ReportForm {
    /// The form from the fields of a multipart body.
    fn from_fields(fields: &[(String, String)]) -> Self {
        let get = |name: &str| {
            crate::multipart::field(fields, name)
                .unwrap_or_default()
                .to_owned()
        };
        Self {
            client_id: get("client_id"),
            category: get("category"),
            title: get("title"),
            description: get("description"),
            lat: get("lat"),
            lon: get("lon"),
            address: get("address"),
            grid_code: get("grid_code"),
            self_resolved: crate::multipart::field(fields, "self_resolved").map(str::to_owned),
        }
    }
}

async fn render_report(
    state: &AppState,
    page: &PageUser,
    form: ReportForm,
    error: Option<String>,
    done: Option<IntakeOutcome>,
) -> Result<ReportPage, PageError> {
    let actor = page.actor();
    let (categories, grids) = state.app.cases().report_options(&actor).await?;
    let mine =
        if page.user.can(Capability::ViewCases) || page.user.can(Capability::FollowOwnReports) {
            let names = state.app.cases().place_names(&actor).await?;
            let q = EventListQuery {
                mine: Some(true),
                limit: Some(20),
                ..Default::default()
            };
            state
                .app
                .cases()
                .events(&actor, &q)
                .await?
                .items
                .into_iter()
                .map(|e| row(e, &names))
                .collect()
        } else {
            Vec::new()
        };
    // After an error the same key is kept, so that a corrected resubmission is still one event.
    let client_id = if error.is_some() && !form.client_id.is_empty() {
        form.client_id.clone()
    } else {
        pingan_app::new_client_id()?
    };
    Ok(ReportPage {
        shell: Shell::new(&state.app, &page.user, "/report").await?,
        is_grid_worker: page.user.can(Capability::GridWork),
        categories,
        grids,
        client_id,
        form,
        error,
        done,
        mine,
    })
}

async fn report_form(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<ReportPage, PageError> {
    render_report(&state, &page, ReportForm::default(), None, None).await
}

async fn report(
    State(state): State<AppState>,
    page: PageUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let (fields, photos) = crate::multipart::read(form).await?;
    let f = ReportForm::from_fields(&fields);
    let number = |s: &str| s.trim().parse::<f64>().ok();
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let intake = EventIntake {
        client_id: f.client_id.clone(),
        channel: if page.user.can(Capability::GridWork) {
            "grid_worker".into()
        } else {
            "citizen".into()
        },
        category: f.category.clone(),
        title: f.title.clone(),
        description: f.description.clone(),
        lat: number(&f.lat),
        lon: number(&f.lon),
        coord: None,
        address: some(&f.address),
        grid_code: some(&f.grid_code),
        self_resolved: f.self_resolved.is_some(),
    };
    match state.app.cases().report_event(&page.actor(), &intake).await {
        Ok(outcome) => {
            // The photos go with the event; a resend of the form does not add them twice.
            let error = if outcome.created && !photos.is_empty() {
                let stage = if intake.self_resolved {
                    "after"
                } else {
                    "before"
                };
                state
                    .app
                    .cases()
                    .add_photos(&page.actor(), outcome.event.id, stage, photos)
                    .await
                    .err()
                    .map(|e| format!("事件已上报，但照片未能保存：{e}。可在事件页面补传。"))
            } else {
                None
            };
            Ok(
                render_report(&state, &page, ReportForm::default(), error, Some(outcome))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render_report(&state, &page, f, Some(msg), None).await?,
            )
                .into_response())
        }
    }
}

/// 派最近的巡逻队 from the event's page.
async fn send_patrol(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match state.app.patrols().send_nearest(&page.actor(), id).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            failed(&state, &page, id, status, msg).await
        }
    }
}
