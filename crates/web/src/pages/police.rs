//! 公安统计 — the year's table with 同比, entering a township's month, importing from .xlsx.

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
use pingan_app::{AppError, PoliceEntry, PoliceImportReport, PoliceYearView};
use pingan_domain::Capability;
use pingan_domain::police::PoliceFigure;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats/police", get(show).post(enter))
        .route(
            "/stats/police/import",
            crate::router::with_uploads(post(import), crate::router::Upload::Sheet),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "police.html")]
struct PolicePage {
    shell: Shell,
    y: PoliceYearView,
    can_enter: bool,
    townships: Vec<(String, String)>,
    figures: Vec<(&'static str, &'static str)>,
    report: Option<PoliceImportReport>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct YearForm {
    year: Option<i32>,
}

async fn render(
    state: &AppState,
    page: &PageUser,
    year: Option<i32>,
    report: Option<PoliceImportReport>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<PolicePage, PageError> {
    let actor = page.actor();
    let can_enter = page.user.can(Capability::ManagePoliceStatistics);
    let townships = if can_enter {
        state.app.stats().police_townships(&actor).await?
    } else {
        Vec::new()
    };
    Ok(PolicePage {
        shell: Shell::new(&state.app, &page.user, "/stats/police").await?,
        y: state.app.stats().police_year(&actor, None, year).await?,
        can_enter,
        townships,
        figures: PoliceFigure::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        report,
        notice,
        error,
    })
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<YearForm>,
) -> Result<PolicePage, PageError> {
    render(&state, &page, q.year, None, None, None).await
}

async fn enter(
    State(state): State<AppState>,
    page: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut figures = HashMap::new();
    let mut bad = None;
    for f in PoliceFigure::ALL {
        let v = get(f.code());
        if v.is_empty() {
            continue;
        }
        match v.parse::<i64>() {
            Ok(n) => {
                figures.insert(f.code().to_owned(), n);
            }
            Err(_) => bad = Some(format!("{}“{v}”不是整数", f.label())),
        }
    }
    let entry = PoliceEntry {
        township: get("township"),
        month: get("month"),
        figures,
    };
    let done = match bad {
        Some(msg) => Err(AppError::Invalid(msg)),
        None => {
            state
                .app
                .stats()
                .enter_police_month(&page.actor(), &entry)
                .await
        }
    };
    match done {
        Ok(n) => Ok(render(
            &state,
            &page,
            None,
            None,
            Some(format!(
                "已保存 {} {} 的 {n} 项数据",
                entry.township, entry.month
            )),
            None,
        )
        .await?
        .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render(&state, &page, None, None, None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}

async fn import(
    State(state): State<AppState>,
    page: PageUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let (_, files) = crate::multipart::read(form).await?;
    let outcome = match files.first() {
        None => Err(AppError::Invalid("请选择要导入的 .xlsx 文件".into())),
        Some(file) => {
            state
                .app
                .stats()
                .import_police(&page.actor(), &file.bytes)
                .await
        }
    };
    match outcome {
        Ok(r) => Ok(render(&state, &page, None, Some(r), None, None)
            .await?
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((
                status,
                render(&state, &page, None, None, None, Some(msg)).await?,
            )
                .into_response())
        }
    }
}
