//! SIP 报文 — a tolerant parser and a plain writer for the SIP messages of GB/T 28181 (REGISTER,
//! MESSAGE, SUBSCRIBE/NOTIFY and their answers). Devices send LF-only lines, compact header names,
//! header names in any case, folded lines, a missing Content-Length over UDP, and display names in
//! GBK; all are accepted. Nothing here panics on any input: malformed bytes are a [`ParseError`].

use std::fmt::Write as _;

/// The largest body accepted (catalogs of big platforms are split into many messages well below).
pub const MAX_BODY: usize = 1024 * 1024;

/// Why bytes are not (yet) a SIP message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The headers or the body are not all there yet (read more from a TCP stream).
    #[error("报文不完整")]
    Incomplete,
    #[error("起始行无法识别：{0}")]
    BadStartLine(String),
    #[error("头部无法识别：{0}")]
    BadHeader(String),
    #[error("Content-Length 无效：{0}")]
    BadContentLength(String),
    #[error("报文体过大（{0} 字节）")]
    TooLarge(usize),
}

/// The first line: a request or a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request { method: String, uri: String },
    Response { code: u16, reason: String },
}

/// One SIP message: its start line, its headers in order (names in their full, canonical form)
/// and its body as bytes (decode MANSCDP bodies with [`crate::charset::decode_body`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipMessage {
    pub start: StartLine,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Compact forms (RFC 3261 §7.3.3 and extensions) and the case we write names in.
const NAMES: [(&str, Option<char>); 20] = [
    ("Call-ID", Some('i')),
    ("From", Some('f')),
    ("To", Some('t')),
    ("Via", Some('v')),
    ("Content-Length", Some('l')),
    ("Contact", Some('m')),
    ("Content-Type", Some('c')),
    ("Supported", Some('k')),
    ("Subject", Some('s')),
    ("Content-Encoding", Some('e')),
    ("Event", Some('o')),
    ("Allow-Events", Some('u')),
    ("CSeq", None),
    ("Max-Forwards", None),
    ("Expires", None),
    ("User-Agent", None),
    ("Authorization", None),
    ("WWW-Authenticate", None),
    ("Subscription-State", None),
    ("Date", None),
];

/// The canonical name of a header as written by a device.
fn canonical(name: &str) -> String {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let c = c.to_ascii_lowercase();
        if let Some((full, _)) = NAMES.iter().find(|(_, short)| *short == Some(c)) {
            return (*full).to_owned();
        }
    }
    NAMES
        .iter()
        .find(|(full, _)| full.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_owned(), |(full, _)| (*full).to_owned())
}

