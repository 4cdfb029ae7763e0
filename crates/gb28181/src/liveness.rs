//! 在线判定 — when a device counts as offline: after its registration expires, or after as many
//! heartbeat intervals as its timeout count without a keepalive (defaults 60 s × 3), whichever
//! comes first. Illegal or missing heartbeat settings (0, absurd values) fall back to the defaults
//! rather than marking a device offline at once — a known cause of false 离线 in other platforms.

use std::time::{Duration, SystemTime};

/// 心跳参数 — a device's keepalive interval and how many may be missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    pub interval: Duration,
    pub count: u32,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(60),
            count: 3,
        }
    }
}

impl Heartbeat {
    /// The settings a device reported (ConfigDownload BasicParam), with anything out of range
    /// (interval outside 5 s – 1 h, count outside 1 – 10) replaced by the default.
    pub fn sanitized(interval_secs: Option<u64>, count: Option<u32>) -> Self {
        let d = Self::default();
        Self {
            interval: interval_secs
                .filter(|s| (5..=3600).contains(s))
                .map_or(d.interval, Duration::from_secs),
            count: count.filter(|c| (1..=10).contains(c)).unwrap_or(d.count),
        }
    }

    /// How long a device may stay silent.
    pub fn window(&self) -> Duration {
        self.interval.saturating_mul(self.count)
    }
}

/// The moment a device heard from at `last_heard`, registered until `registered_until`, counts
/// as offline.
pub fn offline_at(
    last_heard: SystemTime,
    registered_until: SystemTime,
    hb: Heartbeat,
) -> SystemTime {
    let silent = last_heard
        .checked_add(hb.window())
        .unwrap_or(registered_until);
    silent.min(registered_until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn three_missed_minutes_or_the_end_of_registration() {
        let hb = Heartbeat::default();
        assert_eq!(offline_at(t(0), t(86_400), hb), t(180));
        assert_eq!(
            offline_at(t(0), t(100), hb),
            t(100),
            "registration ends first"
        );
        assert_eq!(
            Heartbeat::sanitized(Some(0), Some(0)),
            hb,
            "illegal settings fall back"
        );
        assert_eq!(
            Heartbeat::sanitized(Some(30), Some(5)).window(),
            Duration::from_secs(150)
        );
    }

    proptest! {
        #[test]
        fn never_later_than_either_limit(heard in 0u64..100_000, until in 0u64..200_000, i in any::<Option<u64>>(), c in any::<Option<u32>>()) {
            let hb = Heartbeat::sanitized(i, c);
            let at = offline_at(t(heard), t(until), hb);
            prop_assert!(at <= t(until));
            prop_assert!(at <= t(heard) + hb.window());
            prop_assert!(hb.window() >= Duration::from_secs(5));
        }
    }
}
