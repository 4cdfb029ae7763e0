//! 联合信用惩戒 — `/credit/check`: a member unit checks a person or an organisation and records
//! the measure it took; `/credit`: the list's keepers import the court's sheet, see the list and
//! lift an entry (`/credit/{id}`).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use crate::pages::{ListNav, Shell};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AppError, CreditCheckRequest, CreditCheckView, CreditEntryView, CreditImportReport,
    CreditLiftRequest, CreditListQuery, CreditMeasureRequest,
};
use pingan_domain::credit::{CheckPurpose, Restriction};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/credit", get(list))
        .route(
            "/credit/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
        .route("/credit/{id}", get(entry))
        .route("/credit/{id}/lift", post(lift))
        .route("/credit/check", get(check_form).post(check))
        .route("/credit/measures", post(measure))
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_check.html")]
struct CheckPage {
    shell: Shell,
    purposes: Vec<(&'static str, &'static str)>,
    measures: Vec<(&'static str, &'static str)>,
    subject: String,
    purpose: String,
    /// The measure the purpose points to (限制招投标 for a 招投标 check), chosen first on a hit.
    suggested: &'static str,
    result: Option<CreditCheckView>,
    notice: Option<String>,
    error: Option<String>,
}

/// The check form as typed.
#[derive(Debug, Default, Deserialize)]
struct CheckForm {
    subject: String,
    purpose: String,
}

/// A measure as typed on the check page.
#[derive(Debug, Default, Deserialize)]
struct MeasureForm {
    subject: String,
    measure: String,
    #[serde(default)]
    note: String,
}

async fn check_page(
    state: &AppState,
    page: &PageUser,
    form: CheckForm,
    result: Option<CreditCheckView>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<CheckPage, PageError> {
    Ok(CheckPage {
        shell: Shell::new(&state.app, &page.user, "/credit/check").await?,
        purposes: CheckPurpose::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect(),
        measures: Restriction::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        suggested: CheckPurpose::parse(&form.purpose)
            .and_then(CheckPurpose::restriction)
            .map_or("", Restriction::code),
        subject: form.subject,
        purpose: form.purpose,
        result,
        notice,
        error,
    })
}

async fn check_form(State(state): State<AppState>, page: PageUser) -> Result<Response, PageError> {
    // Only those who may check see the form.
    state.app.credit().may_check(&page.actor())?;
    Ok(
        check_page(&state, &page, CheckForm::default(), None, None, None)
            .await?
            .into_response(),
    )
}

/// One identifier box for both: 18 characters either way, the check characters tell them apart.
fn named(subject: &str) -> (Option<String>, Option<String>) {
    let s = subject.trim();
    let person = s.chars().take(17).all(|c| c.is_ascii_digit());
    if person {
        (Some(s.into()), None)
    } else {
        (None, Some(s.into()))
    }
}

async fn check(
    State(state): State<AppState>,
    page: PageUser,
    Form(form): Form<CheckForm>,
) -> Result<Response, PageError> {
    let (id_number, credit_code) = named(&form.subject);
    let asked = CreditCheckRequest {
        id_number,
        credit_code,
        purpose: form.purpose.clone(),
    };
    match state.app.credit().check(&page.actor(), &asked).await {
        Ok(view) => Ok(check_page(&state, &page, form, Some(view), None, None)
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                check_page(&state, &page, form, None, None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}

async fn measure(
    State(state): State<AppState>,
    page: PageUser,
    Form(form): Form<MeasureForm>,
) -> Result<Response, PageError> {
    let (id_number, credit_code) = named(&form.subject);
    let asked = CreditMeasureRequest {
        id_number,
        credit_code,
        measure: form.measure.clone(),
        note: form.note.clone(),
        taken_on: None,
    };
    let back = CheckForm {
        subject: String::new(),
        purpose: String::new(),
    };
    match state
        .app
        .credit()
        .record_measure(&page.actor(), &asked)
        .await
    {
        Ok(done) => Ok(check_page(
            &state,
            &page,
            back,
            None,
            Some(format!(
                "已记录惩戒措施（涉及 {} 条名单记录）",
                done.entries
            )),
            None,
        )
        .await?
        .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                check_page(&state, &page, back, None, None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<CreditEntryView>,
    nav: ListNav,
    q: CreditListQuery,
    report: Option<CreditImportReport>,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    page: &PageUser,
    q: CreditListQuery,
    report: Option<CreditImportReport>,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let (rows, nav, error) = match state.app.credit().entries(&page.actor(), &q).await {
        Ok(list) => {
            let filters = [
                ("status", q.status.as_deref()),
                ("kind", q.kind.as_deref()),
                ("case_number", q.case_number.as_deref()),
            ];
            let nav = ListNav::new("/credit", &filters, &list);
            (list.rows, nav, error)
        }
        Err(AppError::Invalid(msg)) => (Vec::new(), ListNav::empty(), Some(msg)),
        Err(e) => return Err(e.into()),
    };
    Ok(ListPage {
        shell: Shell::new(&state.app, &page.user, "/credit").await?,
        rows,
        nav,
        q,
        report,
        error,
    })
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<CreditListQuery>,
) -> Result<ListPage, PageError> {
    list_page(&state, &page, q, None, None).await
}

async fn import(
    State(state): State<AppState>,
    page: PageUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let (_, files) = crate::multipart::read(form).await?;
    let outcome = match files.first() {
        None => Err(AppError::Invalid("请选择要导入的 .xlsx 文件".into())),
        Some(file) => state.app.credit().import(&page.actor(), &file.bytes).await,
    };
    match outcome {
        Ok(r) => Ok(
            list_page(&state, &page, CreditListQuery::default(), Some(r), None)
                .await?
                .into_response(),
        ),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                list_page(&state, &page, CreditListQuery::default(), None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_entry.html")]
struct EntryPage {
    shell: Shell,
    e: CreditEntryView,
    error: Option<String>,
}

async fn entry(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<EntryPage, PageError> {
    Ok(EntryPage {
        shell: Shell::new(&state.app, &page.user, "/credit").await?,
        e: state.app.credit().entry(&page.actor(), id).await?,
        error: None,
    })
}

async fn lift(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<CreditLiftRequest>,
) -> Result<Response, PageError> {
    match state.app.credit().lift(&page.actor(), id, &form).await {
        Ok(e) => Ok(EntryPage {
            shell: Shell::new(&state.app, &page.user, "/credit").await?,
            e,
            error: None,
        }
        .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                EntryPage {
                    shell: Shell::new(&state.app, &page.user, "/credit").await?,
                    e: state.app.credit().entry(&page.actor(), id).await?,
                    error: Some(msg),
                },
            )
                .into_response())
        }
    }
}
