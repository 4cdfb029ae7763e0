//! 政务服务 — the resident's and the counter's pages: the 办事指南 (services with their materials,
//! unit and limit), applying with photos of the documents (phone-friendly), the list (a
//! resident's own, or the counter's queue with deadlines), one application with its actions
//! (受理, 一次性告知 by ticking what is missing, 补正, 办结 …), and the district's edit of a
//! service.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use crate::pages::pairs::Pairs;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AppError, ApplicationActionRequest, ApplicationDetailView, ApplicationIntake,
    ApplicationListQuery, ApplicationView, ServiceItemEdit, ServiceItemView,
};
use pingan_domain::Capability;
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route(
            "/services/{code}/apply",
            get(apply_form).merge(crate::router::with_uploads(
                post(apply),
                crate::router::Upload::Photos,
            )),
        )
        .route("/services/{code}/edit", get(edit_form).post(edit))
        .route("/applications", get(list))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/act", post(act))
        .route(
            "/applications/{id}/photos",
            crate::router::with_uploads(post(add_photos), crate::router::Upload::Photos),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "services.html")]
struct ServicesPage {
    shell: Shell,
    /// The services by category, in the catalogue's order.
    groups: Vec<(String, Vec<ServiceItemView>)>,
    can_apply: bool,
    can_edit: bool,
}

