//! 压力测试 — Pingan's own load generator, run against a real server over HTTP:
//!
//! - [`intake`]: workers post events as fast as the server answers for a while; the answer counts
//!   the acknowledged intakes (2xx), their rate and latency percentiles, and lists the
//!   acknowledged client ids;
//! - [`push_latency`]: many clients hold `/api/v1/stream` open while events are posted one by one;
//!   the answer is the time from sending an intake to its arrival at each client;
//! - [`verify`]: posts every acknowledged intake again: a durable one answers 200 (already there),
//!   a lost one 201;
//! - [`trigger_cost`]: the cost of keeping the case totals per case written, in the same run;
//! - [`alarm_latency`]: alarm points send signed alarms at a steady rate; the answer is the time
//!   from a device's call to the alarm's arrival on a hub page's stream.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, mpsc};

mod alarms;
mod lists;
mod patrols;
mod raw;
mod totals;
pub use alarms::{AlarmReport, alarm_latency};
pub use lists::{ListTiming, district_lists, list_latency};
pub use patrols::{PatrolLoad, PatrolReport, patrol_load};
pub use raw::{RawReport, raw_sqlite};
pub use totals::{Round, trigger_cost};

/// A member of a JSON object, or null.
fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

/// The `n`-th point: the grids round robin, each point spread up to about 300 m around the
/// grid's label point (so reports are scattered as in life, not stacked on one spot).
fn pick(points: &[(f64, f64)], n: usize) -> (f64, f64) {
    let (lon, lat) = points
        .get(n % points.len().max(1))
        .copied()
        .unwrap_or_default();
    let spread = |salt: usize| ((n.wrapping_mul(salt) % 1000) as f64 / 1000.0 - 0.5) * 0.006;
    (lon + spread(7919), lat + spread(104_729))
}

/// A signed-in connection to a Pingan server.
#[derive(Debug, Clone)]
pub struct Target {
    pub base_url: String,
    pub token: String,
    client: reqwest::Client,
}

