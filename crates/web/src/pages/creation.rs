//! 平安创建 — the units of the user's area and declaring one, a unit's page with its "六无" and
//! the assessor's form, the "六无" of every village, and the district's checklists.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use crate::pages::pairs::Pairs;
use crate::pages::{ListNav, Shell, options};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{
    AppError, ChecklistRequest, ChecklistView, CreationListQuery, CreationStepRequest,
    CreationUnitPage, CreationUnitRequest, CreationUnitView, CriterionEntry, SixNoneOverview,
    SixNoneView,
};
use pingan_domain::Capability;
use pingan_domain::creation::{CreationKind, CreationStatus};
use pingan_domain::time::format_minute;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/creation", get(list).post(declare))
        .route("/creation/{id}", get(show))
        .route("/creation/{id}/steps", post(step))
        .route("/creation/six-none", get(six_none))
        .route("/creation/six-none/{org}", get(six_none_area))
        .route(
            "/creation/checklists/{kind}",
            get(checklist).post(save_checklist),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "creation.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<CreationUnitView>,
    nav: ListNav,
    q: CreationListQuery,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    can_declare: bool,
    error: Option<String>,
}

async fn render_list(
    state: &AppState,
    page: &PageUser,
    q: CreationListQuery,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let year = q.year.map(|y| y.to_string());
    let filters = [
        ("year", year.as_deref()),
        ("kind", q.kind.as_deref()),
        ("status", q.status.as_deref()),
        ("org", q.org.as_deref()),
    ];
    let (rows, nav, error) = match state.app.creation().units(&page.user, &q).await {
        Ok(list) => {
            let nav = ListNav::new("/creation", &filters, &list);
            (list.rows, nav, error)
        }
        Err(AppError::Invalid(msg)) => (Vec::new(), ListNav::empty(), Some(msg)),
        Err(e) => return Err(e.into()),
    };
    Ok(ListPage {
        shell: Shell::new(&state.app, &page.user, "/creation").await?,
        rows,
        nav,
        q,
        kinds: options(CreationKind::ALL, CreationKind::code, CreationKind::label),
        statuses: options(
            CreationStatus::ALL,
            CreationStatus::code,
            CreationStatus::label,
        ),
        can_declare: page.user.can(Capability::ManageCreation),
        error,
    })
}

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<CreationListQuery>,
) -> Result<ListPage, PageError> {
    render_list(&state, &page, q, None).await
}

#[derive(Deserialize)]
struct DeclareForm {
    kind: String,
    year: String,
    org: Option<String>,
    place_id: Option<String>,
    name: Option<String>,
}

