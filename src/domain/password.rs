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

/// Every rule a new password breaks, in Spanish, in a fixed order; empty when it is good.
/// At least 6 characters, with at least one letter and one digit.
pub fn rule_failures(new_password: &str) -> Vec<&'static str> {
    let mut failures = Vec::new();
    let length = new_password.nfc().count();
    if length < 6 {
        failures.push("La nueva contraseña debe tener al menos 6 caracteres");
    }
    if new_password.len() > MAX_LEN {
        failures.push("La nueva contraseña debe tener como máximo 256 caracteres");
    }
    if !new_password.chars().any(char::is_alphabetic) {
        failures.push("La nueva contraseña debe tener al menos una letra");
    }
    if !new_password.chars().any(|c| c.is_ascii_digit()) {
        failures.push("La nueva contraseña debe tener al menos un número");
    }
    failures
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
    fn password_rules_one_by_one() {
        assert!(rule_failures("demo123").is_empty());
        assert!(rule_failures("añoño1").is_empty());
        assert_eq!(
            rule_failures("ab1"),
            ["La nueva contraseña debe tener al menos 6 caracteres"]
        );
        assert_eq!(
            rule_failures("abcdefg"),
            ["La nueva contraseña debe tener al menos un número"]
        );
        assert_eq!(
            rule_failures("1234567"),
            ["La nueva contraseña debe tener al menos una letra"]
        );
        assert_eq!(rule_failures("").len(), 3);
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
