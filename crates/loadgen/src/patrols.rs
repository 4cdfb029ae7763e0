//! 巡防轨迹上传 — many patrollers' phones each sending a position every few seconds: the rate the
//! hub takes them at, each batch's time, the server's CPU while it does (from /proc), and then the
//! month's coverage of the district as the hub's page asks for it.

use crate::{Percentiles, Target, field, pick};
use anyhow::{Result, anyhow, bail};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// What a patrol run did.
#[derive(Debug, Clone)]
pub struct PatrolReport {
    pub sent: usize,
    /// Batches the hub took (200).
    pub accepted: usize,
    /// Batches per second sent.
    pub rate: f64,
    pub latency: Percentiles,
    /// The server's CPU over the run, in percent of one core (with `--server-pid`).
    pub server_cpu: Option<f64>,
    /// The district's coverage for the month, as the page asks for it.
    pub coverage: Percentiles,
}

/// A patrol run's shape.
#[derive(Debug, Clone, Copy)]
pub struct PatrolLoad {
    pub patrollers: usize,
    /// Seconds between one phone's positions.
    pub interval: u64,
    pub seconds: u64,
    /// Key roads to lay out over the district's grids.
    pub segments: usize,
    pub server_pid: Option<u32>,
}

/// Lays out a team and key roads as `admin` (a district commander), starts `load.patrollers`
/// patrols as `patroller` (a member account), sends one position per patrol every
/// `load.interval` seconds for `load.seconds`, then times the month's coverage.
pub async fn patrol_load(
    admin: &Target,
    patroller: &Target,
    patroller_name: &str,
    load: PatrolLoad,
    run_id: &str,
) -> Result<PatrolReport> {
    let points = admin.grid_points().await?;
    let team = admin
        .post_json(
            "/api/v1/patrol-teams",
            &json!({"name": format!("压测巡防队{run_id}"), "level": "district", "kind": "patrol_team",
                    "headcount": load.patrollers.clamp(1, 500), "members": [patroller_name]}),
        )
        .await?;
    let team = field(&team, "id")
        .as_i64()
        .ok_or_else(|| anyhow!("登记队伍应答没有 id"))?;
    for n in 0..load.segments {
        let (lon, lat) = pick(&points, n);
        admin
            .post_json(
                "/api/v1/key-segments",
                &json!({"name": format!("压测路段{run_id}-{n}"), "kind": "road",
                        "points": [[lon, lat], [lon + 0.003, lat]], "windows": "00:00-23:59"}),
            )
            .await?;
    }
    let mut patrols = Vec::with_capacity(load.patrollers);
    for n in 0..load.patrollers {
        let p = patroller
            .post_json(
                "/api/v1/patrols",
                &json!({"client_id": format!("lg-{run_id}-{n:05}"), "team_id": team}),
            )
            .await?;
        let id = field(&p, "id")
            .as_i64()
            .ok_or_else(|| anyhow!("开始巡逻应答没有 id"))?;
        patrols.push((id, pick(&points, n)));
    }

    let cpu_before = load.server_pid.map(cpu_ticks).transpose()?;
    let rate = load.patrollers as f64 / load.interval.max(1) as f64;
    let total = (rate * load.seconds as f64).round() as usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.001)));
    let begun = Instant::now();
    let mut calls = Vec::with_capacity(total);
    for n in 0..total {
        tick.tick().await;
        let Some(&(id, (lon, lat))) = patrols.get(n % patrols.len().max(1)) else {
            break;
        };
        let step = (n / patrols.len()) as f64;
        let body = json!({"client_id": format!("lb-{run_id}-{n:08}"), "positions": [{
            "at": chrono::Utc::now(), "lon": lon + step * 0.0001, "lat": lat}]});
        let (client, url, token) = (
            patroller.client.clone(),
            format!("{}/api/v1/patrols/{id}/positions", patroller.base_url),
            patroller.token.clone(),
        );
        calls.push(tokio::spawn(async move {
            let at = Instant::now();
            let res = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .ok()?;
            (res.status() == 200).then(|| at.elapsed())
        }));
    }
    let mut samples = Vec::with_capacity(total);
    for c in calls {
        if let Ok(Some(d)) = c.await {
            samples.push(d);
        }
    }
    let elapsed = begun.elapsed().as_secs_f64();
    let server_cpu = match (load.server_pid, cpu_before) {
        (Some(pid), Some(before)) => {
            let used = cpu_ticks(pid)? - before;
            // Clock ticks are 1/100 s on Linux.
            Some(used as f64 / 100.0 / elapsed * 100.0)
        }
        _ => None,
    };
    let today = chrono::Utc::now()
        .with_timezone(&pingan_domain::time::shanghai())
        .date_naive();
    let first = today.format("%Y-%m-01");
    let mut coverage = Vec::new();
    for _ in 0..20 {
        let at = Instant::now();
        admin
            .get_json(&format!("/api/v1/patrols/coverage?from={first}&to={today}"))
            .await?;
        coverage.push(at.elapsed());
    }
    Ok(PatrolReport {
        sent: total,
        accepted: samples.len(),
        rate: total as f64 / elapsed.max(f64::EPSILON),
        latency: Percentiles::of(samples),
        server_cpu,
        coverage: Percentiles::of(coverage),
    })
}

/// The CPU a process has used so far, in clock ticks (user + system, /proc/<pid>/stat).
fn cpu_ticks(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| anyhow!("/proc/{pid}/stat 读不懂"))?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let (Some(user), Some(system)) = (fields.get(11), fields.get(12)) else {
        bail!("/proc/{pid}/stat 读不懂");
    };
    Ok(user.parse::<u64>()? + system.parse::<u64>()?)
}

impl Target {
    /// POSTs JSON to a path of the API and reads its answer, which must be a success.
    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value> {
        let res = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .json(body)
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
}
