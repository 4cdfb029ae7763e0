//! 通讯录 — the people of one's part of the district, phones masked; revealing one needs a reason.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::Path;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{AppError, UserSummary};
use pingan_domain::Capability;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list))
        .route("/contacts/{username}/reveal", post(reveal))
}

#[derive(Template, WebTemplate)]
#[template(path = "contacts.html")]
struct ContactsPage {
    shell: Shell,
    rows: Vec<UserSummary>,
    can_reveal: bool,
    /// `(whose, number)` just revealed.
    revealed: Option<(String, String)>,
    error: Option<String>,
}

const LIMIT: i64 = 1000;

async fn list(State(state): State<AppState>, page: PageUser) -> Result<ContactsPage, PageError> {
    render(&state, &page, None, None).await
}

async fn render(
    state: &AppState,
    page: &PageUser,
    revealed: Option<(String, String)>,
    error: Option<String>,
) -> Result<ContactsPage, PageError> {
    let rows = state.app.access().contacts(&page.actor(), LIMIT).await?;
    Ok(ContactsPage {
        shell: Shell::new(&state.app, &page.user, "/contacts").await?,
        rows,
        can_reveal: page.user.can(Capability::RevealPersonalData),
        revealed,
        error,
    })
}

#[derive(Deserialize)]
struct RevealForm {
    #[serde(default)]
    reason: String,
}

async fn reveal(
    State(state): State<AppState>,
    page: PageUser,
    Path(username): Path<String>,
    Form(f): Form<RevealForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .access()
        .reveal_phone(&page.actor(), &username, &f.reason)
        .await
    {
        Ok(phone) => Ok(render(&state, &page, Some((username, phone)), None)
            .await?
            .into_response()),
        Err(AppError::Invalid(msg)) => Ok((
            StatusCode::BAD_REQUEST,
            render(&state, &page, None, Some(msg)).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
