//! 注册鉴权 — HTTP Digest (RFC 2617, MD5) as GB/T 28181 devices answer the 401 challenge of
//! REGISTER. The response is computed with the `uri` parameter exactly as the device sent it (SIPp
//! and some cameras put the server's address there, not the Request-URI), with or without `qop`.

use md5::{Digest as _, Md5};

/// The parameters of an `Authorization: Digest …` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestAnswer {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub cnonce: Option<String>,
    pub qop: Option<String>,
    pub nc: Option<String>,
}

impl DigestAnswer {
    /// Reads the header value; none when it is not a Digest answer with the fields it needs.
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim();
        let scheme_end = rest.find(char::is_whitespace)?;
        if !rest.get(..scheme_end)?.eq_ignore_ascii_case("Digest") {
            return None;
        }
        let mut a = DigestAnswer::default();
        for (key, val) in params(rest.get(scheme_end..)?) {
            match key.to_ascii_lowercase().as_str() {
                "username" => a.username = val,
                "realm" => a.realm = val,
                "nonce" => a.nonce = val,
                "uri" => a.uri = val,
                "response" => a.response = val.to_ascii_lowercase(),
                "cnonce" => a.cnonce = Some(val),
                "qop" => a.qop = Some(val),
                "nc" => a.nc = Some(val),
                _ => {}
            }
        }
        let complete = [&a.username, &a.realm, &a.nonce, &a.uri, &a.response]
            .iter()
            .all(|v| !v.is_empty());
        complete.then_some(a)
    }

    /// The response a device knowing `password` would send for `method`.
    pub fn expected(&self, method: &str, password: &str) -> String {
        let ha1 = md5_hex(&format!("{}:{}:{password}", self.username, self.realm));
        let ha2 = md5_hex(&format!("{method}:{}", self.uri));
        match (&self.qop, &self.nc, &self.cnonce) {
            (Some(qop), Some(nc), Some(cnonce)) => {
                md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", self.nonce))
            }
            _ => md5_hex(&format!("{ha1}:{}:{ha2}", self.nonce)),
        }
    }

    /// Whether the answer proves knowledge of `password` (compared in constant time).
    pub fn verify(&self, method: &str, password: &str) -> bool {
        let expected = self.expected(method, password);
        expected.len() == self.response.len()
            && expected
                .bytes()
                .zip(self.response.bytes())
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0
    }
}

/// The `WWW-Authenticate` value of a challenge.
pub fn challenge(realm: &str, nonce: &str) -> String {
    format!("Digest realm=\"{realm}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=MD5")
}

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `key=value` pairs separated by commas; values may be quoted (and contain commas then).
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest
            .get(..eq)
            .unwrap_or_default()
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_owned();
        rest = rest.get(eq + 1..).unwrap_or_default().trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            value = quoted.get(..end).unwrap_or_default().to_owned();
            rest = quoted.get(end + 1..).unwrap_or_default();
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest.get(..end).unwrap_or_default().trim().to_owned();
            rest = rest.get(end..).unwrap_or_default();
        }
        out.push((key, value));
        rest = rest.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ANSWER: &str = "Digest username=\"34020000001320000001\", realm=\"3402000000\", \
        nonce=\"9bd055b7a1b7d4a4c1f8d7e6f5a4b3c2\", uri=\"sip:34020000002000000001@3402000000\", \
        response=\"ce4e8dc970d47746b8357de33b2a3bb4\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001";

    #[test]
    fn the_reference_answer_verifies_with_its_password_only() {
        let a = DigestAnswer::parse(ANSWER).unwrap();
        assert_eq!(a.username, "34020000001320000001");
        assert_eq!(a.qop.as_deref(), Some("auth"));
        assert!(a.verify("REGISTER", "12345678"));
        assert!(!a.verify("REGISTER", "12345679"));
        assert!(!a.verify("MESSAGE", "12345678"));
    }

    #[test]
    fn without_qop_the_short_formula_applies() {
        let a = DigestAnswer {
            qop: None,
            nc: None,
            cnonce: None,
            ..DigestAnswer::parse(ANSWER).unwrap()
        };
        assert_eq!(
            a.expected("REGISTER", "12345678"),
            "a11cd3f48ee7ec761e189dd19bf17622"
        );
    }

    #[test]
    fn incomplete_or_foreign_answers_are_none() {
        assert_eq!(DigestAnswer::parse("Basic dXNlcjpwYXNz"), None);
        assert_eq!(DigestAnswer::parse("Digest username=\"a\""), None);
        assert_eq!(DigestAnswer::parse(""), None);
        assert_eq!(
            challenge("3402000000", "abc"),
            "Digest realm=\"3402000000\", nonce=\"abc\", qop=\"auth\", algorithm=MD5"
        );
    }

    proptest! {
        #[test]
        fn any_header_value_parses_without_panic(s in "\\PC{0,200}") {
            let _ = DigestAnswer::parse(&s);
        }
    }
}