async fn declare(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<DeclareForm>,
) -> Result<Response, PageError> {
    let request = (|| {
        Ok::<_, AppError>(CreationUnitRequest {
            kind: f.kind.clone(),
            year: f
                .year
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid("年度应为四位数字，如 2026".into()))?,
            org: f.org.clone(),
            place_id: f
                .place_id
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse()
                        .map_err(|_| AppError::Invalid("场所编号应为数字".into()))
                })
                .transpose()?,
            name: f.name.clone(),
        })
    })();
    let done = match request {
        Ok(r) => state.app.creation().declare(&page.actor(), &r).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(unit) => Ok(Redirect::to(&format!("/creation/{}", unit.id)).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let q = CreationListQuery::default();
            Ok((status, render_list(&state, &page, q, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "creation_unit.html")]
struct UnitPage {
    shell: Shell,
    p: CreationUnitPage,
    /// The time of each assessment, Beijing time, in order.
    times: Vec<String>,
    error: Option<String>,
}

async fn render_unit(
    state: &AppState,
    page: &PageUser,
    id: i64,
    error: Option<String>,
) -> Result<UnitPage, PageError> {
    let p = state.app.creation().unit(&page.user, id).await?;
    Ok(UnitPage {
        shell: Shell::new(&state.app, &page.user, "/creation").await?,
        times: p.assessments.iter().map(|a| format_minute(a.at)).collect(),
        p,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
) -> Result<UnitPage, PageError> {
    render_unit(&state, &page, id, None).await
}

async fn step(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Pairs(&pairs);
    let get = |k: &str| form.text(k).unwrap_or_default();
    let request = (|| {
        let scores = form
            .texts("score")
            .iter()
            .map(|v| {
                v.parse::<u32>()
                    .map_err(|_| AppError::Invalid(format!("分数“{v}”应为不小于 0 的整数")))
            })
            .collect::<Result<Vec<u32>, _>>()?;
        Ok::<_, AppError>(CreationStepRequest {
            step: get("step"),
            scores,
            remarks: get("remarks"),
            named_on: match get("named_on").as_str() {
                "" => None,
                d => Some(d.parse().map_err(|_| {
                    AppError::Invalid("命名日期应为 年-月-日，如 2026-12-01".into())
                })?),
            },
            document_no: Some(get("document_no")),
            version: get("version")
                .parse()
                .map_err(|_| AppError::Invalid("页面已过期，请刷新后再提交".into()))?,
        })
    })();
    let done = match request {
        Ok(r) => state.app.creation().take_step(&page.actor(), id, &r).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/creation/{id}")).into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render_unit(&state, &page, id, Some(msg)).await?).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct AreaForm {
    org: Option<String>,
    year: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "six_none.html")]
struct SixNonePage {
    shell: Shell,
    v: SixNoneOverview,
}

async fn six_none(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<AreaForm>,
) -> Result<SixNonePage, PageError> {
    Ok(SixNonePage {
        shell: Shell::new(&state.app, &page.user, "/creation").await?,
        v: state
            .app
            .creation()
            .six_none_overview(&page.user, q.org.as_deref(), q.year)
            .await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "six_none_area.html")]
struct SixNoneAreaPage {
    shell: Shell,
    s: SixNoneView,
}

async fn six_none_area(
    State(state): State<AppState>,
    page: PageUser,
    Path(org): Path<String>,
    Query(q): Query<AreaForm>,
) -> Result<SixNoneAreaPage, PageError> {
    Ok(SixNoneAreaPage {
        shell: Shell::new(&state.app, &page.user, "/creation").await?,
        s: state
            .app
            .creation()
            .six_none(&page.user, &org, q.year)
            .await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "creation_checklist.html")]
struct ChecklistPage {
    shell: Shell,
    c: ChecklistView,
    /// Empty lines to add under the present ones.
    blank: Vec<usize>,
    kinds: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    saved: bool,
    error: Option<String>,
}

async fn render_checklist(
    state: &AppState,
    page: &PageUser,
    kind: &str,
    saved: bool,
    error: Option<String>,
) -> Result<ChecklistPage, PageError> {
    Ok(ChecklistPage {
        shell: Shell::new(&state.app, &page.user, "/creation").await?,
        c: state.app.creation().checklist(&page.user, kind).await?,
        blank: (0..5).collect(),
        kinds: options(CreationKind::ALL, CreationKind::code, CreationKind::label),
        can_edit: page.user.can(Capability::ManageCreation)
            && page.user.org_code.level() == pingan_domain::OrgLevel::District,
        saved,
        error,
    })
}

async fn checklist(
    State(state): State<AppState>,
    page: PageUser,
    Path(kind): Path<String>,
) -> Result<ChecklistPage, PageError> {
    render_checklist(&state, &page, &kind, false, None).await
}

async fn save_checklist(
    State(state): State<AppState>,
    page: PageUser,
    Path(kind): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let values = |k: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .collect()
    };
    let request = (|| {
        let (labels, points, vetoes) = (values("label"), values("points"), values("veto"));
        let mut items = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let p = points.get(i).copied().unwrap_or_default();
            if label.is_empty() && p.is_empty() {
                continue;
            }
            items.push(CriterionEntry {
                label: (*label).to_owned(),
                points: p.parse().map_err(|_| {
                    AppError::Invalid(format!("第 {} 行的分值“{p}”应为整数", i + 1))
                })?,
                veto: vetoes.get(i).copied() == Some("yes"),
            });
        }
        let pass = values("pass_mark").first().copied().unwrap_or_default();
        Ok::<_, AppError>(ChecklistRequest {
            pass_mark: pass
                .parse()
                .map_err(|_| AppError::Invalid("合格分应为整数".into()))?,
            items,
        })
    })();
    let done = match request {
        Ok(r) => {
            state
                .app
                .creation()
                .save_checklist(&page.actor(), &kind, &r)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(render_checklist(&state, &page, &kind, true, None)
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render_checklist(&state, &page, &kind, false, Some(msg)).await?,
            )
                .into_response())
        }
    }
}
