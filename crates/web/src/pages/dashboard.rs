//! 领导驾驶舱 — the figures of a unit and period with their comparisons (rendered here, so they
//! read without scripts), and the charts, the map, the live feed and the overdue list drawn by
//! `dashboard.js` from the JSON APIs; `?wall=1` is the full-screen mode for the command-centre
//! wall, which refreshes itself and rides out a restart of the server.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::Query;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::Datelike;
use pingan_app::{Indicator, IndicatorQuery, IndicatorsView};
use pingan_domain::period::PeriodKind;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(show))
}

/// The figures of one group, in the order the sources give them.
struct Group {
    name: String,
    items: Vec<Indicator>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    v: IndicatorsView,
    groups: Vec<Group>,
    /// The units to choose from: the user's own and those one level down.
    units: Vec<(String, String)>,
    periods: Vec<(&'static str, &'static str)>,
    at: String,
    /// Last month, `YYYY-MM`: the report a leader asks for first.
    report_month: String,
    wall: bool,
}

#[derive(Debug, Default, Deserialize)]
struct DashboardForm {
    org: Option<String>,
    period: Option<String>,
    at: Option<String>,
    wall: Option<String>,
}

/// A figure as the page shows it: whole numbers without decimals, rates with one.
fn shown(v: &Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), pingan_app::format_value)
}

async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<DashboardForm>,
) -> Result<DashboardPage, PageError> {
    let actor = page.actor();
    let query = IndicatorQuery {
        org: q.org.clone(),
        period: q.period.clone(),
        at: q.at.clone(),
    };
    let v = state.app.stats().indicators(&actor, &query).await?;
    let mut groups: Vec<Group> = Vec::new();
    for i in &v.indicators {
        match groups.iter_mut().find(|g| g.name == i.group) {
            Some(g) => g.items.push(i.clone()),
            None => groups.push(Group {
                name: i.group.clone(),
                items: vec![i.clone()],
            }),
        }
    }
    let units = state.app.stats().dashboard_units(&actor).await?;
    Ok(DashboardPage {
        shell: Shell::new(&state.app, &page.user, "/dashboard").await?,
        at: q.at.unwrap_or_default(),
        report_month: last_month(),
        wall: q.wall.is_some_and(|w| w == "1"),
        periods: PeriodKind::ALL
            .iter()
            .map(|p| (p.key(), p.label()))
            .collect(),
        units,
        groups,
        v,
    })
}

/// The month before this one (Asia/Shanghai), `YYYY-MM`.
fn last_month() -> String {
    let today = pingan_domain::time::beijing_date(chrono::Utc::now());
    let first = today.with_day(1).unwrap_or(today) - chrono::Duration::days(1);
    first.format("%Y-%m").to_string()
}
