//! 矛盾纠纷 — the dispute list, the registration form, the case page with the mediation actions,
//! the mediation organisations and the indicators page (with its .xlsx).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use crate::pages::pairs::Pairs;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    DisputeActionRequest, DisputeDetailView, DisputeIntake, DisputeListQuery, DisputeStatsQuery,
    DisputeStatsView, DisputeView, MediationOrganisationView, PartyEntry, ScreeningEntry,
    ScreeningUnitView, ScreeningView, StatsRow,
};
use pingan_domain::Capability;
use pingan_domain::case::dispute::{DisputeSource, DisputeType};
use pingan_domain::time::format_minute;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/disputes", get(list))
        .route("/disputes/new", get(new_form).post(register))
        .route("/disputes/stats", get(stats))
        .route("/disputes/stats.xlsx", get(stats_sheet))
        .route("/disputes/{id}", get(show))
        .route("/disputes/{id}/act", post(act))
        .route(
            "/disputes/{id}/photos",
            crate::router::with_uploads(post(add_scans), crate::router::Upload::Photos),
        )
        .route("/mediation", get(organisations))
        .route(
            "/disputes/screenings",
            get(screenings).post(create_screening),
        )
        .route("/disputes/screenings/{id}", get(screening))
        .route("/disputes/screenings/{id}/zero-report", post(zero_report))
}

/// One row of the list, ready to show.
struct Row {
    d: DisputeView,
    place: String,
    created: String,
    deadline: String,
}

fn row(d: DisputeView, names: &HashMap<String, String>) -> Row {
    Row {
        place: names
            .get(&d.org_code)
            .cloned()
            .unwrap_or_else(|| d.org_code.clone()),
        created: short(d.created_at),
        deadline: d.deadline.map(short).unwrap_or_else(|| "—".into()),
        d,
    }
}

/// "12-07 08:44", Beijing time.
fn short(t: chrono::DateTime<chrono::Utc>) -> String {
    pingan_domain::time::in_shanghai(t)
        .format("%m-%d %H:%M")
        .to_string()
}

/// The codes and names of the 15 types and of the sources, for the forms.
fn types() -> Vec<(&'static str, &'static str)> {
    DisputeType::ALL
        .iter()
        .map(|t| (t.code(), t.label()))
        .collect()
}

