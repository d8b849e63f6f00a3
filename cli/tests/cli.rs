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

#[test]
fn wallet_commands_and_the_offline_verifier() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("rt");
    let platform = rt.block_on(RunningPlatform::start(PlatformConfig::default())).expect("platform");
    let url = platform.url();
    let data = tempfile::tempdir().expect("dir");
    let (code, _) = app(data.path(), &url, &["login", "--phone", "13800000001", "--code", "123456"]);
    assert_eq!(code, 0);
    let (code, out) = app(data.path(), &url, &["wallet", "refresh"]);
    assert_eq!(code, 0, "{out}");
    let (_, list) = app(data.path(), &url, &["wallet", "list"]);
    let card = list
        .as_array()
        .expect("licences")
        .iter()
        .find(|l| l["vct"] == "urn:cn:licence:resident-id")
        .expect("an ID card")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (code, shown) = app(data.path(), &url, &["wallet", "present", &card, "--purpose", "identity-check"]);
    assert_eq!(code, 0, "{shown}");
    assert_eq!(shown["disclosed"], serde_json::json!(["name", "id_number"]));
    let text = shown["text"].as_str().expect("text").to_owned();
    let trust = data.path().join("trust.jws");
    let (code, _) = app(data.path(), &url, &["wallet", "export-trust", trust.to_str().expect("path")]);
    assert_eq!(code, 0);
    rt.block_on(platform.shutdown());

    // Stand-alone, offline: valid now, stale a minute later (`--at`), refused without any trust.
    let verify = |extra: &[&str]| {
        let out = onego().arg("verify").arg(&text).args(extra).arg("--json").output().expect("run");
        (out.status.code(), serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null))
    };
    let (code, v) = verify(&["--trust", trust.to_str().expect("path")]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["issuer_name"], "浙江省公安厅");
    let later =
        (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("now").as_secs() + 60).to_string();
    let (code, v) = verify(&["--trust", trust.to_str().expect("path"), "--at", &later]);
    assert_eq!((code, v["reason_code"].as_str()), (Some(1), Some("kb_stale")));
    let (code, v) = verify(&[]);
    assert_eq!((code, v["reason_code"].as_str()), (Some(1), Some("no_trust_list")));

    // An issuer's JWKS trusted explicitly (as for a credential from outside the trust list).
    let anchor: Value = serde_json::from_str(onego_core::SANDBOX_TRUST_ANCHOR).expect("anchor");
    let anchor = onego_protocol::sdjwt::Jwk::from_json(&anchor).expect("jwk");
    let list = onego_protocol::trust::TrustList::verify(&std::fs::read_to_string(&trust).expect("read"), &anchor)
        .expect("trust list");
    let zj = list.issuers.iter().find(|i| i.name == "浙江省公安厅").expect("issuer");
    let jwks = data.path().join("jwks.json");
    std::fs::write(&jwks, serde_json::to_vec(&zj.jwks).expect("json")).expect("write");
    let (code, v) = verify(&["--issuer-jwks", jwks.to_str().expect("path")]);
    assert_eq!(code, Some(0), "{v}");
    let other = list.issuers.iter().find(|i| i.name == "江苏省公安厅").expect("issuer");
    std::fs::write(&jwks, serde_json::to_vec(&other.jwks).expect("json")).expect("write");
    let (code, v) = verify(&["--issuer-jwks", jwks.to_str().expect("path")]);
    assert_eq!((code, v["reason_code"].as_str()), (Some(1), Some("issuer_key")), "{v}");

    let (code, log) = app(data.path(), &url, &["wallet", "log"]);
    assert_eq!(code, 0);
    assert_eq!(log.as_array().map(Vec::len), Some(1), "one presentation, one log entry");
}

#[test]
fn staff_commands_change_a_licence_status_over_http() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("rt");
    let platform = rt.block_on(RunningPlatform::start(PlatformConfig::default())).expect("platform");
    let url = platform.url();
    let ids = rt.block_on(platform.staff().licence_ids_of("13800000002".into())).expect("licences");
    let (driving, _) = ids.iter().find(|(_, vct)| vct == "urn:cn:licence:driving").expect("张伟 drives").clone();
    let staff = |args: &[&str]| onego().args(["staff", "--platform", &url]).args(args).output().expect("run");
    assert_eq!(staff(&["suspend", &driving, "--reason", "记分满12分"]).status.code(), Some(0));
    assert_eq!(staff(&["reinstate", &driving]).status.code(), Some(0));
    assert_eq!(staff(&["revoke", &driving]).status.code(), Some(0));
    assert_eq!(staff(&["reinstate", &driving]).status.code(), Some(1), "revocation is final");
    assert_eq!(staff(&["--key", "wrong", "suspend", &driving]).status.code(), Some(1));
    assert_eq!(staff(&["revoke", "not-a-licence-id"]).status.code(), Some(2));
}
