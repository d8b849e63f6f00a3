//! Kill and restart: the real `onego` binary submits 出生一件事 and is killed (SIGKILL) at each of the core's crash
//! points; the same data directory is opened again and delivers. Each time the platform ends up with exactly one
//! application, the local draft is delivered with that application's id, nothing is left pending, and
//! delivering again changes nothing.
//!
//! The binary is built with the core's `test-hooks` through this package's dev-dependency; the shared test
//! helpers are the end-to-end crate's (`tests/tests/common`).

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "../../tests/tests/common/mod.rs"]
mod common;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::apply::{BIRTH_ANSWERS, BIRTH_FIELDS, platform_applications};
use common::*;
use serde_json::Value;

/// The `onego` binary of this package: Cargo builds it for these tests with the dev-dependency's
/// `onego-core/test-hooks`, which a plain `cargo build -p onego` never has.
fn onego_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_onego"))
}

fn app_cmd(data: &Path, url: &str) -> Command {
    let mut c = Command::new(onego_binary());
    c.args(["app", "--data"]).arg(data).args(["--platform", url, "--json"]).env_remove("ONEGO_PAUSE_AT");
    c
}

/// Runs `onego app … ARGS --json` to the end; its JSON output.
fn cli(data: &Path, url: &str, args: &[&str]) -> Value {
    let out = app_cmd(data, url).args(args).output().expect("run onego");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "onego {args:?} failed: {text} {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs `onego app … ARGS` with `ONEGO_PAUSE_AT=point`, waits until it says it paused there, and kills it.
fn run_and_kill_at(data: &Path, url: &str, args: &[&str], point: &str) {
    let mut child = app_cmd(data, url)
        .args(args)
        .env("ONEGO_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn onego");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wanted = format!("ONEGO_PAUSED {point}");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.trim() == wanted => break,
            Ok(line) => seen.push(line),
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().expect("wait");
                panic!(
                    "onego {args:?} did not pause at {point} ({status}); is it built with test-hooks? stderr: {seen:?}"
                );
            }
        }
    }
    // SIGKILL on Unix: no destructor, no flush, no graceful anything.
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "killed, not finished: {status}");
}

