//! A value kept in memory for a short while: reference data read on every intake (the work
//! calendar, categories, routing rules) without a query each time. Several instances share one
//! database, so an entry also expires after `ttl` and picks up another instance's edits.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(crate) struct TtlCache<T> {
    ttl: Duration,
    slot: RwLock<Option<(Instant, Arc<T>)>>,
}

impl<T> TtlCache<T> {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: RwLock::new(None),
        }
    }

    /// The cached value if it is fresh.
    pub(crate) fn get(&self) -> Option<Arc<T>> {
        let slot = self.slot.read().ok()?;
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    pub(crate) fn put(&self, value: T) -> Arc<T> {
        let value = Arc::new(value);
        if let Ok(mut slot) = self.slot.write() {
            *slot = Some((Instant::now(), value.clone()));
        }
        value
    }

    /// Forgets the value (after this instance changed it).
    pub(crate) fn clear(&self) {
        if let Ok(mut slot) = self.slot.write() {
            *slot = None;
        }
    }
}
