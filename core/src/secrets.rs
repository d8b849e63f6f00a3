//! Secrets live in the platform's secure storage (Keychain, Keystore), reached through a trait the shell provides.

/// A failure of the host's secure storage.
///
/// An enum of one case because uniffi carries only enums as errors; shells throw `SecretStoreException.Failed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "ffi", derive(uniffi::Error))]
pub enum SecretStoreError {
    #[error("secure storage failed: {reason}")]
    Failed { reason: String },
}

impl SecretStoreError {
    #[must_use]
    pub fn new(reason: impl Into<String>) -> Self {
        Self::Failed { reason: reason.into() }
    }

    /// What the host said went wrong.
    #[must_use]
    pub fn reason(&self) -> &str {
        match self {
            Self::Failed { reason } => reason,
        }
    }
}

/// A shell's implementation that failed in a way its signature does not allow (a Kotlin `RuntimeException`).
#[cfg(feature = "ffi")]
impl From<uniffi::UnexpectedUniFFICallbackError> for SecretStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::new(format!("unexpected error in the host: {}", e.reason))
    }
}

/// Keychain / Keystore: holds the database key and the sign-in tokens.
///
/// Implemented by the shells (`with_foreign`). Called from any thread: the caller's when the core is opened or
/// asked `signed_in`, the core's worker threads otherwise. Keep it quick and never block on the UI thread.
#[cfg_attr(feature = "ffi", uniffi::export(with_foreign))]
pub trait SecretStore: Send + Sync {
    fn get(&self, key: String) -> Result<Option<Vec<u8>>, SecretStoreError>;
    fn set(&self, key: String, value: Vec<u8>) -> Result<(), SecretStoreError>;
    fn delete(&self, key: String) -> Result<(), SecretStoreError>;
}

/// Keys under which the core keeps its secrets.
pub(crate) mod keys {
    pub const DB_KEY: &str = "onego.db-key.v1";
    pub const TOKENS: &str = "onego.tokens.v1";
    pub const DEVICE_KEY: &str = "onego.device-key.v1";
    /// The usage log's latest hash, kept outside the database so cutting entries off its end shows.
    pub const USAGE_HEAD: &str = "onego.usage-head.v1";
}

/// A secret store in memory, for tests and short-lived tools.
#[derive(Debug, Default)]
pub struct MemorySecretStore(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl SecretStore for MemorySecretStore {
    fn get(&self, key: String) -> Result<Option<Vec<u8>>, SecretStoreError> {
        let map = self.0.lock().map_err(|_| SecretStoreError::new("poisoned"))?;
        Ok(map.get(&key).cloned())
    }

    fn set(&self, key: String, value: Vec<u8>) -> Result<(), SecretStoreError> {
        let mut map = self.0.lock().map_err(|_| SecretStoreError::new("poisoned"))?;
        map.insert(key, value);
        Ok(())
    }

    fn delete(&self, key: String) -> Result<(), SecretStoreError> {
        let mut map = self.0.lock().map_err(|_| SecretStoreError::new("poisoned"))?;
        map.remove(&key);
        Ok(())
    }
}
