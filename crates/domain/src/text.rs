//! Small text helpers shared by the layers.

/// Percent-encodes everything but ASCII letters, digits and `-_.` (RFC 3986 unreserved, minus `~`),
/// for query strings and `otpauth://` URIs.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn encodes_all_but_unreserved() {
        assert_eq!(percent_encode("a-b_c.d"), "a-b_c.d");
        assert_eq!(percent_encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(percent_encode("平安"), "%E5%B9%B3%E5%AE%89");
    }
}
