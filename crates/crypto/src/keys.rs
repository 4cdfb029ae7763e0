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

/// The master keys held in memory, with the keys derived from them by HMAC-SM3. A key file (or
/// `PINGAN_MASTER_KEY`) holds one key per line, `ID:HEX` (a bare `HEX` line is key 1); values are
/// sealed with the newest key and opened with whichever key sealed them. The blind index uses the
/// oldest key, so that indexes stay valid across rotations.
pub struct MasterKey {
    seals: Vec<(u8, [u8; 16])>,
    index: [u8; 32],
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey(*** {} key(s))", self.seals.len())
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    crate::hmac_sm3(master, &[label.as_bytes()])
}

fn seal_key_of(master: &[u8; 32]) -> [u8; 16] {
    let full = derive(master, "pingan/seal/v1");
    let mut seal = [0u8; 16];
    for (s, f) in seal.iter_mut().zip(full) {
        *s = f;
    }
    seal
}

fn parse_hex32(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl MasterKey {
    /// One master key, with id 1.
    pub fn from_bytes(master: [u8; 32]) -> Self {
        Self {
            seals: vec![(1, seal_key_of(&master))],
            index: derive(&master, "pingan/index/v1"),
        }
    }

    /// Parses key lines (`ID:HEX` or a bare `HEX` for key 1), separated by newlines or commas.
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let bad = || {
            CryptoError::Key(
                "主密钥应为 64 位十六进制数字（轮换后每行为“编号:64 位十六进制”）".into(),
            )
        };
        let mut keys: Vec<(u8, [u8; 32])> = Vec::new();
        for line in text
            .split(['\n', ','])
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let (id, hex) = match line.split_once(':') {
                Some((id, hex)) => (id.trim().parse::<u8>().map_err(|_| bad())?, hex),
                None => (1, line),
            };
            if id == 0 || keys.iter().any(|(k, _)| *k == id) {
                return Err(bad());
            }
            keys.push((id, parse_hex32(hex).ok_or_else(bad)?));
        }
        keys.sort_by_key(|(id, _)| *id);
        let (_, oldest) = keys.first().ok_or_else(bad)?;
        Ok(Self {
            index: derive(oldest, "pingan/index/v1"),
            seals: keys.iter().map(|(id, k)| (*id, seal_key_of(k))).collect(),
        })
    }

    /// The keys from `env_value` if given, else from the key file at `path`, which is created
    /// (mode 0600, 256 random bits, key 1) when it does not exist.
    pub fn load_or_create(env_value: Option<&str>, path: &Path) -> Result<Self, CryptoError> {
        if let Some(text) = env_value.filter(|v| !v.trim().is_empty()) {
            return Self::from_hex(text);
        }
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text).map_err(|_| {
                CryptoError::Key(format!(
                    "密钥文件 {} 已损坏：{}",
                    path.display(),
                    KEY_FILE_FORMAT
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let master = random_master()?;
                write_private(path, &format!("1:{}\n", to_hex(&master)), true)?;
                Ok(Self::from_bytes(master))
            }
            Err(e) => Err(CryptoError::Key(format!(
                "无法读取密钥文件 {}: {e}",
                path.display()
            ))),
        }
    }

    /// Adds a new key to the key file; from the next start values are sealed with it, and the
    /// server re-seals older values in the background. Returns the new key's id.
    pub fn rotate(path: &Path) -> Result<u8, CryptoError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CryptoError::Key(format!("无法读取密钥文件 {}: {e}", path.display())))?;
        let current = Self::from_hex(&text)?;
        let next = current
            .current_seal_key_id()
            .checked_add(1)
            .ok_or_else(|| CryptoError::Key("密钥编号已用尽（最多 255 个）".into()))?;
        let mut lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                if l.contains(':') {
                    l.to_owned()
                } else {
                    format!("1:{l}")
                }
            })
            .collect();
        lines.push(format!("{next}:{}", to_hex(&random_master()?)));
        let staging = path.with_extension("key.new");
        let _ = std::fs::remove_file(&staging);
        write_private(&staging, &(lines.join("\n") + "\n"), true)?;
        std::fs::rename(&staging, path)
            .map_err(|e| CryptoError::Key(format!("无法替换密钥文件 {}: {e}", path.display())))?;
        Ok(next)
    }
}

const KEY_FILE_FORMAT: &str = "每行应为“编号:64 位十六进制数字”";

fn random_master() -> Result<[u8; 32], CryptoError> {
    let mut master = [0u8; 32];
    getrandom::fill(&mut master).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(master)
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str, create_new: bool) -> Result<(), CryptoError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(create_new);
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
        self.seals.last().map_or(1, |(id, _)| *id)
    }

    fn seal_key(&self, id: u8) -> Option<[u8; 16]> {
        self.seals
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, key)| *key)
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
        assert_eq!(format!("{a:?}"), "MasterKey(*** 1 key(s))");
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

    #[test]
    fn rotation_adds_a_key_and_keeps_the_old_ones_and_the_index() {
        let dir = std::env::temp_dir().join(format!("pingan-rot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("master.key");
        let _ = std::fs::remove_file(&path);
        let before = MasterKey::load_or_create(None, &path).unwrap();
        assert_eq!(MasterKey::rotate(&path).unwrap(), 2);
        let after = MasterKey::load_or_create(None, &path).unwrap();
        assert_eq!(after.current_seal_key_id(), 2);
        assert_eq!(
            after.seal_key(1),
            before.seal_key(1),
            "old values stay readable"
        );
        assert!(after.seal_key(2).is_some() && after.seal_key(2) != after.seal_key(1));
        assert_eq!(
            after.index_key(),
            before.index_key(),
            "blind indexes stay valid"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        // A legacy single-line file is key 1.
        std::fs::write(&path, "ab".repeat(32)).unwrap();
        assert_eq!(
            MasterKey::load_or_create(None, &path)
                .unwrap()
                .current_seal_key_id(),
            1
        );
        assert!(
            MasterKey::from_hex(&format!("1:{0},1:{0}", "ab".repeat(32))).is_err(),
            "duplicate ids"
        );
    }
}
