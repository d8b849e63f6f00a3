//! 好差评, 补正 and reminders end to end: the core against the real sandbox platform on 127.0.0.1, one clock
//! shared by both so deadlines can be passed.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::{CITIZEN, CODE, contains, database_bytes};
use onego_core::{
    AccountKind, AnswerValue, Config, LoopState, LoopStepKind, MemorySecretStore, NotificationKind, Onego, OnegoError,
    OutboxKind, OutboxState, ReviewDelivery, ReviewLevel, SystemClock,
};
use onego_platform::{PlatformConfig, RunningPlatform};
use onego_protocol::api::{Decision, MatterStatus, StaffDecision};
use onego_protocol::time::{Clock, ManualClock, add_working_days, cst_date, cst_days, date_from_unix_days};

const HUKOU: &str = "zj-gaj-hukou-birth";
const VACCINATION: &str = "zj-wjw-vaccination-cert";
const COMMENT: &str = "窗口让我等了很久才办好";

struct World {
    platform: RunningPlatform,
    clock: Arc<ManualClock>,
    dir: tempfile::TempDir,
    secrets: Arc<MemorySecretStore>,
}

impl World {
    fn open(&self, url: &str) -> Onego {
        let mut c = Config::new(self.dir.path(), url);
        c.request_timeout = Duration::from_secs(5);
        c.clock = self.clock.clone();
        Onego::open(c, self.secrets.clone()).expect("core opens")
    }

    fn url(&self) -> String {
        self.platform.url()
    }
}

/// A loopback URL nobody listens on: the phone is offline.
async fn dead_url() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    drop(l);
    url
}

async fn world() -> World {
    let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let platform = RunningPlatform::start(PlatformConfig { clock: dyn_clock, ..PlatformConfig::default() })
        .await
        .expect("platform starts");
    World {
        platform,
        clock,
        dir: tempfile::tempdir().expect("tempdir"),
        secrets: Arc::new(MemorySecretStore::default()),
    }
}

/// 陈静 signs in, syncs, applies for 出生一件事 and has it delivered; returns the application id.
async fn birth_applied(w: &World, app: &Onego) -> String {
    app.sign_in(CITIZEN.into(), CODE.into(), AccountKind::Citizen).await.expect("sign in");
    app.sync_catalog().await.expect("catalog");
    app.refresh_wallet().await.expect("wallet");
    let d = app.start_draft("bundle-birth".into(), None).await.expect("draft");
    for (q, v) in [
        ("born", AnswerValue::Bool(true)),
        ("hukou_with", AnswerValue::Text("随母亲".into())),
        ("mother_insured", AnswerValue::Bool(false)),
        ("need_ssc", AnswerValue::Bool(true)),
        ("birth_registered", AnswerValue::Bool(true)),
    ] {
        app.answer(d.id.clone(), q.into(), v).await.expect("answer");
    }
    let born = cst_date(w.clock.now_ms() - 2 * 86_400_000);
    let mut d = d;
    for (k, v) in [
        ("child.name", "王小满".to_owned()),
        ("child.gender", "女".into()),
        ("child.birth_date", born),
        ("child.birth_place", "浙江省杭州市上城区".into()),
        ("birth.hospital", "浙江大学医学院附属妇产科医院".into()),
        ("vaccination.clinic", "上城区社区卫生服务中心".into()),
        ("hukou.follow", "随母亲".into()),
        ("insured.category", "新生儿".into()),
        ("ssc.bank", "杭州银行".into()),
        ("bank.account", "6222330000000007919".into()),
    ] {
        if d.plan.fields.iter().any(|f| f.key == k) {
            d = app.set_field(d.id.clone(), k.into(), v).await.expect("set field");
        }
    }
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    app.submit(d.id.clone(), true).await.expect("queued");
    assert_eq!(app.deliver_outbox().await.expect("deliver").delivered, 1);
    app.sync_applications().await.expect("sync");
    let id = app.draft(d.id).await.expect("draft").application_id.expect("delivered");
    let a = app.application(id.clone()).await.expect("application");
    let status = |m: &str| a.matters.iter().find(|x| x.matter_id == m).map(|x| x.status);
    assert_eq!(status(HUKOU), Some(MatterStatus::Approved), "{a:?}");
    assert!(status(VACCINATION).is_some_and(|s| !s.is_final()), "{a:?}");
    id
}

fn has(list: &[onego_core::Notification], id: &str) -> bool {
    list.iter().any(|n| n.id == id)
}

