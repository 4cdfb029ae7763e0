//! `pingan-loadgen` — runs Pingan's load tests against a running server and prints the figures.

use anyhow::Result;
use clap::{Parser, Subcommand};
use pingan_loadgen::{
    PatrolLoad, Target, alarm_latency, district_lists, intake, list_latency, patrol_load,
    push_latency, raw_sqlite, trigger_cost, verify,
};
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "pingan-loadgen",
    about = "平安压力测试：事件上报吞吐、实时推送时延、已确认上报的持久性核对"
)]
struct Cli {
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An account whose first-login setup is complete (a grid worker, operator or commander).
    #[arg(long, default_value = "commander")]
    username: String,
    #[arg(long, env = "PINGAN_LOADGEN_PASSWORD")]
    password: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Posts events from many concurrent clients and prints the rate and latency.
    Intake {
        #[arg(long, default_value_t = 32)]
        workers: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Writes the acknowledged client ids to this file (for `verify`).
        #[arg(long)]
        acked: Option<std::path::PathBuf>,
        /// First runs the raw SQLite commit loop (`raw-sqlite`) for as long in this folder (on the
        /// server's disk) and prints the intake rate as a share of it.
        #[arg(long)]
        raw_baseline: Option<std::path::PathBuf>,
    },
    /// Commits single event-sized rows into a fresh SQLite file (WAL, synchronous = NORMAL) as
    /// fast as the engine allows: the baseline intake is measured against.
    RawSqlite {
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// The folder for the scratch database (deleted afterwards).
        #[arg(long, default_value = ".")]
        dir: std::path::PathBuf,
    },
    /// Writes intake-sized cases (case, event, timeline entry; one commit each) into a fresh
    /// database with Pingan's schema, alternating rounds with the kept totals' trigger and
    /// without it, and prints each round's rate and the ratio.
    TotalsCost {
        /// A fresh SQLite file (sqlite:///tmp/x.db) or an empty PostgreSQL database.
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 6)]
        rounds: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Cases per commit (the intake queue commits what has queued together).
        #[arg(long, default_value_t = 1)]
        batch: usize,
    },
    /// Holds many stream clients open and measures the time from intake to arrival.
    Push {
        #[arg(long, default_value_t = 500)]
        clients: usize,
        #[arg(long, default_value_t = 50)]
        events: usize,
    },
    /// Registers alarm points and sends signed alarms at a steady rate while a stream is open;
    /// prints the time from each device's call to the alarm's arrival (p50 / p99).
    Alarms {
        #[arg(long, default_value_t = 50)]
        points: usize,
        /// Alarms per second.
        #[arg(long, default_value_t = 200)]
        rate: u32,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Lays out a team and key roads, starts many patrols as a member account and sends one
    /// position per patrol every `interval` seconds; prints the rate, each batch's time, the
    /// server's CPU (with `--server-pid`) and the month's coverage of the district.
    Patrols {
        /// The member account that goes on patrol (a grid worker; same password unless set).
        #[arg(long)]
        patroller: String,
        #[arg(long, env = "PINGAN_LOADGEN_PATROLLER_PASSWORD")]
        patroller_password: Option<String>,
        #[arg(long, default_value_t = 2000)]
        patrollers: usize,
        #[arg(long, default_value_t = 10)]
        interval: u64,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long, default_value_t = 200)]
        segments: usize,
        /// The server's process id, to read its CPU from /proc.
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// Times every list a commander opens (first page and a deep page) and prints p50 / p95.
    Lists {
        /// Requests per page timed.
        #[arg(long, default_value_t = 40)]
        requests: usize,
        /// How many `after` cursors to follow to reach the deep page.
        #[arg(long, default_value_t = 20)]
        depth: usize,
        /// Fails when any list's p95 is above this many milliseconds (a regression guard).
        #[arg(long)]
        max_p95_ms: Option<f64>,
    },
    /// Checks that every acknowledged intake in the file is stored.
    Verify {
        #[arg(long)]
        acked: std::path::PathBuf,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Command::RawSqlite { seconds, dir } = &cli.command {
        let raw = raw_sqlite(dir, Duration::from_secs(*seconds)).await?;
        println!(
            "原始 SQLite 单行提交：{} 条，用时 {:.1} 秒，{:.0} 条/秒",
            raw.commits,
            raw.elapsed.as_secs_f64(),
            raw.per_second()
        );
        return Ok(());
    }
    if let Command::TotalsCost {
        database_url,
        rounds,
        seconds,
        batch,
    } = &cli.command
    {
        let rounds = trigger_cost(database_url, *rounds, *seconds, *batch).await?;
        let mean = |with: bool| {
            let r: Vec<f64> = rounds
                .iter()
                .filter(|r| r.with_totals == with)
                .map(|r| r.per_second)
                .collect();
            r.iter().sum::<f64>() / r.len().max(1) as f64
        };
        for (i, r) in rounds.iter().enumerate() {
            let label = if r.with_totals {
                "保持汇总"
            } else {
                "不保持汇总"
            };
            println!("第 {} 轮 {label}：{:.0} 件/秒", i + 1, r.per_second);
        }
        let (with, without) = (mean(true), mean(false));
        println!(
            "平均：保持汇总 {with:.0} 件/秒，不保持 {without:.0} 件/秒，为其 {:.1}%",
            with * 100.0 / without.max(f64::EPSILON)
        );
        return Ok(());
    }
    let password = cli.password.ok_or_else(|| {
        anyhow::anyhow!("请用 --password 或环境变量 PINGAN_LOADGEN_PASSWORD 给出密码")
    })?;
    let target = Target::sign_in(&cli.url, &cli.username, &password).await?;
    let run_id = format!("{}", std::process::id());
    match cli.command {
        Command::Intake {
            workers,
            seconds,
            acked,
            raw_baseline,
        } => {
            let raw = match raw_baseline {
                Some(dir) => Some(raw_sqlite(&dir, Duration::from_secs(seconds)).await?),
                None => None,
            };
            let r = intake(&target, workers, Duration::from_secs(seconds), &run_id).await?;
            println!(
                "上报 {} 条已确认（失败 {}），用时 {:.1} 秒，{:.0} 条/秒；时延 p50 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms",
                r.acknowledged,
                r.failed,
                r.elapsed.as_secs_f64(),
                r.per_second(),
                r.latency.p50,
                r.latency.p99,
                r.latency.max
            );
            if let Some(raw) = raw {
                println!(
                    "同机原始 SQLite 单行提交 {:.0} 条/秒；上报吞吐为其 {:.1}%",
                    raw.per_second(),
                    100.0 * r.per_second() / raw.per_second()
                );
            }
            if let Some(path) = acked {
                std::fs::write(&path, r.acked.join("\n"))?;
                println!("已确认的 client_id 写入 {}", path.display());
            }
        }
        Command::Push { clients, events } => {
            let r = push_latency(&target, clients, events, &run_id).await?;
            println!(
                "{} 个推送客户端、{} 条事件：收到 {} 次（应为 {}）；时延 p50 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms",
                r.clients,
                r.events,
                r.arrivals,
                r.clients * r.events,
                r.latency.p50,
                r.latency.p99,
                r.latency.max
            );
        }
        Command::Alarms {
            points,
            rate,
            seconds,
        } => {
            let r = alarm_latency(&target, points, rate, seconds, &run_id).await?;
            println!(
                "{points} 个报警点，发送 {} 次报警（{:.0} 次/秒）：受理 {}，推送到达 {}；从设备发起到页面收到 p50 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms",
                r.sent, r.rate, r.accepted, r.arrived, r.latency.p50, r.latency.p99, r.latency.max
            );
        }
        Command::Patrols {
            patroller,
            patroller_password,
            patrollers,
            interval,
            seconds,
            segments,
            server_pid,
        } => {
            let password = patroller_password.unwrap_or_else(|| password.clone());
            let member = Target::sign_in(&cli.url, &patroller, &password).await?;
            let load = PatrolLoad {
                patrollers,
                interval,
                seconds,
                segments,
                server_pid,
            };
            let r = patrol_load(&target, &member, &patroller, load, &run_id).await?;
            println!(
                "{patrollers} 名队员每 {interval} 秒一个位置，{segments} 条重点路段：发送 {} 批（{:.0} 批/秒），成功 {}；每批 p50 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms；服务端 CPU {}；本月全区覆盖统计 p50 {:.1} ms，p95 {:.1} ms",
                r.sent,
                r.rate,
                r.accepted,
                r.latency.p50,
                r.latency.p99,
                r.latency.max,
                r.server_cpu.map_or_else(
                    || "未测（加 --server-pid）".to_owned(),
                    |c| format!("{c:.1}% 单核")
                ),
                r.coverage.p50,
                r.coverage.p95
            );
        }
        Command::Lists {
            requests,
            depth,
            max_p95_ms,
        } => {
            let (township, grid) = target.first_grid().await?;
            let timings =
                list_latency(&target, &district_lists(&township, &grid), requests, depth).await?;
            let mut slowest: f64 = 0.0;
            println!("| 列表 | 路径 | 总数 | 首页 p50 / p95 | 第 N 页 p50 / p95 |");
            println!("|---|---|---|---|---|");
            for t in &timings {
                let deep = t.deep.as_ref().map_or("—".to_owned(), |(n, p)| {
                    slowest = slowest.max(p.p95);
                    format!("第 {n} 页 {:.1} / {:.1} ms", p.p50, p.p95)
                });
                slowest = slowest.max(t.first.p95);
                println!(
                    "| {} | `{}` | {} | {:.1} / {:.1} ms | {deep} |",
                    t.name, t.path, t.total, t.first.p50, t.first.p95
                );
            }
            if let Some(bound) = max_p95_ms
                && slowest > bound
            {
                anyhow::bail!("最慢的列表 p95 为 {slowest:.1} ms，超过上限 {bound} ms");
            }
        }
        // Answered above, without signing in.
        Command::RawSqlite { .. } | Command::TotalsCost { .. } => {}
        Command::Verify { acked } => {
            let ids: Vec<String> = std::fs::read_to_string(&acked)?
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let r = verify(&target, &ids).await?;
            println!(
                "核对 {} 条：在库 {}，丢失 {}",
                ids.len(),
                r.present,
                r.missing.len()
            );
            if !r.missing.is_empty() {
                anyhow::bail!(
                    "有 {} 条已确认的上报丢失，如 {}",
                    r.missing.len(),
                    r.missing.first().map_or("", String::as_str)
                );
            }
        }
    }
    Ok(())
}
