//! 动态口令 — time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), the
//! kind every authenticator app reads from an `otpauth://` QR code.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP: u64 = 30;
const DIGITS: u32 = 6;

/// The code of one time step (RFC 4226 dynamic truncation).
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19).copied().unwrap_or(0) & 0x0f);
    let bytes: [u8; 4] = digest
        .get(offset..offset + 4)
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; 4]);
    (u32::from_be_bytes(bytes) & 0x7fff_ffff) % 10u32.pow(digits)
}

/// The 6-digit code for `unix_time`, zero-padded.
pub fn totp_code(secret: &[u8], unix_time: u64) -> String {
    format!("{:06}", hotp(secret, unix_time / STEP, DIGITS))
}

/// The time step a code matches, within one step either side of `unix_time` (clock drift), if any.
/// The caller must refuse a step already used, so that a code works once.
pub fn totp_check(secret: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = unix_time / STEP;
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|step| format!("{:06}", hotp(secret, *step, DIGITS)) == code)
}

/// Base32 without padding (RFC 4648), as authenticator apps expect the secret.
pub fn base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in data {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                ALPHABET
                    .get(((buffer >> bits) & 31) as usize)
                    .copied()
                    .unwrap_or(b'A'),
            ));
        }
    }
    if bits > 0 {
        out.push(char::from(
            ALPHABET
                .get(((buffer << (5 - bits)) & 31) as usize)
                .copied()
                .unwrap_or(b'A'),
        ));
    }
    out
}

/// The `otpauth://` URI of a secret, for the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = pingan_domain::text::percent_encode;
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

/// The QR code of `text` as an SVG image, drawn here (no service is asked).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        let secret = b"12345678901234567890";
        for (time, code8) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                format!("{:08}", hotp(secret, time / STEP, 8)),
                code8,
                "t={time}"
            );
            assert_eq!(totp_code(secret, time), code8[2..]);
        }
    }

    #[test]
    fn check_allows_one_step_of_drift_and_names_the_step() {
        let secret = b"12345678901234567890";
        let code = totp_code(secret, 1_111_111_109);
        assert_eq!(
            totp_check(secret, &code, 1_111_111_109),
            Some(1_111_111_109 / STEP)
        );
        assert!(totp_check(secret, &code, 1_111_111_109 + STEP).is_some());
        assert_eq!(totp_check(secret, &code, 1_111_111_109 + 3 * STEP), None);
        assert_eq!(totp_check(secret, "12345", 59), None);
        assert_eq!(totp_check(secret, "abcdef", 59), None);
    }

    #[test]
    fn base32_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected);
        }
    }

    #[test]
    fn uri_and_qr() {
        let uri = otpauth_uri("平安", "zhang.san", b"12345678901234567890");
        assert!(uri.starts_with(
            "otpauth://totp/%E5%B9%B3%E5%AE%89:zhang.san?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        ));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
