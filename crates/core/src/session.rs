//! Opaque session tokens: 256 random bits, shown to the client once, stored hashed.

use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// A bearer token. `Debug` and `Display` never print it; use [`SessionToken::expose`] where it
/// must cross a boundary (the `Authorization` header, the OS keyring).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// Wraps a token read back from a header or a keyring.
    pub fn from_secret(s: String) -> Self {
        Self(s)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the server stores: a SHA-256 of the token (the token itself has 256 bits of
    /// entropy, so no key or salt is needed).
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_redacted() {
        let a = SessionToken::generate();
        let b = SessionToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64, "256 bits in hex");
        assert!(!format!("{a:?}").contains(a.expose()));
        assert_eq!(a.hash(), SessionToken::from_secret(a.expose().to_owned()).hash());
        assert_ne!(a.hash(), a.expose());
    }
}
