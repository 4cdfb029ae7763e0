//! 12345 热线工单 — the rules of the connector with the 12345 hotline: what a 工单编号 looks like,
//! what the hub reports back (受理, 办结, 回访), and how often a report that did not get through is
//! tried again.

use chrono::Duration;

/// How many times a report back is tried before it is marked failed (about a day of tries).
pub const MAX_ATTEMPTS: i64 = 12;

/// Checks a 工单编号: 6–40 letters, digits, `-` or `_` (it names the event's client id too).
pub fn check_order_no(s: &str) -> Result<(), String> {
    let ok = (6..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "12345 工单编号应为 6 到 40 位字母、数字、- 或 _，收到“{}”",
            s.chars().take(40).collect::<String>()
        ))
    }
}

/// 回传 — what the hub reports back to 12345 about an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// 已受理: the event exists, with its number.
    Received,
    /// 已办结 (or 不予立案, 合并, 转矛盾纠纷): the event left the open states, with the result.
    Concluded,
    /// 已回访: the reporter's (or the hub's) rating.
    Visited,
}

impl Report {
    pub const fn as_str(self) -> &'static str {
        match self {
            Report::Received => "received",
            Report::Concluded => "concluded",
            Report::Visited => "visited",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Report::Received => "已受理",
            Report::Concluded => "已办结",
            Report::Visited => "已回访",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Report::Received, Report::Concluded, Report::Visited]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// How long to wait before the next try after `attempts` failed ones: one minute, doubling, at
/// most two hours.
pub fn retry_after(attempts: i64) -> Duration {
    let minutes = 1i64 << attempts.clamp(0, 7);
    Duration::minutes(minutes.min(120))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn order_numbers() {
        assert!(check_order_no("GD20261207-000123").is_ok());
        assert!(check_order_no("12345").is_err());
        assert!(check_order_no("GD 2026").is_err());
        assert!(check_order_no(&"1".repeat(41)).is_err());
    }

    #[test]
    fn reports_round_trip() {
        for r in [Report::Received, Report::Concluded, Report::Visited] {
            assert_eq!(Report::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn the_tries_are_spread_over_about_a_day() {
        let total: i64 = (0..MAX_ATTEMPTS)
            .map(|a| retry_after(a).num_minutes())
            .sum();
        assert_eq!(retry_after(0), Duration::minutes(1));
        assert_eq!(retry_after(3), Duration::minutes(8));
        assert!((600..=1440).contains(&total), "{total}");
    }

    proptest! {
        #[test]
        fn waits_grow_and_stay_bounded(a in -5i64..100) {
            let w = retry_after(a);
            prop_assert!(w >= Duration::minutes(1) && w <= Duration::minutes(120));
            prop_assert!(retry_after(a + 1) >= w);
        }
    }
}