#[tokio::test]
async fn a_bad_review_offline_then_its_closed_loop() {
    let w = world().await;
    let app = w.open(&w.url());
    let app_id = birth_applied(&w, &app).await;

    let n = app.notifications().await.expect("notifications");
    assert!(has(&n, &format!("result:{app_id}:{HUKOU}")), "{n:?}");
    assert!(has(&n, &format!("review:{app_id}:{HUKOU}")), "{n:?}");
    assert_eq!(app.review_options(ReviewLevel::Dissatisfied), ReviewLevel::Dissatisfied.tags());

    // An unfinished matter cannot be rated; nothing is queued.
    let early =
        app.review(app_id.clone(), Some(VACCINATION.into()), ReviewLevel::Satisfied, vec![], String::new()).await;
    assert!(matches!(&early, Err(OnegoError::Validation { field, .. }) if field == "matter_id"), "{early:?}");
    let wrong_tag = app
        .review(app_id.clone(), Some(HUKOU.into()), ReviewLevel::Satisfied, vec!["办理超时".into()], String::new())
        .await;
    assert!(matches!(&wrong_tag, Err(OnegoError::Validation { field, .. }) if field == "tags"), "{wrong_tag:?}");

    // Offline: the review is queued, shown, sealed, and retried later.
    drop(app);
    let app = w.open(&dead_url().await);
    let queued = app
        .review(app_id.clone(), Some(HUKOU.into()), ReviewLevel::Dissatisfied, vec!["办理超时".into()], COMMENT.into())
        .await
        .expect("queued offline");
    assert!(queued.subject_name.starts_with("出生登记"), "{queued:?}");
    let list = app.reviews().await.expect("reviews");
    assert_eq!((list.len(), list[0].delivery), (1, ReviewDelivery::Queued));
    let again = app.review(app_id.clone(), Some(HUKOU.into()), ReviewLevel::Satisfied, vec![], String::new()).await;
    assert!(matches!(&again, Err(OnegoError::Conflict { message }) if message.contains("已评价过")), "{again:?}");
    let report = app.deliver_outbox().await.expect("deliver offline");
    assert_eq!(report.retry_later, 1, "{report:?}");
    let outbox = app.outbox().await.expect("outbox");
    let item = outbox.iter().find(|o| o.idempotency_key == queued.idempotency_key).expect("outbox row");
    assert_eq!((item.kind, item.state), (OutboxKind::Review, OutboxState::Pending));
    assert!(!contains(&database_bytes(w.dir.path()), COMMENT), "the comment is sealed at rest");
    assert!(!has(&app.notifications().await.expect("n"), &format!("review:{app_id}:{HUKOU}")), "queued counts");

    // Back online (after the backoff): delivered once, with its loop and the 浙江 deadlines.
    drop(app);
    let app = w.open(&w.url());
    w.clock.advance_secs(11 * 60);
    let report = app.deliver_outbox().await.expect("deliver");
    assert_eq!((report.delivered, report.rejected), (1, 0), "{report:?}");
    let list = app.reviews().await.expect("reviews");
    assert_eq!(list.len(), 1, "the placeholder gave way: {list:?}");
    let entry = &list[0];
    assert_eq!(entry.delivery, ReviewDelivery::Filed);
    assert_eq!(entry.review.comment, COMMENT);
    let review_id = entry.review.id.clone();
    assert!(review_id.starts_with("PJ"), "{review_id}");
    let lp = entry.review.closed_loop.as_ref().expect("a bad review opens the loop");
    assert_eq!((lp.state, lp.jurisdiction.as_str()), (LoopState::Open, "浙江省"));
    let kinds: Vec<LoopStepKind> = lp.steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, LoopStepKind::ALL);
    let filed_day = cst_days(entry.review.at);
    assert_eq!(lp.steps[0].deadline, date_from_unix_days(add_working_days(filed_day, 1)));
    assert_eq!(lp.steps[3].deadline, date_from_unix_days(add_working_days(filed_day, 15)));
    assert!(lp.steps.iter().all(|s| !s.overdue));

    // The department works the loop, in order.
    let staff = w.platform.staff();
    assert!(staff.reviews().await.expect("staff list").items.iter().any(|i| i.review.id == review_id));
    assert!(staff.review_step(review_id.clone(), LoopStepKind::Feedback, "跳步".into()).await.is_err());
    for (step, note) in [
        (LoopStepKind::Callback, "已电话回访"),
        (LoopStepKind::Verification, "核实窗口排队过长"),
        (LoopStepKind::Rectification, "增开窗口"),
        (LoopStepKind::Feedback, "已增开两个窗口，等候不超过十分钟"),
    ] {
        staff.review_step(review_id.clone(), step, note.into()).await.expect("step");
    }
    let list = app.sync_reviews().await.expect("sync reviews");
    let lp = list[0].review.closed_loop.clone().expect("loop");
    assert_eq!(lp.state, LoopState::AwaitingFollowUp);
    assert!(lp.steps[..4].iter().all(|s| s.done_at.is_some()));
    let n = app.notifications().await.expect("notifications");
    let invite = n.iter().find(|x| x.kind == NotificationKind::ReviewFeedback).expect("follow-up invited");
    assert!(invite.body.contains("等候不超过十分钟"), "{invite:?}");

    // One follow-up; a second is refused in the platform's words.
    let r = app.follow_up(review_id.clone(), ReviewLevel::Satisfied, "改进了".into()).await.expect("follow-up");
    let lp = r.closed_loop.expect("loop");
    assert_eq!((lp.state, lp.follow_up_level), (LoopState::Closed, Some(ReviewLevel::Satisfied)));
    let twice = app.follow_up(review_id.clone(), ReviewLevel::Satisfied, String::new()).await;
    assert!(matches!(&twice, Err(OnegoError::Conflict { message }) if message.contains("已追评过")), "{twice:?}");
    assert!(!app.notifications().await.expect("n").iter().any(|x| x.kind == NotificationKind::ReviewFeedback));

    // The figures count it, offline afterwards.
    app.sync_satisfaction().await.expect("satisfaction");
    let s = app.satisfaction(HUKOU.into()).await.expect("cached").expect("figures");
    assert_eq!((s.reviews, s.by_level[3]), (1, 1), "{s:?}");
    assert!((s.bad_rate - 1.0).abs() < f64::EPSILON && s.good_rate.abs() < f64::EPSILON, "{s:?}");
    assert!(app.satisfaction("no-such-matter".into()).await.expect("cached").is_none());

    // A dismissed reminder stays dismissed, across a restart.
    let result_id = format!("result:{app_id}:{HUKOU}");
    app.dismiss_notification(result_id.clone()).await.expect("dismiss");
    assert!(!has(&app.notifications().await.expect("n"), &result_id));
    drop(app);
    let app = w.open(&w.url());
    assert!(!has(&app.notifications().await.expect("n"), &result_id));
}

