//! Secrets at rest (a WeChat account's AppSecret, Token, EncodingAESKey and access token):
//! AES-256-GCM under the installation's key, each bound to its row and column so a sealed value
//! cannot be moved to another. The key comes from configuration; the database alone reveals
//! nothing.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::error::{Result, StorageError};

/// The shortest configured key accepted: a passphrase of this many characters or more.
pub const MIN_SECRET_KEY: usize = 32;
/// What sealed values start with, so the scheme can change later.
const VERSION: &str = "v1.";
const NONCE: usize = 12;

/// The key secrets are sealed with.
#[derive(Clone)]
pub struct SecretKey(Aes256Gcm);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl SecretKey {
    /// The key of a configured passphrase (its SHA-256), at least 32 characters long.
    pub fn from_passphrase(passphrase: &str) -> Result<SecretKey, String> {
        if passphrase.chars().count() < MIN_SECRET_KEY {
            return Err(format!(
                "secret_key must be at least {MIN_SECRET_KEY} characters long"
            ));
        }
        let digest = Sha256::digest(passphrase.as_bytes());
        Aes256Gcm::new_from_slice(&digest)
            .map(SecretKey)
            .map_err(|e| e.to_string())
    }

    /// Seals `plain` for the place `bound_to` (company, row and column).
    pub(crate) fn seal(&self, bound_to: &str, plain: &str) -> Result<String> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|e| StorageError::Secret(e.to_string()))?;
        let sealed = self
            .0
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|e| StorageError::Secret(e.to_string()))?;
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", STANDARD.encode(raw)))
    }

    /// Opens a value sealed for `bound_to`; None if it was sealed under another key or place.
    pub(crate) fn open(&self, bound_to: &str, sealed: &str) -> Option<String> {
        let raw = STANDARD.decode(sealed.strip_prefix(VERSION)?).ok()?;
        if raw.len() < NONCE {
            return None;
        }
        let (nonce, body) = raw.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().ok()?;
        let plain = self
            .0
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: bound_to.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: &str) -> SecretKey {
        SecretKey::from_passphrase(p).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_place() {
        let k = key("correct horse battery staple and more words");
        let sealed = k.seal("c1/a1/token", "spamtest").unwrap();
        assert!(!sealed.contains("spamtest"));
        assert_ne!(
            sealed,
            k.seal("c1/a1/token", "spamtest").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(k.open("c1/a1/token", &sealed).as_deref(), Some("spamtest"));
        assert_eq!(k.open("c1/a1/app_secret", &sealed), None);
        assert_eq!(
            key("another passphrase that is long enough!").open("c1/a1/token", &sealed),
            None
        );
        assert_eq!(k.open("c1/a1/token", "v1.!!"), None);
        assert_eq!(k.open("c1/a1/token", "plain"), None);
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(SecretKey::from_passphrase("short").is_err());
    }
}
