//! 组织架构 and 网格地图 pages, and the licences page.

use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::Shell;
use crate::{AppState, assets};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use pingan_app::OrgTreeNode;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/org", get(tree))
        .route("/map", get(map))
        .route("/licenses", get(licenses))
}

#[derive(Template, WebTemplate)]
#[template(path = "org_tree.html")]
struct TreePage {
    shell: Shell,
    tree: Option<OrgTreeNode>,
}

async fn tree(State(state): State<AppState>, page: PageUser) -> Result<TreePage, PageError> {
    Ok(TreePage {
        tree: state.app.org().org_tree(&page.user).await?,
        shell: Shell::new(&state.app, &page.user, "/org").await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "map.html")]
struct MapPage {
    shell: Shell,
    tile_url: String,
}

async fn map(State(state): State<AppState>, page: PageUser) -> Result<MapPage, PageError> {
    if !page.user.can(pingan_domain::Capability::ViewOrg) {
        let msg = format!("{}无权查看网格地图", page.user.role_label);
        return Err(pingan_app::AppError::Forbidden(msg).into());
    }
    Ok(MapPage {
        shell: Shell::new(&state.app, &page.user, "/map").await?,
        tile_url: state.app.config().tile_url.clone().unwrap_or_default(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "licenses.html")]
struct LicensesPage {
    shell: Shell,
    licenses: Vec<(String, String)>,
}

async fn licenses(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<LicensesPage, PageError> {
    Ok(LicensesPage {
        shell: Shell::new(&state.app, &page.user, "").await?,
        licenses: assets::licenses(),
    })
}
