//! 公共法律服务 — `/legal`: "一村一法律顾问" per township with the villages still without one, the
//! advisers, assigning one; the consultations of the year with their counts, and the form that
//! records one. `/legal/outreach`: the outreach teams and this year's activities (送法下乡,
//! 法治赶场日, 政法服务进小区) with their counts, and recording one with its photos.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AdviserRequest, AdvisersView, AppError, ConsultationRequest, ConsultationView,
    ConsultationsView, LegalQuery, OutreachOverview, OutreachRequest,
};
use pingan_domain::Capability;
use pingan_domain::legal::{ConsultChannel, ConsultTopic, OutreachKind};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/legal", get(show))
        .route("/legal/advisers", post(assign))
        .route("/legal/consultations", post(record))
        .route(
            "/legal/outreach",
            get(outreach).merge(crate::router::with_uploads(
                post(record_outreach),
                crate::router::Upload::Photos,
            )),
        )
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
            &LegalQuery {
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

#[derive(Template, WebTemplate)]
#[template(path = "outreach.html")]
struct OutreachPage {
    shell: Shell,
    o: OutreachOverview,
    /// Each team: name, lead unit, officers, and this period's activities, officer-times and
    /// people reached.
    team_rows: Vec<(String, String, i64, i64, i64, i64)>,
    can_manage: bool,
    kinds: Vec<(&'static str, &'static str)>,
    today: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn outreach_page(
    state: &AppState,
    page: &PageUser,
    notice: Option<String>,
    error: Option<String>,
) -> Result<OutreachPage, PageError> {
    let shell = Shell::new(&state.app, &page.user, "/legal").await?;
    let o = state
        .app
        .legal()
        .outreach(&page.actor(), &LegalQuery::default())
        .await?;
    let team_rows = o
        .teams
        .iter()
        .map(|t| {
            let done = o.by_team.iter().find(|x| x.key == t.id.to_string());
            (
                t.name.clone(),
                t.lead_unit.clone(),
                t.officers,
                done.map_or(0, |x| x.activities),
                done.map_or(0, |x| x.officers),
                done.map_or(0, |x| x.people_reached),
            )
        })
        .collect();
    Ok(OutreachPage {
        o,
        team_rows,
        can_manage: page.user.can(Capability::ManageLegalServices),
        kinds: OutreachKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        today: shell.now.get(..10).unwrap_or_default().to_owned(),
        shell,
        notice,
        error,
    })
}

async fn outreach(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<OutreachPage, PageError> {
    outreach_page(&state, &page, None, None).await
}

/// Records an activity from the page's form, then its photos.
async fn record_outreach(
    State(state): State<AppState>,
    page: PageUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let (fields, files) = crate::multipart::read(form).await?;
    let field = |name: &str| crate::multipart::field(&fields, name).unwrap_or_default();
    let number = |name: &str| field(name).parse::<u32>().unwrap_or(0);
    let request = OutreachRequest {
        client_id: crate::multipart::field(&fields, "client_id").map(str::to_owned),
        kind: field("kind").into(),
        team_id: field("team_id").parse().ok(),
        org: crate::multipart::field(&fields, "org").map(str::to_owned),
        place: field("place").into(),
        held_on: field("held_on").parse().ok(),
        officers: number("officers"),
        people_reached: number("people_reached"),
        materials: number("materials"),
        questions: number("questions"),
        summary: field("summary").into(),
    };
    let actor = page.actor();
    let done = match state.app.legal().record_outreach(&actor, &request).await {
        Ok((view, _)) if !files.is_empty() => state
            .app
            .legal()
            .add_outreach_photos(&actor, view.id, &files)
            .await
            .map(|_| ()),
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(
            outreach_page(&state, &page, Some("已登记活动".into()), None)
                .await?
                .into_response(),
        ),
        Err(e @ AppError::Invalid(_)) | Err(e @ AppError::Conflict(_)) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, outreach_page(&state, &page, None, Some(msg)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
