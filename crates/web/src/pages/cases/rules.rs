//! 分拨规则与处置时限 — which hub and department events go to, and how long each category may take;
//! everyone who sees cases reads them, commanders change them.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Path;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{AppError, CategoryView, NewRoutingRule, RoutingRuleView};
use pingan_domain::Capability;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rules", get(show))
        .route("/rules/routing", post(add_rule))
        .route("/rules/routing/{id}/delete", post(delete_rule))
        .route("/rules/limits/{code}", post(set_limit))
}

#[derive(Template, WebTemplate)]
#[template(path = "rules.html")]
struct RulesPage {
    shell: Shell,
    categories: Vec<CategoryView>,
    rules: Vec<RoutingRuleView>,
    departments: Vec<(i64, String, String)>,
    can_edit: bool,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    error: Option<String>,
) -> Result<RulesPage, PageError> {
    let actor = page.actor();
    Ok(RulesPage {
        shell: Shell::new(&state.app, &page.user, "/rules").await?,
        categories: state.app.cases().event_categories().await?,
        rules: state.app.cases().routing_rules(&actor).await?,
        departments: state.app.cases().dispatch_departments(&actor).await?,
        can_edit: page.user.can(Capability::ManageCaseRules),
        error,
    })
}

async fn show(State(state): State<AppState>, page: PageUser) -> Result<RulesPage, PageError> {
    render(&state, &page, None).await
}

/// Redirects back to the page on success; shows the page with the message on a refusal.
async fn done(
    state: &AppState,
    page: &PageUser,
    r: Result<(), AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to("/rules").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render(state, page, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Deserialize)]
struct RuleForm {
    #[serde(default)]
    category_prefix: String,
    #[serde(default)]
    area_prefix: String,
    #[serde(default)]
    owner_org: String,
    #[serde(default)]
    department_id: String,
}

async fn add_rule(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<RuleForm>,
) -> Result<Response, PageError> {
    let rule = NewRoutingRule {
        category_prefix: f.category_prefix.trim().into(),
        area_prefix: f.area_prefix.trim().into(),
        owner_org: f.owner_org.trim().into(),
        department_id: f.department_id.trim().parse().ok(),
    };
    let r = state
        .app
        .cases()
        .add_routing_rule(&page.actor(), rule)
        .await
        .map(|_| ());
    done(&state, &page, r).await
}

async fn delete_rule(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = state
        .app
        .cases()
        .delete_routing_rule(&page.actor(), id)
        .await;
    done(&state, &page, r).await
}

#[derive(Deserialize)]
struct LimitForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    unit: String,
}

async fn set_limit(
    State(state): State<AppState>,
    page: PageUser,
    Path(code): Path<String>,
    Form(f): Form<LimitForm>,
) -> Result<Response, PageError> {
    let r = match f.amount.trim().parse::<u32>() {
        Ok(amount) => {
            state
                .app
                .cases()
                .set_category_limit(&page.actor(), &code, amount, &f.unit)
                .await
        }
        Err(_) => Err(AppError::Invalid(format!(
            "时限“{}”应为 1 到 365 之间的整数",
            f.amount
        ))),
    };
    done(&state, &page, r).await
}
