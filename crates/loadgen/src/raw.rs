//! 原始写入基线 — the rate of a plain single-row commit loop on SQLite on this machine (WAL,
//! `synchronous = NORMAL`, an event-sized row with two secondary indexes, one connection), so that
//! the server's intake can be read as a share of what the engine does at best in the same run.

use anyhow::Result;
use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::time::{Duration, Instant};

/// What the raw loop did.
#[derive(Debug, Clone, Copy)]
pub struct RawReport {
    pub commits: u64,
    pub elapsed: Duration,
}

impl RawReport {
    pub fn per_second(&self) -> f64 {
        self.commits as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

/// Commits one event-sized row at a time into a fresh database in `dir` for `duration`.
pub async fn raw_sqlite(dir: &std::path::Path, duration: Duration) -> Result<RawReport> {
    let path = dir.join("raw-baseline.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .connect()
        .await?;
    sqlx::raw_sql(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE,
            category TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
            lon REAL NOT NULL, lat REAL NOT NULL, grid_code TEXT NOT NULL, state TEXT NOT NULL,
            created_at TEXT NOT NULL);
         CREATE INDEX events_grid ON events (grid_code, created_at);",
    )
    .execute(&mut conn)
    .await?;
    let started = Instant::now();
    let mut commits = 0u64;
    while started.elapsed() < duration {
        sqlx::query(
            "INSERT INTO events (client_id, category, title, description, lon, lat, grid_code,
                state, created_at) VALUES ($1, 'ZZ02', '压力测试生成的治安隐患', '压力测试生成',
                107.47, 31.21, $2, 'dispatched', $3)",
        )
        .bind(format!("raw-{commits}"))
        .bind(format!("511702001001{:03}", commits % 453))
        .bind(chrono_like_now(commits))
        .execute(&mut conn)
        .await?;
        commits += 1;
    }
    let elapsed = started.elapsed();
    drop(conn);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(RawReport { commits, elapsed })
}

/// A timestamp-shaped text that grows with `n` (the row's `created_at`).
fn chrono_like_now(n: u64) -> String {
    format!("2026-12-06T00:00:00.{n:09}Z")
}
