//! 场所与组织 — the places of one's scope: a search by name, address or credit code with
//! category and attention filters, a form to enter one (also on a phone), one place with the
//! tenants of a rental house, and the .xlsx import with its template.

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
    AppError, CreditFlag, PlaceEntry, PlaceImportReport, PlacePage, PlacePlain, PlaceQuery,
    PlaceView,
};
use pingan_domain::Capability;
use pingan_domain::place::{Attention, PlaceCategory};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/places", get(list).post(save))
        .route(
            "/places/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
        .route("/places/import/template", get(template))
        .route("/places/export", post(export))
        .route("/places/{id}", get(show).post(reveal))
        .route("/places/{id}/tenants", post(add_tenant))
        .route("/places/{id}/tenants/{person}/end", post(end_tenant))
}

#[derive(Template, WebTemplate)]
#[template(path = "places.html")]
struct PlacesPage {
    shell: Shell,
    rows: Vec<PlaceView>,
    nav: ListNav,
    q: PlaceQuery,
    categories: Vec<(&'static str, &'static str)>,
    attentions: Vec<(&'static str, &'static str)>,
    /// The grids of the user's scope: (code, name).
    grids: Vec<(String, String)>,
    can_edit: bool,
    can_reveal: bool,
    report: Option<PlaceImportReport>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    q: PlaceQuery,
    report: Option<PlaceImportReport>,
    error: Option<String>,
) -> Result<PlacesPage, PageError> {
    let filters = [
        ("q", q.q.as_deref()),
        ("category", q.category.as_deref()),
        ("attention", q.attention.as_deref()),
        ("grid", q.grid.as_deref()),
    ];
    let (rows, nav, error) = match state.app.registry().places(&page.user, &q).await {
        Ok(list) => {
            let nav = ListNav::new("/places", &filters, &list);
            (list.rows, nav, error)
        }
        Err(AppError::Invalid(msg)) => (Vec::new(), ListNav::empty(), Some(msg)),
        Err(e) => return Err(e.into()),
    };
    let can_edit = page.user.can(Capability::ManageRegistry);
    let grids = if can_edit {
        crate::pages::grid_options(&state.app, &page.user).await?
    } else {
        Vec::new()
    };
    Ok(PlacesPage {
        shell: Shell::new(&state.app, &page.user, "/places").await?,
        rows,
        nav,
        q,
        categories: options(
            PlaceCategory::ALL,
            PlaceCategory::code,
            PlaceCategory::label,
        ),
        attentions: options(Attention::ALL, Attention::code, Attention::label),
        grids,
        can_edit,
        can_reveal: page.user.can(Capability::RevealPersonalData),
        report,
        error,
    })
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<PlaceQuery>,
) -> Result<PlacesPage, PageError> {
    render(&state, &page, q, None, None).await
}

async fn save(
    State(state): State<AppState>,
    page: PageUser,
    Form(entry): Form<PlaceEntry>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .save_place(&page.actor(), &page.user, &entry)
        .await
    {
        Ok(place) => Ok(Redirect::to(&format!("/places/{}", place.id)).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, PlaceQuery::default(), None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

async fn import(
    State(state): State<AppState>,
    page: PageUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let (fields, files) = crate::multipart::read(form).await?;
    let grid = crate::multipart::field(&fields, "grid");
    let outcome = match files.first() {
        None => Err(AppError::Invalid("请选择要导入的 .xlsx 文件".into())),
        Some(file) => {
            state
                .app
                .registry()
                .import_places(&page.actor(), &file.bytes, grid)
                .await
        }
    };
    match outcome {
        Ok(r) => Ok(render(&state, &page, PlaceQuery::default(), Some(r), None)
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, PlaceQuery::default(), None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

async fn template(page: PageUser) -> Result<Response, PageError> {
    if !page.user.can(Capability::ManageRegistry) {
        return Err(AppError::Forbidden(format!("{}无权导入场所", page.user.role_label)).into());
    }
    Ok(crate::xlsx::download(
        pingan_app::place_template()?,
        "places-template.xlsx",
        "场所与组织模板.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "place.html")]
struct OnePlace {
    shell: Shell,
    p: PlacePage,
    can_edit: bool,
    can_reveal: bool,
    /// The principal in plain text, after a reveal.
    plain: Option<PlacePlain>,
    /// 失信/拒执 — shown to a viewer who may check, when its organisation is listed.
    credit: Option<CreditFlag>,
    /// Whether the viewer may open its 法律健康档案 (an enterprise or social organisation).
    legal_health: bool,
    error: Option<String>,
}

async fn one(
    state: &AppState,
    page: &PageUser,
    id: i64,
    plain: Option<PlacePlain>,
    error: Option<String>,
) -> Result<OnePlace, PageError> {
    Ok(OnePlace {
        shell: Shell::new(&state.app, &page.user, "/places").await?,
        p: state.app.registry().place(&page.user, id).await?,
        can_edit: page.user.can(Capability::ManageRegistry),
        can_reveal: page.user.can(Capability::RevealPersonalData),
        plain,
        credit: state.app.credit().place_flag(&page.user, id).await?,
        legal_health: page.user.can(Capability::ViewLegalServices)
            && page.user.department_id.is_none(),
        error,
    })
}

/// Shows the principal's name and phone for a stated reason (audited).
async fn reveal(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .reveal_place(&page.actor(), id, &f.reason)
        .await
    {
        Ok(plain) => Ok(one(&state, &page, id, Some(plain), None)
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = one(&state, &page, id, None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<OnePlace, PageError> {
    one(&state, &page, id, None, None).await
}

#[derive(Deserialize)]
struct TenantForm {
    id_number: String,
}

/// Adds a tenant by ID number (posted, so the number stays out of URLs).
async fn add_tenant(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<TenantForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .add_tenant(&page.actor(), &page.user, id, &f.id_number)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/places/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = one(&state, &page, id, None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

async fn end_tenant(
    State(state): State<AppState>,
    page: PageUser,
    Path((id, person)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    state
        .app
        .registry()
        .end_tenant(&page.actor(), &page.user, id, person)
        .await?;
    Ok(Redirect::to(&format!("/places/{id}")).into_response())
}

#[derive(Deserialize)]
struct ExportForm {
    #[serde(flatten)]
    q: PlaceQuery,
    reason: Option<String>,
}

/// The list's search as an .xlsx.
async fn export(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<ExportForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .export_places(&page.actor(), &page.user, &f.q, f.reason.as_deref())
        .await
    {
        Ok(bytes) => Ok(crate::xlsx::download(
            bytes,
            "places.xlsx",
            "场所与组织.xlsx",
        )),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render(&state, &page, f.q, None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}
