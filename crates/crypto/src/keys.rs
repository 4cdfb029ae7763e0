//! 密钥 — where the keys for field sealing and the blind index come from.
//!
//! Everything derives from one 256-bit master key, read from `PINGAN_MASTER_KEY` (64 hex digits) or
//! from the key file in the data directory (created with mode 0600 at first start). The services
//! see only the [`KeyProvider`] trait, so that a hardware security module (密码机) can take the
//! place of the key file.

use crate::CryptoError;
use std::fmt;
use std::path::Path;

/// Keys for sealing personal data and for its blind index.
pub trait KeyProvider: Send + Sync + fmt::Debug {
    /// The id stored with every value sealed now.
    fn current_seal_key_id(&self) -> u8;
    /// The SM4 key with this id, if known (old ids stay readable during a rotation).
    fn seal_key(&self, id: u8) -> Option<[u8; 16]>;
    /// The HMAC-SM3 key of the blind index.
    fn index_key(&self) -> [u8; 32];
}

/// A master key held in memory, with the keys derived from it by HMAC-SM3.
pub struct MasterKey {
    seal: [u8; 16],
    index: [u8; 32],
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    crate::hmac_sm3(master, &[label.as_bytes()])
}

impl MasterKey {
    pub fn from_bytes(master: [u8; 32]) -> Self {
        let seal_full = derive(&master, "pingan/seal/v1");
        let mut seal = [0u8; 16];
        seal.copy_from_slice(seal_full.get(..16).unwrap_or(&[0u8; 16]));
        Self {
            seal,
            index: derive(&master, "pingan/index/v1"),
        }
    }

    /// Parses 64 hex digits.
    pub fn from_hex(hex: &str) -> Result<Self, CryptoError> {
        let hex = hex.trim();
        let bad = || CryptoError::Key("主密钥应为 64 位十六进制数字".into());
        if hex.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            let pair = hex.get(2 * i..2 * i + 2).ok_or_else(bad)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(Self::from_bytes(out))
    }

    /// The master key from `env_value` if given, else from the key file at `path`, which is
    /// created (mode 0600, 256 random bits) when it does not exist.
    pub fn load_or_create(env_value: Option<&str>, path: &Path) -> Result<Self, CryptoError> {
        if let Some(hex) = env_value.filter(|v| !v.trim().is_empty()) {
            return Self::from_hex(hex);
        }
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text).map_err(|_| {
                CryptoError::Key(format!(
                    "密钥文件 {} 已损坏：应为 64 位十六进制数字",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut master = [0u8; 32];
                getrandom::fill(&mut master).map_err(|e| CryptoError::Random(e.to_string()))?;
                let hex: String = master.iter().map(|b| format!("{b:02x}")).collect();
                write_private(path, &hex)?;
                Ok(Self::from_bytes(master))
            }
            Err(e) => Err(CryptoError::Key(format!(
                "无法读取密钥文件 {}: {e}",
                path.display()
            ))),
        }
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), CryptoError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| CryptoError::Key(format!("无法创建密钥文件 {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CryptoError::Key(format!("无法写入密钥文件 {}: {e}", path.display())))
}

impl KeyProvider for MasterKey {
    fn current_seal_key_id(&self) -> u8 {
        1
    }

    fn seal_key(&self, id: u8) -> Option<[u8; 16]> {
        (id == 1).then_some(self.seal)
    }

    fn index_key(&self) -> [u8; 32] {
        self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("pingan-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("master.key");
        let _ = std::fs::remove_file(&path);
        let a = MasterKey::load_or_create(None, &path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = MasterKey::load_or_create(None, &path).unwrap();
        assert_eq!(a.index_key(), b.index_key());
        assert_eq!(a.seal_key(1), b.seal_key(1));
        assert_eq!(a.seal_key(2), None);
        assert_eq!(format!("{a:?}"), "MasterKey(***)");
        std::fs::write(&path, "garbage").unwrap();
        assert!(
            MasterKey::load_or_create(None, &path)
                .unwrap_err()
                .to_string()
                .contains("已损坏")
        );
        let env = "00".repeat(32);
        let c = MasterKey::load_or_create(Some(&env), &path).unwrap();
        assert_ne!(
            c.index_key(),
            a.index_key(),
            "the environment wins over the file"
        );
        assert!(MasterKey::from_hex("abc").is_err());
    }
}
