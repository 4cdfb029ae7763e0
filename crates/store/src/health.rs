//! What the store reports about itself for `/metrics`: its connection pool and the video devices.

use crate::{Pool, Result, Store, dispatch};

/// 连接池 — the database pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    /// Connections open (idle or in use).
    pub open: u32,
    pub idle: usize,
    /// The most it opens.
    pub max: u32,
}

impl Store {
    /// The pool's connections now.
    pub fn pool_state(&self) -> PoolState {
        match &self.pool {
            Pool::Sqlite(p) => PoolState {
                open: p.size(),
                idle: p.num_idle(),
                max: p.options().get_max_connections(),
            },
            Pool::Postgres(p) => PoolState {
                open: p.size(),
                idle: p.num_idle(),
                max: p.options().get_max_connections(),
            },
        }
    }

    /// GB/T 28181 devices ever registered, and those online now.
    pub async fn device_counts(&self) -> Result<(i64, i64)> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN online THEN 1 ELSE 0 END), 0)
                 FROM video_devices",
            )
            .fetch_one(p)
            .await
        })?)
    }
}
