//! Shared setup: a real platform on 127.0.0.1 and a core on a temporary data directory.
#![allow(dead_code, reason = "each test file uses a different part")]

pub mod apply;

use std::sync::Arc;
use std::time::Duration;

use onego_core::{AccountKind, Config, MemorySecretStore, Onego};
use onego_platform::{PlatformConfig, RunningPlatform};
use onego_protocol::time::{Clock, ManualClock};

pub const CITIZEN: &str = "13800000001";
pub const HUSBAND: &str = "13800000011";
pub const OWNER: &str = "13800000002";
pub const CODE: &str = "123456";

/// 2026-11-27 09:00 CST.
pub const T0_MS: i64 = 1_795_741_200_000;

pub async fn platform() -> RunningPlatform {
    RunningPlatform::start(PlatformConfig::default()).await.expect("platform starts")
}

pub async fn platform_with(config: PlatformConfig) -> RunningPlatform {
    RunningPlatform::start(config).await.expect("platform starts")
}

pub struct Phone {
    pub app: Onego,
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemorySecretStore>,
}

pub fn phone(url: &str) -> Phone {
    phone_with(url, |_| {})
}

pub fn phone_with(url: &str, tweak: impl FnOnce(&mut Config)) -> Phone {
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = Arc::new(MemorySecretStore::default());
    let mut config = Config::new(dir.path(), url);
    config.request_timeout = Duration::from_secs(3);
    tweak(&mut config);
    let app = Onego::open(config, secrets.clone()).expect("core opens");
    Phone { app, dir, secrets }
}

/// Reopens the same data directory and secrets, as after an app restart.
pub fn reopen(dir: &std::path::Path, secrets: &Arc<MemorySecretStore>, url: &str) -> Onego {
    let mut config = Config::new(dir, url);
    config.request_timeout = Duration::from_secs(3);
    Onego::open(config, secrets.clone()).expect("core reopens")
}

pub async fn signed_in(url: &str, phone_no: &str) -> Phone {
    let p = phone(url);
    p.app.sign_in(phone_no.into(), CODE.into(), AccountKind::Citizen).await.expect("sign in");
    p
}

pub fn manual_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(T0_MS))
}

pub fn as_clock(c: &Arc<ManualClock>) -> Arc<dyn Clock> {
    c.clone()
}

/// Every byte of the database files (main, WAL, shared memory).
pub fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["onego.db", "onego.db-wal", "onego.db-shm"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            all.extend(b);
        }
    }
    all
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && haystack.windows(n.len()).any(|w| w == n)
}

pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("client")
}

/// Signs in over plain HTTP with the sandbox code; the whole token response.
pub async fn token_response(url: &str, phone: &str, kind: &str) -> serde_json::Value {
    http()
        .post(format!("{url}/v1/auth/token"))
        .json(&serde_json::json!({"grant_type": "otp", "phone": phone, "code": CODE, "kind": kind}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json")
}

/// Signs in over plain HTTP with the sandbox code; the access token.
pub async fn access_token(url: &str, phone: &str, kind: &str) -> String {
    token_response(url, phone, kind).await["access_token"].as_str().expect("access token").to_owned()
}
