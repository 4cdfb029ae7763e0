//! 审计 — the audit trail's record layout and the bytes its hash chain covers.

use chrono::{DateTime, SecondsFormat, Utc};

/// 审计事项 — what is recorded about one action, before it is chained.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    /// The account, or `(命令行)` for the local command line, or the name tried at a failed login.
    pub username: String,
    pub source_addr: Option<String>,
    /// Stable dotted name: `login`, `login.failed`, `user.create`, `audit.export` …
    pub action: String,
    /// What was acted on, e.g. `user:zhangwei`.
    pub object: String,
    /// `ok`, `denied` or `failed`.
    pub result: String,
    /// JSON with the before/after values, the reason or the filter used.
    pub detail: String,
}

/// The bytes hashed for record `id` after `prev_hash`: every field, unit-separated, the time in
/// RFC 3339 with microseconds (what both databases keep exactly).
pub fn chain_input(id: i64, prev_hash: &str, e: &AuditEvent) -> Vec<u8> {
    let at = e.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let user_id = e.user_id.map(|u| u.to_string()).unwrap_or_default();
    let source = e.source_addr.as_deref().unwrap_or("");
    [
        prev_hash,
        &id.to_string(),
        &at,
        &user_id,
        &e.username,
        source,
        &e.action,
        &e.object,
        &e.result,
        &e.detail,
    ]
    .join("\u{1f}")
    .into_bytes()
}

/// A time cut to whole microseconds, as stored.
pub fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            at: DateTime::from_timestamp(1_800_000_000, 123_456_789).unwrap(),
            user_id: Some(7),
            username: "zhangwei".into(),
            source_addr: Some("10.0.0.1".into()),
            action: "login".into(),
            object: "user:zhangwei".into(),
            result: "ok".into(),
            detail: "{}".into(),
        }
    }

    #[test]
    fn every_field_and_the_link_are_covered() {
        let base = chain_input(3, "ab", &event());
        assert_ne!(base, chain_input(4, "ab", &event()));
        assert_ne!(base, chain_input(3, "ac", &event()));
        let mut e = event();
        e.result = "denied".into();
        assert_ne!(base, chain_input(3, "ab", &e));
        let mut e = event();
        e.user_id = None;
        assert_ne!(base, chain_input(3, "ab", &e));
        assert!(
            String::from_utf8(base)
                .unwrap()
                .contains("2027-01-15T08:00:00.123456Z")
        );
    }

    #[test]
    fn micros_are_kept_and_nanos_cut() {
        let t = to_micros(event().at);
        assert_eq!(t.timestamp_subsec_nanos(), 123_456_000);
    }
}
