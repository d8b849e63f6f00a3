//! A platform that fails, hangs, drops the connection, sends garbage or goes backwards: the cache still
//! answers, nothing is wrongly applied, and the error says what happened.
//!
//! A small fault-injecting proxy sits in front of the real platform and is switched between behaviours.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use onego_core::OnegoError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Forward,
    ServerError,
    Hang,
    Garbage,
    TruncatedJson,
    /// Rewrites the catalog version.
    Version(i64),
    NotAnItem,
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    mode: Arc<Mutex<Mode>>,
    client: reqwest::Client,
}

async fn handle(State(proxy): State<Proxy>, req: Request) -> Response {
    let mode = *proxy.mode.lock().expect("mode");
    match mode {
        Mode::ServerError => return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return StatusCode::OK.into_response();
        }
        Mode::Garbage => {
            return ([("content-type", "application/json")], "<html>502 Bad Gateway</html>").into_response();
        }
        Mode::TruncatedJson => {
            return ([("content-type", "application/json")], "{\"epoch\":\"x\",\"vers").into_response();
        }
        _ => {}
    }
    let path = req.uri().path_and_query().map(ToString::to_string).unwrap_or_default();
    let mut upstream = proxy.client.request(req.method().clone(), format!("{}{path}", proxy.upstream));
    for (k, v) in req.headers() {
        if k != "host" {
            upstream = upstream.header(k, v);
        }
    }
    let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.expect("body");
    let res = upstream.body(body).send().await.expect("upstream");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.expect("upstream body");
    let bytes = if path.starts_with("/v1/catalog") && status == 200 && mode != Mode::Forward {
        let mut v: serde_json::Value = serde_json::from_slice(&bytes).expect("catalog json");
        match mode {
            Mode::Version(n) => v["version"] = n.into(),
            Mode::NotAnItem => v["matters"][0]["name"] = serde_json::Value::String(String::new()),
            _ => {}
        }
        serde_json::to_vec(&v).expect("json").into()
    } else {
        bytes
    };
    let mut out = Response::builder().status(status.as_u16());
    for (k, v) in &headers {
        if k != "content-length" && k != "transfer-encoding" {
            out = out.header(k, v);
        }
    }
    out.body(Body::from(bytes)).expect("response")
}

async fn proxy(upstream: String) -> (String, Arc<Mutex<Mode>>) {
    let mode = Arc::new(Mutex::new(Mode::Forward));
    let state = Proxy { upstream, mode: mode.clone(), client: http() };
    let app = axum::Router::new().fallback(handle).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("proxy serves") });
    (url, mode)
}

fn set(mode: &Arc<Mutex<Mode>>, m: Mode) {
    *mode.lock().expect("mode") = m;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fault_keeps_the_cache_and_says_what_happened() {
    let platform = platform().await;
    let staff = platform.staff();
    let (url, mode) = proxy(platform.url()).await;
    let p = phone_with(&url, |c| c.request_timeout = Duration::from_millis(800));
    let synced = p.app.sync_catalog().await.expect("first sync through the proxy");
    let before = p.app.search("公积金".into(), 50).await.expect("search");
    assert!(!before.is_empty());

    // Make sure there is a real delta waiting, so a wrongly applied response would show.
    let ids = staff.matter_ids().await.expect("ids");
    staff.delete_items(vec![ids[0].clone()]).await.expect("delete");
    staff.edit_matters(vec![ids[1].clone()], "新增线上办理渠道".into()).await.expect("edit");

    let cases = [
        (Mode::ServerError, "network"),
        (Mode::Hang, "network"),
        (Mode::Garbage, "integrity"),
        (Mode::TruncatedJson, "integrity"),
        (Mode::Version(synced.version - 1), "integrity"),
        (Mode::Version(synced.version), "integrity"),
        (Mode::NotAnItem, "integrity"),
    ];
    for (m, expected) in cases {
        set(&mode, m);
        let err = p.app.sync_catalog().await.expect_err("a fault is an error");
        let kind = match &err {
            OnegoError::Network { .. } => "network",
            OnegoError::Integrity { .. } => "integrity",
            OnegoError::Offline { .. } => "offline",
            _ => "other",
        };
        assert_eq!(kind, expected, "{m:?}: {err:?}");
        assert!(!err.to_string().is_empty() && err.to_string().chars().any(|c| c > '\u{2e80}'), "worded in Chinese");
        let state = p.app.catalog_state().await.expect("state");
        assert_eq!(state.version, Some(synced.version), "{m:?} applied nothing");
        assert_eq!(p.app.search("公积金".into(), 50).await.expect("search"), before, "{m:?}: cache answers as before");
    }

    // Back to normal: the pending delta arrives.
    set(&mode, Mode::Forward);
    let r = p.app.sync_catalog().await.expect("recovers");
    assert_eq!((r.upserted, r.deleted), (1, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_is_a_network_error() {
    // Accepts, reads the request, closes without a word.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { break };
            let mut buf = [0u8; 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut sock, &mut buf).await;
            drop(sock);
        }
    });
    let p = phone(&url);
    let err = p.app.sync_catalog().await.expect_err("dropped");
    assert!(matches!(err, OnegoError::Network { .. } | OnegoError::Offline { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_listening_is_offline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let p = phone(&url);
    assert!(matches!(p.app.sync_catalog().await, Err(OnegoError::Offline { .. })));
    assert!(p.app.search("社保".into(), 5).await.expect("empty cache answers").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_is_only_for_loopback() {
    let dir = tempfile::tempdir().expect("dir");
    let config = onego_core::Config::new(dir.path(), "http://gov.example.cn");
    let err = onego_core::Onego::open(config, Arc::new(onego_core::MemorySecretStore::default())).expect_err("refused");
    assert!(matches!(err, OnegoError::Validation { field, .. } if field == "platform_url"));
}
