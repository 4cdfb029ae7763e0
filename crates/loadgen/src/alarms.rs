//! 报警推送时延 — alarm points sending signed alarms at a steady rate while a hub page's stream is
//! open: the time from a device starting its HTTP call to the alarm arriving on the stream.

use crate::{Percentiles, Target, field, pick, read_stream};
use anyhow::{Result, anyhow, bail};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, mpsc};

/// What an alarm run did.
#[derive(Debug, Clone)]
pub struct AlarmReport {
    pub sent: usize,
    /// Alarms the server took (201).
    pub accepted: usize,
    /// Accepted alarms that reached the stream.
    pub arrived: usize,
    pub rate: f64,
    pub latency: Percentiles,
}

/// Registers `points` alarm points, holds one stream open, sends signed alarms at `rate` per
/// second for `seconds` and measures each from its call's start to its arrival.
pub async fn alarm_latency(
    target: &Target,
    points: usize,
    rate: u32,
    seconds: u64,
    run_id: &str,
) -> Result<AlarmReport> {
    let grid_points = target.grid_points().await?;
    let mut devices = Vec::new();
    for n in 0..points.max(1) {
        let (lon, lat) = pick(&grid_points, n);
        let res = target
            .client
            .post(format!("{}/api/v1/alarm-points", target.base_url))
            .bearer_auth(&target.token)
            .json(
                &json!({"code": format!("LG-{run_id}-{n:04}"), "name": format!("压测报警点 {n}"),
                          "kind": "pillar", "lat": lat, "lon": lon}),
            )
            .send()
            .await?;
        let status = res.status();
        let body: Value = res.json().await?;
        if status != 201 {
            bail!("登记报警点失败：{status} {body}");
        }
        let id = field(field(&body, "point"), "id")
            .as_i64()
            .ok_or_else(|| anyhow!("登记应答没有 id"))?;
        let key = field(&body, "key")
            .as_str()
            .and_then(pingan_crypto::hex32)
            .ok_or_else(|| anyhow!("登记应答没有 64 位十六进制的 key"))?;
        devices.push((id, key));
    }
    let stream = target
        .client
        .get(format!("{}/api/v1/stream", target.base_url))
        .bearer_auth(&target.token)
        .send()
        .await?
        .error_for_status()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<(i64, Instant)>();
    let reader = tokio::spawn(read_stream(stream, tx, |v| !field(v, "alarm").is_null()));
    tokio::time::sleep(Duration::from_millis(500)).await;

    let started: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let mut calls = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let total = usize::try_from(u64::from(rate) * seconds)?;
    let begun = Instant::now();
    for (n, &(id, key)) in devices.iter().cycle().take(total).enumerate() {
        tick.tick().await;
        let client = target.client.clone();
        let base = target.base_url.clone();
        let started = started.clone();
        calls.push(tokio::spawn(async move {
            let path = format!("/api/v1/alarm-points/{id}/alarms");
            let body = r#"{"signal":"button"}"#;
            let ts = chrono::Utc::now().timestamp().to_string();
            let nonce = format!("{n:016}");
            let message =
                pingan_domain::alarm::signed_message(&ts, &nonce, "POST", &path, body.as_bytes());
            let at = Instant::now();
            let res = client
                .post(format!("{base}{path}"))
                .header("x-pingan-timestamp", ts)
                .header("x-pingan-nonce", nonce)
                .header(
                    "x-pingan-signature",
                    pingan_crypto::hmac_sm3_hex(&key, &message),
                )
                .body(body)
                .send()
                .await
                .ok()?;
            if res.status() != 201 {
                return None;
            }
            let v: Value = res.json().await.ok()?;
            let event = field(&v, "event_id").as_i64()?;
            started.lock().await.insert(event, at);
            Some(event)
        }));
    }
    let mut accepted = 0;
    for c in calls {
        if c.await.ok().flatten().is_some() {
            accepted += 1;
        }
    }
    let elapsed = begun.elapsed().as_secs_f64();
    let mut arrivals: HashMap<i64, Instant> = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while arrivals.len() < accepted {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some((event, at))) => {
                arrivals.entry(event).or_insert(at);
            }
            Ok(None) | Err(_) => break,
        }
    }
    reader.abort();
    let started = started.lock().await;
    let samples: Vec<Duration> = arrivals
        .iter()
        .filter_map(|(event, at)| Some(at.saturating_duration_since(*started.get(event)?)))
        .collect();
    Ok(AlarmReport {
        sent: total,
        accepted,
        arrived: samples.len(),
        rate: total as f64 / elapsed.max(f64::EPSILON),
        latency: Percentiles::of(samples),
    })
}
