//! A `SecretStore` for the desktop shell: a JSON file readable only by its owner.
//!
//! Phones use the Keychain or Keystore instead; this exists so the CLI can keep a sign-in between runs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use onego_core::{SecretStore, SecretStoreError};

#[derive(Debug)]
pub(crate) struct FileSecretStore {
    path: PathBuf,
    lock: Mutex<()>,
}

fn err(e: impl std::fmt::Display) -> SecretStoreError {
    SecretStoreError::new(e.to_string())
}

impl FileSecretStore {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, lock: Mutex::new(()) }
    }

    fn load(&self) -> Result<BTreeMap<String, Vec<u8>>, SecretStoreError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(err),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(err(e)),
        }
    }

    fn save(&self, map: &BTreeMap<String, Vec<u8>>) -> Result<(), SecretStoreError> {
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, serde_json::to_vec(map).map_err(err)?).map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(err)
    }
}

impl SecretStore for FileSecretStore {
    fn get(&self, key: String) -> Result<Option<Vec<u8>>, SecretStoreError> {
        let _g = self.lock.lock().map_err(err)?;
        Ok(self.load()?.remove(&key))
    }

    fn set(&self, key: String, value: Vec<u8>) -> Result<(), SecretStoreError> {
        let _g = self.lock.lock().map_err(err)?;
        let mut map = self.load()?;
        map.insert(key, value);
        self.save(&map)
    }

    fn delete(&self, key: String) -> Result<(), SecretStoreError> {
        let _g = self.lock.lock().map_err(err)?;
        let mut map = self.load()?;
        if map.remove(&key).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }
}
