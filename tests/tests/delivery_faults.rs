//! Delivering a submission while the way to the platform fails: the platform answers 500, the platform does
//! the work but its answer hangs past the phone's timeout, the platform does the work and the connection drops
//! before the answer arrives. Each time the phone keeps the submission pending with its attempts and a backoff
//! in the future, retries when due, and the platform ends up with exactly one application.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::apply::{Fault, Gate, birth_draft, gate, platform_applications};
use common::*;
use onego_core::{AccountKind, Clock, DraftState, OutboxState, SystemClock};
use onego_protocol::time::ManualClock;

/// 陈静 signed in through the gate, with a clock the test moves (starting at the real time: the platform checks
/// the presentations' times against its own).
async fn phone_behind(gate: &Gate) -> (Phone, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let p = phone_with(&gate.url, |c| {
        c.request_timeout = Duration::from_millis(700);
        c.clock = dyn_clock;
    });
    p.app.sign_in(CITIZEN.into(), CODE.into(), AccountKind::Citizen).await.expect("sign in");
    p.app.sync_catalog().await.expect("catalog");
    p.app.refresh_wallet().await.expect("wallet");
    (p, clock)
}

/// One failed delivery: reported as retry-later, the item pending with one more attempt, `why` as its last
/// error and a next attempt in the future that a delivery before it does not touch.
async fn fails_once(p: &Phone, clock: &ManualClock, attempt: i32, why: &str) -> i64 {
    let now = clock.now_ms();
    let report = p.app.deliver_outbox().await.expect("a failed delivery is not an error");
    assert_eq!((report.delivered, report.replayed, report.retry_later), (0, 0, 1), "{report:?}");
    let next = report.next_attempt_at.expect("a next attempt");
    assert!(next > now, "backoff in the future: {next} <= {now}");
    let items = p.app.outbox().await.expect("outbox");
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.state, OutboxState::Pending);
    assert_eq!(item.attempts, attempt);
    assert_eq!(item.next_attempt_at, next);
    assert_eq!(item.last_error.as_deref(), Some(why));
    // Not due yet: a delivery now sends nothing.
    let early = p.app.deliver_outbox().await.expect("early");
    assert_eq!((early.delivered, early.replayed, early.retry_later), (0, 0, 0), "{early:?}");
    next
}

/// Delivers when due and checks the end state: one application, the draft delivered with its id, nothing
/// pending; `replayed` says whether the platform had it already.
async fn recovers(gate: &Gate, p: &Phone, clock: &ManualClock, draft_id: &str, next: i64, replayed: bool) {
    gate.set(Fault::None).await;
    clock.set_ms(next);
    let report = p.app.deliver_outbox().await.expect("deliver");
    assert_eq!((report.delivered, report.replayed), if replayed { (0, 1) } else { (1, 0) }, "{report:?}");
    assert_eq!(report.next_attempt_at, None, "{report:?}");
    let on_platform = platform_applications(&gate.direct, CITIZEN).await;
    assert_eq!(on_platform.len(), 1, "exactly one application");
    let d = p.app.draft(draft_id.to_owned()).await.expect("draft");
    assert_eq!(d.state, DraftState::Delivered);
    assert_eq!(d.application_id.as_deref(), on_platform[0]["id"].as_str());
    assert!(p.app.outbox().await.expect("outbox").iter().all(|i| i.state == OutboxState::Delivered));
    let apps = p.app.applications().await.expect("applications");
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(Some(apps[0].id.as_str()), on_platform[0]["id"].as_str());
    let again = p.app.deliver_outbox().await.expect("again");
    assert_eq!((again.delivered, again.replayed, again.retry_later), (0, 0, 0));
    assert_eq!(platform_applications(&gate.direct, CITIZEN).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_back_off_then_deliver_once() {
    let gate = gate().await;
    let (p, clock) = phone_behind(&gate).await;
    let d = birth_draft(&p.app).await;
    p.app.submit(d.id.clone(), true).await.expect("queued");
    gate.set(Fault::ServerError).await;
    let mut next = 0;
    let mut delays = Vec::new();
    for attempt in 1..=3 {
        next = fails_once(&p, &clock, attempt, "http 500").await;
        delays.push(next - clock.now_ms());
        clock.set_ms(next);
    }
    assert!(delays.iter().all(|d| (1_000..=600_000).contains(d)), "{delays:?}");
    assert!(platform_applications(&gate.direct, CITIZEN).await.is_empty(), "a 500 created nothing");
    recovers(&gate, &p, &clock, &d.id, next, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_hangs_past_the_timeout_is_replayed_not_duplicated() {
    let gate = gate().await;
    let (p, clock) = phone_behind(&gate).await;
    let d = birth_draft(&p.app).await;
    p.app.submit(d.id.clone(), true).await.expect("queued");
    gate.set(Fault::HangAfterSend).await;
    let started = std::time::Instant::now();
    let next = fails_once(&p, &clock, 1, "timeout").await;
    assert!(started.elapsed() >= Duration::from_millis(700), "waited for the timeout");
    // The platform did the work; only the phone does not know.
    assert_eq!(platform_applications(&gate.direct, CITIZEN).await.len(), 1);
    assert_eq!(p.app.draft(d.id.clone()).await.expect("draft").state, DraftState::Queued);
    recovers(&gate, &p, &clock, &d.id, next, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_after_the_platform_committed_is_replayed_not_duplicated() {
    let gate = gate().await;
    let (p, clock) = phone_behind(&gate).await;
    let d = birth_draft(&p.app).await;
    p.app.submit(d.id.clone(), true).await.expect("queued");
    gate.set(Fault::DropAfterProcessed).await;
    let mut next = fails_once(&p, &clock, 1, "connection broke").await;
    assert_eq!(platform_applications(&gate.direct, CITIZEN).await.len(), 1);
    // Dropped again on the retry (the platform answers the replay; it is lost too): still one.
    clock.set_ms(next);
    next = fails_once(&p, &clock, 2, "connection broke").await;
    assert_eq!(platform_applications(&gate.direct, CITIZEN).await.len(), 1);
    recovers(&gate, &p, &clock, &d.id, next, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_in_a_row_then_a_restart_still_deliver_once() {
    let gate = gate().await;
    let (p, clock) = phone_behind(&gate).await;
    let d = birth_draft(&p.app).await;
    p.app.submit(d.id.clone(), true).await.expect("queued");
    let mut next = 0;
    for (attempt, (fault, why)) in [
        (Fault::ServerError, "http 500"),
        (Fault::DropAfterProcessed, "connection broke"),
        (Fault::HangAfterSend, "timeout"),
    ]
    .into_iter()
    .enumerate()
    {
        gate.set(fault).await;
        next = fails_once(&p, &clock, i32::try_from(attempt).unwrap() + 1, why).await;
        clock.set_ms(next);
    }
    // The app restarts (same data and secrets); the attempts and the backoff survived.
    let Phone { app, dir, secrets } = p;
    drop(app);
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let mut config = onego_core::Config::new(dir.path(), &gate.url);
    config.request_timeout = Duration::from_millis(700);
    config.clock = dyn_clock;
    let app = onego_core::Onego::open(config, secrets.clone()).expect("reopen");
    let items = app.outbox().await.expect("outbox");
    assert_eq!((items[0].attempts, items[0].next_attempt_at), (3, next));
    let p = Phone { app, dir, secrets };
    recovers(&gate, &p, &clock, &d.id, next, true).await;
}
