//! Random secrets from the operating system.

use crate::CryptoError;

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    random_bytes_into(&mut buf)?;
    Ok(buf)
}

/// Fills `buf` from the operating system's random source.
pub fn random_bytes_into(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|e| CryptoError::Random(e.to_string()))
}

/// A 256-bit random token as 64 lowercase hex characters (session and API tokens).
pub fn random_token() -> Result<String, CryptoError> {
    Ok(random_bytes::<32>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
const DIGIT: &[u8] = b"23456789";
const SYMBOL: &[u8] = b"#%+=@";

/// A code of `N` characters from the 32 upper-case letters and digits that cannot be misread
/// (no I, O, 0, 1): 5 random bits each (a 16-character code holds 80 bits). Given once to someone
/// who must quote it back (a clue's informant).
pub fn random_code<const N: usize>() -> Result<String, CryptoError> {
    let bytes = random_bytes::<N>()?;
    let alphabet: Vec<u8> = UPPER.iter().chain(DIGIT).copied().collect();
    Ok(bytes
        .iter()
        // 256 is a multiple of 32: every character is as likely.
        .map(|b| char::from(alphabet.get(usize::from(*b) % 32).copied().unwrap_or(b'X')))
        .collect())
}

/// A 16-character password that satisfies the password policy and is easy to read aloud: letters
/// without I/l/O/o, digits without 0/1, and a few symbols; every class appears at least once.
pub fn random_password() -> Result<String, CryptoError> {
    let bytes = random_bytes::<32>()?;
    let classes = [UPPER, LOWER, DIGIT, SYMBOL];
    let mut out = Vec::with_capacity(16);
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        // The first four characters take one class each; the rest draw from letters and digits.
        let set: &[u8] = match i {
            0..=3 => classes.get(i).copied().unwrap_or(LOWER),
            _ if pair.first().copied().unwrap_or(0) % 3 == 0 => DIGIT,
            _ if pair.first().copied().unwrap_or(0) % 3 == 1 => UPPER,
            _ => LOWER,
        };
        let idx = usize::from(pair.get(1).copied().unwrap_or(0)) % set.len();
        out.push(set.get(idx).copied().unwrap_or(b'x'));
    }
    // Move the guaranteed-class characters away from the front with a rotation chosen by the data.
    let rot = usize::from(bytes.first().copied().unwrap_or(0)) % out.len();
    out.rotate_left(rot);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_readable_alphabet_and_differ() {
        let a = random_code::<16>().unwrap();
        assert_eq!(a.len(), 16);
        assert!(
            a.bytes().all(|b| UPPER.contains(&b) || DIGIT.contains(&b)),
            "{a}"
        );
        assert_ne!(a, random_code::<16>().unwrap());
        assert_eq!(UPPER.len() + DIGIT.len(), 32);
    }

    #[test]
    fn tokens_are_long_and_differ() {
        let a = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_token().unwrap());
    }

    #[test]
    fn passwords_have_every_class() {
        for _ in 0..200 {
            let p = random_password().unwrap();
            assert_eq!(p.len(), 16);
            assert!(p.bytes().any(|b| UPPER.contains(&b)), "{p}");
            assert!(p.bytes().any(|b| LOWER.contains(&b)), "{p}");
            assert!(p.bytes().any(|b| DIGIT.contains(&b)), "{p}");
            assert!(p.bytes().any(|b| SYMBOL.contains(&b)), "{p}");
        }
    }
}
