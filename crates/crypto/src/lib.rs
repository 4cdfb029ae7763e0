//! Cryptography for Pingan: argon2id password hashes, random secrets and SM3 digests.
//!
//! Personal identifiers are sealed with SM4-GCM and found through an HMAC-SM3 blind index, with keys
//! behind the [`KeyProvider`] trait.

mod keys;
mod password;
mod random;
mod seal;
mod totp;

pub use keys::{KeyProvider, MasterKey};
pub use password::{hash_password, verify_password};
pub use random::{random_bytes_into, random_code, random_password, random_token};
pub use seal::FieldCipher;
pub use totp::{STEP as TOTP_STEP, base32, otpauth_uri, qr_svg, totp_check, totp_code};

use sm3::{Digest, Sm3};

/// What went wrong in a cryptographic operation.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("系统随机数源不可用: {0}")]
    Random(String),
    #[error("密码散列失败: {0}")]
    Hash(String),
    #[error("{0}")]
    Key(String),
    #[error("{0}")]
    Sealed(String),
}

/// HMAC-SM3 of the concatenated `parts` under a 256-bit key.
pub(crate) fn hmac_sm3(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    // HMAC pads a key shorter than the 64-byte block with zeros, so padding it here is the same
    // key, and the fixed-size constructor cannot fail.
    let mut block = [0u8; 64];
    for (b, k) in block.iter_mut().zip(key) {
        *b = *k;
    }
    let mut mac = hmac::Hmac::<Sm3>::new(&block.into());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Whether `signature_hex` is the HMAC-SM3 of `message` under `key` (a device's signing key),
/// compared in constant time.
pub fn hmac_sm3_verify(key: &[u8; 32], message: &[u8], signature_hex: &str) -> bool {
    let expected = hmac_sm3(key, &[message]);
    hex32(signature_hex).is_some_and(|given| {
        given
            .iter()
            .zip(expected.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    })
}

/// 32 bytes from 64 hex digits (a key or a signature); none for anything else.
pub fn hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The HMAC-SM3 of `message` under `key`, as lowercase hex (what a device sends).
pub fn hmac_sm3_hex(key: &[u8; 32], message: &[u8]) -> String {
    hmac_sm3(key, &[message])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SM3 digest (GB/T 32905) of `data`.
pub fn sm3_digest(data: &[u8]) -> [u8; 32] {
    Sm3::digest(data).into()
}

/// SM3 digest (GB/T 32905) of `data`, as lowercase hex.
pub fn sm3_hex(data: &[u8]) -> String {
    let digest = Sm3::digest(data);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sm3_pads_short_keys_like_the_standard() {
        // HMAC with a 32-byte key equals HMAC with that key zero-padded to the block size.
        use hmac::{KeyInit, Mac};
        let key = [9u8; 32];
        let mut reference = <hmac::Hmac<Sm3> as KeyInit>::new_from_slice(&key).unwrap();
        reference.update(b"abc");
        let expected: [u8; 32] = reference.finalize().into_bytes().into();
        assert_eq!(hmac_sm3(&key, &[b"a", b"bc"]), expected);
    }

    #[test]
    fn a_signature_verifies_only_with_its_key_and_message() {
        let key = [7u8; 32];
        let sig = hmac_sm3_hex(&key, b"1700000000\nnonce\nPOST\n/x\n{}");
        assert!(hmac_sm3_verify(
            &key,
            b"1700000000\nnonce\nPOST\n/x\n{}",
            &sig
        ));
        assert!(hmac_sm3_verify(
            &key,
            b"1700000000\nnonce\nPOST\n/x\n{}",
            &sig.to_uppercase()
        ));
        assert!(!hmac_sm3_verify(
            &key,
            b"1700000001\nnonce\nPOST\n/x\n{}",
            &sig
        ));
        assert!(!hmac_sm3_verify(
            &[8u8; 32],
            b"1700000000\nnonce\nPOST\n/x\n{}",
            &sig
        ));
        assert!(!hmac_sm3_verify(&key, b"x", "zz"));
        assert!(!hmac_sm3_verify(&key, b"x", &"é".repeat(32)));
        assert_eq!(hex32(&"0a".repeat(32)), Some([10u8; 32]));
        assert_eq!(hex32(&"0a".repeat(31)), None);
        assert_eq!(hex32(&"zz".repeat(32)), None);
    }

    #[test]
    fn sm3_standard_vector() {
        // GB/T 32905-2016, example 1.
        assert_eq!(
            sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }
}