#[tokio::test]
async fn an_overdue_loop_is_flagged_offline_and_an_appeal_withdraws() {
    let w = world().await;
    let app = w.open(&w.url());
    let app_id = birth_applied(&w, &app).await;
    app.review(
        app_id.clone(),
        Some(HUKOU.into()),
        ReviewLevel::VeryDissatisfied,
        vec!["态度不好".into()],
        String::new(),
    )
    .await
    .expect("queued");
    assert_eq!(app.deliver_outbox().await.expect("deliver").delivered, 1);
    let review_id = app.reviews().await.expect("reviews")[0].review.id.clone();
    app.sync_satisfaction().await.expect("satisfaction");
    assert_eq!(app.satisfaction(HUKOU.into()).await.expect("cached").expect("figures").reviews, 1);

    // Five days on, nobody called back: flagged from the cached deadlines, with no network.
    w.clock.advance_secs(5 * 86_400);
    drop(app);
    let app = w.open(&dead_url().await);
    let entry = app.reviews().await.expect("reviews").remove(0);
    let lp = entry.review.closed_loop.expect("loop");
    assert!(lp.steps[0].overdue && lp.steps[0].kind == LoopStepKind::Callback, "{lp:?}");
    let n = app.notifications().await.expect("notifications");
    let overdue = n.iter().find(|x| x.kind == NotificationKind::ReviewLoopOverdue).expect("overdue reminder");
    assert_eq!(overdue.id, format!("loop-overdue:{review_id}:callback"));
    assert!(overdue.urgent && n[0].urgent, "urgent first: {n:?}");
    let offline = app.appeal_review(review_id.clone(), "评错了".into()).await;
    assert!(matches!(offline, Err(OnegoError::Offline { .. })), "{offline:?}");

    // The citizen withdraws it: upheld at once, out of the figures, no more reminders.
    drop(app);
    let app = w.open(&w.url());
    assert!(matches!(
        app.appeal_review(review_id.clone(), "  ".into()).await,
        Err(OnegoError::Validation { field, .. }) if field == "reason"
    ));
    let r = app.appeal_review(review_id.clone(), "评错了事项".into()).await.expect("appeal");
    assert_eq!(r.closed_loop.expect("loop").state, LoopState::Withdrawn);
    let again = app.appeal_review(review_id.clone(), "再申诉".into()).await;
    assert!(matches!(&again, Err(OnegoError::Conflict { message }) if message.contains("申诉过")), "{again:?}");
    assert!(!app.notifications().await.expect("n").iter().any(|x| x.kind == NotificationKind::ReviewLoopOverdue));
    app.sync_satisfaction().await.expect("satisfaction");
    assert!(app.satisfaction(HUKOU.into()).await.expect("cached").is_none(), "withdrawn reviews do not count");
}

