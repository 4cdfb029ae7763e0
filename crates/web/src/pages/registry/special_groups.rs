//! 特殊人群 — the members of one's scope in the groups one may see, with their visiting state,
//! each unit's visiting coverage and the visiting rules (a district commander changes them); and
//! 走访任务, the grid worker's phone list of who is overdue or due within a week.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use crate::pages::{ListNav, Shell, options};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{AppError, MemberPage, MemberQuery, MemberView, UnitCoverage, VisitPolicyView};
use pingan_domain::special_group::VisitState;
use pingan_domain::time::format_count;
use pingan_domain::{Capability, OrgLevel};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/special-groups", get(list))
        .route("/special-groups/policies", post(set_policies))
        .route("/special-groups/export", post(export))
        .route("/visits/due", get(due))
}

#[derive(Template, WebTemplate)]
#[template(path = "special_groups.html")]
struct GroupsPage {
    shell: Shell,
    rows: Vec<MemberView>,
    nav: ListNav,
    overdue: String,
    due_soon: String,
    q: MemberQuery,
    groups: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    coverage: Vec<UnitCoverage>,
    policies: Vec<VisitPolicyView>,
    can_set_policies: bool,
    can_reveal: bool,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    q: MemberQuery,
    error: Option<String>,
) -> Result<GroupsPage, PageError> {
    let user = &page.user;
    let (list, error) = match state.app.registry().member_page(user, &q).await {
        Ok(list) => (list, error),
        Err(AppError::Invalid(msg)) => (
            MemberPage {
                items: Vec::new(),
                total: 0,
                overdue: 0,
                due_soon: 0,
                before: None,
                after: None,
            },
            Some(msg),
        ),
        Err(e) => return Err(e.into()),
    };
    let nav = ListNav::of(
        "/special-groups",
        &[
            ("group", q.group.as_deref()),
            ("state", q.state.as_deref()),
            ("grid", q.grid.as_deref()),
        ],
        pingan_app::Total {
            count: list.total.max(0).unsigned_abs(),
            exact: true,
        },
        list.before.as_deref(),
        list.after.as_deref(),
    );
    let coverage = match state
        .app
        .registry()
        .visit_coverage(user, q.grid.as_deref())
        .await
    {
        Ok(c) => c,
        Err(AppError::Invalid(_)) => state.app.registry().visit_coverage(user, None).await?,
        Err(e) => return Err(e.into()),
    };
    Ok(GroupsPage {
        shell: Shell::new(&state.app, user, "/special-groups").await?,
        overdue: format_count(list.overdue.max(0).unsigned_abs()),
        due_soon: format_count(list.due_soon.max(0).unsigned_abs()),
        rows: list.items,
        nav,
        groups: pingan_app::Registry::visible_groups(user)
            .into_iter()
            .map(|g| (g.code(), g.label()))
            .collect(),
        states: options(VisitState::ALL, VisitState::code, VisitState::label),
        coverage,
        policies: state.app.registry().visit_policy_views(user).await?,
        can_set_policies: user.can(Capability::ManageCaseRules)
            && user.org_code.level() == OrgLevel::District,
        can_reveal: user.can(Capability::RevealPersonalData),
        q,
        error,
    })
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<MemberQuery>,
) -> Result<GroupsPage, PageError> {
    render(&state, &page, q, None).await
}

/// The rules form: one `days-<group>-<min_risk>` field per rule shown.
async fn set_policies(
    State(state): State<AppState>,
    page: PageUser,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut rules = Vec::new();
    for (name, value) in &fields {
        let Some(rest) = name.strip_prefix("days-") else {
            continue;
        };
        let parsed = rest
            .rsplit_once('-')
            .and_then(|(group, min)| Some((group, min.parse::<i32>().ok()?)));
        let days = value.trim().parse::<u32>();
        match (parsed, days) {
            (Some((group, min_risk)), Ok(every_days)) => rules.push(VisitPolicyView {
                group: group.to_owned(),
                group_label: String::new(),
                min_risk,
                every_days,
            }),
            _ => {
                let msg = "走访间隔应为 1 到 366 之间的天数".to_owned();
                let view = render(&state, &page, MemberQuery::default(), Some(msg)).await?;
                return Ok((axum::http::StatusCode::BAD_REQUEST, view).into_response());
            }
        }
    }
    match state
        .app
        .registry()
        .set_visit_policies(&page.actor(), &rules)
        .await
    {
        Ok(_) => Ok(Redirect::to("/special-groups#policies").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, MemberQuery::default(), Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visits_due.html")]
struct DuePage {
    shell: Shell,
    rows: Vec<MemberView>,
    can_visit: bool,
}

async fn due(State(state): State<AppState>, page: PageUser) -> Result<DuePage, PageError> {
    Ok(DuePage {
        shell: Shell::new(&state.app, &page.user, "/visits/due").await?,
        rows: state.app.registry().visit_tasks(&page.user).await?,
        can_visit: page.user.can(Capability::ManageRegistry),
    })
}

#[derive(serde::Deserialize)]
struct ExportForm {
    #[serde(flatten)]
    q: MemberQuery,
    reason: Option<String>,
}

/// The list's filter as an .xlsx (posted: a reason may go with it).
async fn export(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<ExportForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .export_members(&page.actor(), &page.user, &f.q, f.reason.as_deref())
        .await
    {
        Ok(bytes) => Ok(crate::xlsx::download(
            bytes,
            "special-groups.xlsx",
            "特殊人群.xlsx",
        )),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, f.q, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}