async fn services(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<ServicesPage, PageError> {
    let can_edit = page.user.can(Capability::ManageServices);
    let mut groups: Vec<(String, Vec<ServiceItemView>)> = Vec::new();
    for s in state.app.cases().service_items(can_edit).await? {
        match groups.iter_mut().find(|(c, _)| *c == s.category) {
            Some((_, list)) => list.push(s),
            None => groups.push((s.category.clone(), vec![s])),
        }
    }
    Ok(ServicesPage {
        shell: Shell::new(&state.app, &page.user, "/services").await?,
        groups,
        can_apply: page.user.can(Capability::ApplyForServices),
        can_edit,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "service_apply.html")]
struct ApplyPage {
    shell: Shell,
    service: ServiceItemView,
    stations: Vec<(String, String)>,
    f: ApplyForm,
    error: Option<String>,
    /// The counter entering it for a resident (the phone may be left out).
    counter: bool,
}

#[derive(Debug, Default, Clone)]
struct ApplyForm {
    client_id: String,
    org: String,
    name: String,
    id_number: String,
    phone: String,
    note: String,
}

impl ApplyForm {
    fn from_fields(fields: &[(String, String)]) -> Self {
        let f = Pairs(fields);
        let text = |n: &str| f.text(n).unwrap_or_default();
        Self {
            client_id: text("client_id"),
            org: text("org"),
            name: text("name"),
            id_number: text("id_number"),
            phone: text("phone"),
            note: text("note"),
        }
    }
}

async fn the_service(state: &AppState, code: &str) -> Result<ServiceItemView, PageError> {
    state
        .app
        .cases()
        .service_items(true)
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or_else(|| AppError::NotFound(format!("服务事项 {code} 不存在")).into())
}

async fn render_apply(
    state: &AppState,
    page: &PageUser,
    code: &str,
    mut f: ApplyForm,
    error: Option<String>,
) -> Result<ApplyPage, PageError> {
    if f.client_id.is_empty() {
        f.client_id = pingan_app::new_client_id()?;
    }
    if f.org.is_empty() {
        f.org = page.user.org_code.to_string();
    }
    Ok(ApplyPage {
        shell: Shell::new(&state.app, &page.user, "/services").await?,
        service: the_service(state, code).await?,
        stations: state.app.cases().service_stations().await?,
        f,
        error,
        counter: page.user.can(Capability::HubWork),
    })
}

async fn apply_form(
    State(state): State<AppState>,
    page: PageUser,
    Path(code): Path<String>,
) -> Result<ApplyPage, PageError> {
    render_apply(&state, &page, &code, ApplyForm::default(), None).await
}

async fn apply(
    State(state): State<AppState>,
    page: PageUser,
    Path(code): Path<String>,
    form: Multipart,
) -> Result<Response, PageError> {
    let (fields, photos) = crate::multipart::read(form).await?;
    let f = ApplyForm::from_fields(&fields);
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let intake = ApplicationIntake {
        client_id: f.client_id.clone(),
        service: code.clone(),
        org: some(&f.org),
        name: f.name.clone(),
        id_number: some(&f.id_number),
        phone: some(&f.phone),
        note: f.note.clone(),
    };
    let cases = state.app.cases();
    let actor = page.actor();
    let made = match cases.apply_for_service(&actor, &intake).await {
        Ok(made) => made,
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            return Ok((
                status,
                render_apply(&state, &page, &code, f, Some(msg)).await?,
            )
                .into_response());
        }
    };
    let id = made.application.id;
    // The application stands; photos refused (too large, not an image) are said on its page.
    let to = if photos.is_empty() || !made.created {
        format!("/applications/{id}")
    } else {
        match cases.add_application_materials(&actor, id, photos).await {
            Ok(_) => format!("/applications/{id}"),
            Err(e) => {
                let (_, msg) = on_the_form(e)?;
                format!(
                    "/applications/{id}?error={}",
                    pingan_domain::text::percent_encode(&msg)
                )
            }
        }
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    shell: Shell,
    rows: Vec<(ApplicationView, String, String)>,
    q: ListForm,
    next: Option<String>,
    /// The counter's queue, not a resident's own list.
    counter: bool,
}

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ListForm>,
) -> Result<ApplicationsPage, PageError> {
    let counter = page.user.can(Capability::ViewCases);
    let query = ApplicationListQuery {
        open: match q.scope.as_str() {
            "all" => None,
            "closed" => Some(false),
            "" if !counter => None,
            _ => Some(true),
        },
        q: (!q.q.trim().is_empty()).then(|| q.q.trim().to_owned()),
        before: q.before,
        limit: Some(50),
        ..Default::default()
    };
    let found = state
        .app
        .cases()
        .applications(&page.actor(), &query)
        .await?;
    let enc = pingan_domain::text::percent_encode;
    Ok(ApplicationsPage {
        shell: Shell::new(&state.app, &page.user, "/applications").await?,
        rows: found
            .items
            .into_iter()
            .map(|a| {
                let created = format_minute(a.created_at);
                let deadline = a.deadline.map(format_minute).unwrap_or_else(|| "—".into());
                (a, created, deadline)
            })
            .collect(),
        next: found.next_before.map(|b| {
            format!(
                "/applications?scope={}&q={}&before={b}",
                enc(&q.scope),
                enc(&q.q)
            )
        }),
        counter,
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "application.html")]
struct ApplicationPage {
    shell: Shell,
    d: ApplicationDetailView,
    created: String,
    deadline: String,
    timeline: Vec<(String, pingan_app::TimelineView)>,
    /// Whether the user may add materials now.
    may_upload: bool,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    error: Option<String>,
}

async fn render_case(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<ApplicationPage, PageError> {
    let d = state
        .app
        .cases()
        .application_detail(&page.actor(), id)
        .await?;
    // The applicant before acceptance (who may still withdraw), the counter while it works it:
    // as the engine's actions say.
    let may_upload = d.actions.iter().any(|a| {
        matches!(
            a.action.as_str(),
            "withdraw" | "accept" | "notify" | "complete"
        )
    });
    Ok(ApplicationPage {
        shell: Shell::new(&state.app, &page.user, "/applications").await?,
        created: format_minute(d.application.created_at),
        deadline: d
            .application
            .deadline
            .map(format_minute)
            .unwrap_or_else(|| "—".into()),
        timeline: d
            .timeline
            .iter()
            .map(|t| (format_minute(t.at), t.clone()))
            .collect(),
        may_upload,
        d,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<ApplicationPage, PageError> {
    let error = q.error.map(|e| e.chars().take(200).collect());
    render_case(&state, &page, id, error).await
}

fn action_request(pairs: &[(String, String)]) -> Result<ApplicationActionRequest, String> {
    let f = Pairs(pairs);
    Ok(ApplicationActionRequest {
        action: f.text("action").unwrap_or_default(),
        version: f.number("version")?,
        reason: f.text("reason"),
        missing_materials: f.texts("missing"),
        rating: f.text("rating"),
    })
}

async fn act(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let result = match action_request(&pairs) {
        Ok(req) => {
            state
                .app
                .cases()
                .act_on_application(&page.actor(), id, &req)
                .await
        }
        Err(msg) => Err(AppError::Invalid(msg)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_case(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

async fn add_photos(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, PageError> {
    let result = match crate::multipart::read(form).await {
        Ok((_, files)) => {
            state
                .app
                .cases()
                .add_application_materials(&page.actor(), id, files)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_case(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "service_edit.html")]
struct EditPage {
    shell: Shell,
    service: ServiceItemView,
    materials: String,
    error: Option<String>,
}

async fn edit_form(
    State(state): State<AppState>,
    page: PageUser,
    Path(code): Path<String>,
) -> Result<EditPage, PageError> {
    let service = the_service(&state, &code).await?;
    Ok(EditPage {
        shell: Shell::new(&state.app, &page.user, "/services").await?,
        materials: service.materials.join("\n"),
        service,
        error: None,
    })
}

#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    limit_days: String,
    online_once: Option<String>,
    #[serde(default)]
    materials: String,
    active: Option<String>,
}

async fn edit(
    State(state): State<AppState>,
    page: PageUser,
    Path(code): Path<String>,
    Form(f): Form<EditForm>,
) -> Result<Response, PageError> {
    let result = match f.limit_days.trim().parse::<u32>() {
        Ok(limit_days) => {
            let body = ServiceItemEdit {
                unit: f.unit.clone(),
                limit_days,
                online_once: f.online_once.is_some(),
                materials: f.materials.clone(),
                active: f.active.is_some(),
            };
            state
                .app
                .cases()
                .edit_service_item(&page.actor(), &code, &body)
                .await
        }
        Err(_) => Err(AppError::Invalid(
            "承诺时限应为 1 到 90 之间的工作日数".into(),
        )),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/services").into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let service = the_service(&state, &code).await?;
            Ok((
                status,
                EditPage {
                    shell: Shell::new(&state.app, &page.user, "/services").await?,
                    service,
                    materials: f.materials,
                    error: Some(msg),
                },
            )
                .into_response())
        }
    }
}
