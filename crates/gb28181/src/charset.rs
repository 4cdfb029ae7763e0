//! 字符集 — MANSCDP bodies are declared GB2312 by the standard, yet devices send GBK characters
//! outside GB2312, or UTF-8. The rule: ignore the XML declaration, try strict UTF-8, else read
//! GB18030 (a superset of GB2312 and GBK). Hikvision also sends unescaped `&` and `<` in names
//! and addresses; [`sanitize_xml`] makes such text parseable without losing it.

use std::borrow::Cow;

/// How a body was (or is to be) encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// GB18030, which reads GB2312 and GBK as well.
    Gb18030,
}

/// The text of a body: strict UTF-8 when it is that, GB18030 otherwise.
pub fn decode_body(bytes: &[u8]) -> (Cow<'_, str>, Charset) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Charset::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            (text, Charset::Gb18030)
        }
    }
}

/// The bytes of a body for a device that reads `charset` (ASCII stays byte-identical).
pub fn encode_body(text: &str, charset: Charset) -> Cow<'_, [u8]> {
    match charset {
        Charset::Utf8 => Cow::Borrowed(text.as_bytes()),
        Charset::Gb18030 => encoding_rs::GB18030.encode(text).0,
    }
}

/// Escapes the `&` that start no entity and the `<` that start no tag, so that an XML parser reads
/// `<Address>A&B路<1></Address>` as the text `A&B路<1>`.
pub fn sanitize_xml(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let needs = |i: usize| -> Option<&'static str> {
        let rest = bytes.get(i + 1..).unwrap_or_default();
        match bytes.get(i) {
            Some(b'&') if !starts_entity(rest) => Some("&amp;"),
            Some(b'<') if !starts_tag(rest) => Some("&lt;"),
            _ => None,
        }
    };
    if !(0..bytes.len()).any(|i| needs(i).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        match needs(i) {
            Some(escaped) => out.push_str(escaped),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn starts_entity(rest: &[u8]) -> bool {
    let Some(end) = rest.iter().take(12).position(|b| *b == b';') else {
        return false;
    };
    let name = rest.get(..end).unwrap_or_default();
    matches!(name, b"amp" | b"lt" | b"gt" | b"quot" | b"apos")
        || match name {
            [b'#', b'x' | b'X', hex @ ..] => {
                !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit)
            }
            [b'#', dec @ ..] => !dec.is_empty() && dec.iter().all(u8::is_ascii_digit),
            _ => false,
        }
}

fn starts_tag(rest: &[u8]) -> bool {
    matches!(rest.first(), Some(b'/' | b'?' | b'!' | b'_' | b':'))
        || rest.first().is_some_and(u8::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gbk_and_utf8_bodies_both_read() {
        let gbk = [0xc7, 0xb0, 0xc3, 0xc5, 0xc9, 0xe3, 0xcf, 0xf1, 0xcd, 0xb7];
        assert_eq!(
            decode_body(&gbk),
            (Cow::Borrowed("前门摄像头"), Charset::Gb18030)
        );
        let utf8 = "前门摄像头".as_bytes();
        assert_eq!(decode_body(utf8).1, Charset::Utf8);
        // 萳 is in GBK but not GB2312: a GB2312 decoder garbles it, GB18030 does not.
        assert_eq!(decode_body(&[0xc8, 0x6c]).0, "萳");
        assert_eq!(
            decode_body(&[0xca, 0xd3, 0xc6, 0xb5, 0xb6, 0xaa, 0xca, 0xa7]).0,
            "视频丢失"
        );
        assert_eq!(encode_body("前门摄像头", Charset::Gb18030).as_ref(), &gbk);
        assert_eq!(encode_body("<Cmd>", Charset::Gb18030).as_ref(), b"<Cmd>");
    }

    #[test]
    fn stray_ampersands_and_angles_are_escaped_and_real_markup_kept() {
        assert_eq!(
            sanitize_xml("<Address>A&B路<1></Address>"),
            "<Address>A&amp;B路&lt;1></Address>"
        );
        let clean = "<?xml version=\"1.0\"?><Name>A&amp;B &#21069; &#x524d;</Name><!-- c -->";
        assert!(matches!(sanitize_xml(clean), Cow::Borrowed(_)));
        assert_eq!(sanitize_xml("a & b"), "a &amp; b");
    }

    proptest! {
        #[test]
        fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let (text, _) = decode_body(&bytes);
            let _ = sanitize_xml(&text);
        }

        /// GB18030 text reads back — unless its bytes happen to be valid UTF-8 as well (a few
        /// short strings are), which the UTF-8-first rule cannot tell apart.
        #[test]
        fn gb18030_round_trips_chinese_text(s in "[\\u{4e00}-\\u{9fa5}A-Za-z0-9 ]{0,40}") {
            let bytes = encode_body(&s, Charset::Gb18030);
            if std::str::from_utf8(&bytes).is_err() || s.is_ascii() {
                prop_assert_eq!(decode_body(&bytes).0, s.as_str());
            }
        }
    }
}
