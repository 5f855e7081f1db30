//! Login tokens: random values shaped like a UUID v4, handed out once and stored only as
//! a SHA-256 hash, so a copy of the database opens no session.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A token as the client presents it.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// A new token: 122 random bits from the operating system's generator.
    pub fn generate() -> Self {
        Self(Uuid::new_v4().to_string())
    }

    /// Takes a presented token, as sent (surrounding spaces aside). Only the hyphenated
    /// UUID form is ours; letter case does not matter.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let hyphens_in_place = raw.len() == 36
            && raw
                .char_indices()
                .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
        (hyphens_in_place && Uuid::try_parse(raw).is_ok()).then(|| Self(raw.to_owned()))
    }

    /// The token exactly as presented.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps: the hex SHA-256 of the token in lower case.
    pub fn digest(&self) -> String {
        sha256_hex(&self.0.to_ascii_lowercase())
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

pub fn sha256_hex(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_uuid_v4_and_unique() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a.as_str(), b.as_str());
        let parsed = Uuid::parse_str(a.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }

    #[test]
    fn parse_normalizes_case_and_rejects_garbage() {
        let t = Token::generate();
        let upper = t.as_str().to_uppercase();
        assert_eq!(Token::parse(&upper).unwrap().digest(), t.digest());
        assert!(Token::parse("not-a-token").is_none());
        let simple = t.as_str().replace('-', "");
        assert!(Token::parse(&simple).is_none());
        assert!(Token::parse(&format!("{{{}}}", t.as_str())).is_none());
        assert!(Token::parse(&format!("urn:uuid:{}", t.as_str())).is_none());
        assert!(Token::parse("").is_none());
    }

    #[test]
    fn digest_is_hex_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn debug_hides_the_token() {
        assert_eq!(format!("{:?}", Token::generate()), "Token(***)");
    }
}
