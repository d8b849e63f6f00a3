//! The holder's device key (P-256): hardware-backed on phones (Secure Enclave, StrongBox), a software key
//! sealed in the secure store on desktops. Licences are bound to it and every presentation is signed by it.

use std::sync::Arc;

use onego_protocol::sdjwt::jws::{Es256SigningKey, Jwk, der_to_raw_signature};
use onego_protocol::sdjwt::{HolderSigner, SdJwtError};
use ring::rand::SystemRandom;

use crate::error::{CoreError, CoreResult};
use crate::secrets::{SecretStore, keys};

/// A failure of the host's key store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "ffi", derive(uniffi::Error))]
pub enum DeviceKeyError {
    #[error("device key failed: {reason}")]
    Failed { reason: String },
}

#[cfg(feature = "ffi")]
impl From<uniffi::UnexpectedUniFFICallbackError> for DeviceKeyError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: format!("unexpected error in the host: {}", e.reason) }
    }
}

/// A P-256 key the private half of which never leaves the host's key store.
#[cfg_attr(feature = "ffi", uniffi::export(with_foreign))]
pub trait DeviceKey: Send + Sync {
    /// The public key as a JWK (`{"kty":"EC","crv":"P-256","x":…,"y":…}`).
    fn public_jwk(&self) -> Result<String, DeviceKeyError>;
    /// An ES256 signature of `message`: raw `r‖s` (64 bytes) or DER, as the platform's API gives it.
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, DeviceKeyError>;
}

/// A software key kept (as PKCS#8) in the secure store: for desktops and tests.
pub struct SoftwareDeviceKey {
    key: Es256SigningKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for SoftwareDeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftwareDeviceKey(..)")
    }
}

impl SoftwareDeviceKey {
    /// Loads the key from the secure store, creating it on first use.
    pub(crate) fn load_or_create(secrets: &dyn SecretStore) -> CoreResult<Self> {
        let rng = SystemRandom::new();
        let stored = secrets.get(keys::DEVICE_KEY.into()).map_err(|e| CoreError::Secret(e.to_string()))?;
        let key = match stored {
            Some(pkcs8) => Es256SigningKey::from_pkcs8(&pkcs8, &rng)
                .map_err(|e| CoreError::Secret(format!("stored device key unreadable: {e}")))?,
            None => {
                let (key, pkcs8) =
                    Es256SigningKey::generate(&rng).map_err(|e| CoreError::Internal(format!("device key: {e}")))?;
                secrets.set(keys::DEVICE_KEY.into(), pkcs8).map_err(|e| CoreError::Secret(e.to_string()))?;
                key
            }
        };
        Ok(Self { key, rng })
    }
}

impl DeviceKey for SoftwareDeviceKey {
    fn public_jwk(&self) -> Result<String, DeviceKeyError> {
        Ok(self.key.public_jwk().to_json().to_string())
    }

    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, DeviceKeyError> {
        self.key
            .sign(&message, &self.rng)
            .map(|s| s.to_vec())
            .map_err(|e| DeviceKeyError::Failed { reason: e.to_string() })
    }
}

/// The device key as the SD-JWT code's holder signer.
pub(crate) struct DeviceSigner {
    key: Arc<dyn DeviceKey>,
    jwk: Jwk,
}

impl DeviceSigner {
    pub(crate) fn new(key: Arc<dyn DeviceKey>) -> CoreResult<Self> {
        let json = key.public_jwk().map_err(|e| CoreError::Secret(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| CoreError::Secret(format!("device key JWK: {e}")))?;
        let jwk = Jwk::from_json(&value).map_err(|e| CoreError::Secret(format!("device key JWK: {e}")))?;
        Ok(Self { key, jwk })
    }

    pub(crate) fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    pub(crate) fn sign_raw(&self, message: &[u8]) -> Result<[u8; 64], SdJwtError> {
        let sig = self.key.sign(message.to_vec()).map_err(|e| SdJwtError::Signing(e.to_string()))?;
        match <[u8; 64]>::try_from(sig.as_slice()) {
            Ok(raw) => Ok(raw),
            Err(_) => der_to_raw_signature(&sig),
        }
    }
}

impl HolderSigner for DeviceSigner {
    fn public_jwk(&self) -> Jwk {
        self.jwk.clone()
    }

    fn sign_es256(&self, signing_input: &[u8]) -> Result<[u8; 64], SdJwtError> {
        self.sign_raw(signing_input)
    }
}
