//! What the phone shells see of the core through uniffi (feature `ffi`), where the Rust API's shape cannot cross.
//!
//! Everything else is exported where it is defined (`cfg_attr(feature = "ffi", …)`): one type definition, no
//! wrappers. Here live only the FFI form of [`Config`] (which holds a `dyn Clock`, a `PathBuf`, a `Duration`) and
//! the constructor that takes it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::{Config, DeviceKey, Locale, Onego, OnegoError, SecretStore};

// Paths cross as strings (`OpenReport.recovered_from`).
uniffi::custom_type!(PathBuf, String, {
    remote,
    lower: |p| p.to_string_lossy().into_owned(),
    try_lift: |s| Ok(PathBuf::from(s)),
});

/// Default whole-request timeout of [`OnegoConfig`], as in [`Config::new`].
const DEFAULT_TIMEOUT_MS: i64 = 15_000;

/// How a shell opens the core: [`Config`] in FFI form. The clock is the system's.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OnegoConfig {
    /// A directory in the app's private storage for the database; created if missing.
    pub data_dir: String,
    /// `https://…` in production; plain `http://` only on loopback (tests, demo).
    pub platform_url: String,
    /// From the system's language: `Locale::from_tag` is not exported, zh-CN is the product's first language.
    pub locale: Locale,
    /// Whole-request timeout for platform calls, in milliseconds; 0 or less means the default, 15 s.
    #[uniffi(default = 15000)]
    pub request_timeout_ms: i64,
    /// Drafts still being edited and untouched this many days are deleted at open.
    #[uniffi(default = 30)]
    pub draft_max_age_days: i32,
}

impl From<OnegoConfig> for Config {
    fn from(c: OnegoConfig) -> Self {
        let timeout_ms = if c.request_timeout_ms > 0 { c.request_timeout_ms } else { DEFAULT_TIMEOUT_MS };
        let mut config = Config::new(c.data_dir, c.platform_url);
        config.locale = c.locale;
        config.request_timeout = Duration::from_millis(timeout_ms.unsigned_abs());
        config.draft_max_age_days = c.draft_max_age_days;
        config
    }
}

#[uniffi::export]
impl Onego {
    /// Opens the database (migrating or recovering it) and prepares the platform client. No network; local
    /// disk and the secret store only, so call it off the UI thread like any other storage work.
    ///
    /// `device_key` is the phone's hardware-backed key (Secure Enclave, Android Keystore); without one the core
    /// keeps a software key in `secrets` (desktop tests).
    #[uniffi::constructor(default(device_key = None))]
    pub fn new(
        config: OnegoConfig,
        secrets: Arc<dyn SecretStore>,
        device_key: Option<Arc<dyn DeviceKey>>,
    ) -> Result<Arc<Self>, OnegoError> {
        match device_key {
            Some(key) => Self::open_with_device_key(config.into(), secrets, key),
            None => Self::open(config.into(), secrets),
        }
        .map(Arc::new)
    }

    /// What happened when the database was opened (recovery from a corrupt file, a reset key).
    #[uniffi::method(name = "open_report")]
    pub fn ffi_open_report(&self) -> crate::OpenReport {
        self.open_report().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_defaults_and_conversion() {
        let c = OnegoConfig {
            data_dir: "/tmp/x".into(),
            platform_url: "http://127.0.0.1:1".into(),
            locale: Locale::En,
            request_timeout_ms: 0,
            draft_max_age_days: 30,
        };
        let config = Config::from(c.clone());
        assert_eq!(config.request_timeout, Duration::from_secs(15));
        assert_eq!(config.locale, Locale::En);
        assert_eq!(config.data_dir, PathBuf::from("/tmp/x"));
        let config = Config::from(OnegoConfig { request_timeout_ms: 2500, ..c });
        assert_eq!(config.request_timeout, Duration::from_millis(2500));
    }
}
