//! 一件事一次办 end to end: the core's drafts, consent, outbox and progress against the real sandbox platform on
//! 127.0.0.1, with real SQLite in a temporary directory.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use onego_core::{
    AccountKind, AnswerValue, Config, CoreEvent, DraftState, MemorySecretStore, Observer, Onego, OnegoError,
    OutboxState,
};
use onego_platform::{PlatformConfig, RunningPlatform};
use onego_protocol::api::{Decision, MatterStatus, StaffDecision};
use onego_protocol::time::{Clock, ManualClock, cst_date};

const JING: &str = "13800000001";
const XIUYING: &str = "13800000004";
const JIANGUO: &str = "13800000003";

struct Phone {
    app: Onego,
    dir: tempfile::TempDir,
    secrets: Arc<MemorySecretStore>,
}

fn config(dir: &std::path::Path, url: &str, clock: Option<Arc<dyn Clock>>) -> Config {
    let mut c = Config::new(dir, url);
    c.request_timeout = Duration::from_secs(5);
    if let Some(clock) = clock {
        c.clock = clock;
    }
    c
}

fn reopen(p: &Phone, url: &str, clock: Option<Arc<dyn Clock>>) -> Onego {
    Onego::open(config(p.dir.path(), url, clock), p.secrets.clone()).expect("core reopens")
}

async fn platform() -> RunningPlatform {
    RunningPlatform::start(PlatformConfig::default()).await.expect("platform starts")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Up,
    /// Every connection is dropped at once (a dead network).
    Down,
    /// The platform answers 503.
    ServerError,
}

/// A TCP gate in front of the platform, which is told the gate is its public address (so presentations are
/// addressed to it). Switching the mode also cuts connections already open.
struct Gate {
    platform: RunningPlatform,
    url: String,
    mode: tokio::sync::watch::Sender<Mode>,
}

impl Gate {
    fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

async fn gated_platform() -> Gate {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let platform =
        RunningPlatform::start(PlatformConfig { public_url: Some(url.clone()), ..PlatformConfig::default() })
            .await
            .expect("platform starts");
    let upstream = platform.addr();
    let (tx, rx) = tokio::sync::watch::channel(Mode::Up);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let mut rx = rx.clone();
            tokio::spawn(async move {
                let mode = *rx.borrow_and_update();
                match mode {
                    Mode::Down => drop(inbound),
                    Mode::ServerError => {
                        let mut buf = [0u8; 4096];
                        let _ = inbound.read(&mut buf).await;
                        let _ = inbound
                            .write_all(
                                b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                            )
                            .await;
                    }
                    Mode::Up => {
                        let Ok(mut out) = tokio::net::TcpStream::connect(upstream).await else { return };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut out) => {}
                            _ = rx.changed() => {}
                        }
                    }
                }
            });
        }
    });
    Gate { platform, url, mode: tx }
}

/// A signed-in phone with the catalog and the wallet synced.
async fn phone(url: &str, number: &str, clock: Option<Arc<dyn Clock>>) -> Phone {
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = Arc::new(MemorySecretStore::default());
    let app = Onego::open(config(dir.path(), url, clock), secrets.clone()).expect("core opens");
    app.sign_in(number.into(), "123456".into(), AccountKind::Citizen).await.expect("sign in");
    app.sync_catalog().await.expect("catalog");
    app.refresh_wallet().await.expect("wallet");
    Phone { app, dir, secrets }
}

fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    ["onego.db", "onego.db-wal"].iter().filter_map(|n| std::fs::read(dir.join(n)).ok()).flatten().collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn today_minus(days: i64) -> String {
    let now = onego_core::SystemClock.now_ms();
    cst_date(now - days * 86_400_000)
}

