//! The Chinese pages: login, the front page, the org tree, the grid map, and the licences.

mod home;
mod login;
mod org;

use crate::AppState;
use axum::Router;
use pingan_app::{App, AppError, CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(home::router())
        .merge(org::router())
}

/// What the navigation frame shows around every page.
pub struct Shell {
    pub display_name: String,
    pub role_label: &'static str,
    pub org_code: String,
    /// Which navigation entry is current.
    pub active: &'static str,
    /// Whether the database holds the synthetic demo district.
    pub demo: bool,
    /// The time the page was made, Beijing time.
    pub now: String,
}

impl Shell {
    pub async fn new(
        app: &App,
        user: &CurrentUser,
        active: &'static str,
    ) -> Result<Self, AppError> {
        Ok(Self {
            display_name: user.display_name.clone(),
            role_label: user.role.label(),
            org_code: user.org_code.to_string(),
            active,
            demo: app.is_demo().await?,
            now: pingan_domain::time::format_minute(chrono::Utc::now()),
        })
    }
}
