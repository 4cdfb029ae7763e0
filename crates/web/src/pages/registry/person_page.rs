//! One person of the registry: the masked facts (plain for a stated reason), the special groups
//! the user may see with their visiting state, enrolment and ending, the visits, and the phone
//! form that records a visit.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Path;
use crate::pages::{ReasonForm, Shell};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{NaiveDateTime, TimeZone, Utc};
use pingan_app::{
    AppError, CreditFlag, MemberInput, MemberView, PersonEntry, PersonPlain, PersonView,
    PhotoUpload, VisitEntry, VisitView,
};
use pingan_domain::Capability;
use pingan_domain::person::PersonTag;
use pingan_domain::special_group::MAX_RISK_LEVEL;
use pingan_domain::time::shanghai;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/new", get(new_form).post(add))
        .route("/persons/{id}", get(show).post(reveal))
        .route("/persons/{id}/groups", post(enrol))
        .route("/persons/{id}/groups/{member}/end", post(end))
        .route(
            "/persons/{id}/visit",
            crate::router::with_uploads(
                get(visit_form).post(record_visit),
                crate::router::Upload::Photos,
            ),
        )
        .route("/persons/{id}/end", post(end_person))
        .route("/persons/{id}/tags", post(set_tags))
}

#[derive(Template, WebTemplate)]
#[template(path = "person.html")]
struct PersonPage {
    shell: Shell,
    p: PersonView,
    plain: Option<PersonPlain>,
    can_reveal: bool,
    can_visit: bool,
    /// The groups the user may enrol in: (code, label).
    groups: Vec<(&'static str, &'static str)>,
    risk_levels: Vec<i16>,
    memberships: Vec<MemberView>,
    /// Every tag, and whether the person has it.
    tags: Vec<(&'static str, &'static str, bool)>,
    visits: Vec<VisitView>,
    /// 失信/拒执 — shown to a viewer who may check, when the person is listed.
    credit: Option<CreditFlag>,
    notice: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    id: i64,
    plain: Option<PersonPlain>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<PersonPage, PageError> {
    let user = &page.user;
    let p = state.app.registry().person(user, id).await?;
    let groups: Vec<_> = pingan_app::Registry::visible_groups(user)
        .into_iter()
        .map(|g| (g.code(), g.label()))
        .collect();
    let memberships = if groups.is_empty() {
        Vec::new()
    } else {
        state.app.registry().memberships_of(user, id).await?
    };
    let has = state.app.registry().person_tags(user, id).await?;
    let tags = PersonTag::ALL
        .iter()
        .map(|t| (t.code(), t.label(), has.iter().any(|(c, _)| *c == t.code())))
        .collect();
    Ok(PersonPage {
        shell: Shell::new(&state.app, user, "/persons").await?,
        tags,
        visits: state.app.registry().visits(user, id).await?,
        credit: state.app.credit().person_flag(user, id).await?,
        p,
        plain,
        can_reveal: user.can(Capability::RevealPersonalData),
        can_visit: user.can(Capability::ManageRegistry),
        groups,
        risk_levels: (0..=MAX_RISK_LEVEL).collect(),
        memberships,
        notice,
        error,
    })
}

#[derive(Deserialize)]
struct Notice {
    done: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    crate::extract::page::Query(n): crate::extract::page::Query<Notice>,
) -> Result<PersonPage, PageError> {
    let notice = match n.done.as_deref() {
        Some("visit") => Some("走访记录已保存。".to_owned()),
        Some("enrol") => Some("已列入特殊人群，走访任务随之生成。".to_owned()),
        Some("end") => Some("已解除列管，记录仍保留。".to_owned()),
        Some("ended") => Some("已注销（迁出），记录仍保留。".to_owned()),
        Some("tags") => Some("标签已保存。".to_owned()),
        _ => None,
    };
    render(&state, &page, id, None, notice, None).await
}

/// A refusal of the user's input shown on the page; anything else is an error page.
async fn refused(
    state: &AppState,
    page: &PageUser,
    id: i64,
    e: AppError,
) -> Result<Response, PageError> {
    let (status, msg) = on_the_form(e)?;
    let view = render(state, page, id, None, None, Some(msg)).await?;
    Ok((status, view).into_response())
}

/// Shows this person's identifiers in plain text for a stated reason (audited).
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
        Ok(plain) => Ok(render(&state, &page, id, Some(plain), None, None)
            .await?
            .into_response()),
        Err(e) => refused(&state, &page, id, e).await,
    }
}

#[derive(Deserialize)]
struct EnrolForm {
    group: String,
    #[serde(default)]
    risk_level: String,
    #[serde(default)]
    enrolled_on: String,
    #[serde(default)]
    facts: String,
}

async fn enrol(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<EnrolForm>,
) -> Result<Response, PageError> {
    let risk_level = match f.risk_level.trim() {
        "" => None,
        r => match r.parse() {
            Ok(level) => Some(level),
            Err(_) => {
                let e = AppError::Invalid(format!("风险等级应为 0 到 {MAX_RISK_LEVEL}"));
                return refused(&state, &page, id, e).await;
            }
        },
    };
    let input = MemberInput {
        group: f.group,
        risk_level,
        enrolled_on: Some(f.enrolled_on),
        facts: Some(f.facts),
    };
    match state
        .app
        .registry()
        .enrol_member(&page.actor(), &page.user, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}?done=enrol")).into_response()),
        Err(e) => refused(&state, &page, id, e).await,
    }
}