/// Answers and fills 出生一件事 for 陈静 so the form is complete.
async fn birth_draft(app: &Onego) -> onego_core::Draft {
    let d = app.start_draft("bundle-birth".into(), None).await.expect("draft");
    for (q, v) in [
        ("born", AnswerValue::Bool(true)),
        ("hukou_with", AnswerValue::Text("随母亲".into())),
        ("mother_insured", AnswerValue::Bool(false)),
        ("need_ssc", AnswerValue::Bool(false)),
        ("birth_registered", AnswerValue::Bool(true)),
    ] {
        app.answer(d.id.clone(), q.into(), v).await.expect("answer");
    }
    let fields = [
        ("child.name", "陈小满".to_owned()),
        ("child.gender", "女".into()),
        ("child.birth_date", today_minus(2)),
        ("child.birth_place", "浙江省杭州市上城区".into()),
        ("birth.hospital", "浙江大学医学院附属妇产科医院".into()),
        ("vaccination.clinic", "上城区社区卫生服务中心".into()),
        ("hukou.follow", "随母亲".into()),
        ("insured.category", "新生儿".into()),
        ("bank.account", "6222330000000007919".into()),
    ];
    let mut d = d;
    for (k, v) in fields {
        if d.plan.fields.iter().any(|f| f.key == k) {
            d = app.set_field(d.id.clone(), k.into(), v).await.expect("set field");
        }
    }
    d
}

#[tokio::test]
async fn drafts_autosave_survive_a_restart_and_are_sealed() {
    let platform = platform().await;
    let p = phone(&platform.url(), JING, None).await;
    let profile = p.app.profile().await.expect("profile");
    let d = p.app.start_draft("bundle-birth".into(), None).await.expect("draft");
    assert_eq!(d.state, DraftState::Editing);
    assert_eq!(d.service_name, "出生一件事");
    assert!(d.errors.iter().any(|e| e.field == "answers.born"), "{:?}", d.errors);
    let d = p.app.answer(d.id.clone(), "born".into(), AnswerValue::Bool(true)).await.expect("answer");
    assert!(p.app.answer(d.id.clone(), "born".into(), AnswerValue::Text("x".into())).await.is_err());
    let d = p.app.set_field(d.id.clone(), "child.name".into(), "陈小满".into()).await.expect("field");
    assert_eq!(d.values.get("child.name").map(String::as_str), Some("陈小满"));
    // Pre-filled from the profile; an override wins, clearing it falls back.
    assert_eq!(d.values.get("applicant.phone").map(String::as_str), Some(JING));
    let d = p.app.set_field(d.id.clone(), "applicant.phone".into(), "13900000000".into()).await.expect("field");
    assert_eq!(d.values["applicant.phone"], "13900000000");
    let d = p.app.set_field(d.id.clone(), "applicant.phone".into(), String::new()).await.expect("clear");
    assert_eq!(d.values["applicant.phone"], JING);
    let bad = p.app.set_field(d.id.clone(), "no.such.field".into(), "x".into()).await;
    assert!(matches!(bad, Err(OnegoError::Validation { .. })), "{bad:?}");

    // Starting again resumes the same draft.
    let again = p.app.start_draft("bundle-birth".into(), None).await.expect("resume");
    assert_eq!(again.id, d.id);

    // Restart: the draft is still there.
    let id = d.id.clone();
    let app = reopen(&p, &platform.url(), None);
    let back = app.draft(id.clone()).await.expect("draft after restart");
    assert_eq!(back.answers.get("born"), Some(&AnswerValue::Bool(true)));
    assert_eq!(back.values["child.name"], "陈小满");
    assert_eq!(app.drafts().await.expect("drafts").len(), 1);

    let bytes = database_bytes(p.dir.path());
    for secret in ["陈小满", profile.name.as_str(), profile.id_number.as_str()] {
        assert!(!contains(&bytes, secret), "the database holds a personal value in clear");
    }

    app.discard_draft(id.clone()).await.expect("discard");
    assert!(matches!(app.draft(id).await, Err(OnegoError::NotFound { .. })));
}

