//! Secrets live in the platform's secure storage (Keychain, Keystore), reached through a trait the shell provides.

/// A failure of the host's secure storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secure storage failed: {reason}")]
pub struct SecretStoreError {
    pub reason: String,
}

/// Keychain / Keystore: holds the database key and the sign-in tokens.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: String) -> Result<Option<Vec<u8>>, SecretStoreError>;
    fn set(&self, key: String, value: Vec<u8>) -> Result<(), SecretStoreError>;
    fn delete(&self, key: String) -> Result<(), SecretStoreError>;
}

/// Keys under which the core keeps its secrets.
pub(crate) mod keys {
    pub const DB_KEY: &str = "onego.db-key.v1";
    pub const TOKENS: &str = "onego.tokens.v1";
}

/// A secret store in memory, for tests and short-lived tools.
#[derive(Debug, Default)]
pub struct MemorySecretStore(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl SecretStore for MemorySecretStore {
    fn get(&self, key: String) -> Result<Option<Vec<u8>>, SecretStoreError> {
        let map = self.0.lock().map_err(|_| SecretStoreError { reason: "poisoned".into() })?;
        Ok(map.get(&key).cloned())
    }

    fn set(&self, key: String, value: Vec<u8>) -> Result<(), SecretStoreError> {
        let mut map = self.0.lock().map_err(|_| SecretStoreError { reason: "poisoned".into() })?;
        map.insert(key, value);
        Ok(())
    }

    fn delete(&self, key: String) -> Result<(), SecretStoreError> {
        let mut map = self.0.lock().map_err(|_| SecretStoreError { reason: "poisoned".into() })?;
        map.remove(&key);
        Ok(())
    }
}
