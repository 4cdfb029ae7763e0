//! 一键报警与门禁 — alarm points (校园一键报警, 社区一键报警柱, 居家紧急按钮) and door controllers:
//! what they are, what they signal, and the rules of a signed signal (the message a device signs,
//! the clock skew and the nonce it may use). The signature itself is checked with the device's key
//! by the app (HMAC-SM3, `pingan_crypto::hmac_sm3_verify`).

use chrono::{DateTime, Utc};

/// How far a device's clock may be from the hub's, in seconds; a signal outside it is refused,
/// and nonces are kept this long (twice, to cover both sides) to refuse replays.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// 报警点类型 — what kind of device an alarm point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmPointKind {
    /// 校园一键报警
    Campus,
    /// 社区一键报警柱
    Pillar,
    /// 居家紧急按钮
    Home,
    /// 门禁控制器
    Door,
}

impl AlarmPointKind {
    pub const ALL: [AlarmPointKind; 4] = [
        AlarmPointKind::Campus,
        AlarmPointKind::Pillar,
        AlarmPointKind::Home,
        AlarmPointKind::Door,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AlarmPointKind::Campus => "campus",
            AlarmPointKind::Pillar => "pillar",
            AlarmPointKind::Home => "home",
            AlarmPointKind::Door => "door",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            AlarmPointKind::Campus => "校园一键报警",
            AlarmPointKind::Pillar => "社区一键报警柱",
            AlarmPointKind::Home => "居家紧急按钮",
            AlarmPointKind::Door => "门禁控制器",
        }
    }

    /// By stable name or Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s)
    }

    /// The signals this kind of device may send.
    pub const fn signals(self) -> &'static [AlarmSignal] {
        match self {
            AlarmPointKind::Door => &[
                AlarmSignal::DoorForced,
                AlarmSignal::DoorHeld,
                AlarmSignal::ListedCard,
                AlarmSignal::Tamper,
            ],
            _ => &[AlarmSignal::Button, AlarmSignal::Tamper],
        }
    }
}

/// 报警信号 — what a device reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmSignal {
    /// 一键报警 — the button was pressed.
    Button,
    /// 门被强行打开
    DoorForced,
    /// 门长时间未关
    DoorHeld,
    /// 布控人员刷卡 — a card on the controller's watch list was used.
    ListedCard,
    /// 设备被拆或遮挡
    Tamper,
}

impl AlarmSignal {
    pub const ALL: [AlarmSignal; 5] = [
        AlarmSignal::Button,
        AlarmSignal::DoorForced,
        AlarmSignal::DoorHeld,
        AlarmSignal::ListedCard,
        AlarmSignal::Tamper,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AlarmSignal::Button => "button",
            AlarmSignal::DoorForced => "door_forced",
            AlarmSignal::DoorHeld => "door_held",
            AlarmSignal::ListedCard => "listed_card",
            AlarmSignal::Tamper => "tamper",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            AlarmSignal::Button => "一键报警",
            AlarmSignal::DoorForced => "门被强行打开",
            AlarmSignal::DoorHeld => "门长时间未关",
            AlarmSignal::ListedCard => "布控人员刷卡",
            AlarmSignal::Tamper => "设备被拆或遮挡",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a signed signal is refused before its signature is even checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalRefusal {
    #[error("X-Pingan-Timestamp 应为 Unix 秒数")]
    BadTimestamp,
    #[error("设备时钟与中心相差 {0} 秒，超过 {MAX_CLOCK_SKEW_SECS} 秒：请校准设备时间（NTP）")]
    Skewed(i64),
    #[error("X-Pingan-Nonce 应为 16 到 64 位字母、数字、- 或 _，每次请求不同")]
    BadNonce,
}

/// The signal's time, if it is within the allowed skew of `now`.
pub fn check_timestamp(header: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, SignalRefusal> {
    let secs: i64 = header
        .trim()
        .parse()
        .map_err(|_| SignalRefusal::BadTimestamp)?;
    let at = DateTime::from_timestamp(secs, 0).ok_or(SignalRefusal::BadTimestamp)?;
    let skew = (now - at).num_seconds();
    if skew.abs() > MAX_CLOCK_SKEW_SECS {
        return Err(SignalRefusal::Skewed(skew));
    }
    Ok(at)
}

/// A nonce as a device must send it.
pub fn check_nonce(nonce: &str) -> Result<(), SignalRefusal> {
    let ok = (16..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(()).ok_or(SignalRefusal::BadNonce)
}

/// What a device signs: the timestamp, the nonce, the method, the path and the body, one per line
/// (so a heartbeat's signature cannot be replayed as an alarm, nor one device's as another's).
pub fn signed_message(
    timestamp: &str,
    nonce: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut m = format!("{timestamp}\n{nonce}\n{method}\n{path}\n").into_bytes();
    m.extend_from_slice(body);
    m
}

/// Whether a point last heard at `last_seen` is online at `now`: heard within three heartbeats.
pub fn online(last_seen: Option<DateTime<Utc>>, heartbeat_secs: i64, now: DateTime<Utc>) -> bool {
    last_seen.is_some_and(|t| (now - t).num_seconds() <= 3 * heartbeat_secs.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kinds_and_signals_round_trip() {
        for k in AlarmPointKind::ALL {
            assert_eq!(AlarmPointKind::parse(k.as_str()), Some(k));
            assert_eq!(AlarmPointKind::parse(k.label()), Some(k));
        }
        for s in AlarmSignal::ALL {
            assert_eq!(AlarmSignal::parse(s.as_str()), Some(s));
        }
        assert!(
            !AlarmPointKind::Campus
                .signals()
                .contains(&AlarmSignal::DoorForced)
        );
        assert!(
            AlarmPointKind::Door
                .signals()
                .contains(&AlarmSignal::ListedCard)
        );
    }

    #[test]
    fn nonces() {
        assert!(check_nonce("0123456789abcdef").is_ok());
        assert!(check_nonce("short").is_err());
        assert!(check_nonce("0123456789abcdef 空格").is_err());
        assert!(check_nonce(&"a".repeat(65)).is_err());
    }

    #[test]
    fn online_within_three_heartbeats() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ago = |s| Some(now - chrono::Duration::seconds(s));
        assert!(online(ago(180), 60, now));
        assert!(!online(ago(181), 60, now));
        assert!(!online(None, 60, now));
    }

    proptest! {
        #[test]
        fn timestamps_within_the_skew_pass_and_others_are_refused(offset in -1000i64..1000) {
            let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
            let header = (1_800_000_000 + offset).to_string();
            let r = check_timestamp(&header, now);
            if offset.abs() <= MAX_CLOCK_SKEW_SECS {
                prop_assert_eq!(r.map(|t| t.timestamp()), Ok(1_800_000_000 + offset));
            } else {
                prop_assert_eq!(r, Err(SignalRefusal::Skewed(-offset)));
            }
        }
    }
}