/// The end of the header section and the length of its terminator (`\r\n\r\n` or `\n\n`).
fn header_end(buf: &[u8]) -> Option<(usize, usize)> {
    let crlf = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

impl SipMessage {
    /// Reads one message from the start of `buf`; returns it and how many bytes it took (a TCP
    /// stream may hold several). Without a Content-Length the body is the rest of `buf`, as a UDP
    /// datagram carries one message.
    pub fn parse(buf: &[u8]) -> Result<(SipMessage, usize), ParseError> {
        // Devices send keep-alive CRLFs between messages on TCP.
        let skip = buf
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let buf = buf.get(skip..).unwrap_or_default();
        let (end, term) = header_end(buf).ok_or(ParseError::Incomplete)?;
        let head = crate::charset::decode_body(buf.get(..end).unwrap_or_default()).0;
        let mut lines: Vec<String> = Vec::new();
        for raw in head.split('\n') {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            match (line.starts_with([' ', '\t']), lines.last_mut()) {
                // A folded line continues the header before it.
                (true, Some(prev)) => {
                    prev.push(' ');
                    prev.push_str(line.trim());
                }
                _ => lines.push(line.to_owned()),
            }
        }
        let mut lines = lines.into_iter();
        let first = lines.next().unwrap_or_default();
        let start = parse_start(first.trim())?;
        let mut headers = Vec::new();
        for line in lines {
            if line.trim().is_empty() {
                continue;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| ParseError::BadHeader(line.chars().take(80).collect()))?;
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(ParseError::BadHeader(line.chars().take(80).collect()));
            }
            headers.push((canonical(name), value.trim().to_owned()));
        }
        let body_start = end + term;
        let rest = buf.get(body_start..).unwrap_or_default();
        let length = headers
            .iter()
            .find(|(n, _)| n == "Content-Length")
            .map(|(_, v)| {
                v.parse::<usize>()
                    .map_err(|_| ParseError::BadContentLength(v.chars().take(20).collect()))
            })
            .transpose()?;
        let body_len = match length {
            Some(n) if n > MAX_BODY => return Err(ParseError::TooLarge(n)),
            Some(n) if n > rest.len() => return Err(ParseError::Incomplete),
            Some(n) => n,
            None if rest.len() > MAX_BODY => return Err(ParseError::TooLarge(rest.len())),
            None => rest.len(),
        };
        let body = rest.get(..body_len).unwrap_or_default().to_vec();
        Ok((
            SipMessage {
                start,
                headers,
                body,
            },
            skip + body_start + body_len,
        ))
    }

    /// The first value of a header (any case, compact or full name).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = canonical(name);
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order (Via may come several times).
    pub fn headers_named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = canonical(name);
        self.headers
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The user part of the From URI — how GB/T 28181 names the sender (its 20-digit ID).
    pub fn from_user(&self) -> Option<&str> {
        uri_user(self.header("From")?)
    }

    /// The sequence number and method of `CSeq`.
    pub fn cseq(&self) -> Option<(u32, &str)> {
        let (n, method) = self.header("CSeq")?.split_once(char::is_whitespace)?;
        Some((n.trim().parse().ok()?, method.trim()))
    }

    /// The response to this request: Via, From, Call-ID and CSeq copied, To copied with `to_tag`
    /// added when it has none (RFC 3261 §8.2.6), the source address noted in the top Via
    /// (`received`, and `rport` filled in when the device asked for it) so that replies find a
    /// device behind NAT.
    pub fn response_to(
        &self,
        code: u16,
        reason: &str,
        to_tag: &str,
        source: std::net::SocketAddr,
    ) -> SipMessage {
        let mut headers = Vec::new();
        let mut first_via = true;
        for (name, value) in &self.headers {
            match name.as_str() {
                "Via" if first_via => {
                    first_via = false;
                    headers.push((name.clone(), with_received(value, source)));
                }
                "Via" | "From" | "Call-ID" | "CSeq" => headers.push((name.clone(), value.clone())),
                "To" if !value.contains(";tag=") && !to_tag.is_empty() => {
                    headers.push((name.clone(), format!("{value};tag={to_tag}")));
                }
                "To" => headers.push((name.clone(), value.clone())),
                _ => {}
            }
        }
        SipMessage {
            start: StartLine::Response {
                code,
                reason: reason.to_owned(),
            },
            headers,
            body: Vec::new(),
        }
    }

    /// The message as bytes, CRLF lines, with a Content-Length that matches the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = String::new();
        let _ = match &self.start {
            StartLine::Request { method, uri } => write!(head, "{method} {uri} SIP/2.0\r\n"),
            StartLine::Response { code, reason } => write!(head, "SIP/2.0 {code} {reason}\r\n"),
        };
        for (name, value) in self.headers.iter().filter(|(n, _)| n != "Content-Length") {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(head, "Content-Length: {}\r\n\r\n", self.body.len());
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn parse_start(line: &str) -> Result<StartLine, ParseError> {
    let bad = || ParseError::BadStartLine(line.chars().take(80).collect());
    let mut parts = line.splitn(3, ' ');
    let (a, b, c) = (parts.next(), parts.next(), parts.next());
    match (a, b, c) {
        (Some(v), Some(code), reason) if v.eq_ignore_ascii_case("SIP/2.0") => {
            let code: u16 = code.parse().map_err(|_| bad())?;
            if !(100..=699).contains(&code) {
                return Err(bad());
            }
            Ok(StartLine::Response {
                code,
                reason: reason.unwrap_or_default().trim().to_owned(),
            })
        }
        (Some(method), Some(uri), Some(v)) if v.trim().eq_ignore_ascii_case("SIP/2.0") => {
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(bad());
            }
            Ok(StartLine::Request {
                method: method.to_ascii_uppercase(),
                uri: uri.to_owned(),
            })
        }
        _ => Err(bad()),
    }
}

/// A Via value with `received=<ip>` and, where the sender asked with a bare `rport`, its port.
fn with_received(via: &str, source: std::net::SocketAddr) -> String {
    let mut parts: Vec<String> = via
        .split(';')
        .filter(|p| !p.trim().starts_with("received="))
        .map(|p| {
            if p.trim() == "rport" {
                format!("rport={}", source.port())
            } else {
                p.to_owned()
            }
        })
        .collect();
    parts.push(format!("received={}", source.ip()));
    parts.join(";")
}

/// The user part of the first `sip:` URI in a header value.
fn uri_user(value: &str) -> Option<&str> {
    let at = value.find("sip:")? + 4;
    let rest = value.get(at..)?;
    let end = rest.find('@')?;
    rest.get(..end).filter(|u| !u.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REGISTER: &str = "REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n\
        Via: SIP/2.0/UDP 192.0.2.10:5060;rport;branch=z9hG4bK1371463273\r\n\
        From: <sip:34020000001320000001@3402000000>;tag=2043466181\r\n\
        To: <sip:34020000001320000001@3402000000>\r\n\
        Call-ID: 1011047669\r\n\
        CSeq: 1 REGISTER\r\n\
        Contact: <sip:34020000001320000001@192.0.2.10:5060>\r\n\
        Max-Forwards: 70\r\n\
        User-Agent: IP Camera\r\n\
        Expires: 3600\r\n\
        Content-Length: 0\r\n\r\n";

    #[test]
    fn the_reference_register_reads() {
        let (m, used) = SipMessage::parse(REGISTER.as_bytes()).unwrap();
        assert_eq!(used, REGISTER.len());
        assert_eq!(
            m.start,
            StartLine::Request {
                method: "REGISTER".into(),
                uri: "sip:34020000002000000001@3402000000".into()
            }
        );
        assert_eq!(m.from_user(), Some("34020000001320000001"));
        assert_eq!(m.cseq(), Some((1, "REGISTER")));
        assert_eq!(m.header("expires"), Some("3600"));
        assert_eq!(m.header("i"), Some("1011047669"));
        assert!(m.body.is_empty());
    }

    #[test]
    fn lenient_forms_are_read() {
        let text = "MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\n\
            v: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\n\
            f: <sip:34020000001320000001@3402000000>;tag=1\n\
            T: <sip:34020000002000000001@3402000000>\n\
            i: abc\n\
            cseq: 20 MESSAGE\n\
            c: Application/MANSCDP+xml\n\
            Subject: a,\n  b\n\n<?xml version=\"1.0\"?><Notify/>";
        let (m, _) = SipMessage::parse(text.as_bytes()).unwrap();
        assert_eq!(m.header("Content-Type"), Some("Application/MANSCDP+xml"));
        assert_eq!(m.header("Subject"), Some("a, b"), "folded line");
        assert_eq!(m.cseq(), Some((20, "MESSAGE")));
        assert_eq!(
            m.body, b"<?xml version=\"1.0\"?><Notify/>",
            "no Content-Length: the rest"
        );
    }

    #[test]
    fn a_tcp_stream_yields_one_message_at_a_time() {
        let body = "<Keepalive/>";
        let one = format!(
            "MESSAGE sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let stream = format!("\r\n{one}{one}");
        let (first, used) = SipMessage::parse(stream.as_bytes()).unwrap();
        assert_eq!(first.body, body.as_bytes());
        let (second, rest) = SipMessage::parse(stream.as_bytes().get(used..).unwrap()).unwrap();
        assert_eq!(second, first);
        assert_eq!(used + rest, stream.len());
        let cut = stream.as_bytes().get(..stream.len() - 3).unwrap();
        assert_eq!(
            SipMessage::parse(cut.get(used..).unwrap()),
            Err(ParseError::Incomplete)
        );
    }

    #[test]
    fn malformed_messages_say_what_is_wrong() {
        assert!(matches!(
            SipMessage::parse(b"HELLO\r\n\r\n"),
            Err(ParseError::BadStartLine(_))
        ));
        assert!(matches!(
            SipMessage::parse(b"SIP/2.0 99 Nope\r\n\r\n"),
            Err(ParseError::BadStartLine(_))
        ));
        assert!(matches!(
            SipMessage::parse(b"OPTIONS sip:a@b SIP/2.0\r\nno colon here\r\n\r\n"),
            Err(ParseError::BadHeader(_))
        ));
        assert_eq!(
            SipMessage::parse(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: ten\r\n\r\n"),
            Err(ParseError::BadContentLength("ten".into()))
        );
        assert_eq!(
            SipMessage::parse(b"OPTIONS sip:a@b SIP/2.0\r\nl: 99999999\r\n\r\n"),
            Err(ParseError::TooLarge(99_999_999))
        );
        assert_eq!(
            SipMessage::parse(b"OPTIONS sip:a@b"),
            Err(ParseError::Incomplete)
        );
    }

    #[test]
    fn a_response_is_written_with_a_true_content_length() {
        let m = SipMessage {
            start: StartLine::Response {
                code: 401,
                reason: "Unauthorized".into(),
            },
            headers: vec![
                ("Call-ID".into(), "1011047669".into()),
                ("Content-Length".into(), "999".into()),
            ],
            body: Vec::new(),
        };
        let bytes = m.to_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "SIP/2.0 401 Unauthorized\r\nCall-ID: 1011047669\r\nContent-Length: 0\r\n\r\n"
        );
        let (back, _) = SipMessage::parse(&bytes).unwrap();
        assert_eq!(back.header("Content-Length"), Some("0"));
    }

    #[test]
    fn gbk_display_names_in_headers_are_read() {
        let mut bytes = b"MESSAGE sip:a@b SIP/2.0\r\nFrom: \"".to_vec();
        bytes.extend_from_slice(&[0xc7, 0xb0, 0xc3, 0xc5]);
        bytes.extend_from_slice(
            b"\" <sip:34020000001320000001@3402000000>\r\nContent-Length: 0\r\n\r\n",
        );
        let (m, _) = SipMessage::parse(&bytes).unwrap();
        assert!(m.header("From").unwrap().starts_with("\"前门\""));
        assert_eq!(m.from_user(), Some("34020000001320000001"));
    }

    #[test]
    fn a_response_copies_the_dialog_headers_and_notes_the_source() {
        let (register, _) = SipMessage::parse(REGISTER.as_bytes()).unwrap();
        let source: std::net::SocketAddr = "198.51.100.7:40001".parse().unwrap();
        let r = register.response_to(401, "Unauthorized", "1848301540", source);
        assert_eq!(
            r.header("Via"),
            Some(
                "SIP/2.0/UDP 192.0.2.10:5060;rport=40001;branch=z9hG4bK1371463273;received=198.51.100.7"
            )
        );
        assert_eq!(
            r.header("To"),
            Some("<sip:34020000001320000001@3402000000>;tag=1848301540")
        );
        assert_eq!(r.header("From"), register.header("From"));
        assert_eq!(r.cseq(), Some((1, "REGISTER")));
        assert_eq!(r.header("Expires"), None, "only what a response must carry");
        let text = String::from_utf8(r.to_bytes()).unwrap();
        assert!(text.starts_with("SIP/2.0 401 Unauthorized\r\n"), "{text}");
    }

    fn header_value() -> impl Strategy<Value = String> {
        "[ -~]{0,40}".prop_map(|s| s.trim().replace(['\r', '\n'], ""))
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_fail_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = SipMessage::parse(&bytes);
        }

        #[test]
        fn mutated_registers_never_panic(i in 0usize..400, b in any::<u8>()) {
            let mut bytes = REGISTER.as_bytes().to_vec();
            if let Some(x) = bytes.get_mut(i % REGISTER.len()) {
                *x = b;
            }
            let _ = SipMessage::parse(&bytes);
        }

        #[test]
        fn written_messages_read_back(
            method in "[A-Z]{3,9}",
            values in proptest::collection::vec(header_value(), 0..6),
            body in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let m = SipMessage {
                start: StartLine::Request { method, uri: "sip:34020000002000000001@3402000000".into() },
                headers: values.into_iter().enumerate().map(|(i, v)| (format!("X-H{i}"), v)).collect(),
                body,
            };
            let bytes = m.to_bytes();
            let (back, used) = SipMessage::parse(&bytes).unwrap();
            prop_assert_eq!(used, bytes.len());
            prop_assert_eq!(&back.body, &m.body);
            prop_assert_eq!(&back.start, &m.start);
            for (name, value) in &m.headers {
                prop_assert_eq!(back.header(name), Some(value.as_str()));
            }
        }
    }
}
