//! `pingan-loadgen` — runs Pingan's load tests against a running server and prints the figures.

use anyhow::Result;
use clap::{Parser, Subcommand};
use pingan_loadgen::{Target, intake, push_latency, verify};
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
    #[arg(long)]
    username: String,
    #[arg(long, env = "PINGAN_LOADGEN_PASSWORD")]
    password: String,
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
    },
    /// Holds many stream clients open and measures the time from intake to arrival.
    Push {
        #[arg(long, default_value_t = 500)]
        clients: usize,
        #[arg(long, default_value_t = 50)]
        events: usize,
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
    let target = Target::sign_in(&cli.url, &cli.username, &cli.password).await?;
    let run_id = format!("{}", std::process::id());
    match cli.command {
        Command::Intake {
            workers,
            seconds,
            acked,
        } => {
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
