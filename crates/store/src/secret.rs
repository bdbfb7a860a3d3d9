//! Random tokens and their hashes. Session ids and API tokens are stored only as
//! SHA-256 hashes, so a copy of the database does not let anyone log in.

use sha2::{Digest, Sha256};

use crate::StoreError;

/// `n` random bytes from the operating system, hex-encoded.
pub fn random_hex(n: usize) -> Result<String, StoreError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| {
        StoreError::Internal(format!("系统随机数不可用 OS random source failed: {e}"))
    })?;
    Ok(hex::encode(buf))
}

/// A random password that is easy to read aloud and type: no 0/O, 1/l/I.
pub fn random_password(len: usize) -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = vec![0u8; len];
    getrandom::fill(&mut buf).map_err(|e| {
        StoreError::Internal(format!("系统随机数不可用 OS random source failed: {e}"))
    })?;
    // 256 is not a multiple of the alphabet size; the bias is below 1% per
    // character and irrelevant for a one-time password of this length.
    Ok(buf
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// SHA-256 of a token, hex-encoded.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_hex(32).unwrap();
        let b = random_hex(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_ne!(hash_token("x"), hash_token("y"));
        let p = random_password(14).unwrap();
        assert_eq!(p.chars().count(), 14);
        assert!(!p.contains('0') && !p.contains('l'));
    }
}
