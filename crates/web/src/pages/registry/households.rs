//! 户 — the households of one's scope, found by address or 户号, and one household with its
//! members (masked), the head first.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::{Path, Query};
use crate::pages::{ListNav, Shell, query_href};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_app::{AppError, HouseholdPage, HouseholdQuery, HouseholdView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households", get(list))
        .route("/households/export", get(export))
        .route("/households/{id}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "households.html")]
struct HouseholdsPage {
    shell: Shell,
    rows: Vec<HouseholdView>,
    q: HouseholdQuery,
    nav: ListNav,
    /// The export of this search.
    export_href: String,
    error: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<HouseholdQuery>,
) -> Result<HouseholdsPage, PageError> {
    let filters = [("q", q.q.as_deref()), ("grid", q.grid.as_deref())];
    let (rows, nav, error) = match state.app.registry().households(&page.user, &q).await {
        Ok(list) => {
            let nav = ListNav::new("/households", &filters, &list);
            (list.rows, nav, None)
        }
        Err(AppError::Invalid(msg)) => (Vec::new(), ListNav::empty(), Some(msg)),
        Err(e) => return Err(e.into()),
    };
    let export_href = query_href("/households/export", &filters);
    Ok(HouseholdsPage {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        export_href,
        rows,
        nav,
        q,
        error,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "household.html")]
struct OneHousehold {
    shell: Shell,
    h: HouseholdPage,
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<OneHousehold, PageError> {
    Ok(OneHousehold {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        h: state.app.registry().household(&page.user, id).await?,
    })
}

/// The list's search as an .xlsx (no identifiers in it, so a link will do).
async fn export(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<HouseholdQuery>,
) -> Result<axum::response::Response, PageError> {
    let bytes = state
        .app
        .registry()
        .export_households(&page.actor(), &page.user, &q)
        .await?;
    Ok(crate::xlsx::download(bytes, "households.xlsx", "户.xlsx"))
}
