//! 涉黑涉恶线索 — the clue office's list, registration form (which shows the informant's code
//! once), the case page with its actions and the informant revealed for a reason; and the public
//! page where an informant reads the stage and result with their code.

use crate::AppState;
use crate::auth::{ClientAddr, PageUser};
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
    AppError, ClueActionRequest, ClueDetailView, ClueIntake, ClueListQuery, ClueLookup, ClueView,
    InformantEntry, InformantPlain,
};
use pingan_domain::Capability;
use pingan_domain::case::clue::{ClueGrade, ClueMark, ClueResult, ClueSource};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clues", get(list))
        .route("/clues/new", get(new_form).post(register))
        .route("/clues/lookup", get(lookup))
        .route("/clues/{id}", get(show))
        .route("/clues/{id}/act", post(act))
        .route("/clues/{id}/informant", post(reveal))
}

#[derive(Template, WebTemplate)]
#[template(path = "clues.html")]
struct CluesPage {
    shell: Shell,
    rows: Vec<(ClueView, String, String)>,
    q: ListForm,
    next: Option<String>,
    can_register: bool,
}

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    q: String,
    before: Option<i64>,
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
) -> Result<CluesPage, PageError> {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let query = ClueListQuery {
        open: match q.scope.as_str() {
            "all" => None,
            "closed" => Some(false),
            _ => Some(true),
        },
        grade: some(&q.grade),
        q: some(&q.q),
        before: q.before,
        limit: Some(50),
        ..Default::default()
    };
    let found = state.app.cases().clues(&page.actor(), &query).await?;
    let enc = pingan_domain::text::percent_encode;
    Ok(CluesPage {
        shell: Shell::new(&state.app, &page.user, "/clues").await?,
        rows: found
            .items
            .into_iter()
            .map(|c| {
                let (created, deadline) = (
                    short(c.created_at),
                    c.deadline.map(short).unwrap_or_else(|| "—".into()),
                );
                (c, created, deadline)
            })
            .collect(),
        next: found.next_before.map(|b| {
            format!(
                "/clues?scope={}&grade={}&q={}&before={b}",
                enc(&q.scope),
                enc(&q.grade),
                enc(&q.q)
            )
        }),
        can_register: page.user.can(Capability::ManageClues),
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "clue_new.html")]
struct NewPage {
    shell: Shell,
    sources: Vec<(&'static str, &'static str)>,
    grids: Vec<(String, String)>,
    f: NewForm,
    error: Option<String>,
    /// After a registration: the clue's number and the code for the informant, shown this once.
    made: Option<(i64, String, String)>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct NewForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    external_ref: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    named: String,
    #[serde(default)]
    grid_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    informant_name: String,
    #[serde(default)]
    informant_phone: String,
    #[serde(default)]
    informant_contact: String,
}

impl NewForm {
    fn intake(&self) -> ClueIntake {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        ClueIntake {
            client_id: self.client_id.clone(),
            source: self.source.clone(),
            external_ref: some(&self.external_ref),
            title: self.title.clone(),
            content: self.content.clone(),
            named: self.named.clone(),
            grid_code: some(&self.grid_code),
            address: some(&self.address),
            informant: Some(InformantEntry {
                name: some(&self.informant_name),
                phone: some(&self.informant_phone),
                id_number: None,
                contact: some(&self.informant_contact),
            }),
            ..ClueIntake::default()
        }
    }
}

async fn render_new(
    state: &AppState,
    page: &PageUser,
    mut f: NewForm,
    error: Option<String>,
    made: Option<(i64, String, String)>,
) -> Result<NewPage, PageError> {
    if f.client_id.is_empty() {
        f.client_id = pingan_app::new_client_id()?;
    }
    Ok(NewPage {
        shell: Shell::new(&state.app, &page.user, "/clues").await?,
        grids: state.app.cases().form_grids(&page.actor()).await?,
        sources: choices!(ClueSource),
        f,
        error,
        made,
    })
}

async fn new_form(State(state): State<AppState>, page: PageUser) -> Result<NewPage, PageError> {
    render_new(&state, &page, NewForm::default(), None, None).await
}

async fn register(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<NewForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .cases()
        .register_clue(&page.actor(), &f.intake())
        .await
    {
        // The code is shown on the answer page, once: a redirect would lose it.
        Ok(outcome) => {
            let made = (outcome.clue.id, outcome.clue.number, outcome.code);
            Ok(
                render_new(&state, &page, NewForm::default(), None, Some(made))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_new(&state, &page, f, Some(msg), None).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "clue.html")]
struct CluePage {
    shell: Shell,
    d: ClueDetailView,
    created: String,
    deadline: String,
    timeline: Vec<(String, pingan_app::TimelineView)>,
    departments: Vec<(i64, String, String)>,
    grades: Vec<(&'static str, &'static str)>,
    results: Vec<(&'static str, &'static str)>,
    marks: Vec<(&'static str, &'static str)>,
    informant: Option<InformantPlain>,
    error: Option<String>,
}

async fn render_case(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
    informant: Option<InformantPlain>,
) -> Result<CluePage, PageError> {
    let actor = page.actor();
    let d = state.app.cases().clue_detail(&actor, id).await?;
    let departments = if d.actions.iter().any(|a| a.needs_department) {
        state.app.cases().dispatch_departments(&actor).await?
    } else {
        Vec::new()
    };
    Ok(CluePage {
        shell: Shell::new(&state.app, &page.user, "/clues").await?,
        created: format_minute(d.clue.created_at),
        deadline: d
            .clue
            .deadline
            .map(format_minute)
            .unwrap_or_else(|| "—".into()),
        timeline: d
            .timeline
            .iter()
            .map(|t| (format_minute(t.at), t.clone()))
            .collect(),
        departments,
        grades: choices!(ClueGrade),
        results: choices!(ClueResult),
        marks: choices!(ClueMark),
        informant,
        d,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<CluePage, PageError> {
    render_case(&state, &page, id, None, None).await
}

fn action_request(pairs: &[(String, String)]) -> Result<ClueActionRequest, String> {
    let f = Pairs(pairs);
    let whole = |name: &str| -> Result<Option<u32>, String> {
        Ok(f.number(name)?.and_then(|n| u32::try_from(n).ok()))
    };
    Ok(ClueActionRequest {
        action: f.text("action").unwrap_or_default(),
        version: f.number("version")?,
        reason: f.text("reason"),
        grade: f.text("grade"),
        department_id: f.number("department_id")?,
        extension_days: whole("extension_days")?,
        result: f.text("result"),
        cases_opened: whole("cases_opened")?,
        people_involved: whole("people_involved")?,
        assets_yuan: match f.text("assets_yuan") {
            Some(a) => Some(
                a.parse::<f64>()
                    .map_err(|_| format!("涉案财产“{a}”不是数字"))?,
            ),
            None => None,
        },
        mark: f.text("mark"),
        feedback: f.text("feedback"),
    })
}

async fn act(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let result = match action_request(&pairs) {
        Ok(req) => state.app.cases().act_on_clue(&page.actor(), id, &req).await,
        Err(msg) => Err(AppError::Invalid(msg)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/clues/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render_case(&state, &page, id, Some(msg), None).await?,
            )
                .into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
struct RevealForm {
    #[serde(default)]
    reason: String,
}

async fn reveal(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<RevealForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .cases()
        .reveal_informant(&page.actor(), id, &f.reason)
        .await
    {
        Ok(plain) => Ok(render_case(&state, &page, id, None, Some(plain))
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render_case(&state, &page, id, Some(msg), None).await?,
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "clue_lookup.html")]
struct LookupPage {
    code: String,
    found: Option<ClueLookup>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LookupForm {
    #[serde(default)]
    code: String,
}

/// The informant's page: no sign-in; the stage and result for a code, nothing else.
async fn lookup(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Query(f): Query<LookupForm>,
) -> Result<Response, PageError> {
    let code: String = f.code.chars().take(32).collect();
    if code.trim().is_empty() {
        return Ok(LookupPage {
            code,
            found: None,
            error: None,
        }
        .into_response());
    }
    match state
        .app
        .cases()
        .lookup_clue(&code, source.as_deref())
        .await
    {
        Ok(found) => Ok(LookupPage {
            code,
            found: Some(found),
            error: None,
        }
        .into_response()),
        Err(e @ (AppError::NotFound(_) | AppError::TooManyAttempts(_))) => {
            let status = if matches!(e, AppError::NotFound(_)) {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            Ok((
                status,
                LookupPage {
                    code,
                    found: None,
                    error: Some(e.to_string()),
                },
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
