//! The `onego` binary as scripts and support staff use it.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

use std::process::Command;

use onego_platform::{PlatformConfig, RunningPlatform};
use serde_json::Value;

fn onego() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onego"))
}

#[test]
fn check_exits_0_when_valid_and_1_with_the_reason() {
    // GB 11643-1999's own example number.
    let ok = onego().args(["check", "id", "11010519491231002X"]).output().expect("run");
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1949-12-31"));
    let bad = onego().args(["check", "id", "110105194912310021"]).output().expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("expected 'X'"), "names the expected check character");
    let ok = onego().args(["check", "uscc", "91350100M000100Y43"]).output().expect("run");
    assert_eq!(ok.status.code(), Some(0));
    let bad = onego().args(["check", "uscc", "91350100M000100Y4O"]).output().expect("run");
    assert_eq!(bad.status.code(), Some(1));
    let bad = onego().args(["check", "licence-id", "1.2.156.3005.2.X"]).output().expect("run");
    assert_eq!(bad.status.code(), Some(1));
}

fn app(data: &std::path::Path, url: &str, args: &[&str]) -> (i32, Value) {
    let out =
        onego().args(["app", "--data"]).arg(data).args(["--platform", url, "--json"]).args(args).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn app_commands_drive_the_core_and_work_offline() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("rt");
    let platform = rt.block_on(RunningPlatform::start(PlatformConfig::default())).expect("platform");
    let url = platform.url();
    let data = tempfile::tempdir().expect("dir");

    let (code, out) = app(data.path(), &url, &["login", "--phone", "13800000001", "--code", "123456"]);
    assert_eq!(code, 0, "{out}");
    assert!(out["subject"].is_string());
    let (code, out) = app(data.path(), &url, &["sync"]);
    assert_eq!(code, 0);
    assert_eq!(out["full"], true);
    let (_, out) = app(data.path(), &url, &["search", "生孩子"]);
    assert_eq!(out[0]["id"], "bundle-birth", "生孩子 ranks 出生一件事 first");
    let (_, out) = app(data.path(), &url, &["guide", "bundle-birth"]);
    assert_eq!(out["kind"], "bundle");

    rt.block_on(platform.shutdown());
    let (code, out) = app(data.path(), &url, &["sync"]);
    assert_eq!((code, out["error"].as_str()), (2, Some("offline")), "{out}");
    let (code, out) = app(data.path(), &url, &["search", "社保"]);
    assert_eq!(code, 0);
    assert!(!out.as_array().expect("hits").is_empty(), "offline search answers");
    let (code, out) = app(data.path(), &url, &["profile"]);
    assert_eq!(code, 0);
    assert_eq!(out["phone"], "13800000001", "the cached profile, offline, after a restart of the CLI");
    let (code, out) = app(data.path(), &url, &["guide", "no-such-matter"]);
    assert_eq!((code, out["error"].as_str()), (2, Some("not_found")));
}
