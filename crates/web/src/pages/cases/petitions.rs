//! 信访 — the petition list, the registration form, the case page with the actions of the 2022
//! regulation, the indicators with each leader's 包案 load, and the lawyers' directory.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::pairs::Pairs;
use crate::pages::{Shell, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    LawyerEntry, LawyerView, PetitionActionRequest, PetitionDetailView, PetitionIntake,
    PetitionListQuery, PetitionStatsQuery, PetitionStatsRow, PetitionStatsView, PetitionView,
    PetitionerEntry,
};
use pingan_domain::Capability;
use pingan_domain::case::dispute::DisputeType;
use pingan_domain::case::petition::{
    LawyerRole, PetitionChannel, PetitionClass, RefusalGround, ReplyOutcome, ReviewOutcome,
};
use pingan_domain::time::format_minute;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/petitions", get(list))
        .route("/petitions/new", get(new_form).post(register))
        .route("/petitions/stats", get(stats))
        .route("/petitions/lawyers", get(lawyers).post(add_lawyer))
        .route("/petitions/{id}", get(show))
        .route("/petitions/{id}/act", post(act))
}

/// One row of the list, ready to show.
struct Row {
    p: PetitionView,
    place: String,
    created: String,
    deadline: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "petitions.html")]
struct PetitionsPage {
    shell: Shell,
    rows: Vec<Row>,
    q: ListForm,
    classes: Vec<(&'static str, &'static str)>,
    next: Option<String>,
    can_register: bool,
}

/// The list filters as the form sends them.
#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    mark: String,
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

impl ListForm {
    fn query(&self) -> PetitionListQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let open = match self.scope.as_str() {
            "all" | "leader" | "lawyer" => None,
            "closed" => Some(false),
            _ => Some(true),
        };
        let mine = matches!(self.scope.as_str(), "leader" | "lawyer").then(|| self.scope.clone());
        let mark = |m: &str| (self.mark == m).then_some(true);
        PetitionListQuery {
            open,
            mine,
            class: some(&self.class),
            q: some(&self.q),
            repeated: mark("repeated"),
            skipped_level: mark("skipped"),
            collective: mark("collective"),
            alert: (self.mark == "red").then(|| "red".into()),
            before: self.before,
            limit: Some(50),
            ..Default::default()
        }
    }

    fn next(&self, before: i64) -> String {
        let enc = pingan_domain::text::percent_encode;
        format!(
            "/petitions?scope={}&class={}&mark={}&q={}&before={before}",
            enc(&self.scope),
            enc(&self.class),
            enc(&self.mark),
            enc(&self.q)
        )
    }
}

/// "12-07 08:44", Beijing time.
fn short(t: chrono::DateTime<chrono::Utc>) -> String {
    pingan_domain::time::in_shanghai(t)
        .format("%m-%d %H:%M")
        .to_string()
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ListForm>,
) -> Result<PetitionsPage, PageError> {
    let actor = page.actor();
    let found = state.app.cases().petitions(&actor, &q.query()).await?;
    let names: HashMap<String, String> = if page.user.can(Capability::ViewCases) {
        state.app.cases().place_names(&actor).await?
    } else {
        HashMap::new()
    };
    Ok(PetitionsPage {
        shell: Shell::new(&state.app, &page.user, "/petitions").await?,
        rows: found
            .items
            .into_iter()
            .map(|p| Row {
                place: names
                    .get(&p.org_code)
                    .cloned()
                    .unwrap_or_else(|| p.org_code.clone()),
                created: short(p.created_at),
                deadline: p.deadline.map(short).unwrap_or_else(|| "—".into()),
                p,
            })
            .collect(),
        next: found.next_before.map(|b| q.next(b)),
        classes: choices!(PetitionClass),
        can_register: page.user.can(Capability::RegisterPetitions),
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "petition_new.html")]
struct NewPage {
    shell: Shell,
    channels: Vec<(&'static str, &'static str)>,
    classes: Vec<(&'static str, &'static str)>,
    grids: Vec<(String, String)>,
    f: NewForm,
    error: Option<String>,
}

/// The registration form: up to three petitioners (more over the API).
#[derive(Debug, Default, Clone, Deserialize)]
struct NewForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    external_ref: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    requests: String,
    #[serde(default)]
    grid_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    people_count: String,
    #[serde(default)]
    name1: String,
    #[serde(default)]
    id1: String,
    #[serde(default)]
    phone1: String,
    #[serde(default)]
    name2: String,
    #[serde(default)]
    id2: String,
    #[serde(default)]
    name3: String,
    #[serde(default)]
    id3: String,
}

