//! The application event feed (polling and server-sent events) and family proxy delegations, over real HTTP on
//! loopback. Applications and their events are written through the sandbox staff handle, as submissions and
//! decisions write them.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

use std::sync::Arc;
use std::time::Duration;

use onego_platform::{PlatformConfig, RunningPlatform, Staff};
use onego_protocol::api::MatterStatus;
use onego_protocol::time::{Clock, ManualClock};
use serde_json::{Value, json};

const JING: &str = "13800000001";
const LEI: &str = "13800000011";
const JIANGUO: &str = "13800000003";
const XIUYING: &str = "13800000004";
const OWNER: &str = "13800000002";
const CODE: &str = "123456";
/// 2026-11-27 09:00 CST.
const T0_MS: i64 = 1_795_741_200_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

async fn start(config: PlatformConfig) -> RunningPlatform {
    RunningPlatform::start(config).await.expect("platform starts")
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client")
}

/// A client for streams: no overall timeout (reads are bounded one by one).
fn streaming() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).build().expect("client")
}

async fn token_as(url: &str, phone: &str, kind: &str) -> String {
    let res: Value = http()
        .post(format!("{url}/v1/auth/token"))
        .json(&json!({"grant_type": "otp", "phone": phone, "code": CODE, "kind": kind}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    res["access_token"].as_str().expect("access token").to_owned()
}

async fn token(url: &str, phone: &str) -> String {
    token_as(url, phone, "citizen").await
}

async fn get(url: &str, bearer: &str) -> (u16, Value) {
    let res = http().get(url).bearer_auth(bearer).send().await.expect("get");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn post(url: &str, bearer: &str, body: &Value) -> (u16, Value) {
    let res = http().post(url).bearer_auth(bearer).json(body).send().await.expect("post");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn delete(url: &str, bearer: &str) -> u16 {
    http().delete(url).bearer_auth(bearer).send().await.expect("delete").status().as_u16()
}

async fn event(staff: &Staff, app: &str, matter: &str, note: &str) -> i64 {
    staff.record_event(app.into(), matter.into(), MatterStatus::InReview, note.into()).await.expect("event")
}

fn cursors(page: &Value) -> Vec<i64> {
    page["events"].as_array().expect("events").iter().map(|e| e["cursor"].as_i64().expect("cursor")).collect()
}

/// Applications of 陈静 (her own), of 李秀英 submitted by 陈静 as her delegate, and of 陈建国; events interleaved.
struct World {
    jing_app: String,
    xiuying_app: String,
    jianguo_app: String,
    /// Cursors of the events 陈静 may see, in order.
    jing_sees: Vec<i64>,
}

async fn world(staff: &Staff) -> World {
    let app = |p: &str, s: &str| staff.record_application(p.into(), s.into(), "bundle-birth".into());
    let jing_app = app(JING, JING).await.expect("app");
    let xiuying_app = app(XIUYING, JING).await.expect("app");
    let jianguo_app = app(JIANGUO, JIANGUO).await.expect("app");
    let a = event(staff, &jing_app, "m1", "收到").await;
    event(staff, &jianguo_app, "m1", "收到").await;
    let b = event(staff, &xiuying_app, "m1", "收到").await;
    event(staff, &jianguo_app, "m2", "审核中").await;
    let c = event(staff, &jing_app, "m2", "审核中").await;
    World { jing_app, xiuying_app, jianguo_app, jing_sees: vec![a, b, c] }
}

#[tokio::test(flavor = "multi_thread")]
async fn polling_pages_resume_and_stay_private() {
    let platform = start(PlatformConfig::default()).await;
    let url = platform.url();
    let w = world(&platform.staff()).await;
    let jing = token(&url, JING).await;

    let (status, all) = get(&format!("{url}/v1/events"), &jing).await;
    assert_eq!(status, 200);
    assert_eq!(cursors(&all), w.jing_sees, "her own and those she submitted as a delegate, oldest first");
    assert_eq!(all["next_cursor"], w.jing_sees[2]);
    let first = &all["events"][0];
    assert_eq!(first["application_id"], w.jing_app.as_str());
    assert_eq!(first["matter_id"], "m1");
    assert_eq!(first["status"], "in_review");
    assert_eq!(first["actor"], "staff");
    assert_eq!(first["note"], "收到");
    assert_eq!(all["events"][1]["application_id"], w.xiuying_app.as_str());

    // Paging: two at a time, resuming after next_cursor, until an empty page that keeps the cursor.
    let (_, p1) = get(&format!("{url}/v1/events?after=0&limit=2"), &jing).await;
    assert_eq!(cursors(&p1), w.jing_sees[..2]);
    let next = p1["next_cursor"].as_i64().unwrap();
    assert_eq!(next, w.jing_sees[1]);
    let (_, p2) = get(&format!("{url}/v1/events?after={next}&limit=2"), &jing).await;
    assert_eq!(cursors(&p2), w.jing_sees[2..]);
    let next = p2["next_cursor"].as_i64().unwrap();
    let (_, p3) = get(&format!("{url}/v1/events?after={next}&limit=2"), &jing).await;
    assert_eq!(cursors(&p3), Vec::<i64>::new());
    assert_eq!(p3["next_cursor"], next);
    // A limit of 0 still returns one; a huge one is capped.
    let (_, one) = get(&format!("{url}/v1/events?limit=0"), &jing).await;
    assert_eq!(cursors(&one), w.jing_sees[..1]);
    let (status, _) = get(&format!("{url}/v1/events?limit=100000"), &jing).await;
    assert_eq!(status, 200);

    // The principal sees what her delegate submitted; others see only their own; strangers nothing.
    let (_, xiuying) = get(&format!("{url}/v1/events"), &token(&url, XIUYING).await).await;
    assert_eq!(cursors(&xiuying), vec![w.jing_sees[1]]);
    let (_, jianguo) = get(&format!("{url}/v1/events"), &token(&url, JIANGUO).await).await;
    assert_eq!(jianguo["events"].as_array().unwrap().len(), 2);
    assert!(jianguo["events"].as_array().unwrap().iter().all(|e| e["application_id"] == w.jianguo_app.as_str()));
    let (_, lei) = get(&format!("{url}/v1/events"), &token(&url, LEI).await).await;
    assert_eq!(lei, json!({"events": [], "next_cursor": 0}));

    let res = http().get(format!("{url}/v1/events")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let (status, problem) = get(&format!("{url}/v1/events?after=x"), &jing).await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("bad_request")));
}

/// One server-sent event.
#[derive(Debug, Default)]
struct Frame {
    id: Option<String>,
    event: Option<String>,
    data: String,
    retry: Option<u64>,
    comment: bool,
}

/// Reads frames off an event stream.
struct SseReader {
    res: reqwest::Response,
    buf: String,
}

impl SseReader {
    async fn open(url: &str, bearer: &str, last_event_id: Option<i64>) -> Self {
        let mut req = streaming().get(url).bearer_auth(bearer);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = req.send().await.expect("stream opens");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        Self { res, buf: String::new() }
    }

    /// The next frame, `None` when the stream ended; panics if nothing comes within `within`.
    async fn frame(&mut self, within: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let raw: String = self.buf.drain(..end + 2).collect();
                let mut f = Frame::default();
                for line in raw.lines() {
                    if line.starts_with(':') {
                        f.comment = true;
                    } else if let Some((k, v)) = line.split_once(": ") {
                        match k {
                            "id" => f.id = Some(v.to_owned()),
                            "event" => f.event = Some(v.to_owned()),
                            "data" => f.data.push_str(v),
                            "retry" => f.retry = v.parse().ok(),
                            other => panic!("unexpected field {other}"),
                        }
                    }
                }
                return Some(f);
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await.expect("a frame in time").unwrap();
            match chunk {
                Some(bytes) => self.buf.push_str(std::str::from_utf8(&bytes).unwrap()),
                None => return None,
            }
        }
    }

    /// The next application event, skipping hints and keep-alive comments.
    async fn event(&mut self, within: Duration) -> (i64, Value) {
        loop {
            let f = self.frame(within).await.expect("the stream is open");
            if f.comment || f.data.is_empty() {
                continue;
            }
            assert_eq!(f.event.as_deref(), Some("application"));
            let data: Value = serde_json::from_str(&f.data).unwrap();
            let id: i64 = f.id.expect("id").parse().unwrap();
            assert_eq!(data["cursor"], id, "id is the cursor");
            return (id, data);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_replays_then_delivers_new_events_and_resumes() {
    let platform = start(PlatformConfig::default()).await;
    let url = platform.url();
    let staff = platform.staff();
    let w = world(&staff).await;
    let jing = token(&url, JING).await;
    let stream_url = format!("{url}/v1/events/stream");

    let mut sse = SseReader::open(&stream_url, &jing, None).await;
    let hello = sse.frame(Duration::from_secs(5)).await.expect("hint");
    assert_eq!(hello.retry, Some(2000), "a reconnection hint first");
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(sse.event(Duration::from_secs(5)).await.0);
    }
    assert_eq!(replayed, w.jing_sees);

    // A new event arrives as soon as it is committed; another account's never does.
    let started = std::time::Instant::now();
    let fresh = event(&staff, &w.jing_app, "m3", "已受理").await;
    let (id, data) = sse.event(Duration::from_secs(3)).await;
    assert_eq!(id, fresh);
    assert_eq!(data["note"], "已受理");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    event(&staff, &w.jianguo_app, "m3", "不是她的").await;
    let delegated = event(&staff, &w.xiuying_app, "m2", "代办进展").await;
    assert_eq!(sse.event(Duration::from_secs(3)).await.0, delegated, "陈建国's event was skipped");
    drop(sse);

    // Reconnecting with Last-Event-ID (which wins over ?after=) replays only what came after it.
    let mut again = SseReader::open(&format!("{stream_url}?after=0"), &jing, Some(w.jing_sees[2])).await;
    assert_eq!(again.frame(Duration::from_secs(5)).await.expect("hint").retry, Some(2000));
    assert_eq!(again.event(Duration::from_secs(5)).await.0, fresh);
    assert_eq!(again.event(Duration::from_secs(5)).await.0, delegated);
    let later = event(&staff, &w.jing_app, "m3", "已办结").await;
    assert_eq!(again.event(Duration::from_secs(3)).await.0, later);

    // ?after= alone resumes too.
    let mut after = SseReader::open(&format!("{stream_url}?after={delegated}"), &jing, None).await;
    after.frame(Duration::from_secs(5)).await.expect("hint");
    assert_eq!(after.event(Duration::from_secs(5)).await.0, later);

    // Errors are problem documents before the stream opens.
    let res = http().get(&stream_url).header("Last-Event-ID", "abc").bearer_auth(&jing).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = http().get(&stream_url).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_replay_is_paged_and_complete() {
    let platform = start(PlatformConfig::default()).await;
    let url = platform.url();
    let staff = platform.staff();
    let app = staff.record_application(JING.into(), JING.into(), "bundle-birth".into()).await.unwrap();
    let mut expected = Vec::new();
    for i in 0..450 {
        expected.push(event(&staff, &app, "m1", &format!("第{i}步")).await);
    }
    let jing = token(&url, JING).await;
    let mut sse = SseReader::open(&format!("{url}/v1/events/stream"), &jing, None).await;
    sse.frame(Duration::from_secs(5)).await.expect("hint");
    let mut got = Vec::new();
    for _ in 0..expected.len() {
        got.push(sse.event(Duration::from_secs(5)).await.0);
    }
    assert_eq!(got, expected, "every event once, in order, across stream pages");

    let (_, page) = get(&format!("{url}/v1/events?limit=1000"), &jing).await;
    assert_eq!(cursors(&page), expected);
    let (_, page) = get(&format!("{url}/v1/events"), &jing).await;
    assert_eq!(cursors(&page).len(), 200, "the default limit");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_ends_when_its_token_expires() {
    let platform = start(PlatformConfig { access_ttl_secs: 2, ..PlatformConfig::default() }).await;
    let url = platform.url();
    let jing = token(&url, JING).await;
    let mut sse = SseReader::open(&format!("{url}/v1/events/stream"), &jing, None).await;
    let started = std::time::Instant::now();
    assert_eq!(sse.frame(Duration::from_secs(5)).await.expect("hint").retry, Some(2000));
    while let Some(f) = sse.frame(Duration::from_secs(6)).await {
        assert!(f.comment, "nothing but keep-alives: {f:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(5), "ended after {:?}", started.elapsed());
    // The client must sign in again (here: the expired token is refused).
    let res = http().get(format!("{url}/v1/events/stream")).bearer_auth(&jing).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

fn grant_body(phone: &str, scope: &[&str], expires_at: i64) -> Value {
    json!({"delegate_phone": phone, "scope": scope, "expires_at": expires_at})
}

fn now_ms() -> i64 {
    onego_platform::SystemClock.now_ms()
}

#[tokio::test(flavor = "multi_thread")]
async fn delegations_are_granted_listed_used_and_revoked() {
    let platform = start(PlatformConfig::default()).await;
    let url = platform.url();
    let (xiuying, jing, lei) = (token(&url, XIUYING).await, token(&url, JING).await, token(&url, LEI).await);
    let deleg = format!("{url}/v1/delegations");
    let in_a_month = now_ms() + 30 * DAY_MS;

    let (status, d) = post(&deleg, &xiuying, &grant_body(JING, &["bundle-retirement"], in_a_month)).await;
    assert_eq!(status, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(d["principal_name"], "李*英");
    assert_eq!(d["delegate_name"], "陈*");
    assert_eq!(d["scope"], json!(["bundle-retirement"]));
    assert_eq!(d["expires_at"], in_a_month);
    assert_eq!(d["state"], "active");
    assert!(d.get("revoked_at").is_none());

    // Both sides list it, masked; a stranger sees nothing.
    let (_, mine) = get(&deleg, &xiuying).await;
    assert_eq!(mine["granted"][0]["id"], id.as_str());
    assert_eq!(mine["received"], json!([]));
    let (_, theirs) = get(&deleg, &jing).await;
    assert_eq!(theirs["received"][0], d);
    assert_eq!(theirs["granted"], json!([]));
    let (_, stranger) = get(&deleg, &lei).await;
    assert_eq!(stranger, json!({"granted": [], "received": []}));

    // The delegate plans for the principal: exactly the plan the principal gets herself.
    let plan = format!("{url}/v1/plan");
    let (status, own) = post(&plan, &xiuying, &json!({"bundle_id": "bundle-retirement"})).await;
    assert_eq!(status, 200);
    let (status, delegated) = post(&plan, &jing, &json!({"bundle_id": "bundle-retirement", "delegation_id": id})).await;
    assert_eq!(status, 200, "{delegated}");
    assert_eq!(delegated, own);
    let (_, for_herself) = post(&plan, &jing, &json!({"bundle_id": "bundle-retirement"})).await;
    assert_ne!(for_herself, own, "陈静's own plan differs: the delegation really switched whose data is used");

    // Refusals, each with its plain reason.
    let refused = |body: Value, bearer: String| {
        let plan = plan.clone();
        async move {
            let (status, p) = post(&plan, &bearer, &body).await;
            assert_eq!(status, 403, "{p}");
            assert_eq!(p["code"], "forbidden");
            p["detail"].as_str().unwrap().to_owned()
        }
    };
    let out_of_scope = refused(json!({"bundle_id": "bundle-birth", "delegation_id": id}), jing.clone()).await;
    assert!(out_of_scope.contains("不包括"), "{out_of_scope}");
    let not_theirs = refused(json!({"bundle_id": "bundle-retirement", "delegation_id": id}), lei.clone()).await;
    assert!(not_theirs.contains("不是给您的"), "{not_theirs}");
    let unknown = refused(json!({"bundle_id": "bundle-retirement", "delegation_id": "0000"}), jing.clone()).await;
    assert!(unknown.contains("没有"), "{unknown}");

    // Only the principal revokes; the delegate and strangers get 404 and the grant stands.
    assert_eq!(delete(&format!("{deleg}/{id}"), &jing).await, 404);
    assert_eq!(delete(&format!("{deleg}/{id}"), &lei).await, 404);
    assert_eq!(delete(&format!("{deleg}/nonexistent"), &xiuying).await, 404);
    let (status, _) = post(&plan, &jing, &json!({"bundle_id": "bundle-retirement", "delegation_id": id})).await;
    assert_eq!(status, 200);
    assert_eq!(delete(&format!("{deleg}/{id}"), &xiuying).await, 204);
    let (_, after) = get(&deleg, &xiuying).await;
    let revoked_at = after["granted"][0]["revoked_at"].as_i64().expect("revoked_at");
    assert_eq!(after["granted"][0]["state"], "revoked");
    assert_eq!(delete(&format!("{deleg}/{id}"), &xiuying).await, 204, "idempotent");
    let (_, again) = get(&deleg, &xiuying).await;
    assert_eq!(again["granted"][0]["revoked_at"], revoked_at, "the first revocation time stays");
    let (_, theirs) = get(&deleg, &jing).await;
    assert_eq!(theirs["received"][0]["state"], "revoked");
    let revoked = refused(json!({"bundle_id": "bundle-retirement", "delegation_id": id}), jing.clone()).await;
    assert!(revoked.contains("撤销"), "{revoked}");
}

#[tokio::test(flavor = "multi_thread")]
async fn grants_are_validated() {
    let platform = start(PlatformConfig::default()).await;
    let url = platform.url();
    let jing = token(&url, JING).await;
    let deleg = format!("{url}/v1/delegations");
    let soon = now_ms() + DAY_MS;

    let invalid = |body: Value, field: &'static str| {
        let (deleg, jing) = (deleg.clone(), jing.clone());
        async move {
            let (status, p) = post(&deleg, &jing, &body).await;
            assert_eq!(status, 422, "{p}");
            assert_eq!(p["code"], "validation");
            assert_eq!(p["field"], field, "{p}");
        }
    };
    invalid(grant_body(JING, &["bundle-birth"], soon), "delegate_phone").await;
    invalid(grant_body(LEI, &[], soon), "scope").await;
    invalid(grant_body(LEI, &[" "], soon), "scope").await;
    invalid(grant_body(LEI, &["bundle-birth", "no-such-service"], soon), "scope").await;
    invalid(grant_body(LEI, &["bundle-birth"], now_ms() - 1000), "expires_at").await;
    invalid(grant_body(LEI, &["bundle-birth"], now_ms() + 400 * DAY_MS), "expires_at").await;

    let (status, p) = post(&deleg, &jing, &grant_body("13899999999", &["bundle-birth"], soon)).await;
    assert_eq!(status, 404);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("手机号")), "{p}");
    let (status, _) = post(&deleg, &jing, &json!({"delegate_phone": LEI})).await;
    assert_eq!(status, 400);

    // Duplicates collapse; a matter id is as good as a bundle id; a year ahead is allowed.
    let matter = {
        let catalog: Value = http().get(format!("{url}/v1/catalog")).send().await.unwrap().json().await.unwrap();
        catalog["matters"][0]["id"].as_str().unwrap().to_owned()
    };
    let body = grant_body(LEI, &["bundle-birth", "bundle-birth", &matter], now_ms() + 365 * DAY_MS);
    let (status, d) = post(&deleg, &jing, &body).await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["scope"], json!(["bundle-birth", matter]));
    assert_eq!(d["delegate_name"], "王*");

    // Company accounts do not grant.
    let owner = token_as(&url, OWNER, "enterprise").await;
    let (status, p) = post(&deleg, &owner, &grant_body(JING, &["bundle-birth"], soon)).await;
    assert_eq!(status, 403, "{p}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_grant_is_refused() {
    let clock = Arc::new(ManualClock::new(T0_MS));
    let config = PlatformConfig { clock: clock.clone(), access_ttl_secs: 7 * 24 * 3600, ..PlatformConfig::default() };
    let platform = start(config).await;
    let url = platform.url();
    let (xiuying, jing) = (token(&url, XIUYING).await, token(&url, JING).await);
    let (status, d) =
        post(&format!("{url}/v1/delegations"), &xiuying, &grant_body(JING, &["bundle-retirement"], T0_MS + HOUR_MS))
            .await;
    assert_eq!(status, 201);
    let body = json!({"bundle_id": "bundle-retirement", "delegation_id": d["id"]});
    let (status, _) = post(&format!("{url}/v1/plan"), &jing, &body).await;
    assert_eq!(status, 200);

    clock.advance_secs(2 * 3600);
    let (status, p) = post(&format!("{url}/v1/plan"), &jing, &body).await;
    assert_eq!(status, 403);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("过期")), "{p}");
    let (_, list) = get(&format!("{url}/v1/delegations"), &jing).await;
    assert_eq!(list["received"][0]["state"], "expired");
}
