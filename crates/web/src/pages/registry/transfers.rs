//! 迁移申请 — moving residents between townships: the requests to take someone in (by ID number)
//! and the requests for one's own residents, approved or rejected by the township that has them.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{TransferEntry, TransferView};
use pingan_domain::Capability;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/transfers", get(list).post(request))
        .route("/transfers/{id}/decide", post(decide))
}

#[derive(Template, WebTemplate)]
#[template(path = "transfers.html")]
struct TransfersPage {
    shell: Shell,
    incoming: Vec<TransferView>,
    outgoing: Vec<TransferView>,
    /// Whether the user may ask and decide (采集实有人口).
    manage: bool,
    /// The grids of the user's scope: (code, name).
    grids: Vec<(String, String)>,
    /// What was typed, kept after a refusal.
    entry: (String, String, String),
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ShowQuery {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    entry: (String, String, String),
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<TransfersPage, PageError> {
    let (incoming, outgoing) = state
        .app
        .registry()
        .transfers(&page.user)
        .await?
        .into_iter()
        .partition(|t| t.direction == "incoming");
    Ok(TransfersPage {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        incoming,
        outgoing,
        manage: page.user.can(Capability::ManageRegistry),
        grids: crate::pages::grid_options(&state.app, &page.user).await?,
        entry,
        notice,
        error,
    })
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ShowQuery>,
) -> Result<TransfersPage, PageError> {
    let notice = match q.done.as_deref() {
        Some("request") => Some("迁入申请已提交，等待此人所在辖区确认"),
        Some("approve") => Some("已同意迁出，此人已转到对方网格"),
        Some("reject") => Some("已拒绝，对方可以看到理由"),
        _ => None,
    };
    render(&state, &page, Default::default(), notice, None).await
}

#[derive(Deserialize)]
struct RequestForm {
    id_number: String,
    to_grid: String,
    reason: String,
}

async fn request(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<RequestForm>,
) -> Result<Response, PageError> {
    let entry = TransferEntry {
        id_number: f.id_number.clone(),
        to_grid: f.to_grid.clone(),
        reason: f.reason.clone(),
    };
    match state
        .app
        .registry()
        .request_transfer(&page.actor(), &page.user, &entry)
        .await
    {
        Ok(_) => Ok(Redirect::to("/transfers?done=request").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let kept = (f.id_number, f.to_grid, f.reason);
            let view = render(&state, &page, kept, None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

#[derive(Deserialize)]
struct DecideForm {
    /// `approve` or `reject`.
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, PageError> {
    let approve = f.decision == "approve";
    match state
        .app
        .registry()
        .decide_transfer(&page.actor(), &page.user, id, approve, Some(&f.note))
        .await
    {
        Ok(_) => Ok(Redirect::to(if approve {
            "/transfers?done=approve"
        } else {
            "/transfers?done=reject"
        })
        .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, Default::default(), None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}
