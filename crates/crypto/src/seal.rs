//! 字段加密 — personal identifiers sealed with SM4-GCM (RFC 8998) and found again through an
//! HMAC-SM3 blind index.
//!
//! A sealed value is `version (1) ‖ key id (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The field's
//! name (`users.phone`, `persons.id_number` …) is the associated data, so a ciphertext moved to
//! another column does not open.

use crate::{CryptoError, KeyProvider};
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AesGcm, KeyInit};
use sm4::Sm4;
use std::sync::Arc;

type Sm4Gcm = AesGcm<Sm4, U12>;

const FORMAT_VERSION: u8 = 1;
const HEADER: usize = 2 + 12;

/// Seals and opens protected fields, and computes their blind index.
#[derive(Debug, Clone)]
pub struct FieldCipher {
    keys: Arc<dyn KeyProvider>,
}

impl FieldCipher {
    pub fn new(keys: Arc<dyn KeyProvider>) -> Self {
        Self { keys }
    }

    /// Seals `plaintext` for the column `field` with a fresh random nonce.
    pub fn seal(&self, field: &str, plaintext: &str) -> Result<Vec<u8>, CryptoError> {
        self.seal_bytes(field, plaintext.as_bytes())
    }

    /// Opens a text value sealed for `field`; fails if it was altered, moved or sealed with an
    /// unknown key.
    pub fn open(&self, field: &str, sealed: &[u8]) -> Result<String, CryptoError> {
        String::from_utf8(self.open_bytes(field, sealed)?)
            .map_err(|_| CryptoError::Sealed(format!("{field} 的明文不是 UTF-8 文本")))
    }

    /// Whether a sealed value was sealed with an older key than the current one (a rotation left
    /// it behind, and it should be sealed again).
    pub fn is_stale(&self, sealed: &[u8]) -> bool {
        sealed
            .get(1)
            .is_some_and(|id| *id != self.keys.current_seal_key_id())
    }

    /// Seals bytes (a key, a secret) for the column `field`.
    pub fn seal_bytes(&self, field: &str, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let id = self.keys.current_seal_key_id();
        let key = self
            .keys
            .seal_key(id)
            .ok_or_else(|| CryptoError::Key(format!("缺少加密密钥 {id}")))?;
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| CryptoError::Random(e.to_string()))?;
        let ct = sm4_gcm_encrypt(&key, &nonce, field.as_bytes(), plaintext)?;
        let mut out = Vec::with_capacity(HEADER + ct.len());
        out.extend_from_slice(&[FORMAT_VERSION, id]);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens bytes sealed for `field`.
    pub fn open_bytes(&self, field: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let broken = || {
            CryptoError::Sealed(format!(
                "{field} 的密文无法解开（已损坏、被移动或密钥不符）"
            ))
        };
        let (header, ct) = sealed.split_at_checked(HEADER).ok_or_else(broken)?;
        let (&[version, id], nonce) = header.split_at(2) else {
            return Err(broken());
        };
        if version != FORMAT_VERSION {
            return Err(broken());
        }
        let key = self.keys.seal_key(id).ok_or_else(broken)?;
        sm4_gcm_decrypt(&key, nonce, field.as_bytes(), ct).map_err(|_| broken())
    }

    /// The blind index of a normalised value for `field`: HMAC-SM3 under the index key, as hex.
    /// Equal values give equal indexes; the index reveals nothing else without the key.
    pub fn blind_index(&self, field: &str, normalized: &str) -> String {
        let mac = crate::hmac_sm3(
            &self.keys.index_key(),
            &[field.as_bytes(), &[0], normalized.as_bytes()],
        );
        mac.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// SM4-GCM under `key` with a 12-byte nonce.
fn sm4_gcm(key: &[u8; 16], nonce: &[u8]) -> Result<(Sm4Gcm, aes_gcm::Nonce<U12>), CryptoError> {
    let cipher = Sm4Gcm::new_from_slice(key).map_err(|e| CryptoError::Key(e.to_string()))?;
    let nonce = nonce
        .try_into()
        .map_err(|_| CryptoError::Key("nonce 长度应为 12 字节".into()))?;
    Ok((cipher, nonce))
}

fn sm4_gcm_encrypt(
    key: &[u8; 16],
    nonce: &[u8],
    aad: &[u8],
    msg: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let (cipher, nonce) = sm4_gcm(key, nonce)?;
    cipher
        .encrypt(&nonce, Payload { msg, aad })
        .map_err(|_| CryptoError::Sealed("SM4-GCM 加密失败".into()))
}

fn sm4_gcm_decrypt(
    key: &[u8; 16],
    nonce: &[u8],
    aad: &[u8],
    msg: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let (cipher, nonce) = sm4_gcm(key, nonce)?;
    cipher
        .decrypt(&nonce, Payload { msg, aad })
        .map_err(|_| CryptoError::Sealed("SM4-GCM 认证失败".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MasterKey;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc_8998_sm4_gcm_vector() {
        let key: [u8; 16] = hex("0123456789ABCDEFFEDCBA9876543210").try_into().unwrap();
        let nonce = hex("00001234567800000000ABCD");
        let aad = hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        let pt = hex(concat!(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD",
            "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
        ));
        let expected = hex(concat!(
            "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735",
            "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
            "83DE3541E4C2B58177E065A9BF7B62EC"
        ));
        assert_eq!(sm4_gcm_encrypt(&key, &nonce, &aad, &pt).unwrap(), expected);
        assert_eq!(sm4_gcm_decrypt(&key, &nonce, &aad, &expected).unwrap(), pt);
    }

    fn cipher() -> FieldCipher {
        FieldCipher::new(Arc::new(MasterKey::from_bytes([7; 32])))
    }

    #[test]
    fn seal_open_round_trip_with_fresh_nonces() {
        let c = cipher();
        let a = c.seal("users.phone", "13812345678").unwrap();
        let b = c.seal("users.phone", "13812345678").unwrap();
        assert_ne!(a, b, "a fresh nonce every time");
        assert!(
            !a.windows(11).any(|w| w == b"13812345678"),
            "no plaintext inside"
        );
        assert_eq!(c.open("users.phone", &a).unwrap(), "13812345678");
    }

    #[test]
    fn tampered_moved_or_foreign_ciphertexts_do_not_open() {
        let c = cipher();
        let mut sealed = c.seal("users.phone", "13812345678").unwrap();
        assert!(c.open("persons.phone", &sealed).is_err(), "another column");
        let other = FieldCipher::new(Arc::new(MasterKey::from_bytes([8; 32])));
        assert!(other.open("users.phone", &sealed).is_err(), "another key");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(c.open("users.phone", &sealed).is_err(), "a flipped bit");
        assert!(c.open("users.phone", &[1, 1, 0]).is_err(), "too short");
    }

    #[test]
    fn blind_index_is_stable_keyed_and_field_bound() {
        let c = cipher();
        let i = c.blind_index("users.phone", "13812345678");
        assert_eq!(i.len(), 64);
        assert_eq!(i, c.blind_index("users.phone", "13812345678"));
        assert_ne!(i, c.blind_index("persons.phone", "13812345678"));
        let other = FieldCipher::new(Arc::new(MasterKey::from_bytes([8; 32])));
        assert_ne!(i, other.blind_index("users.phone", "13812345678"));
    }
}
