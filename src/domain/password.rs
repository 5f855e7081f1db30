//! Passwords: Argon2id hashes with OWASP's recommended parameters, compared after Unicode
//! NFC normalization so that a password with `ñ` or a tilde matches whichever way the
//! phone's keyboard composed it.

use std::sync::LazyLock;

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use unicode_normalization::UnicodeNormalization;

/// OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB of memory, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

/// Longest password accepted; hashing cost does not depend on it, but input stays bounded.
pub const MAX_LEN: usize = 256;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("valid Argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn normalize(password: &str) -> String {
    password.nfc().collect()
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
/// Slow on purpose (tens of milliseconds): call it off the async threads.
pub fn hash(password: &str) -> String {
    hasher()
        .hash_password(normalize(password).as_bytes())
        .expect("hashing with a fresh random salt cannot fail")
        .to_string()
}

/// Whether `password` matches `stored`. A malformed stored hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LEN {
        return false;
    }
    hasher()
        .verify_password(normalize(password).as_bytes(), stored)
        .is_ok()
}

/// A hash of a password nobody knows, checked when a login names an unknown document so
/// that the answer takes as long as for a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: LazyLock<String> = LazyLock::new(|| hash(&uuid::Uuid::new_v4().to_string()));
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let stored = hash("demo123");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("demo123", &stored));
        assert!(!verify("demo124", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn composed_and_decomposed_enye_match() {
        let composed = "ni\u{00f1}o2024";
        let decomposed = "nin\u{0303}o2024";
        assert_ne!(composed, decomposed);
        let stored = hash(composed);
        assert!(verify(decomposed, &stored));
    }

    #[test]
    fn garbage_hash_matches_nothing() {
        assert!(!verify("demo123", "not a hash"));
        assert!(!verify("demo123", ""));
    }

    #[test]
    fn overlong_passwords_never_match() {
        let long = "a1".repeat(MAX_LEN);
        let stored = hash(&long);
        assert!(!verify(&long, &stored));
    }
}
