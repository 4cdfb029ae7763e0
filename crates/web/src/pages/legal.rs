//! 公共法律服务 — `/legal`: "一村一法律顾问" per township with the villages still without one, the
//! advisers, assigning one; the consultations of the year with their counts, and the form that
//! records one.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AdviserRequest, AdvisersView, ConsultationQuery, ConsultationRequest, ConsultationView,
    ConsultationsView,
};
use pingan_domain::Capability;
use pingan_domain::legal::{ConsultChannel, ConsultTopic};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/legal", get(show))
        .route("/legal/advisers", post(assign))
        .route("/legal/consultations", post(record))
}

#[derive(Template, WebTemplate)]
#[template(path = "legal.html")]
struct LegalPage {
    shell: Shell,
    advisers: AdvisersView,
    consultations: ConsultationsView,
    /// The latest consultations with their time in Beijing.
    recent: Vec<(ConsultationView, String)>,
    can_manage: bool,
    lawyers: Vec<(i64, String)>,
    channels: Vec<(&'static str, &'static str)>,
    topics: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    org: Option<&str>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<LegalPage, PageError> {
    let actor = page.actor();
    let can_manage = page.user.can(Capability::ManageLegalServices);
    let consultations = state
        .app
        .legal()
        .consultations(
            &actor,
            &ConsultationQuery {
                org: org.map(str::to_owned),
                ..Default::default()
            },
        )
        .await?;
    let recent = consultations
        .items
        .iter()
        .map(|c| (c.clone(), format_minute(c.consulted_at)))
        .collect();
    Ok(LegalPage {
        shell: Shell::new(&state.app, &page.user, "/legal").await?,
        advisers: state.app.legal().advisers(&actor, org).await?,
        consultations,
        recent,
        lawyers: if can_manage {
            state.app.legal().adviser_choices(&actor).await?
        } else {
            Vec::new()
        },
        can_manage,
        channels: ConsultChannel::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        topics: ConsultTopic::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect(),
        notice,
        error,
    })
}

#[derive(Debug, Default, Deserialize)]
struct OrgForm {
    org: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<OrgForm>,
) -> Result<LegalPage, PageError> {
    render(&state, &page, q.org.as_deref(), None, None).await
}

async fn assign(
    State(state): State<AppState>,
    page: PageUser,
    Form(form): Form<AdviserRequest>,
) -> Result<Response, PageError> {
    match state.app.legal().assign_adviser(&page.actor(), &form).await {
        Ok(_) => Ok(render(
            &state,
            &page,
            None,
            Some(format!("已为 {} 聘任法律顾问", form.village)),
            None,
        )
        .await?
        .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render(&state, &page, None, None, Some(msg)).await?).into_response())
        }
    }
}

/// A consultation as typed on the page (the form sends numbers as text).
#[derive(Debug, Default, Deserialize)]
struct ConsultationForm {
    client_id: Option<String>,
    lawyer_id: Option<String>,
    channel: String,
    topic: String,
    asker: String,
    question: String,
    answer: String,
    minutes: String,
    notary: Option<String>,
}

async fn record(
    State(state): State<AppState>,
    page: PageUser,
    Form(form): Form<ConsultationForm>,
) -> Result<Response, PageError> {
    let request = ConsultationRequest {
        client_id: form.client_id,
        org: None,
        lawyer_id: form.lawyer_id.and_then(|l| l.trim().parse().ok()),
        channel: form.channel,
        topic: form.topic,
        asker: form.asker,
        question: form.question,
        answer: form.answer,
        minutes: form.minutes.trim().parse().unwrap_or(0),
        notary: form.notary.is_some(),
        consulted_at: None,
    };
    match state
        .app
        .legal()
        .record_consultation(&page.actor(), &request)
        .await
    {
        Ok(_) => Ok(
            render(&state, &page, None, Some("已登记法律咨询".into()), None)
                .await?
                .into_response(),
        ),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render(&state, &page, None, None, Some(msg)).await?).into_response())
        }
    }
}
