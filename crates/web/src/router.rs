//! The one place where routes are merged and the layers added.

use crate::{AppState, api, assets, metrics, pages};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body of a route that takes no uploads (JSON bodies and forms).
const BODY_LIMIT: usize = 1024 * 1024;

/// What a route takes in its body besides JSON and forms, and so its own body limit. Each route
/// that takes uploads declares it where it is routed ([`with_uploads`]); nothing is decided by
/// matching paths.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Upload {
    /// Photos with a form: nine at the largest size, and the form around them.
    Photos,
    /// One spreadsheet (.xlsx) with its form fields.
    Sheet,
}

impl Upload {
    pub(crate) const fn limit(self) -> usize {
        match self {
            Upload::Photos => 9 * pingan_app::MAX_PHOTO_BYTES + 64 * 1024,
            Upload::Sheet => pingan_app::sheet::MAX_SHEET_BYTES + 64 * 1024,
        }
    }
}

/// The largest body any route takes.
const LARGEST_BODY: usize = if Upload::Photos.limit() > Upload::Sheet.limit() {
    Upload::Photos.limit()
} else {
    Upload::Sheet.limit()
};

/// `route` taking uploads of `kind`: its extractors read up to the kind's limit, and a body
/// declared larger is refused at once with 413 and the limit.
pub(crate) fn with_uploads(route: MethodRouter<AppState>, kind: Upload) -> MethodRouter<AppState> {
    let limit = kind.limit();
    route
        .layer::<_, std::convert::Infallible>(middleware::from_fn(
            move |req: Request, next: Next| refuse_declared_over(limit, req, next),
        ))
        .layer(DefaultBodyLimit::max(limit))
}

/// The whole application: API, pages and assets behind the shared layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(crate::open311::router())
        .merge(pages::router())
        .merge(assets::router())
        .route("/metrics", axum::routing::get(metrics::metrics))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn(|req: Request, next: Next| {
            refuse_declared_over(LARGEST_BODY, req, next)
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(LARGEST_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Answers 413 at once when the declared body is larger than `limit` (bodies without a declared
/// length are cut by the extractors' own limit).
async fn refuse_declared_over(limit: usize, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let msg = if limit >= 1024 * 1024 {
            format!("请求体过大：此处最多接受 {} MB", limit / 1024 / 1024)
        } else {
            format!("请求体过大：此处最多接受 {} KB", limit / 1024)
        };
        return crate::error::ApiError(pingan_app::AppError::TooLarge(msg)).into_response();
    }
    next.run(req).await
}

/// Refuses a state-changing request sent by another site's page (login CSRF and the like): its
/// `Origin` names another host, or the browser says `Sec-Fetch-Site: cross-site`. Requests that
/// carry neither (scripts, the phone's background sync) are left to the session's SameSite cookie
/// and the API's bearer token.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if !req.method().is_safe() && is_cross_site(req.headers()) {
        let msg = "请求来自其他网站，已拒绝：请在本系统的页面上操作".to_owned();
        return crate::error::ApiError(pingan_app::AppError::Forbidden(msg)).into_response();
    }
    next.run(req).await
}

/// Whether the browser says the request comes from a page of another site.
fn is_cross_site(headers: &axum::http::HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = text("origin") {
        let host = text("x-forwarded-host")
            .or(text("host"))
            .unwrap_or_default();
        let authority = origin.split_once("://").map(|(_, a)| a);
        return authority.is_none_or(|a| !a.eq_ignore_ascii_case(host));
    }
    text("sec-fetch-site").is_some_and(|s| s == "cross-site")
}

/// The CSP: scripts, styles and data only from this server (no inline scripts), images also from
/// the configured tile server.
pub(crate) fn content_security_policy(tile_url: Option<&str>) -> String {
    let tile_origin = tile_url
        .and_then(|u| {
            let (scheme, rest) = u.split_once("://")?;
            let host = rest.split('/').next()?;
            Some(format!(" {scheme}://{}", host.replace(['{', '}'], "")))
        })
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tile_origin}; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )
}

async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&state.csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Pages, answers and exports carry personal data: kept by no cache (a shared office
    // computer's, a proxy's) unless a route said otherwise (assets, photos).
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_from_other_sites_are_told_apart() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut h = axum::http::HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_str(v).unwrap());
            }
            h
        };
        assert!(!is_cross_site(&headers(&[("host", "hub:8080")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "hub:8080"),
            ("origin", "http://hub:8080")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "hub:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "hub"),
            ("origin", "null")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "hub"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("host", "hub"),
            ("sec-fetch-site", "same-origin")
        ])));
    }

    #[test]
    fn csp_allows_only_self_and_the_tile_server() {
        let plain = content_security_policy(None);
        assert!(plain.contains("script-src 'self';"));
        assert!(!plain.contains("unsafe-inline"));
        let tiles = content_security_policy(Some("https://tiles.gov.example/{z}/{x}/{y}.png"));
        assert!(
            tiles.contains("img-src 'self' data: https://tiles.gov.example;"),
            "{tiles}"
        );
    }
}