#[tokio::test]
async fn a_refusal_at_delivery_is_final_and_shows_on_the_review() {
    let w = world().await;
    let app = w.open(&w.url());
    let app_id = birth_applied(&w, &app).await;

    // A second phone of the same citizen queues a review of the same matter before the first phone's arrives.
    let other = common::phone_with(&w.url(), |c| c.clock = w.clock.clone());
    other.app.sign_in(CITIZEN.into(), CODE.into(), AccountKind::Citizen).await.expect("sign in");
    other.app.sync_catalog().await.expect("catalog");
    other.app.sync_applications().await.expect("applications");
    let late = other
        .app
        .review(app_id.clone(), Some(HUKOU.into()), ReviewLevel::Fair, vec!["等待较久".into()], String::new())
        .await
        .expect("queued");

    app.review(app_id.clone(), Some(HUKOU.into()), ReviewLevel::VerySatisfied, vec!["办事快捷".into()], String::new())
        .await
        .expect("queued");
    assert_eq!(app.deliver_outbox().await.expect("deliver").delivered, 1);

    // The platform refuses the second for good: flagged in its words, never retried.
    let report = other.app.deliver_outbox().await.expect("deliver");
    assert_eq!((report.delivered, report.rejected, report.retry_later), (0, 1, 0), "{report:?}");
    let entry = other.app.reviews().await.expect("reviews").remove(0);
    assert_eq!((entry.review.id.as_str(), entry.delivery), (late.review_id.as_str(), ReviewDelivery::NeedsAttention));
    assert!(entry.problem.as_deref().is_some_and(|p| p.contains("已评价过")), "{entry:?}");
    let item = other.app.outbox().await.expect("outbox").remove(0);
    assert_eq!((item.kind, item.state), (OutboxKind::Review, OutboxState::Rejected));
    w.clock.advance_secs(3600);
    let report = other.app.deliver_outbox().await.expect("deliver again");
    assert_eq!((report.delivered, report.rejected, report.retry_later), (0, 0, 0));

    // After a sync the phone shows the review the platform holds next to the refused one.
    let list = other.app.sync_reviews().await.expect("sync");
    assert!(list.iter().any(|e| e.delivery == ReviewDelivery::Filed && e.review.level == ReviewLevel::VerySatisfied));
    assert!(!has(&other.app.notifications().await.expect("n"), &format!("review:{app_id}:{HUKOU}")));
    // A review of the whole bundle waits until every matter is finished.
    let bundle = other.app.review(app_id, None, ReviewLevel::Fair, vec![], String::new()).await;
    assert!(matches!(&bundle, Err(OnegoError::Validation { field, .. }) if field == "matter_id"), "{bundle:?}");
}

#[tokio::test]
async fn a_supplement_answers_a_request_for_more() {
    let w = world().await;
    let app = w.open(&w.url());
    let app_id = birth_applied(&w, &app).await;
    let none_asked = app.supplement(app_id.clone(), HUKOU.into(), HashMap::new()).await;
    assert!(matches!(&none_asked, Err(OnegoError::Conflict { message }) if message.contains("补正")), "{none_asked:?}");

    w.platform
        .staff()
        .decide(
            app_id.clone(),
            VACCINATION.into(),
            StaffDecision {
                decision: Decision::RequestMore,
                note: "请补充接种单位全称".into(),
                needs: vec!["vaccination.clinic".into()],
            },
        )
        .await
        .expect("request more");
    app.sync_applications().await.expect("sync");
    let n = app.notifications().await.expect("notifications");
    assert!(has(&n, &format!("more:{app_id}:{VACCINATION}")), "{n:?}");

    let bad = HashMap::from([("no.such.field".to_owned(), "x".to_owned())]);
    let refused = app.supplement(app_id.clone(), VACCINATION.into(), bad).await;
    assert!(matches!(&refused, Err(OnegoError::Validation { .. })), "{refused:?}");

    let fields = HashMap::from([("vaccination.clinic".to_owned(), "杭州市上城区社区卫生服务中心".to_owned())]);
    let a = app.supplement(app_id.clone(), VACCINATION.into(), fields).await.expect("supplement");
    let m = a.matters.iter().find(|m| m.matter_id == VACCINATION).expect("matter");
    assert_ne!(m.status, MatterStatus::MoreNeeded, "{m:?}");
    assert_eq!(
        app.application(app_id)
            .await
            .expect("cached")
            .matters
            .iter()
            .find(|x| x.matter_id == VACCINATION)
            .map(|x| x.status),
        Some(m.status)
    );
}
