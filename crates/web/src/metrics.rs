//! `GET /metrics` — Prometheus metrics of this instance: request latency and count by route,
//! the intake queue, registered GB/T 28181 devices, the deadline sweeper's last round and the
//! database pool. Served only to this machine and the addresses in `metrics_allow` (a scraper
//! reaching it through the reverse proxy is a remote client and is refused).

use crate::AppState;
use crate::auth::ClientAddr;
use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pingan_app::{AppError, RuntimeGauges};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

/// The upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Requests of one route and method.
#[derive(Debug, Default)]
struct RouteStats {
    /// Requests by status code.
    by_status: BTreeMap<u16, u64>,
    /// Requests at or under each bucket's bound (not yet cumulated).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    seconds: f64,
}

/// Every route's request counts and latencies since start.
#[derive(Debug, Default)]
pub(crate) struct RequestMetrics(Mutex<BTreeMap<(String, String), RouteStats>>);

impl RequestMetrics {
    fn record(&self, route: String, method: String, status: u16, seconds: f64) {
        let Ok(mut all) = self.0.lock() else {
            return;
        };
        let stats = all.entry((route, method)).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        if let Some(n) = BUCKETS
            .iter()
            .position(|&b| seconds <= b)
            .and_then(|i| stats.buckets.get_mut(i))
        {
            *n += 1;
        }
        stats.count += 1;
        stats.seconds += seconds;
    }

    fn write(&self, out: &mut String) {
        let Ok(all) = self.0.lock() else {
            return;
        };
        out.push_str("# HELP pingan_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.push_str("# TYPE pingan_http_requests_total counter\n");
        for ((route, method), stats) in all.iter() {
            for (status, n) in &stats.by_status {
                let _ = writeln!(
                    out,
                    "pingan_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str("# HELP pingan_http_request_duration_seconds Time to answer an HTTP request, by route and method.\n");
        out.push_str("# TYPE pingan_http_request_duration_seconds histogram\n");
        for ((route, method), stats) in all.iter() {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            let mut cumulated = 0;
            for (bound, n) in BUCKETS.iter().zip(stats.buckets) {
                cumulated += n;
                let _ = writeln!(
                    out,
                    "pingan_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulated}"
                );
            }
            let _ = writeln!(
                out,
                "pingan_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "pingan_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.seconds
            );
            let _ = writeln!(
                out,
                "pingan_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count
            );
        }
    }
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Times each request under its route's template (`/api/v1/events/{id}`), never its path, so
/// that ids and probing add no series (`unmatched` where no template is known).
pub(crate) async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    state.metrics.record(
        route,
        method,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// This instance's gauges, each with its help text; the sweeper's only once it has run.
fn write_gauges(out: &mut String, g: &RuntimeGauges) {
    let gauges: [(&str, &str, Option<String>); 8] = [
        (
            "pingan_intake_queue_depth",
            "Event intakes waiting for the writer.",
            Some(g.intake_queued.to_string()),
        ),
        (
            "pingan_intake_queue_capacity",
            "Event intakes the queue holds before intake waits.",
            Some(g.intake_capacity.to_string()),
        ),
        (
            "pingan_sip_devices_registered",
            "GB/T 28181 devices registered and online.",
            Some(g.devices_online.to_string()),
        ),
        (
            "pingan_sip_devices_known",
            "GB/T 28181 devices ever registered.",
            Some(g.devices_known.to_string()),
        ),
        (
            "pingan_sweeper_lag_seconds",
            "Seconds since this instance's deadline sweeper last finished a round.",
            g.sweep_age_seconds.map(|s| s.to_string()),
        ),
        (
            "pingan_db_pool_connections",
            "Database connections open.",
            Some(g.pool.open.to_string()),
        ),
        (
            "pingan_db_pool_idle",
            "Database connections open and idle.",
            Some(g.pool.idle.to_string()),
        ),
        (
            "pingan_db_pool_max",
            "The most database connections the pool opens.",
            Some(g.pool.max.to_string()),
        ),
    ];
    for (name, help, value) in gauges {
        if let Some(value) = value {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
    }
}

/// The metrics in Prometheus' text format.
pub(crate) async fn metrics(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
) -> Result<Response, ApiError> {
    let allowed = client
        .and_then(|a| a.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback() || state.app.config().metrics_allow.contains(&ip));
    if !allowed {
        return Err(ApiError(AppError::Forbidden(
            "运行指标只对本机和配置项 metrics_allow 中的地址开放".into(),
        )));
    }
    let mut out = String::new();
    state.metrics.write(&mut out);
    write_gauges(&mut out, &state.app.runtime_gauges().await?);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}