#[tokio::test]
async fn old_drafts_are_purged_by_age() {
    let platform = platform().await;
    let clock = Arc::new(ManualClock::new(onego_core::SystemClock.now_ms()));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let p = phone(&platform.url(), JING, Some(dyn_clock.clone())).await;
    let old = p.app.start_draft("bundle-birth".into(), None).await.expect("draft");
    clock.advance_secs(20 * 86_400);
    let fresh = p.app.start_draft("zj-gaj-hukou-birth".into(), None).await.expect("single matter draft");
    assert_eq!(fresh.plan.matters.len(), 1, "a matter plans as a one-member bundle");
    clock.advance_secs(15 * 86_400);
    assert_eq!(p.app.purge_drafts(30).await.expect("purge"), 1);
    assert!(p.app.draft(old.id).await.is_err());
    assert!(p.app.draft(fresh.id.clone()).await.is_ok());
    // The open-time purge uses `draft_max_age_days`.
    clock.advance_secs(31 * 86_400);
    let app = reopen(&p, &platform.url(), Some(dyn_clock));
    assert!(app.draft(fresh.id).await.is_err());
}

#[tokio::test]
async fn consent_names_the_claims_and_the_departments() {
    let platform = platform().await;
    let p = phone(&platform.url(), JING, None).await;
    let d = birth_draft(&p.app).await;
    let consent = p.app.consent(d.id).await.expect("consent");
    let marriage = consent.licences.iter().find(|l| l.licence_name == "结婚证").expect("marriage licence");
    assert!(marriage.departments.iter().any(|d| d.contains("公安")), "{marriage:?}");
    assert!(marriage.claims.contains(&"证照标识".to_owned()), "{marriage:?}");
    assert!(!marriage.claims.iter().any(|c| c == "配偶姓名"), "only what the matters need: {marriage:?}");
    let id = consent.licences.iter().find(|l| l.licence_name == "居民身份证").expect("ID card");
    assert!(!id.departments.is_empty());
    assert!(!consent.summary.is_empty());
}

#[tokio::test]
async fn offline_submit_is_queued_then_delivered_exactly_once() {
    let gate = gated_platform().await;
    let p = phone(&gate.url, JING, None).await;
    let d = birth_draft(&p.app).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(matches!(p.app.submit(d.id.clone(), false).await, Err(OnegoError::Validation { .. })));

    // Offline: the submission is committed locally.
    gate.set(Mode::Down);
    let queued = p.app.submit(d.id.clone(), true).await.expect("queued offline");
    assert_eq!(p.app.draft(d.id.clone()).await.expect("draft").state, DraftState::Queued);
    let apps = p.app.applications().await.expect("applications");
    assert!(apps.iter().any(|a| a.idempotency_key == queued.idempotency_key && a.id.starts_with("queued-")));
    let report = p.app.deliver_outbox().await.expect("deliver offline");
    assert_eq!(report.retry_later, 1, "{report:?}");
    assert!(report.next_attempt_at.is_some_and(|t| t > queued.queued_at));
    // Not due yet: nothing is sent.
    gate.set(Mode::Up);
    assert_eq!(
        p.app.deliver_outbox().await.expect("not due"),
        onego_core::DeliveryReport { next_attempt_at: report.next_attempt_at, ..Default::default() }
    );
    let usage = p.app.usage_log().await.expect("usage");
    assert!(usage.iter().any(|u| u.kind == "application" && u.purpose == "申请 出生一件事"));

    // Back online once the backoff has passed (a restart with a clock 20 minutes on).
    let clock = Arc::new(ManualClock::new(onego_core::SystemClock.now_ms() + 20 * 60_000));
    let online = reopen(&p, &gate.url, Some(clock.clone()));
    let report = online.deliver_outbox().await.expect("deliver");
    let errors = online.draft(d.id.clone()).await.expect("draft").errors;
    assert_eq!((report.delivered, report.replayed, report.rejected), (1, 0, 0), "{report:?} {errors:?}");
    let d = online.draft(d.id.clone()).await.expect("draft");
    assert_eq!(d.state, DraftState::Delivered);
    let app_id = d.application_id.clone().expect("application id");
    assert!(!app_id.starts_with("queued-"));
    let apps = online.applications().await.expect("applications");
    assert_eq!(apps.len(), 1, "the placeholder was replaced");

    // A lost answer: the row goes back to pending; the platform replays the original.
    let conn = rusqlite::Connection::open(p.dir.path().join("onego.db")).expect("db");
    conn.execute("UPDATE outbox SET state = 'pending', next_attempt_ms = 0", []).expect("reset");
    conn.execute("UPDATE draft SET state = 'queued'", []).expect("reset");
    drop(conn);
    drop(online);
    // The real clock again: fetching licences signs proofs the platform checks against its own time.
    let again = reopen(&p, &gate.url, None);
    let report = again.deliver_outbox().await.expect("deliver again");
    assert_eq!((report.delivered, report.replayed), (0, 1), "{report:?}");
    again.sync_applications().await.expect("sync");
    let apps = again.applications().await.expect("applications");
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(apps[0].id, app_id);
    assert!(again.outbox().await.expect("outbox").iter().all(|o| o.state == OutboxState::Delivered));
}

