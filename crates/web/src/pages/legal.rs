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
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AdviserRequest, AdvisersView, AppError, CheckupRequest, ConsultationRequest, ConsultationView,
    ConsultationsView, LegalHealthView, LegalQuery, LegalRiskEntry, LegalRiskView,
    OutreachOverview, OutreachRequest, RiskResolution,
};
use pingan_domain::Capability;
use pingan_domain::legal::{
    ConsultChannel, ConsultTopic, EnforcementStatus, OutreachKind, RiskArea, RiskLevel,
};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/legal", get(show))
        .route("/legal/advisers", post(assign))
        .route("/legal/consultations", post(record))
        .route("/legal/risks", get(risks))
        .route(
            "/places/{id}/legal-health",
            get(health).post(record_checkup),
        )
        .route("/legal/risks/{id}/resolve", post(resolve))
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

#[derive(Template, WebTemplate)]
#[template(path = "legal_risks.html")]
struct RisksPage {
    shell: Shell,
    risks: Vec<LegalRiskView>,
}

async fn risks(State(state): State<AppState>, page: PageUser) -> Result<RisksPage, PageError> {
    Ok(RisksPage {
        shell: Shell::new(&state.app, &page.user, "/legal").await?,
        risks: state.app.legal().open_risks(&page.actor(), None).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "legal_health.html")]
struct HealthPage {
    shell: Shell,
    h: LegalHealthView,
    can_manage: bool,
    lawyers: Vec<(i64, String)>,
    areas: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    today: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn health_page(
    state: &AppState,
    page: &PageUser,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Result<HealthPage, PageError> {
    let shell = Shell::new(&state.app, &page.user, "/places").await?;
    let can_manage = page.user.can(Capability::ManageLegalServices);
    Ok(HealthPage {
        h: state.app.legal().legal_health(&page.actor(), id).await?,
        lawyers: if can_manage {
            state.app.legal().adviser_choices(&page.actor()).await?
        } else {
            Vec::new()
        },
        can_manage,
        areas: RiskArea::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        levels: RiskLevel::ALL
            .iter()
            .map(|l| (l.code(), l.label()))
            .collect(),
        statuses: EnforcementStatus::ALL
            .iter()
            .map(|e| (e.code(), e.label()))
            .collect(),
        today: shell.now.get(..10).unwrap_or_default().to_owned(),
        shell,
        notice,
        error,
    })
}

async fn health(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<HealthPage, PageError> {
    health_page(&state, &page, id, None, None).await
}

/// Records a check-up from the page: up to three risk lines (`area1`, `level1`, `finding1` …),
/// the blank ones left out.
async fn record_checkup(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let risks = (1..=3)
        .filter(|n| !get(&format!("finding{n}")).is_empty())
        .map(|n| LegalRiskEntry {
            area: get(&format!("area{n}")),
            level: get(&format!("level{n}")),
            finding: get(&format!("finding{n}")),
        })
        .collect();
    let request = CheckupRequest {
        client_id: None,
        checked_on: get("checked_on").parse().ok(),
        lawyer_id: get("lawyer_id").parse().ok(),
        risks,
        advice: get("advice"),
        lawsuits_pending: get("lawsuits_pending").parse().unwrap_or(0),
        enforcement: get("enforcement"),
        follow_up_on: get("follow_up_on").parse().ok(),
    };
    match state
        .app
        .legal()
        .record_checkup(&page.actor(), id, &request)
        .await
    {
        Ok(_) => Ok(
            health_page(&state, &page, id, Some("已记录法律体检".into()), None)
                .await?
                .into_response(),
        ),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                health_page(&state, &page, id, None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}

/// The place a resolve form came from, to go back to.
#[derive(Debug, Deserialize)]
struct ResolveForm {
    resolution: String,
    place_id: i64,
}

async fn resolve(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, PageError> {
    let done = state
        .app
        .legal()
        .resolve_risk(
            &page.actor(),
            id,
            &RiskResolution {
                resolution: form.resolution,
            },
        )
        .await;
    match done {
        Ok(()) => Ok(health_page(
            &state,
            &page,
            form.place_id,
            Some("已记录整改情况".into()),
            None,
        )
        .await?
        .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                health_page(&state, &page, form.place_id, None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}