async fn end(
    State(state): State<AppState>,
    page: PageUser,
    Path((id, member)): Path<(i64, i64)>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .end_member(&page.actor(), &page.user, member, &f.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}?done=end")).into_response()),
        Err(e) => refused(&state, &page, id, e).await,
    }
}

/// 注销 — the person moved out or died; the record stays.
async fn end_person(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .end_person(&page.actor(), &page.user, id, &f.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}?done=ended")).into_response()),
        Err(e) => refused(&state, &page, id, e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visit.html")]
struct VisitPage {
    shell: Shell,
    p: PersonView,
    /// One key per form shown: sending the form twice records one visit.
    client_id: String,
    /// The form's time field, Beijing time.
    now: String,
    form: VisitForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct VisitForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    visited_at: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    temperature: String,
    #[serde(default)]
    symptoms: String,
}

async fn visit_page(
    state: &AppState,
    page: &PageUser,
    id: i64,
    form: VisitForm,
    error: Option<String>,
) -> Result<VisitPage, PageError> {
    if !page.user.can(Capability::ManageRegistry) {
        return Err(AppError::Forbidden(format!("{}无权登记走访", page.user.role_label)).into());
    }
    let client_id = if form.client_id.is_empty() {
        pingan_app::new_client_id()?
    } else {
        form.client_id.clone()
    };
    Ok(VisitPage {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        p: state.app.registry().person(&page.user, id).await?,
        client_id,
        now: Utc::now()
            .with_timezone(&shanghai())
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        form,
        error,
    })
}

async fn visit_form(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<VisitPage, PageError> {
    visit_page(&state, &page, id, VisitForm::default(), None).await
}

/// The form's fields as the app takes them, or what is wrong with them.
fn visit_entry(id: i64, f: &VisitForm) -> Result<VisitEntry, AppError> {
    let number = |v: &str, what: &str| -> Result<Option<f64>, AppError> {
        match v.trim() {
            "" => Ok(None),
            t => t
                .parse::<f64>()
                .map(Some)
                .map_err(|_| AppError::Invalid(format!("{what}应为数字"))),
        }
    };
    let visited_at = match f.visited_at.trim() {
        "" => None,
        t => {
            let local = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
                .map_err(|_| AppError::Invalid("走访时间格式不对，请重新选择".into()))?;
            shanghai()
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc))
        }
    };
    Ok(VisitEntry {
        person_id: id,
        visited_at,
        lat: number(&f.lat, "纬度")?,
        lon: number(&f.lon, "经度")?,
        notes: f.notes.clone(),
        temperature: number(&f.temperature, "体温")?,
        symptoms: f.symptoms.clone(),
        client_id: Some(f.client_id.clone()),
    })
}

/// The visit form, posted as multipart (its photos with it).
async fn record_visit(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, PageError> {
    let (fields, uploads) = crate::multipart::read(form).await?;
    let text = |name: &str| {
        crate::multipart::field(&fields, name)
            .unwrap_or_default()
            .to_owned()
    };
    let f = VisitForm {
        client_id: text("client_id"),
        visited_at: text("visited_at"),
        lat: text("lat"),
        lon: text("lon"),
        notes: text("notes"),
        temperature: text("temperature"),
        symptoms: text("symptoms"),
    };
    let photos: Vec<PhotoUpload> = uploads
        .into_iter()
        .filter(|u| !u.bytes.is_empty())
        .collect();
    let outcome = match visit_entry(id, &f) {
        Ok(entry) => {
            state
                .app
                .registry()
                .record_visit(&page.actor(), &page.user, &entry, &photos)
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}?done=visit#visits")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = visit_page(&state, &page, id, f, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "person_new.html")]
struct NewPersonPage {
    shell: Shell,
    grids: Vec<(String, String)>,
    residences: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn new_page(
    state: &AppState,
    page: &PageUser,
    error: Option<String>,
) -> Result<NewPersonPage, PageError> {
    if !page.user.can(Capability::ManageRegistry) {
        return Err(AppError::Forbidden(format!("{}无权登记人员", page.user.role_label)).into());
    }
    Ok(NewPersonPage {
        shell: Shell::new(&state.app, &page.user, "/persons").await?,
        grids: crate::pages::grid_options(&state.app, &page.user).await?,
        residences: crate::pages::options(
            pingan_domain::person::Residence::ALL,
            pingan_domain::person::Residence::code,
            pingan_domain::person::Residence::label,
        ),
        error,
    })
}

async fn new_form(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<NewPersonPage, PageError> {
    new_page(&state, &page, None).await
}

/// 登记人员 — one person from the phone; on success their page.
async fn add(
    State(state): State<AppState>,
    page: PageUser,
    Form(entry): Form<PersonEntry>,
) -> Result<Response, PageError> {
    match state
        .app
        .registry()
        .add_person(&page.actor(), &page.user, &entry)
        .await
    {
        Ok(p) => Ok(Redirect::to(&format!("/persons/{}", p.id)).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = new_page(&state, &page, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

/// The tag checkboxes: every `tag` field checked.
async fn set_tags(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let tags: Vec<String> = fields
        .into_iter()
        .filter(|(k, _)| k == "tag")
        .map(|(_, v)| v)
        .collect();
    match state
        .app
        .registry()
        .set_person_tags(&page.actor(), &page.user, id, &tags)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}?done=tags")).into_response()),
        Err(e) => refused(&state, &page, id, e).await,
    }
}
