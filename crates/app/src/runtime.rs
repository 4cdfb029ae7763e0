//! 运行指标 — what this instance reports about itself besides its requests (`/metrics`): the
//! intake queue, the GB/T 28181 devices, the deadline sweeper and the database pool.

use crate::{App, Result};
use pingan_store::PoolState;
use std::sync::atomic::{AtomicI64, Ordering};

/// This instance's gauges at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeGauges {
    /// Intakes waiting for the writer, and how many the queue holds.
    pub intake_queued: usize,
    pub intake_capacity: usize,
    /// Devices ever registered, and those online.
    pub devices_known: i64,
    pub devices_online: i64,
    /// Seconds since the deadline sweeper last finished a round (none before the first).
    pub sweep_age_seconds: Option<f64>,
    pub pool: PoolState,
}

/// When the deadline sweeper last finished a round, in Unix milliseconds (0: not yet).
#[derive(Debug, Default)]
pub(crate) struct LastSweep(AtomicI64);

impl LastSweep {
    pub(crate) fn mark(&self) {
        self.0
            .store(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    fn age_seconds(&self) -> Option<f64> {
        let at = self.0.load(Ordering::Relaxed);
        // Milliseconds well inside f64's exact range.
        #[allow(clippy::cast_precision_loss)]
        (at > 0).then(|| (chrono::Utc::now().timestamp_millis() - at).max(0) as f64 / 1000.0)
    }
}

impl App {
    /// This instance's gauges now.
    pub async fn runtime_gauges(&self) -> Result<RuntimeGauges> {
        let (intake_queued, intake_capacity) = self.intake.depth();
        let (devices_known, devices_online) = self.store.device_counts().await?;
        Ok(RuntimeGauges {
            intake_queued,
            intake_capacity,
            devices_known,
            devices_online,
            sweep_age_seconds: self.last_sweep.age_seconds(),
            pool: self.store.pool_state(),
        })
    }
}
