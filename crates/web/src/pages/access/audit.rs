//! 审计日志 — the audit administrator's page: search, export and the integrity check.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::Query;
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, TimeZone, Utc};
use pingan_app::{AppError, AuditFilter, AuditVerdict, AuditView};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(search))
        .route("/audit/export.csv", get(export))
        .route("/audit/verify", post(verify))
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    q: SearchQuery,
    rows: Vec<(AuditView, String)>,
    verdict: Option<String>,
    export_query: String,
}

/// The search form, as typed.
#[derive(Deserialize, Default, Clone)]
struct SearchQuery {
    #[serde(default)]
    username: String,
    #[serde(default)]
    action: String,
    /// `YYYY-MM-DD`, Beijing time, inclusive.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl SearchQuery {
    fn filter(&self) -> Result<AuditFilter, AppError> {
        let day = |s: &str, name: &str| -> Result<Option<NaiveDate>, AppError> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::Invalid(format!("{name}应为 年-月-日，如 2026-11-27")))
        };
        let start_of = |d: NaiveDate| {
            let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
            pingan_domain::time::shanghai()
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc))
        };
        if self.username.chars().count() > 64 || self.action.chars().count() > 64 {
            return Err(AppError::Invalid(
                "用户和操作的查询条件各不能超过 64 个字".into(),
            ));
        }
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(AuditFilter {
            username: text(&self.username),
            action_prefix: text(&self.action),
            from: day(&self.from, "开始日期")?.and_then(start_of),
            to: day(&self.to, "结束日期")?
                .and_then(|d| d.succ_opt())
                .and_then(start_of),
        })
    }

    fn as_query(&self) -> String {
        let enc = pingan_domain::text::percent_encode;
        format!(
            "username={}&action={}&from={}&to={}",
            enc(&self.username),
            enc(&self.action),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

const SHOWN: i64 = 200;

async fn search(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<AuditPage, PageError> {
    render(&state, &page, q, None).await
}

async fn render(
    state: &AppState,
    page: &PageUser,
    q: SearchQuery,
    verdict: Option<String>,
) -> Result<AuditPage, PageError> {
    let rows = state
        .app
        .access()
        .search_audit(&page.actor(), &q.filter()?, SHOWN)
        .await?;
    Ok(AuditPage {
        shell: Shell::new(&state.app, &page.user, "/audit").await?,
        rows: rows
            .into_iter()
            .map(|r| {
                let at = pingan_domain::time::format_minute(r.event.at);
                (r, at)
            })
            .collect(),
        export_query: q.as_query(),
        q,
        verdict,
    })
}

async fn export(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let csv = state
        .app
        .access()
        .export_audit_csv(&page.actor(), &q.filter()?)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pingan-audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

async fn verify(State(state): State<AppState>, page: PageUser) -> Result<AuditPage, PageError> {
    let verdict = match state.app.access().verify_audit(&page.actor()).await? {
        AuditVerdict::Intact { records, .. } => {
            format!("审计日志完整：共 {records} 条记录，逐条校验通过。")
        }
        AuditVerdict::Broken { id, reason } => format!("审计日志在第 {id} 条记录处断裂：{reason}"),
    };
    render(&state, &page, SearchQuery::default(), Some(verdict)).await
}
