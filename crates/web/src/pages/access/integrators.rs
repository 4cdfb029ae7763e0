//! Open311 接入方 — the system administrator's page of the apps and platforms that report through
//! Open311: their accounts, a new key (shown this once) and revoking one.

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
use pingan_app::{Open311Key, UserSummary};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311-keys", get(list).post(create))
        .route("/open311-keys/{username}/revoke", post(revoke))
}

#[derive(Template, WebTemplate)]
#[template(path = "open311_keys.html")]
struct KeysPage {
    shell: Shell,
    rows: Vec<(UserSummary, String)>,
    /// A key just issued, shown this once.
    made: Option<Open311Key>,
    name: String,
    org: String,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    made: Option<Open311Key>,
    form: KeyForm,
    error: Option<String>,
) -> Result<KeysPage, PageError> {
    let rows = state
        .app
        .open311()
        .keys(&page.actor())
        .await?
        .into_iter()
        .map(|u| {
            let created = format_minute(u.created_at);
            (u, created)
        })
        .collect();
    Ok(KeysPage {
        shell: Shell::new(&state.app, &page.user, "/open311-keys").await?,
        rows,
        made,
        name: form.name,
        org: form.org,
        error,
    })
}

async fn list(State(state): State<AppState>, page: PageUser) -> Result<KeysPage, PageError> {
    render(&state, &page, None, KeyForm::default(), None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KeyForm {
    name: String,
    org: String,
}

async fn create(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<KeyForm>,
) -> Result<Response, PageError> {
    let org = (!f.org.trim().is_empty()).then_some(f.org.trim());
    match state
        .app
        .open311()
        .add_key(&page.actor(), &f.name, org)
        .await
    {
        // The key is shown on the answer page, once: a redirect would lose it.
        Ok(made) => Ok(render(&state, &page, Some(made), KeyForm::default(), None)
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render(&state, &page, None, f, Some(msg)).await?).into_response())
        }
    }
}

async fn revoke(
    State(state): State<AppState>,
    page: PageUser,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    match state
        .app
        .open311()
        .revoke_key(&page.actor(), &username)
        .await
    {
        Ok(()) => Ok(Redirect::to("/open311-keys").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render(&state, &page, None, KeyForm::default(), Some(msg)).await?,
            )
                .into_response())
        }
    }
}