#[tokio::test]
async fn server_errors_are_retried_later_without_duplicates() {
    let gate = gated_platform().await;
    let clock = Arc::new(ManualClock::new(onego_core::SystemClock.now_ms()));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let p = phone(&gate.url, JING, Some(dyn_clock)).await;
    let d = birth_draft(&p.app).await;
    p.app.submit(d.id.clone(), true).await.expect("queued");
    gate.set(Mode::ServerError);
    let mut delays = Vec::new();
    for _ in 0..4 {
        let report = p.app.deliver_outbox().await.expect("deliver");
        assert_eq!(report.retry_later, 1, "{report:?}");
        let next = report.next_attempt_at.expect("next attempt");
        delays.push(next - clock.now_ms());
        clock.set_ms(next);
    }
    assert!(delays.iter().all(|d| (1_000..=600_000).contains(d)), "{delays:?}");
    let item = &p.app.outbox().await.expect("outbox")[0];
    assert_eq!((item.attempts, item.last_error.as_deref()), (4, Some("http 503")));
    gate.set(Mode::Up);
    let report = p.app.deliver_outbox().await.expect("deliver");
    assert_eq!(report.delivered, 1, "{report:?}");
    p.app.sync_applications().await.expect("sync");
    assert_eq!(p.app.applications().await.expect("apps").len(), 1);
    drop(gate.platform);
}

#[tokio::test]
async fn a_refusal_needs_attention_and_is_not_retried() {
    let platform = platform().await;
    let p = phone(&platform.url(), JING, None).await;
    let mut d = birth_draft(&p.app).await;
    // Passes the local checks, fails the platform's: an account that is not hers.
    if d.plan.fields.iter().any(|f| f.key == "bank.account") {
        d = p.app.set_field(d.id.clone(), "bank.account".into(), "6222330000000015838".into()).await.expect("f");
    } else {
        panic!("the birth bundle asks for a bank account");
    }
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    p.app.submit(d.id.clone(), true).await.expect("queued");
    let report = p.app.deliver_outbox().await.expect("deliver");
    assert_eq!(report.rejected, 1, "{report:?}");
    let d = p.app.draft(d.id).await.expect("draft");
    assert_eq!(d.state, DraftState::NeedsAttention);
    assert!(d.errors.iter().any(|e| e.field.contains("bank.account")), "{:?}", d.errors);
    let report = p.app.deliver_outbox().await.expect("deliver again");
    assert_eq!((report.delivered, report.rejected, report.retry_later), (0, 0, 0));
    assert!(p.app.applications().await.expect("apps").is_empty(), "the placeholder is gone");
    // The same draft is fixed and submitted again.
    let d = p.app.set_field(d.id.clone(), "bank.account".into(), "6222330000000007919".into()).await.expect("fix");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    p.app.submit(d.id.clone(), true).await.expect("resubmit");
    assert_eq!(p.app.deliver_outbox().await.expect("deliver").delivered, 1);
}

#[tokio::test]
async fn birth_in_one_go_puts_the_new_licences_in_the_wallet() {
    let platform = platform().await;
    let p = phone(&platform.url(), JING, None).await;
    let before = p.app.licences().await.expect("licences").len();
    let d = birth_draft(&p.app).await;
    p.app.submit(d.id.clone(), true).await.expect("queued");
    let report = p.app.deliver_outbox().await.expect("deliver");
    assert_eq!(report.delivered, 1, "{report:?}");
    let progress = p.app.sync_applications().await.expect("sync");
    assert!(progress.events > 0, "{progress:?}");
    let app_id = p.app.draft(d.id).await.expect("draft").application_id.expect("id");
    let app = p.app.application(app_id).await.expect("application");
    let hukou = app.matters.iter().find(|m| m.matter_id == "zj-gaj-hukou-birth").expect("hukou");
    assert_eq!(hukou.status, MatterStatus::Approved, "{app:?}");
    let names: Vec<String> = p.app.licences().await.expect("licences").into_iter().map(|l| l.name).collect();
    assert!(names.len() > before, "{names:?}");
    assert!(names.iter().any(|n| n == "出生医学证明"), "{names:?}");
}