/// A phone (data directory) signed in as 陈静 with the catalog and wallet, and a complete 出生一件事 draft.
fn prepared(url: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let who = cli(data, url, &["login", "--phone", CITIZEN, "--code", CODE]);
    assert_eq!(who["name"], "陈静");
    cli(data, url, &["sync"]);
    cli(data, url, &["wallet", "refresh"]);
    let mut args = vec!["apply".to_owned(), "bundle-birth".to_owned()];
    for (q, v) in BIRTH_ANSWERS {
        args.extend(["--answer".to_owned(), format!("{q}={v}")]);
    }
    for (k, v) in BIRTH_FIELDS {
        args.extend(["--field".to_owned(), format!("{k}={v}")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let draft = cli(data, url, &args);
    assert_eq!(draft["errors"].as_array().map(Vec::len), Some(0), "{draft}");
    let id = draft["id"].as_str().expect("draft id").to_owned();
    (dir, id)
}

fn draft_json(data: &Path, url: &str, id: &str) -> Value {
    let drafts = cli(data, url, &["drafts"]);
    drafts.as_array().expect("drafts").iter().find(|d| d["id"] == id).cloned().expect("the draft is still there")
}

fn outbox_items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

/// How far the killed process got, as seen before recovering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    /// Queued locally; the platform has nothing.
    Queued,
    /// The platform has the application; the phone does not know yet.
    PlatformOnly,
    /// Both know.
    Delivered,
}

/// Submits (or queues, then delivers) in a child killed at `point`, then recovers with `outbox --deliver`.
async fn kill_and_recover(queue_first: bool, point: &str, before: Before) {
    let platform = platform().await;
    let url = platform.url();
    let (dir, draft_id) = prepared(&url);
    let data = dir.path();

    if queue_first {
        let out = cli(data, &url, &["submit", &draft_id, "--yes", "--queue-only"]);
        assert_eq!(out["draft"]["state"], "queued", "{out}");
        run_and_kill_at(data, &url, &["outbox", "--deliver"], point);
    } else {
        run_and_kill_at(data, &url, &["submit", &draft_id, "--yes"], point);
    }

    // What the kill left behind.
    let on_platform = platform_applications(&url, CITIZEN).await;
    let local = draft_json(data, &url, &draft_id);
    let listed = cli(data, &url, &["outbox"]);
    match before {
        Before::Queued | Before::PlatformOnly => {
            let expected = usize::from(before == Before::PlatformOnly);
            assert_eq!(on_platform.len(), expected, "{point}: {on_platform:?}");
            assert_eq!(local["state"], "queued", "{point}: {local}");
            assert_eq!(outbox_items(&listed).len(), 1);
            assert_eq!(outbox_items(&listed)[0]["state"], "pending", "{point}: {listed}");
        }
        Before::Delivered => {
            assert_eq!(on_platform.len(), 1, "{point}");
            assert_eq!(local["state"], "delivered", "{point}: {local}");
        }
    }

    // Restart on the same data directory (same secrets file) and deliver.
    let recovered = cli(data, &url, &["outbox", "--deliver"]);
    let report = &recovered["delivery"];
    let (delivered, replayed) = (report["delivered"].as_i64(), report["replayed"].as_i64());
    match before {
        Before::Queued => assert_eq!((delivered, replayed), (Some(1), Some(0)), "{point}: {recovered}"),
        Before::PlatformOnly => assert_eq!((delivered, replayed), (Some(0), Some(1)), "{point}: {recovered}"),
        Before::Delivered => assert_eq!((delivered, replayed), (Some(0), Some(0)), "{point}: {recovered}"),
    }
    assert_eq!(report["rejected"], 0, "{recovered}");
    assert_eq!(report["retry_later"], 0, "{recovered}");
    assert!(
        outbox_items(&recovered).iter().all(|i| i["state"] == "delivered"),
        "{point}: nothing pending: {recovered}"
    );

    let on_platform = platform_applications(&url, CITIZEN).await;
    assert_eq!(on_platform.len(), 1, "{point}: exactly one application");
    let app_id = on_platform[0]["id"].as_str().expect("id").to_owned();
    let local = draft_json(data, &url, &draft_id);
    assert_eq!(local["state"], "delivered", "{point}: {local}");
    assert_eq!(local["application_id"], app_id.as_str(), "{point}: {local}");
    let status = cli(data, &url, &["status"]);
    let apps = status["applications"].as_array().expect("applications");
    assert_eq!(apps.len(), 1, "{point}: the placeholder was replaced: {status}");
    assert_eq!(apps[0]["id"], app_id.as_str());

    // Delivering again changes nothing, here or there.
    let again = cli(data, &url, &["outbox", "--deliver"]);
    assert_eq!(again["delivery"]["delivered"], 0, "{again}");
    assert_eq!(again["delivery"]["replayed"], 0, "{again}");
    assert_eq!(platform_applications(&url, CITIZEN).await.len(), 1, "{point}");
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_right_after_the_local_commit() {
    kill_and_recover(false, "submit:after_commit", Before::Queued).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_before_sending() {
    kill_and_recover(false, "deliver:before_send", Before::Queued).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_the_platform_answered_before_marking() {
    kill_and_recover(false, "deliver:after_response", Before::PlatformOnly).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_marking_delivered() {
    kill_and_recover(false, "deliver:after_mark", Before::Delivered).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_then_killed_before_sending() {
    kill_and_recover(true, "deliver:before_send", Before::Queued).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_then_killed_after_the_platform_answered() {
    kill_and_recover(true, "deliver:after_response", Before::PlatformOnly).await;
}
