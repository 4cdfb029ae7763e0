//! The one place where routes are merged and the layers added.

use crate::{AppState, api, assets, pages};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body the extractors accept; the photo uploads raise it on their own routes
/// (see [`upload_limit`]).
const BODY_LIMIT: usize = 1024 * 1024;

/// Largest body of a photo upload: nine photos at the largest size, and the form around them.
pub(crate) const UPLOAD_LIMIT: usize = 9 * pingan_app::MAX_PHOTO_BYTES + 64 * 1024;

/// The layer that lets one route take uploads (photos, spreadsheets).
pub(crate) fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(UPLOAD_LIMIT)
}

/// The whole application: API, pages and assets behind the shared layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(assets::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn(refuse_large_bodies))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Whether a route takes photo or spreadsheet uploads (and so the larger body limit).
fn takes_uploads(path: &str) -> bool {
    path == "/report" || path.ends_with("/photos") || path.ends_with("/import")
}

/// Answers 413 at once when the declared body is larger than the route takes (bodies without a
/// declared length are cut by the extractors' own limit).
async fn refuse_large_bodies(req: Request, next: Next) -> Response {
    let limit = if takes_uploads(req.uri().path()) {
        UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let msg = format!("请求体过大：此处最多接受 {} KB", limit / 1024);
        return crate::error::ApiError(pingan_app::AppError::TooLarge(msg)).into_response();
    }
    next.run(req).await
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
    res
}

#[cfg(test)]
mod tests {
    use super::*;

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
