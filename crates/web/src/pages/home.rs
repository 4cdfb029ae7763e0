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
}

async fn home(State(state): State<AppState>, page: PageUser) -> Result<HomePage, PageError> {
    let user = &page.user;
    let shell = Shell::new(&state.app, user, "/").await?;
    if !user.can(Capability::ViewOrg) {
        return Ok(HomePage {
            shell,
            scope_name: String::new(),
            figures: Vec::new(),
        });
    }
    let s = state.app.org_summary(user).await?;
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
    })
}