impl NewForm {
    fn intake(&self) -> Result<PetitionIntake, String> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let people_count = match some(&self.people_count) {
            Some(n) => Some(
                n.parse::<u32>()
                    .map_err(|_| format!("信访人数“{n}”不是整数"))?,
            ),
            None => None,
        };
        let collective = people_count.is_some_and(|n| n >= 5);
        let petitioners = [
            (&self.name1, &self.id1, Some(&self.phone1)),
            (&self.name2, &self.id2, None),
            (&self.name3, &self.id3, None),
        ]
        .into_iter()
        .filter(|(name, _, _)| !name.trim().is_empty())
        .map(|(name, id, phone)| PetitionerEntry {
            // On the form, the named people of a collective petition are its representatives.
            role: if collective {
                "representative"
            } else {
                "petitioner"
            }
            .into(),
            name: name.clone(),
            id_number: some(id),
            phone: phone.and_then(|p| some(p)),
        })
        .collect();
        Ok(PetitionIntake {
            client_id: self.client_id.clone(),
            channel: self.channel.clone(),
            class: self.class.clone(),
            external_ref: some(&self.external_ref),
            title: self.title.clone(),
            content: self.content.clone(),
            requests: self.requests.clone(),
            grid_code: some(&self.grid_code),
            address: some(&self.address),
            people_count,
            petitioners,
            ..PetitionIntake::default()
        })
    }
}

async fn render_new(
    state: &AppState,
    page: &PageUser,
    mut f: NewForm,
    error: Option<String>,
) -> Result<NewPage, PageError> {
    if f.client_id.is_empty() {
        f.client_id = pingan_app::new_client_id()?;
    }
    Ok(NewPage {
        shell: Shell::new(&state.app, &page.user, "/petitions").await?,
        grids: state.app.cases().form_grids(&page.actor()).await?,
        channels: choices!(PetitionChannel),
        classes: choices!(PetitionClass),
        f,
        error,
    })
}

async fn new_form(State(state): State<AppState>, page: PageUser) -> Result<NewPage, PageError> {
    render_new(&state, &page, NewForm::default(), None).await
}

