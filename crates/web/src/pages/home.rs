//! 工作台 — the front page: the figures of the user's part of the district.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_domain::time::format_count;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    scope_name: String,
    townships: String,
    villages: String,
    grids: String,
    grid_workers: String,
    departments: String,
}

async fn home(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<HomePage, PageError> {
    let scope = user.scope();
    let s = state.app.org_summary(&scope).await?;
    let fmt = |n: usize| format_count(u64::try_from(n).unwrap_or(u64::MAX));
    Ok(HomePage {
        shell: Shell::new(&state.app, &user, "home").await?,
        scope_name: s.name.clone(),
        townships: fmt(s.townships),
        villages: fmt(s.villages),
        grids: fmt(s.grids),
        grid_workers: fmt(s.grid_workers),
        departments: fmt(s.departments),
    })
}
