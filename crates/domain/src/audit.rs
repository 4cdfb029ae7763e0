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

/// The longest name, object or address an audit record keeps, in characters.
pub const MAX_AUDIT_FIELD_CHARS: usize = 128;
/// The longest detail an audit record keeps, in bytes.
pub const MAX_AUDIT_DETAIL_BYTES: usize = 16 * 1024;

impl AuditEvent {
    /// The event as it may enter the chain: names, objects and addresses cut to
    /// [`MAX_AUDIT_FIELD_CHARS`] (marked with `…`), and a detail over [`MAX_AUDIT_DETAIL_BYTES`]
    /// replaced by a note of its size and its beginning — whatever a caller typed, one record
    /// stays small.
    pub fn capped(mut self) -> Self {
        fn cut(s: &mut String) {
            if s.chars().count() > MAX_AUDIT_FIELD_CHARS {
                *s = s
                    .chars()
                    .take(MAX_AUDIT_FIELD_CHARS - 1)
                    .collect::<String>()
                    + "…";
            }
        }
        cut(&mut self.username);
        cut(&mut self.object);
        cut(&mut self.action);
        cut(&mut self.result);
        if let Some(s) = self.source_addr.as_mut() {
            cut(s);
        }
        if self.detail.len() > MAX_AUDIT_DETAIL_BYTES {
            let head: String = self.detail.chars().take(1000).collect();
            self.detail =
                serde_json::json!({"clipped_bytes": self.detail.len(), "head": head}).to_string();
        }
        self
    }
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
    #[test]
    fn what_a_caller_typed_is_capped_before_it_is_chained() {
        let e = AuditEvent {
            at: Utc::now(),
            user_id: None,
            username: "u".repeat(900 * 1024),
            source_addr: Some("1.2.3.4".into()),
            action: "login.failed".into(),
            object: format!("user:{}", "u".repeat(300)),
            result: "failed".into(),
            detail: format!("{{\"x\": \"{}\"}}", "y".repeat(100_000)),
        }
        .capped();
        assert_eq!(e.username.chars().count(), MAX_AUDIT_FIELD_CHARS);
        assert!(e.username.ends_with('…'));
        assert_eq!(e.object.chars().count(), MAX_AUDIT_FIELD_CHARS);
        assert_eq!(e.source_addr.as_deref(), Some("1.2.3.4"));
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
        assert_eq!(detail["clipped_bytes"], 100_009);
        assert!(e.detail.len() < 2048);
    }

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
