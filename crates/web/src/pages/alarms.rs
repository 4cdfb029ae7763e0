//! 一键报警 — the alarm points and door controllers of the user's area with their online rate, and
//! registering one (管理视频资源): its key is shown on the page this once.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use pingan_app::{AlarmPointRequest, AlarmPointsView, RegisteredAlarmPoint};
use pingan_domain::Capability;
use pingan_domain::alarm::AlarmPointKind;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/alarms", get(show).post(register))
}

#[derive(Template, WebTemplate)]
#[template(path = "alarms.html")]
struct AlarmsPage {
    shell: Shell,
    v: AlarmPointsView,
    /// (id, 最后心跳 in Beijing time).
    heard: Vec<(i64, String)>,
    can_register: bool,
    kinds: Vec<(&'static str, &'static str)>,
    registered: Option<RegisteredAlarmPoint>,
    error: Option<String>,
}

impl AlarmsPage {
    fn heard_of(&self, id: &i64) -> &str {
        self.heard
            .iter()
            .find(|(i, _)| i == id)
            .map_or("从未", |(_, t)| t.as_str())
    }
}

async fn render(
    state: &AppState,
    page: &PageUser,
    registered: Option<RegisteredAlarmPoint>,
    error: Option<String>,
) -> Result<AlarmsPage, PageError> {
    let v = state.app.alarms().points(&page.actor(), None).await?;
    let heard = v
        .points
        .iter()
        .filter_map(|p| {
            p.last_seen_at
                .map(|t| (p.id, pingan_domain::time::format_minute(t)))
        })
        .collect();
    Ok(AlarmsPage {
        shell: Shell::new(&state.app, &page.user, "/alarms").await?,
        v,
        heard,
        can_register: page.user.can(Capability::ManageVideo),
        kinds: AlarmPointKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        registered,
        error,
    })
}

async fn show(State(state): State<AppState>, page: PageUser) -> Result<AlarmsPage, PageError> {
    render(&state, &page, None, None).await
}

#[derive(Deserialize)]
struct PointForm {
    code: String,
    name: String,
    kind: String,
    lat: String,
    lon: String,
    coord: Option<String>,
    address: Option<String>,
    heartbeat_secs: Option<String>,
}

async fn register(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<PointForm>,
) -> Result<Response, PageError> {
    let number = |v: &str, what: &str| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| pingan_app::AppError::Invalid(format!("{what}应为数字（十进制度）")))
    };
    let request = (|| {
        Ok::<_, pingan_app::AppError>(AlarmPointRequest {
            code: f.code.clone(),
            name: f.name.clone(),
            kind: f.kind.clone(),
            lat: number(&f.lat, "纬度")?,
            lon: number(&f.lon, "经度")?,
            coord: f.coord.clone(),
            address: f.address.clone(),
            place_id: None,
            heartbeat_secs: f
                .heartbeat_secs
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<i64>()
                        .map_err(|_| pingan_app::AppError::Invalid("心跳间隔应为整数秒".into()))
                })
                .transpose()?,
        })
    })();
    let done = match request {
        Ok(r) => state.app.alarms().register_point(&page.actor(), &r).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(p) => Ok(render(&state, &page, Some(p), None).await?.into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, render(&state, &page, None, Some(msg)).await?).into_response())
        }
    }
}
