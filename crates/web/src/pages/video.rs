//! 视频资源 — the 点亮率 board (now, per network and township, the last thirty days, the longest
//! offline cameras and the camera map), the camera and device lists with their filters, and a
//! device's or a camera's page with its status history.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, on_the_form};
use crate::extract::page::{Path, Query};
use crate::pages::{Shell, options, page_href, pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pingan_app::{
    AppError, ChannelQuery, ChannelView, DailyRate, DevicePage, DeviceQuery, DeviceView,
    OnlineRate, PAGE_ROWS, RegistryImportReport, StatusChange,
};
use pingan_domain::Capability;
use pingan_domain::time::{format_count, format_minute};
use pingan_domain::video::{CameraCapability, Network, PlaceKind};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/video", get(board))
        .route("/video/channels", get(channels))
        .route("/video/channels/{id}", get(channel))
        .route("/video/devices", get(devices))
        .route("/video/devices/{id}", get(device))
        .route("/video/devices/{id}/query", axum::routing::post(query))
        .route(
            "/video/import",
            crate::router::with_uploads(
                get(import_form).post(import),
                crate::router::Upload::Sheet,
            ),
        )
        .route("/video/import/template", get(template))
}

/// `93.4%`.
fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// How long ago, the way an operator says it: `3 天 4 小时`, `25 分钟`.
fn for_how_long(since: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let Some(since) = since else {
        return "—".into();
    };
    let minutes = (chrono::Utc::now() - since).num_minutes().max(0);
    match (minutes / 1440, minutes % 1440 / 60, minutes % 60) {
        (0, 0, m) => format!("{m} 分钟"),
        (0, h, _) => format!("{h} 小时"),
        (d, h, _) => format!("{d} 天 {h} 小时"),
    }
}

fn minute(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(format_minute).unwrap_or_else(|| "—".into())
}

/// A rate as the board shows it.
struct RateRow {
    r: OnlineRate,
    percent: String,
    channels: String,
    online: String,
    /// Where its cameras are listed.
    href: String,
}

fn rate_row(r: OnlineRate, href: String) -> RateRow {
    RateRow {
        percent: percent(r.rate),
        channels: format_count(r.channels.max(0).unsigned_abs()),
        online: format_count(r.online.max(0).unsigned_abs()),
        href,
        r,
    }
}

/// One day's bar of the history chart (an SVG: the page's CSP allows no inline styles).
struct DayBar {
    label: String,
    percent: String,
    /// Left edge and width in chart units (the chart is 600 × 120).
    x: f64,
    width: f64,
    /// Top edge and height: the rate stretched over 50–100 %.
    y: f64,
    height: f64,
    /// Whether to print the date under it (every fifth day and the last).
    labelled: bool,
}

const CHART_WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 120.0;

fn day_bars(days: &[DailyRate]) -> Vec<DayBar> {
    let n = days.len().max(1) as f64;
    let slot = CHART_WIDTH / n;
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            let height = ((d.rate - 0.5) * 2.0).clamp(0.02, 1.0) * CHART_HEIGHT;
            DayBar {
                label: d.date.format("%m-%d").to_string(),
                percent: percent(d.rate),
                x: (i as f64 * slot + slot * 0.1).round(),
                width: (slot * 0.8).max(1.0).round(),
                y: (CHART_HEIGHT - height).round(),
                height: height.round(),
                labelled: i % 5 == 0 || i + 1 == days.len(),
            }
        })
        .collect()
}

/// A camera as the lists show it.
struct ChannelRow {
    c: ChannelView,
    since: String,
    how_long: String,
}

fn channel_row(c: ChannelView) -> ChannelRow {
    ChannelRow {
        since: minute(c.since),
        how_long: for_how_long(c.since),
        c,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "video.html")]
struct BoardPage {
    shell: Shell,
    total: RateRow,
    offline_count: String,
    networks: Vec<RateRow>,
    units: Vec<RateRow>,
    places: Vec<RateRow>,
    days: Vec<DayBar>,
    offline: Vec<ChannelRow>,
}

#[derive(Deserialize)]
struct BoardQuery {
    org: Option<String>,
}