async fn register(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<NewForm>,
) -> Result<Response, PageError> {
    let intake = match f.intake() {
        Ok(intake) => intake,
        Err(msg) => {
            let form = render_new(&state, &page, f, Some(msg)).await?;
            return Ok((StatusCode::BAD_REQUEST, form).into_response());
        }
    };
    match state
        .app
        .cases()
        .register_petition(&page.actor(), &intake)
        .await
    {
        Ok(outcome) => {
            Ok(Redirect::to(&format!("/petitions/{}", outcome.petition.id)).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_new(&state, &page, f, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "petition.html")]
struct PetitionPage {
    shell: Shell,
    d: PetitionDetailView,
    place: String,
    created: String,
    deadline: String,
    timeline: Vec<(String, pingan_app::TimelineView)>,
    departments: Vec<(i64, String, String)>,
    leaders: Vec<(i64, String)>,
    lawyers: Vec<LawyerView>,
    grounds: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    review_outcomes: Vec<(&'static str, &'static str)>,
    lawyer_roles: Vec<(&'static str, &'static str)>,
    dispute_types: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn render_case(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<PetitionPage, PageError> {
    let actor = page.actor();
    let cases = state.app.cases();
    let d = cases.petition_detail(&actor, id).await?;
    let names = if page.user.can(Capability::ViewCases) {
        cases.place_names(&actor).await?
    } else {
        HashMap::new()
    };
    let wants = |key: &str| d.actions.iter().any(|a| a.action == key);
    let departments = if wants("route") {
        cases.dispatch_departments(&actor).await?
    } else {
        Vec::new()
    };
    let leaders = if wants("assign_leader") {
        cases.petition_leaders(&actor).await?
    } else {
        Vec::new()
    };
    let lawyers = if wants("assign_lawyer") {
        cases.lawyers(&actor).await?
    } else {
        Vec::new()
    };
    Ok(PetitionPage {
        shell: Shell::new(&state.app, &page.user, "/petitions").await?,
        place: names
            .get(&d.petition.org_code)
            .cloned()
            .unwrap_or_else(|| d.petition.org_code.clone()),
        created: format_minute(d.petition.created_at),
        deadline: d
            .petition
            .deadline
            .map(format_minute)
            .unwrap_or_else(|| "—".into()),
        timeline: d
            .timeline
            .iter()
            .map(|t| (format_minute(t.at), t.clone()))
            .collect(),
        departments,
        leaders,
        lawyers,
        grounds: choices!(RefusalGround),
        outcomes: choices!(ReplyOutcome),
        review_outcomes: choices!(ReviewOutcome),
        lawyer_roles: choices!(LawyerRole),
        dispute_types: choices!(DisputeType),
        d,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<PetitionPage, PageError> {
    render_case(&state, &page, id, None).await
}

/// An action as the case page's forms send it.
fn action_request(pairs: &[(String, String)]) -> Result<PetitionActionRequest, String> {
    let f = Pairs(pairs);
    Ok(PetitionActionRequest {
        action: f.text("action").unwrap_or_default(),
        version: f.number("version")?,
        reason: f.text("reason"),
        mode: f.text("mode"),
        department_id: f.number("department_id")?,
        ground: f.text("ground"),
        extension_days: f
            .number("extension_days")?
            .and_then(|d| u32::try_from(d).ok()),
        outcome: f.text("outcome"),
        leader_id: f.number("leader_id")?,
        lawyer_id: f.number("lawyer_id")?,
        lawyer_role: f.text("lawyer_role"),
        rating: f.text("rating"),
        dispute_type: f.text("dispute_type"),
        respondent: f.text("respondent"),
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
        Err(msg) => {
            let form = render_case(&state, &page, id, Some(msg)).await?;
            return Ok((StatusCode::BAD_REQUEST, form).into_response());
        }
    };
    match state
        .app
        .cases()
        .act_on_petition(&page.actor(), id, &req)
        .await
    {
        Ok(_) => {
            // An organ that refused or passed it on may no longer see it: back to the list then.
            let to = match state.app.cases().petition_detail(&page.actor(), id).await {
                Ok(_) => format!("/petitions/{id}"),
                Err(_) => "/petitions".into(),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_case(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "petition_stats.html")]
struct StatsPage {
    shell: Shell,
    s: PetitionStatsView,
    q: StatsForm,
    /// The units' lines, then the total: name and the figures as shown.
    lines: Vec<[String; 9]>,
}

/// The period form.
#[derive(Debug, Default, Deserialize)]
struct StatsForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A line of the table as shown: rates as "96.5%", or "—" when there is nothing to rate.
fn line(r: &PetitionStatsRow) -> [String; 9] {
    let percent = |r: Option<f64>| r.map_or_else(|| "—".into(), |p| format!("{p:.1}%"));
    [
        r.name.clone(),
        r.received.to_string(),
        r.collective.to_string(),
        r.skipped_level.to_string(),
        r.repeated.to_string(),
        percent(r.repeat_rate),
        percent(r.on_time_acceptance),
        percent(r.on_time_reply),
        percent(r.satisfaction),
    ]
}

async fn stats(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<StatsForm>,
) -> Result<StatsPage, PageError> {
    let query = PetitionStatsQuery {
        org: None,
        from: Some(q.from.clone()),
        to: Some(q.to.clone()),
    };
    let s = state
        .app
        .cases()
        .petition_stats(&page.actor(), &query)
        .await?;
    Ok(StatsPage {
        shell: Shell::new(&state.app, &page.user, "/petitions").await?,
        q: StatsForm {
            from: s.from.to_string(),
            to: s.to.to_string(),
        },
        lines: s
            .by_unit
            .iter()
            .chain(std::iter::once(&s.total))
            .map(line)
            .collect(),
        s,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "lawyers.html")]
struct LawyersPage {
    shell: Shell,
    lawyers: Vec<LawyerView>,
    can_manage: bool,
    f: LawyerForm,
    error: Option<String>,
}

/// The add-a-lawyer form.
#[derive(Debug, Default, Clone, Deserialize)]
struct LawyerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    firm: String,
    #[serde(default)]
    licence_number: String,
    #[serde(default)]
    org_code: String,
    #[serde(default)]
    legal_adviser: Option<String>,
    #[serde(default)]
    username: String,
}

async fn render_lawyers(
    state: &AppState,
    page: &PageUser,
    f: LawyerForm,
    error: Option<String>,
) -> Result<LawyersPage, PageError> {
    Ok(LawyersPage {
        shell: Shell::new(&state.app, &page.user, "/petitions").await?,
        lawyers: state.app.cases().lawyers(&page.actor()).await?,
        can_manage: page.user.can(Capability::ManageLawyers),
        f,
        error,
    })
}

async fn lawyers(State(state): State<AppState>, page: PageUser) -> Result<LawyersPage, PageError> {
    render_lawyers(&state, &page, LawyerForm::default(), None).await
}

async fn add_lawyer(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<LawyerForm>,
) -> Result<Response, PageError> {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let entry = LawyerEntry {
        name: f.name.clone(),
        firm: f.firm.clone(),
        licence_number: f.licence_number.clone(),
        org_code: some(&f.org_code),
        legal_adviser: f.legal_adviser.is_some(),
        username: some(&f.username),
    };
    match state.app.cases().add_lawyer(&page.actor(), &entry).await {
        Ok(_) => Ok(Redirect::to("/petitions/lawyers").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_lawyers(&state, &page, f, Some(msg)).await?).into_response())
        }
    }
}
