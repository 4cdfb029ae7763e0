//! Pingan's web edge: the JSON API under `/api/v1`, the Chinese pages, and the assets they need,
//! all served from the binary. Handlers extract, call one app service and render; they never touch
//! the store.

mod api;
mod assets;
mod auth;
mod error;
mod extract;
mod metrics;
mod multipart;
mod open311;
mod pages;
mod router;
mod xlsx;

pub use router::router;

use pingan_app::App;
use std::future::Future;
use tokio::net::TcpListener;

/// The state every handler sees.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    /// The Content-Security-Policy header, fixed at start from the configuration.
    csp: String,
    /// Request counts and latencies by route, for `/metrics`.
    metrics: std::sync::Arc<metrics::RequestMetrics>,
}

impl AppState {
    pub fn new(app: App) -> Self {
        let csp = router::content_security_policy(app.config().tile_url.as_deref());
        Self {
            app,
            csp,
            metrics: std::sync::Arc::default(),
        }
    }
}

/// Serves the hub on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router(AppState::new(app));
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