fn sources() -> Vec<(&'static str, &'static str)> {
    DisputeSource::ALL
        .iter()
        .filter(|s| **s != DisputeSource::Event)
        .map(|s| (s.code(), s.label()))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes.html")]
struct DisputesPage {
    shell: Shell,
    rows: Vec<Row>,
    q: ListForm,
    types: Vec<(&'static str, &'static str)>,
    next: Option<String>,
    can_register: bool,
    is_department: bool,
}

/// The list filters as the form sends them.
#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

impl ListForm {
    fn query(&self) -> DisputeListQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let (open, referred) = match self.scope.as_str() {
            "all" => (None, None),
            "closed" => (Some(false), None),
            "referred" => (None, Some(true)),
            _ => (Some(true), None),
        };
        DisputeListQuery {
            open,
            referred,
            dispute_type: some(&self.r#type),
            q: some(&self.q),
            before: self.before,
            limit: Some(50),
            ..Default::default()
        }
    }

    fn next(&self, before: i64) -> String {
        let enc = pingan_domain::text::percent_encode;
        format!(
            "/disputes?scope={}&type={}&q={}&before={before}",
            enc(&self.scope),
            enc(&self.r#type),
            enc(&self.q)
        )
    }
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ListForm>,
) -> Result<DisputesPage, PageError> {
    let actor = page.actor();
    let found = state.app.cases().disputes(&actor, &q.query()).await?;
    let names = state.app.cases().place_names(&actor).await?;
    Ok(DisputesPage {
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        rows: found.items.into_iter().map(|d| row(d, &names)).collect(),
        next: found.next_before.map(|b| q.next(b)),
        types: types(),
        can_register: page.user.can(Capability::RegisterDisputes),
        is_department: page.user.department_id.is_some(),
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "dispute_new.html")]
struct NewPage {
    shell: Shell,
    types: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    grids: Vec<(String, String)>,
    /// The 排查 campaigns still open, to register a dispute as found in one.
    screenings: Vec<ScreeningView>,
    f: NewForm,
    error: Option<String>,
}

/// The registration form: two parties (more over the API).
#[derive(Debug, Default, Clone, Deserialize)]
struct NewForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    sub_type: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    external_ref: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    facts: String,
    #[serde(default)]
    grid_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    people_count: String,
    #[serde(default)]
    amount_yuan: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    applicant_id: String,
    #[serde(default)]
    applicant_phone: String,
    #[serde(default)]
    respondent: String,
    #[serde(default)]
    respondent_id: String,
    #[serde(default)]
    respondent_credit_code: String,
    #[serde(default)]
    screening_id: String,
}

impl NewForm {
    fn intake(&self) -> Result<DisputeIntake, String> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let people_count = match some(&self.people_count) {
            Some(n) => Some(
                n.parse::<u32>()
                    .map_err(|_| format!("涉及人数“{n}”不是整数"))?,
            ),
            None => None,
        };
        let screening_id = match some(&self.screening_id) {
            Some(s) => Some(
                s.parse::<i64>()
                    .map_err(|_| "请从列表中选择排查".to_owned())?,
            ),
            None => None,
        };
        let amount_yuan = match some(&self.amount_yuan) {
            Some(a) => Some(
                a.parse::<f64>()
                    .map_err(|_| format!("涉及金额“{a}”不是数字"))?,
            ),
            None => None,
        };
        Ok(DisputeIntake {
            client_id: self.client_id.clone(),
            dispute_type: self.r#type.clone(),
            sub_type: some(&self.sub_type),
            source: self.source.clone(),
            external_ref: some(&self.external_ref),
            title: self.title.clone(),
            facts: self.facts.clone(),
            grid_code: some(&self.grid_code),
            address: some(&self.address),
            people_count,
            amount_yuan,
            screening_id,
            parties: vec![
                PartyEntry {
                    role: "applicant".into(),
                    name: self.applicant.clone(),
                    id_number: some(&self.applicant_id),
                    phone: some(&self.applicant_phone),
                    credit_code: None,
                },
                PartyEntry {
                    role: "respondent".into(),
                    name: self.respondent.clone(),
                    id_number: some(&self.respondent_id),
                    phone: None,
                    credit_code: some(&self.respondent_credit_code),
                },
            ],
            ..DisputeIntake::default()
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
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        grids: state.app.cases().form_grids(&page.actor()).await?,
        screenings: state
            .app
            .cases()
            .screenings(&page.actor())
            .await?
            .into_iter()
            .filter(|s| !s.overdue)
            .collect(),
        types: types(),
        sources: sources(),
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
        .register_dispute(&page.actor(), &intake)
        .await
    {
        Ok(outcome) => {
            Ok(Redirect::to(&format!("/disputes/{}", outcome.dispute.id)).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_new(&state, &page, f, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dispute.html")]
struct DisputePage {
    shell: Shell,
    d: DisputeDetailView,
    place: String,
    owner: String,
    created: String,
    deadline: String,
    concluded: String,
    /// (at, entry) of the timeline and the sessions, Beijing time.
    timeline: Vec<(String, pingan_app::TimelineView)>,
    sessions: Vec<(String, pingan_app::DisputeSessionView)>,
    /// The organisations the owning hub may assign to, when an action needs one.
    organisations: Vec<MediationOrganisationView>,
    /// What may mediate jointly (协办): the organisations and the departments (派出所, 司法所 …).
    assist_choices: Vec<(i64, String)>,
    error: Option<String>,
}

async fn render_case(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<DisputePage, PageError> {
    let actor = page.actor();
    let d = state.app.cases().dispute_detail(&actor, id).await?;
    let names = state.app.cases().place_names(&actor).await?;
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    let (organisations, assist_choices) = if d.actions.iter().any(|a| a.needs_department) {
        let organisations = state
            .app
            .cases()
            .mediation_organisations(&actor, None)
            .await?;
        let mut assist: Vec<(i64, String)> = state
            .app
            .cases()
            .dispatch_departments(&actor)
            .await?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect();
        assist.extend(organisations.iter().map(|o| (o.id, o.name.clone())));
        (organisations, assist)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(DisputePage {
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        place: name(&d.dispute.org_code),
        owner: format!("{}综治中心", name(&d.dispute.owner_org)),
        created: format_minute(d.dispute.created_at),
        deadline: d
            .dispute
            .deadline
            .map(format_minute)
            .unwrap_or_else(|| "—".into()),
        concluded: d
            .dispute
            .concluded_at
            .map(format_minute)
            .unwrap_or_default(),
        timeline: d
            .timeline
            .iter()
            .map(|t| (format_minute(t.at), t.clone()))
            .collect(),
        sessions: d
            .sessions
            .iter()
            .map(|s| (format_minute(s.held_at), s.clone()))
            .collect(),
        organisations,
        assist_choices,
        d,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<DisputePage, PageError> {
    render_case(&state, &page, id, None).await
}

/// An action as the case page's forms send it: field pairs, since 联合调解 is a multiple choice
/// (one `assist` pair per organisation).
fn action_request(pairs: &[(String, String)]) -> Result<DisputeActionRequest, String> {
    let f = Pairs(pairs);
    let action = f.text("action").unwrap_or_default();
    // The page offers the court's two rulings as two actions.
    let (action, outcome) = match action.as_str() {
        "confirm" => (
            "record_confirmation".to_owned(),
            Some("confirmed".to_owned()),
        ),
        "reject_confirmation" => (
            "record_confirmation".to_owned(),
            Some("rejected".to_owned()),
        ),
        _ => (action, None),
    };
    Ok(DisputeActionRequest {
        action,
        outcome,
        version: f.number("version")?,
        reason: f.text("reason"),
        organisation_id: f.number("organisation_id")?,
        assist_organisation_ids: f.numbers("assist"),
        extension_days: f
            .number("extension_days")?
            .and_then(|d| u32::try_from(d).ok()),
        agreement: f.text("agreement"),
        content: f.text("content"),
        prevented_crime: Some(f.ticked("prevented_crime")),
        prevented_petition: Some(f.ticked("prevented_petition")),
        place: f.text("place"),
        video_link: f.text("video_link"),
        attendees: f.text("attendees"),
        referred_to: f.text("referred_to"),
        to_court: Some(f.ticked("to_court")),
        held_at: None,
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
        .act_on_dispute(&page.actor(), id, &req)
        .await
    {
        Ok(_) => {
            // An organisation that passed the case on no longer sees it: back to the list then.
            let to = match state.app.cases().dispute_detail(&page.actor(), id).await {
                Ok(_) => format!("/disputes/{id}"),
                Err(_) => "/disputes".into(),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_case(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

/// 上传签字协议书 from the case page.
async fn add_scans(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let result = match crate::multipart::read(form).await {
        Ok((_, files)) => {
            state
                .app
                .cases()
                .add_agreement_scans(&page.actor(), id, files)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/disputes/{id}#scans")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_case(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mediation.html")]
struct OrganisationsPage {
    shell: Shell,
    organisations: Vec<MediationOrganisationView>,
}

async fn organisations(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<OrganisationsPage, PageError> {
    Ok(OrganisationsPage {
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        organisations: state
            .app
            .cases()
            .mediation_organisations(&page.actor(), None)
            .await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "dispute_stats.html")]
struct StatsPage {
    shell: Shell,
    s: DisputeStatsView,
    q: StatsForm,
    sheet_href: String,
    /// The breakdowns: (heading, rows).
    tables: Vec<(&'static str, Vec<StatsRow>)>,
}

/// The period form.
#[derive(Debug, Default, Deserialize)]
struct StatsForm {
    #[serde(default)]
    org: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl StatsForm {
    fn query(&self) -> DisputeStatsQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        DisputeStatsQuery {
            org: some(&self.org),
            from: some(&self.from),
            to: some(&self.to),
        }
    }
}

async fn stats(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<StatsForm>,
) -> Result<StatsPage, PageError> {
    let s = state
        .app
        .cases()
        .dispute_stats(&page.actor(), &q.query())
        .await?;
    let enc = pingan_domain::text::percent_encode;
    Ok(StatsPage {
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        sheet_href: format!(
            "/disputes/stats.xlsx?org={}&from={}&to={}",
            enc(&s.org_code),
            s.from,
            s.to
        ),
        tables: vec![
            ("按纠纷类型", s.by_type.clone()),
            ("按来源", s.by_source.clone()),
            ("按乡镇（街道）", s.by_township.clone()),
            ("按调解组织", s.by_organisation.clone()),
        ],
        s,
        q,
    })
}

/// The indicators as an .xlsx.
async fn stats_sheet(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<StatsForm>,
) -> Result<Response, PageError> {
    let bytes = state
        .app
        .cases()
        .dispute_stats_sheet(&page.actor(), &q.query())
        .await?;
    Ok(crate::xlsx::download(
        bytes,
        "dispute-stats.xlsx",
        "矛盾纠纷调解统计.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "screenings.html")]
struct ScreeningsPage {
    shell: Shell,
    screenings: Vec<ScreeningView>,
    can_start: bool,
    f: ScreeningForm,
    error: Option<String>,
}

/// The campaign form.
#[derive(Debug, Default, Deserialize)]
struct ScreeningForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    due_on: String,
}

async fn render_screenings(
    state: &AppState,
    page: &PageUser,
    f: ScreeningForm,
    error: Option<String>,
) -> Result<ScreeningsPage, PageError> {
    Ok(ScreeningsPage {
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        screenings: state.app.cases().screenings(&page.actor()).await?,
        can_start: page.user.can(Capability::HubWork),
        f,
        error,
    })
}

async fn screenings(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<ScreeningsPage, PageError> {
    render_screenings(&state, &page, ScreeningForm::default(), None).await
}

async fn create_screening(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<ScreeningForm>,
) -> Result<Response, PageError> {
    let entry = ScreeningEntry {
        name: f.name.clone(),
        kind: f.kind.clone(),
        topic: Some(f.topic.clone()),
        level: f.level.clone(),
        due_on: f.due_on.clone(),
        org_code: None,
    };
    match state
        .app
        .cases()
        .create_screening(&page.actor(), &entry)
        .await
    {
        Ok(s) => Ok(Redirect::to(&format!("/disputes/screenings/{}", s.id)).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render_screenings(&state, &page, f, Some(msg)).await?,
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "screening.html")]
struct ScreeningPage {
    shell: Shell,
    s: ScreeningView,
    units: Vec<ScreeningUnitView>,
    /// The user may report for units (their own unit or those below it).
    can_report: bool,
    user_org: String,
    error: Option<String>,
}

async fn render_screening(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<ScreeningPage, PageError> {
    let (s, units) = state.app.cases().screening(&page.actor(), id).await?;
    Ok(ScreeningPage {
        shell: Shell::new(&state.app, &page.user, "/disputes").await?,
        can_report: page.user.can(Capability::RegisterDisputes),
        user_org: page.user.org_code.to_string(),
        s,
        units,
        error,
    })
}

async fn screening(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<ScreeningPage, PageError> {
    render_screening(&state, &page, id, None).await
}

/// A 零报告 from the campaign's page.
#[derive(Debug, Default, Deserialize)]
struct ZeroForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    note: String,
}

async fn zero_report(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ZeroForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .cases()
        .zero_report(&page.actor(), id, Some(&f.unit_code), Some(&f.note))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/disputes/screenings/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render_screening(&state, &page, id, Some(msg)).await?,
            )
                .into_response())
        }
    }
}