#[derive(Default)]
struct Recorder(Mutex<Vec<CoreEvent>>);

impl Observer for Recorder {
    fn on_event(&self, event: CoreEvent) {
        self.0.lock().unwrap().push(event);
    }
}

#[tokio::test]
async fn watch_hears_a_staff_decision_and_stops_on_cancel() {
    let platform = platform().await;
    let p = phone(&platform.url(), JING, None).await;
    let d = birth_draft(&p.app).await;
    let rec = Arc::new(Recorder::default());
    let handle = p.app.watch(rec.clone()).expect("watch");
    p.app.submit(d.id.clone(), true).await.expect("queued");
    // The watcher delivers the outbox by itself.
    let mut app_id = None;
    for _ in 0..100 {
        app_id = p.app.draft(d.id.clone()).await.expect("draft").application_id;
        if app_id.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let app_id = app_id.expect("delivered by the watcher");
    let decided = platform
        .staff()
        .decide(
            app_id.clone(),
            "zj-wjw-vaccination-cert".into(),
            StaffDecision { decision: Decision::Approve, note: String::new(), needs: Vec::new() },
        )
        .await
        .expect("decide");
    assert_eq!(decided.id, app_id);
    let heard = |rec: &Recorder| {
        rec.0.lock().unwrap().iter().any(|e| {
            matches!(e, CoreEvent::ApplicationChanged { matter_id, status: MatterStatus::Approved, .. }
                if matter_id == "zj-wjw-vaccination-cert")
        })
    };
    for _ in 0..100 {
        if heard(&rec) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(heard(&rec), "{:?}", rec.0.lock().unwrap());
    assert!(rec.0.lock().unwrap().iter().any(|e| matches!(e, CoreEvent::LicenceReceived { .. })));
    handle.cancel();
    assert!(handle.is_cancelled());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = rec.0.lock().unwrap().len();
    let _ = platform
        .staff()
        .decide(
            app_id,
            "zj-wjw-childcare-subsidy".into(),
            StaffDecision { decision: Decision::Approve, note: String::new(), needs: Vec::new() },
        )
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rec.0.lock().unwrap().len(), seen, "a cancelled watcher hears nothing more");
}

#[tokio::test]
async fn a_delegate_applies_in_the_principals_name_until_revoked() {
    let platform = platform().await;
    let mother = phone(&platform.url(), XIUYING, None).await;
    let father = phone(&platform.url(), JIANGUO, None).await;
    let bad = mother.app.grant_delegation(JIANGUO.into(), vec![], 30).await;
    assert!(matches!(bad, Err(OnegoError::Validation { .. })));
    let grant = mother.app.grant_delegation(JIANGUO.into(), vec!["bundle-retirement".into()], 30).await.expect("grant");
    let received = father.app.delegations().await.expect("delegations").received;
    assert!(received.iter().any(|g| g.id == grant.id));

    let d = father.app.start_draft("bundle-retirement".into(), Some(grant.id.clone())).await.expect("draft");
    assert_eq!(d.delegation_id.as_deref(), Some(grant.id.as_str()));
    assert!(!d.plan_stale);
    // The plan is the principal's: her name is pre-filled, not his.
    let mine = father.app.profile().await.expect("profile");
    assert_ne!(d.values.get("applicant.name"), Some(&mine.name));

    mother.app.revoke_delegation(grant.id.clone()).await.expect("revoke");
    let err = father.app.answer(d.id.clone(), "has_gjj".into(), AnswerValue::Bool(false)).await;
    match err {
        Err(OnegoError::Unauthorized { message }) => assert!(message.contains("撤销"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
