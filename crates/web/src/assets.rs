//! Static files compiled into the binary: our stylesheet and scripts and the vendored libraries.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/{*path}", get(asset))
        .route("/sw.js", get(service_worker))
}

/// The service worker, served from the root so that it may look after every page; never cached,
/// so that a new version reaches the phones.
async fn service_worker() -> Response {
    match Assets::get("js/sw.js") {
        Some(file) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            file.data,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "未找到该文件").into_response(),
    }
}

async fn asset(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, file.metadata.mimetype().to_owned()),
                (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
            ],
            file.data,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "未找到该文件").into_response(),
    }
}

/// The licence texts of the vendored libraries, as `(file name, text)`.
pub fn licenses() -> Vec<(String, String)> {
    Assets::iter()
        .filter(|p| p.starts_with("vendor/LICENSES/"))
        .filter_map(|p| {
            let text = String::from_utf8_lossy(&Assets::get(&p)?.data).into_owned();
            let name = p
                .trim_start_matches("vendor/LICENSES/")
                .trim_end_matches(".txt")
                .to_owned();
            Some((name, text))
        })
        .collect()
}
