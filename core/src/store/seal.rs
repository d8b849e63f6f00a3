//! Personal fields at rest: XChaCha20-Poly1305 under a key kept in the host's secure storage.
//!
//! A sealed value is `version (1 byte) ‖ nonce (24) ‖ ciphertext+tag`, with the row's purpose as associated
//! data so a blob cannot be moved to another row unnoticed.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{CoreError, CoreResult};

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// The database's sealing key.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    pub(crate) fn new(key: &[u8]) -> CoreResult<Self> {
        let cipher = XChaCha20Poly1305::new_from_slice(key)
            .map_err(|_| CoreError::Secret("database key has the wrong length".into()))?;
        Ok(Self { cipher })
    }

    pub(crate) fn generate_key() -> CoreResult<Vec<u8>> {
        let mut key = vec![0u8; 32];
        getrandom::fill(&mut key).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
        Ok(key)
    }

    pub(crate) fn seal(&self, purpose: &str, plain: &[u8]) -> CoreResult<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: purpose.as_bytes() })
            .map_err(|_| CoreError::Internal("sealing failed".into()))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub(crate) fn open(&self, purpose: &str, blob: &[u8]) -> CoreResult<Vec<u8>> {
        if blob.len() < 1 + NONCE_LEN || blob[0] != VERSION {
            return Err(CoreError::Integrity("sealed value has an unknown format".into()));
        }
        let (nonce, sealed) = blob[1..].split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| CoreError::Integrity("sealed value has a bad nonce".into()))?;
        self.cipher
            .decrypt(&nonce, Payload { msg: sealed, aad: purpose.as_bytes() })
            .map_err(|_| CoreError::Integrity("sealed value was altered or belongs elsewhere".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let s = Sealer::new(&[7u8; 32]).expect("key");
        let blob = s.seal("profile", "陈静 330106".as_bytes()).expect("seal");
        assert_eq!(s.open("profile", &blob).expect("open"), "陈静 330106".as_bytes());
        assert!(matches!(s.open("draft", &blob), Err(CoreError::Integrity(_))), "purpose is bound");
        let mut bad = blob.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(s.open("profile", &bad), Err(CoreError::Integrity(_))));
        assert!(matches!(s.open("profile", &blob[..10]), Err(CoreError::Integrity(_))));
        let other = Sealer::new(&[8u8; 32]).expect("key");
        assert!(other.open("profile", &blob).is_err());
        assert!(Sealer::new(&[1u8; 16]).is_err());
    }
}