impl Target {
    /// Signs in with a username and password (the account's setup must be complete).
    pub async fn sign_in(base_url: &str, username: &str, password: &str) -> Result<Self> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .build()?;
        let res = client
            .post(format!("{base_url}/api/v1/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .with_context(|| format!("无法连接 {base_url}"))?;
        if !res.status().is_success() {
            bail!(
                "登录失败（{}）：{}",
                res.status(),
                res.text().await.unwrap_or_default()
            );
        }
        let body: Value = res.json().await?;
        let token = field(&body, "token")
            .as_str()
            .ok_or_else(|| anyhow!("登录应答没有 token"))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            client,
        })
    }

    /// GETs a path of the API and reads its JSON answer.
    pub async fn get_json(&self, path: &str) -> Result<Value> {
        let res = self
            .client
            .get(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = res.status();
        if !status.is_success() {
            bail!(
                "{path} 应答 {status}：{}",
                res.text().await.unwrap_or_default()
            );
        }
        Ok(res.json().await?)
    }

    /// The code of the first grid of the account's scope and of its township (9 digits).
    pub async fn first_grid(&self) -> Result<(String, String)> {
        let fc = self.get_json("/api/v1/grids").await?;
        let grid = field(&fc, "features")
            .get(0)
            .and_then(|f| field(field(f, "properties"), "code").as_str())
            .ok_or_else(|| anyhow!("此账号的范围内没有网格"))?;
        let township = grid.get(..9).unwrap_or(grid);
        Ok((township.to_owned(), grid.to_owned()))
    }

    /// The label points of the grids the account may report in.
    pub async fn grid_points(&self) -> Result<Vec<(f64, f64)>> {
        let fc: Value = self
            .client
            .get(format!("{}/api/v1/grids", self.base_url))
            .bearer_auth(&self.token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let points: Vec<(f64, f64)> = field(&fc, "features")
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| {
                        let l = field(field(f, "properties"), "label");
                        Some((l.get(0)?.as_f64()?, l.get(1)?.as_f64()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if points.is_empty() {
            bail!("此账号的范围内没有网格，无法上报");
        }
        Ok(points)
    }

    /// Posts one event; its HTTP status, or an error when the server did not answer.
    pub async fn post_event(
        &self,
        client_id: &str,
        point: (f64, f64),
        title: &str,
    ) -> Result<(u16, Value)> {
        let body = json!({
            "client_id": client_id, "channel": "grid_worker", "category": "ZZ02",
            "title": title, "description": "压力测试生成", "lon": point.0, "lat": point.1,
        });
        let res = self
            .client
            .post(format!("{}/api/v1/events", self.base_url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }
}

/// Latency percentiles of a run, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Self {
            p50: at(0.5),
            p95: at(0.95),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// What an intake run did.
#[derive(Debug, Clone)]
pub struct IntakeReport {
    /// Intakes answered 2xx.
    pub acknowledged: u64,
    /// Intakes answered otherwise, or not at all.
    pub failed: u64,
    pub elapsed: Duration,
    pub latency: Percentiles,
    /// The client ids of the acknowledged intakes (for [`verify`]).
    pub acked: Vec<String>,
}

impl IntakeReport {
    pub fn per_second(&self) -> f64 {
        self.acknowledged as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Posts events from `workers` concurrent clients for `duration` (or until `stop` fires).
pub async fn intake(
    target: &Target,
    workers: usize,
    duration: Duration,
    run_id: &str,
) -> Result<IntakeReport> {
    let points = Arc::new(target.grid_points().await?);
    let seq = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let results = Arc::new(Mutex::new((Vec::new(), Vec::new())));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (t, points, seq, failed, results) = (
            target.clone(),
            points.clone(),
            seq.clone(),
            failed.clone(),
            results.clone(),
        );
        let run_id = run_id.to_owned();
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut acked) = (Vec::new(), Vec::new());
            while start.elapsed() < duration {
                let n = seq.fetch_add(1, Ordering::Relaxed);
                let id = format!("lg-{run_id}-{n:09}");
                let point = pick(&points, n as usize);
                let sent = Instant::now();
                match t.post_event(&id, point, &format!("压力测试事件 {n}")).await {
                    Ok((s, _)) if (200..300).contains(&s) => {
                        lat.push(sent.elapsed());
                        acked.push(id);
                    }
                    Ok(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        // The server is gone (a crash test): do not spin.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
            let mut r = results.lock().await;
            r.0.extend(lat);
            r.1.extend(acked);
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = start.elapsed();
    let (lat, acked) = std::mem::take(&mut *results.lock().await);
    Ok(IntakeReport {
        acknowledged: acked.len() as u64,
        failed: failed.load(Ordering::Relaxed),
        elapsed,
        latency: Percentiles::of(lat),
        acked,
    })
}

/// What a durability check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub present: usize,
    /// Acknowledged intakes the server did not have.
    pub missing: Vec<String>,
}

/// Posts every acknowledged intake again and sorts them into present (200) and missing (201).
pub async fn verify(target: &Target, acked: &[String]) -> Result<VerifyReport> {
    let points = target.grid_points().await?;
    let mut report = VerifyReport {
        present: 0,
        missing: Vec::new(),
    };
    for (i, id) in acked.iter().enumerate() {
        let (status, _) = target
            .post_event(id, pick(&points, i), "压力测试事件")
            .await?;
        match status {
            200 => report.present += 1,
            201 => report.missing.push(id.clone()),
            other => bail!("核对 {id} 时服务器答复 {other}"),
        }
    }
    Ok(report)
}

/// Push latency to many stream clients.
#[derive(Debug, Clone)]
pub struct PushReport {
    pub clients: usize,
    pub events: usize,
    /// One sample per (event, client) that arrived.
    pub arrivals: usize,
    pub latency: Percentiles,
}

/// Opens `clients` streams, then posts `events` events one at a time and measures, for each
/// client, the time from sending the intake to the change arriving.
pub async fn push_latency(
    target: &Target,
    clients: usize,
    events: usize,
    run_id: &str,
) -> Result<PushReport> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(i64, Instant)>();
    let mut streams = Vec::new();
    for _ in 0..clients {
        let res = target
            .client
            .get(format!("{}/api/v1/stream", target.base_url))
            .bearer_auth(&target.token)
            .send()
            .await?
            .error_for_status()?;
        let tx = tx.clone();
        streams.push(tokio::spawn(read_stream(res, tx, |v| {
            field(v, "action") == "report"
        })));
    }
    // Let every subscription settle before the first event.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let points = target.grid_points().await?;
    let mut samples = Vec::new();
    let mut early: HashMap<i64, Vec<Instant>> = HashMap::new();
    for n in 0..events {
        let sent = Instant::now();
        let (status, body) = target
            .post_event(
                &format!("push-{run_id}-{n:06}"),
                pick(&points, n),
                "推送时延测试",
            )
            .await?;
        if status != 201 {
            bail!("上报失败：{status} {body}");
        }
        let id = field(&body, "id")
            .as_i64()
            .ok_or_else(|| anyhow!("上报应答没有 id"))?;
        let mut got: Vec<Instant> = early.remove(&id).unwrap_or_default();
        let deadline = Instant::now() + Duration::from_secs(10);
        while got.len() < clients {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, rx.recv()).await {
                Ok(Some((case, at))) if case == id => got.push(at),
                Ok(Some((case, at))) => early.entry(case).or_default().push(at),
                Ok(None) | Err(_) => break,
            }
        }
        samples.extend(got.iter().map(|at| at.saturating_duration_since(sent)));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for s in streams {
        s.abort();
    }
    Ok(PushReport {
        clients,
        events,
        arrivals: samples.len(),
        latency: Percentiles::of(samples),
    })
}

/// Reads one SSE stream and reports the case id of each change that `wanted` picks, with its
/// arrival time.
pub(crate) async fn read_stream(
    mut res: reqwest::Response,
    tx: mpsc::UnboundedSender<(i64, Instant)>,
    wanted: fn(&Value) -> bool,
) {
    let mut buf = String::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        let at = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            let data: String = frame
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            if let Ok(v) = serde_json::from_str::<Value>(&data)
                && wanted(&v)
                && let Some(id) = field(&v, "case_id").as_i64()
                && tx.send((id, at)).is_err()
            {
                return;
            }
        }
    }
}
