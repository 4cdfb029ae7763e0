//! 社会稳定风险评估 — the list with the register by level, the registration form, the case page
//! with the step's record forms and the actions, and the expert pool.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::pairs::Pairs;
use crate::pages::{Shell, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AppError, RiskActionRequest, RiskDetailView, RiskExpertView, RiskIntake, RiskListQuery,
    RiskRegisterView, RiskView,
};
use pingan_domain::Capability;
use pingan_domain::case::risk::{
    Decision, DocumentKind, MatterType, OpinionMethod, RiskLevel, Track,
};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/risks", get(list))
        .route("/risks/new", get(new_form).post(register))
        .route("/risks/experts", get(experts).post(add_expert))
        .route("/risks/{id}", get(show))
        .route("/risks/{id}/act", post(act))
}

#[derive(Template, WebTemplate)]
#[template(path = "risks.html")]
struct RisksPage {
    shell: Shell,
    rows: Vec<(RiskView, String)>,
    register: Option<RiskRegisterView>,
    q: ListForm,
    next: Option<String>,
    can_register: bool,
}

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ListForm>,
) -> Result<RisksPage, PageError> {
    let actor = page.actor();
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let found = state
        .app
        .cases()
        .risks(
            &actor,
            &RiskListQuery {
                open: match q.scope.as_str() {
                    "all" => None,
                    "closed" => Some(false),
                    _ => Some(true),
                },
                level: some(&q.level),
                q: some(&q.q),
                before: q.before,
                limit: Some(50),
                ..Default::default()
            },
        )
        .await?;
    let register = if page.user.department_id.is_none() {
        Some(state.app.cases().risk_register(&actor).await?)
    } else {
        None
    };
    let enc = pingan_domain::text::percent_encode;
    Ok(RisksPage {
        shell: Shell::new(&state.app, &page.user, "/risks").await?,
        rows: found
            .items
            .into_iter()
            .map(|r| {
                let at = format_minute(r.created_at);
                (r, at)
            })
            .collect(),
        next: found.next_before.map(|b| {
            format!(
                "/risks?scope={}&level={}&q={}&before={b}",
                enc(&q.scope),
                enc(&q.level),
                enc(&q.q)
            )
        }),
        register,
        can_register: page.user.can(Capability::ManageRiskAssessments),
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "risk_new.html")]
struct NewPage {
    shell: Shell,
    types: Vec<(&'static str, &'static str)>,
    tracks: Vec<(&'static str, &'static str)>,
    departments: Vec<(i64, String, String)>,
    grids: Vec<(String, String)>,
    f: NewForm,
    error: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct NewForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    matter_type: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    people_affected: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    grid_code: String,
    #[serde(default)]
    address: String,
}

impl NewForm {
    fn intake(&self) -> Result<RiskIntake, String> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        Ok(RiskIntake {
            client_id: self.client_id.clone(),
            matter_type: self.matter_type.clone(),
            track: some(&self.track),
            title: self.title.clone(),
            description: self.description.clone(),
            people_affected: match some(&self.people_affected) {
                Some(n) => Some(
                    n.parse()
                        .map_err(|_| format!("涉及群众人数“{n}”不是整数"))?,
                ),
                None => None,
            },
            department_id: match some(&self.department_id) {
                Some(d) => Some(d.parse().map_err(|_| "请从列表中选择评估主体".to_owned())?),
                None => None,
            },
            grid_code: some(&self.grid_code),
            address: some(&self.address),
            ..RiskIntake::default()
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
    let cases = state.app.cases();
    Ok(NewPage {
        shell: Shell::new(&state.app, &page.user, "/risks").await?,
        types: choices!(MatterType),
        tracks: choices!(Track),
        departments: if page.user.department_id.is_none() {
            cases.dispatch_departments(&page.actor()).await?
        } else {
            Vec::new()
        },
        grids: cases.form_grids(&page.actor()).await?,
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
    let made = match f.intake() {
        Ok(intake) => {
            state
                .app
                .cases()
                .register_risk(&page.actor(), &intake)
                .await
        }
        Err(msg) => Err(AppError::Invalid(msg)),
    };
    match made {
        Ok(r) => Ok(Redirect::to(&format!("/risks/{}", r.id)).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_new(&state, &page, f, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "risk.html")]
struct RiskPage {
    shell: Shell,
    d: RiskDetailView,
    created: String,
    deadline: String,
    timeline: Vec<(String, pingan_app::TimelineView)>,
    kinds: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    decisions: Vec<(&'static str, &'static str)>,
    experts: Vec<RiskExpertView>,
    error: Option<String>,
}

async fn render_case(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<RiskPage, PageError> {
    let actor = page.actor();
    let d = state.app.cases().risk_detail(&actor, id).await?;
    let experts = if d.actions.iter().any(|a| a.action == "expert_score") {
        state.app.cases().risk_experts(&actor).await?
    } else {
        Vec::new()
    };
    Ok(RiskPage {
        shell: Shell::new(&state.app, &page.user, "/risks").await?,
        created: format_minute(d.risk.created_at),
        deadline: d
            .risk
            .deadline
            .map(format_minute)
            .unwrap_or_else(|| "—".into()),
        timeline: d
            .timeline
            .iter()
            .map(|t| (format_minute(t.at), t.clone()))
            .collect(),
        kinds: choices!(DocumentKind),
        methods: choices!(OpinionMethod),
        levels: choices!(RiskLevel),
        decisions: choices!(Decision),
        experts,
        d,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<RiskPage, PageError> {
    render_case(&state, &page, id, None).await
}

fn action_request(pairs: &[(String, String)]) -> Result<RiskActionRequest, String> {
    let f = Pairs(pairs);
    let whole = |name: &str| -> Result<Option<u32>, String> {
        Ok(f.number(name)?.and_then(|n| u32::try_from(n).ok()))
    };
    Ok(RiskActionRequest {
        action: f.text("action").unwrap_or_default(),
        version: f.number("version")?,
        reason: f.text("reason"),
        kind: f.text("kind"),
        title: f.text("title"),
        content: f.text("content"),
        method: f.text("method"),
        participants: whole("participants")?,
        expert_id: f.number("expert_id")?,
        legality: whole("legality")?,
        rationality: whole("rationality")?,
        feasibility: whole("feasibility")?,
        controllability: whole("controllability")?,
        safety: whole("safety")?,
        level: f.text("level"),
        decision: f.text("decision"),
        owner: f.text("owner"),
        due_on: match f.text("due_on") {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| format!("完成时限“{d}”不是日期"))?,
            ),
            None => None,
        },
        measure_id: f.number("measure_id")?,
    })
}

async fn act(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let result = match action_request(&pairs) {
        Ok(req) => state.app.cases().act_on_risk(&page.actor(), id, &req).await,
        Err(msg) => Err(AppError::Invalid(msg)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/risks/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_case(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "risk_experts.html")]
struct ExpertsPage {
    shell: Shell,
    experts: Vec<RiskExpertView>,
    error: Option<String>,
}

async fn experts(State(state): State<AppState>, page: PageUser) -> Result<ExpertsPage, PageError> {
    Ok(ExpertsPage {
        shell: Shell::new(&state.app, &page.user, "/risks").await?,
        experts: state.app.cases().risk_experts(&page.actor()).await?,
        error: None,
    })
}

async fn add_expert(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<RiskExpertView>,
) -> Result<Response, PageError> {
    match state.app.cases().add_risk_expert(&page.actor(), &f).await {
        Ok(_) => Ok(Redirect::to("/risks/experts").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let page = ExpertsPage {
                shell: Shell::new(&state.app, &page.user, "/risks").await?,
                experts: state.app.cases().risk_experts(&page.actor()).await?,
                error: Some(msg),
            };
            Ok((status, page).into_response())
        }
    }
}
