//! 实有人口 — the persons of one's scope: a search by name, address, ID number or phone, masked;
//! the plain identifiers of one person for a stated reason; and the .xlsx import with its template.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::{ListNav, ReasonForm, Shell, options};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AppError, ImportJobView, PersonImportReport, PersonPlain, PersonQuery, PersonView,
};
use pingan_domain::Capability;
use pingan_domain::person::{PersonTag, Residence};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons", get(list).post(search))
        .route("/persons/{id}/reveal", post(reveal))
        .route(
            "/persons/import",
            crate::router::with_uploads(
                get(import_form).post(import),
                crate::router::Upload::Sheet,
            ),
        )
        .route("/persons/import/template", get(template))
        .route("/persons/import/jobs/{id}", get(import_job))
        .route("/persons/export", post(export))
}

#[derive(Template, WebTemplate)]
#[template(path = "persons.html")]
struct PersonsPage {
    shell: Shell,
    rows: Vec<PersonView>,
    nav: ListNav,
    q: PersonQuery,
    residences: Vec<(&'static str, &'static str)>,
    /// The special groups the user may filter by.
    groups: Vec<(&'static str, &'static str)>,
    tags: Vec<(&'static str, &'static str)>,
    can_reveal: bool,
    can_import: bool,
    /// A person shown in plain text after a reveal.
    revealed: Option<PersonPlain>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    q: PersonQuery,
    revealed: Option<PersonPlain>,
    error: Option<String>,
) -> Result<PersonsPage, PageError> {
    let list = match state.app.registry().persons(&page.user, &q).await {
        Ok(found) => found,
        Err(AppError::Invalid(msg)) if error.is_none() => {
            return Box::pin(render(
                state,
                page,
                PersonQuery::default(),
                revealed,
                Some(msg),
            ))
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let nav = ListNav::new(
        "/persons",
        &[
            ("q", q.q.as_deref()),
            ("grid", q.grid.as_deref()),
            ("residence", q.residence.as_deref()),
            ("group", q.group.as_deref()),
            ("tag", q.tag.as_deref()),
        ],
        &list,
    );
    Ok(PersonsPage {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        rows: list.rows,
        nav,
        residences: options(Residence::ALL, Residence::code, Residence::label),
        tags: options(PersonTag::ALL, PersonTag::code, PersonTag::label),
        groups: pingan_app::Registry::visible_groups(&page.user)
            .into_iter()
            .map(|g| (g.code(), g.label()))
            .collect(),
        can_reveal: page.user.can(Capability::RevealPersonalData),
        can_import: page.user.can(Capability::ManageRegistry),
        q,
        revealed,
        error,
    })
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<PersonQuery>,
) -> Result<PersonsPage, PageError> {
    render(&state, &page, q, None, None).await
}

/// The search form is posted, so that an ID number or phone searched for stays out of URLs, the
/// browser's history and the access log.
async fn search(
    State(state): State<AppState>,
    page: PageUser,
    Form(q): Form<PersonQuery>,
) -> Result<PersonsPage, PageError> {
    render(&state, &page, q, None, None).await
}

/// Shows one person's identifiers in plain text on the list (nothing is kept in the page's URL).
async fn reveal(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .reveal_person(&page.actor(), id, &f.reason)
        .await
    {
        Ok(plain) => Ok(
            render(&state, &page, PersonQuery::default(), Some(plain), None)
                .await?
                .into_response(),
        ),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, PersonQuery::default(), None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "persons_import.html")]
struct ImportPage {
    shell: Shell,
    report: Option<PersonImportReport>,
    /// An import still running: the page reloads itself every second.
    running: Option<ImportJobView>,
    /// The grids of the user's scope: (code, name).
    grids: Vec<(String, String)>,
    error: Option<String>,
}

async fn import_page(
    state: &AppState,
    page: &PageUser,
    job: Option<ImportJobView>,
    error: Option<String>,
) -> Result<ImportPage, PageError> {
    let (report, running, error) = match job {
        Some(j) if j.state == "running" => (None, Some(j), error),
        Some(j) if j.state == "failed" => (None, None, j.message),
        Some(j) => (j.report, None, error),
        None => (None, None, error),
    };
    if !page.user.can(Capability::ManageRegistry) {
        return Err(
            AppError::Forbidden(format!("{}无权导入实有人口", page.user.role_label)).into(),
        );
    }
    let grids = crate::pages::grid_options(&state.app, &page.user).await?;
    Ok(ImportPage {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        report,
        running,
        grids,
        error,
    })
}

async fn import_form(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<ImportPage, PageError> {
    import_page(&state, &page, None, None).await
}

/// Takes the file and starts the import in the background; the job's page shows its progress.
async fn import(
    State(state): State<AppState>,
    page: PageUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let (fields, mut files) = crate::multipart::read(form).await?;
    let grid = crate::multipart::field(&fields, "grid").map(str::to_owned);
    let Some(file) = files.pop() else {
        let msg = "请选择要导入的 .xlsx 文件".to_owned();
        return Ok(import_page(&state, &page, None, Some(msg))
            .await?
            .into_response());
    };
    let id = state
        .app
        .registry()
        .start_person_import(page.actor(), file.bytes.to_vec(), grid)
        .await?;
    Ok(Redirect::to(&format!("/persons/import/jobs/{id}")).into_response())
}

/// An import's progress (the page reloads itself while it runs), then its report.
async fn import_job(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<String>,
) -> Result<ImportPage, PageError> {
    let job = state.app.registry().import_job(&page.user, &id).await?;
    import_page(&state, &page, Some(job), None).await
}

async fn template(page: PageUser) -> Result<Response, PageError> {
    if !page.user.can(Capability::ManageRegistry) {
        return Err(
            AppError::Forbidden(format!("{}无权导入实有人口", page.user.role_label)).into(),
        );
    }
    let bytes = pingan_app::person_template()?;
    Ok(crate::xlsx::download(
        bytes,
        "persons-template.xlsx",
        "实有人口模板.xlsx",
    ))
}

#[derive(Deserialize)]
struct ExportForm {
    #[serde(flatten)]
    q: PersonQuery,
    reason: Option<String>,
}

/// The list's search as an .xlsx (posted, like the search, so ID numbers stay out of URLs).
async fn export(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<ExportForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .export_persons(&page.actor(), &page.user, &f.q, f.reason.as_deref())
        .await
    {
        Ok(bytes) => Ok(crate::xlsx::download(
            bytes,
            "persons.xlsx",
            "实有人口.xlsx",
        )),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, f.q, None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}
