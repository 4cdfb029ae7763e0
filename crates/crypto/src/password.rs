//! argon2id password hashes in PHC string form.

use crate::CryptoError;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes) and a random salt.
/// CPU-heavy: call it from a blocking thread.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| CryptoError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordVerifier::<str>::verify_password(&Argon2::default(), password.as_bytes(), hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash_password("Tongchuan#2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Tongchuan#2026", &h));
        assert!(!verify_password("tongchuan#2026", &h));
        assert!(!verify_password("Tongchuan#2026", "not a hash"));
        assert_ne!(h, hash_password("Tongchuan#2026").unwrap(), "salts differ");
    }
}
