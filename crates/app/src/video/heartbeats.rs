//! 心跳合并写入 — keepalives written in batches. 20,000 devices at 60 s send 333 keepalives a
//! second; written one transaction each they kept a core a third busy waking the database's
//! threads. A keepalive is answered once its device is known to be registered, and its new
//! deadline waits here for the next write, at most [`WRITE_EVERY`] later (a crash loses at most
//! that much of "last heard", never a registration). Every other write about devices —
//! registration, departure, the offline sweep — first writes what waits here, so that a
//! keepalive never lands after a later change of the same device.
//!
//! A keepalive is checked against the device's registration (until when, from where) twice — the
//! server's source check and the keepalive itself; [`Registrations`] keeps those in memory, since
//! only this instance's signalling server changes them (run it on one instance).

use crate::Result;
use chrono::{DateTime, Utc};
use pingan_store::{DeviceSeen, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a keepalive waits at most before it is written.
pub(crate) const WRITE_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// The keepalives not written yet.
#[derive(Debug)]
pub(crate) struct Heartbeats {
    store: Store,
    pending: Mutex<Vec<DeviceSeen>>,
    /// Held while writing, so that batches land in the order they were taken.
    writing: tokio::sync::Mutex<()>,
}

impl Heartbeats {
    /// The queue, with its writer running on the current runtime.
    pub(crate) fn start(store: Store) -> Arc<Self> {
        let queue = Arc::new(Self {
            store,
            pending: Mutex::default(),
            writing: tokio::sync::Mutex::default(),
        });
        let weak = Arc::downgrade(&queue);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WRITE_EVERY);
            loop {
                tick.tick().await;
                let Some(queue) = weak.upgrade() else {
                    return;
                };
                if let Err(e) = queue.flush().await {
                    tracing::warn!("设备心跳写入失败（设备下次心跳时再写）: {e}");
                }
            }
        });
        queue
    }

    /// Queues a keepalive for the next write.
    pub(crate) fn push(&self, seen: DeviceSeen) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.push(seen);
        }
    }

    /// Writes what waits, now.
    pub(crate) async fn flush(&self) -> Result<()> {
        let _writing = self.writing.lock().await;
        let batch = match self.pending.lock() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(_) => return Ok(()),
        };
        if !batch.is_empty() {
            self.store.keepalives(&batch).await?;
        }
        Ok(())
    }
}

/// A device's registration as the keepalive path needs it: none when it never registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Registration {
    pub(crate) until: DateTime<Utc>,
    pub(crate) from: Option<std::net::SocketAddr>,
}

/// How long a device's registration is kept in memory without being read again.
const REGISTRATION_KEPT: Duration = Duration::from_secs(600);
/// The most devices kept; beyond it (a flood of unknown ids) the map starts again.
const MAX_REGISTRATIONS: usize = 200_000;

/// The registrations of the devices heard lately, by device id.
#[derive(Debug, Default)]
pub(crate) struct Registrations(Mutex<HashMap<String, (Instant, Option<Registration>)>>);

impl Registrations {
    /// The kept registration of `device`, if it was read less than [`REGISTRATION_KEPT`] ago.
    pub(crate) fn get(&self, device: &str) -> Option<Option<Registration>> {
        let map = self.0.lock().ok()?;
        map.get(device)
            .filter(|(at, _)| at.elapsed() < REGISTRATION_KEPT)
            .map(|(_, r)| *r)
    }

    pub(crate) fn put(&self, device: &str, registration: Option<Registration>) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_REGISTRATIONS {
                map.clear();
            }
            map.insert(device.to_owned(), (Instant::now(), registration));
        }
    }

    /// Forgets `device` (it registered again or left).
    pub(crate) fn forget(&self, device: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(device);
        }
    }
}