async fn board(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<BoardQuery>,
) -> Result<BoardPage, PageError> {
    let org = match q.org.as_deref().filter(|o| !o.trim().is_empty()) {
        Some(o) => pingan_domain::OrgCode::parse(o.trim())
            .map_err(|e| AppError::Invalid(format!("组织编码 {o} 无效：{e}")))?,
        None => page.user.org_code.clone(),
    };
    let report = state
        .app
        .video()
        .online_rate(&page.user, &org, Some(30))
        .await?;
    let (offline, offline_total) = state
        .app
        .video()
        .channel_list(
            &page.user,
            &ChannelQuery {
                status: Some("offline".into()),
                org: Some(org.as_str().into()),
                ..Default::default()
            },
        )
        .await?;
    let enc = pingan_domain::text::percent_encode;
    Ok(BoardPage {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        offline_count: format_count(offline_total.max(0).unsigned_abs()),
        networks: report
            .networks
            .into_iter()
            .map(|n| {
                let href = format!(
                    "/video/channels?org={}&network={}",
                    org.as_str(),
                    enc(n.code.as_deref().unwrap_or_default())
                );
                rate_row(n, href)
            })
            .collect(),
        units: report
            .units
            .into_iter()
            .map(|u| {
                let href = match &u.code {
                    Some(code) => format!("/video?org={code}"),
                    None => format!("/video/channels?org={}", org.as_str()),
                };
                rate_row(u, href)
            })
            .collect(),
        places: report
            .places
            .into_iter()
            .map(|p| {
                let href = format!(
                    "/video/channels?org={}&place={}",
                    org.as_str(),
                    enc(p.code.as_deref().unwrap_or_default())
                );
                rate_row(p, href)
            })
            .collect(),
        days: day_bars(&report.history),
        total: rate_row(
            report.total,
            format!("/video/channels?org={}", org.as_str()),
        ),
        offline: offline.into_iter().take(20).map(channel_row).collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "video_channels.html")]
struct ChannelsPage {
    shell: Shell,
    rows: Vec<ChannelRow>,
    total: String,
    q: ChannelQuery,
    networks: Vec<(&'static str, &'static str)>,
    capabilities: Vec<(&'static str, &'static str)>,
    places: Vec<(&'static str, &'static str)>,
    prev: Option<String>,
    next: Option<String>,
}

async fn channels(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ChannelQuery>,
) -> Result<ChannelsPage, PageError> {
    let (rows, total) = state.app.video().channel_list(&page.user, &q).await?;
    let (prev, next) = pager(total, q.page.unwrap_or(1), PAGE_ROWS, |p| {
        page_href(
            "/video/channels",
            &[
                ("status", q.status.as_deref()),
                ("network", q.network.as_deref()),
                ("org", q.org.as_deref()),
                ("capability", q.capability.as_deref()),
                ("place", q.place.as_deref()),
                ("device", q.device.as_deref()),
                ("q", q.q.as_deref()),
            ],
            p,
        )
    });
    Ok(ChannelsPage {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        rows: rows.into_iter().map(channel_row).collect(),
        total: format_count(total.max(0).unsigned_abs()),
        networks: options(Network::ALL, Network::code, Network::label),
        capabilities: options(
            CameraCapability::ALL,
            CameraCapability::code,
            CameraCapability::label,
        ),
        places: options(PlaceKind::ALL, PlaceKind::code, PlaceKind::label),
        q,
        prev,
        next,
    })
}

/// A device as the lists show it.
struct DeviceRow {
    d: DeviceView,
    last_heard: String,
    since: String,
}

fn device_row(d: DeviceView) -> DeviceRow {
    DeviceRow {
        last_heard: minute(d.last_heard_at),
        since: if d.online {
            "—".into()
        } else {
            for_how_long(Some(d.updated_at))
        },
        d,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "video_devices.html")]
struct DevicesPage {
    shell: Shell,
    rows: Vec<DeviceRow>,
    total: String,
    q: DeviceQuery,
    networks: Vec<(&'static str, &'static str)>,
    prev: Option<String>,
    next: Option<String>,
    can_import: bool,
}

async fn devices(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<DeviceQuery>,
) -> Result<DevicesPage, PageError> {
    let (rows, total) = state.app.video().device_list(&page.user, &q).await?;
    let (prev, next) = pager(total, q.page.unwrap_or(1), PAGE_ROWS, |p| {
        page_href(
            "/video/devices",
            &[
                ("status", q.status.as_deref()),
                ("network", q.network.as_deref()),
                ("org", q.org.as_deref()),
                ("q", q.q.as_deref()),
            ],
            p,
        )
    });
    Ok(DevicesPage {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        rows: rows.into_iter().map(device_row).collect(),
        total: format_count(total.max(0).unsigned_abs()),
        networks: options(Network::ALL, Network::code, Network::label),
        can_import: page.user.can(Capability::ManageVideo),
        q,
        prev,
        next,
    })
}

/// A change of the history as the pages show it.
struct HistoryRow {
    at: String,
    h: StatusChange,
}

fn history(h: Vec<StatusChange>) -> Vec<HistoryRow> {
    h.into_iter()
        .map(|h| HistoryRow {
            at: format_minute(h.at),
            h,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "video_device.html")]
struct DevicePageView {
    shell: Shell,
    d: DeviceRow,
    registered_until: String,
    /// The last DeviceStatus answer in words, and when it came.
    status_report: Option<(String, String)>,
    can_query: bool,
    notice: Option<String>,
    error: Option<String>,
    channels: Vec<ChannelRow>,
    history: Vec<HistoryRow>,
}

async fn device(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<String>,
    Query(q): Query<DeviceNotice>,
) -> Result<DevicePageView, PageError> {
    let notice = q
        .sent
        .as_deref()
        .map(|what| format!("已向设备发送{what}查询，设备应答后刷新本页即可看到结果。"));
    render_device(&state, &page, &id, notice, None).await
}

#[derive(Deserialize)]
struct DeviceNotice {
    sent: Option<String>,
}

async fn render_device(
    state: &AppState,
    page: &PageUser,
    id: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<DevicePageView, PageError> {
    let DevicePage {
        device,
        channels,
        history: changes,
    } = state.app.video().device_page(&page.user, id).await?;
    let status_report = state
        .app
        .video()
        .device_status_report(id)
        .await?
        .map(|r| (r.summary(), format_minute(r.at)));
    Ok(DevicePageView {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        registered_until: minute(device.registered_until),
        d: device_row(device),
        status_report,
        can_query: page.user.can(Capability::ManageVideo),
        notice,
        error,
        channels: channels.into_iter().map(channel_row).collect(),
        history: history(changes),
    })
}

#[derive(Deserialize)]
struct QueryForm {
    query: String,
}

/// Sends the device a query; back to its page with a notice, or the refusal on the page.
async fn query(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<QueryForm>,
) -> Result<Response, PageError> {
    use axum::response::IntoResponse;
    match state
        .app
        .video()
        .query_device(&page.user, &id, &f.query)
        .await
    {
        Ok(()) => {
            let what = match f.query.as_str() {
                "catalog" => "目录",
                "device_info" => "设备信息",
                _ => "设备状态",
            };
            let to = format!(
                "/video/devices/{}?sent={}",
                pingan_domain::text::percent_encode(&id),
                pingan_domain::text::percent_encode(what)
            );
            Ok(axum::response::Redirect::to(&to).into_response())
        }
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            let view = render_device(&state, &page, &id, None, Some(msg)).await?;
            Ok((status, view).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "video_channel.html")]
struct ChannelPage {
    shell: Shell,
    c: ChannelRow,
    /// The external media service's page for it, if one is configured.
    play: Option<String>,
    history: Vec<HistoryRow>,
}

async fn channel(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<String>,
) -> Result<ChannelPage, PageError> {
    let (c, changes) = state.app.video().channel_page(&page.user, &id).await?;
    let play = state
        .app
        .config()
        .video_url
        .as_ref()
        .map(|t| t.replace("{id}", &pingan_domain::text::percent_encode(&c.channel_id)));
    Ok(ChannelPage {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        c: channel_row(c),
        play,
        history: history(changes),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "video_import.html")]
struct ImportPage {
    shell: Shell,
    report: Option<RegistryImportReport>,
    error: Option<String>,
}

async fn import_form(
    State(state): State<AppState>,
    page: PageUser,
) -> Result<ImportPage, PageError> {
    if !page.user.can(Capability::ManageVideo) {
        return Err(
            AppError::Forbidden(format!("{}无权导入视频资源台账", page.user.role_label)).into(),
        );
    }
    Ok(ImportPage {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        report: None,
        error: None,
    })
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
                .video()
                .import_video_registry(&page.actor(), &file.bytes)
                .await
        }
    };
    let (status, report, error) = match outcome {
        Ok(r) => (StatusCode::OK, Some(r), None),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            (status, None, Some(msg))
        }
    };
    let view = ImportPage {
        shell: Shell::new(&state.app, &page.user, "/video").await?,
        report,
        error,
    };
    Ok((status, view).into_response())
}

async fn template(page: PageUser) -> Result<Response, PageError> {
    if !page.user.can(Capability::ManageVideo) {
        return Err(
            AppError::Forbidden(format!("{}无权导入视频资源台账", page.user.role_label)).into(),
        );
    }
    let bytes = pingan_app::video_sheets::registry_template()?;
    Ok(crate::xlsx::download(
        bytes,
        "video-registry-template.xlsx",
        "视频资源台账模板.xlsx",
    ))
}
