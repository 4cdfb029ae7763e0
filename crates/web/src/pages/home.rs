//! 工作台 — the front page: the figures of the user's part of the district, and the way to the
//! pages the user may open.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_domain::time::format_count;
use pingan_domain::{Capability, OrgLevel};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    scope_name: String,
    /// `(figure, label)` for the levels below the user's own.
    figures: Vec<(String, &'static str)>,
    /// `(figure, label, link)` of the events in scope, for those who see cases.
    events: Vec<(String, &'static str, &'static str)>,
}

async fn home(State(state): State<AppState>, page: PageUser) -> Result<HomePage, PageError> {
    let user = &page.user;
    let shell = Shell::new(&state.app, user, "/").await?;
    if !user.can(Capability::ViewOrg) {
        return Ok(HomePage {
            shell,
            scope_name: String::new(),
            figures: Vec::new(),
            events: Vec::new(),
        });
    }
    let events = if user.can(Capability::ViewCases) {
        let c = state.app.cases().event_counts(&page.actor()).await?;
        let n = |v: i64| format_count(u64::try_from(v).unwrap_or(0));
        vec![
            (n(c.open), "办理中事件", "/events"),
            (n(c.yellow), "黄牌预警", "/events?alert=yellow"),
            (n(c.red), "红牌超期", "/events?alert=red"),
            (n(c.since), "今日上报", "/events?scope=all"),
        ]
    } else {
        Vec::new()
    };
    let s = state.app.org().org_summary(user).await?;
    let fmt = |n: usize| format_count(u64::try_from(n).unwrap_or(u64::MAX));
    let level = user.org_code.level();
    let mut figures = Vec::new();
    if level < OrgLevel::Township {
        figures.push((fmt(s.townships), "乡镇（街道）"));
    }
    if level < OrgLevel::Village {
        figures.push((fmt(s.villages), "村（社区）"));
    }
    figures.push((fmt(s.grids), "网格"));
    figures.push((fmt(s.grid_workers), "网格员"));
    if level < OrgLevel::Grid {
        figures.push((fmt(s.departments), "成员单位"));
    }
    Ok(HomePage {
        shell,
        scope_name: s.name,
        figures,
        events,
    })
}
