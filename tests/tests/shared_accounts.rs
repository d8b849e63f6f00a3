//! One account on two phones, and one person applying for another (亲友代办), end to end against the platform.
//!
//! Two devices of one account do not share an outbox: each submission carries its own device-generated
//! idempotency key, so the same form submitted from both phones is two applications. That is the intended
//! behaviour — the key deduplicates retries of one submission, not look-alike submissions (a citizen may
//! really file the same thing twice); the platform's staff and rules see both.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;

use common::apply::{birth_draft, platform_applications};
use common::*;
use onego_core::{DraftState, Onego, OnegoError, OutboxState};

const XIUYING: &str = "13800000004";

async fn device(url: &str, number: &str) -> Phone {
    let p = signed_in(url, number).await;
    p.app.sync_catalog().await.expect("catalog");
    p.app.refresh_wallet().await.expect("wallet");
    p
}

/// 住房公积金租房提取 for 陈静, complete.
async fn rent_withdrawal(app: &Onego) -> onego_core::Draft {
    let mut d = app.start_draft("zj-gjj-withdraw-rent".into(), None).await.expect("draft");
    for (k, v) in
        [("withdraw.frequency", "按月提取"), ("bank.account", "6222330000000007919"), ("bank.name", "杭州银行")]
    {
        d = app.set_field(d.id.clone(), k.into(), v.into()).await.expect("field");
    }
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    d
}

async fn ids(app: &Onego) -> BTreeSet<String> {
    app.applications().await.expect("applications").into_iter().map(|a| a.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_of_one_account_each_deliver_once_and_both_see_both() {
    let platform = platform().await;
    let url = platform.url();
    let a = device(&url, CITIZEN).await;
    let b = device(&url, CITIZEN).await;

    let da = birth_draft(&a.app).await;
    let db = rent_withdrawal(&b.app).await;
    let qa = a.app.submit(da.id.clone(), true).await.expect("a queues");
    let qb = b.app.submit(db.id.clone(), true).await.expect("b queues");
    assert_ne!(qa.idempotency_key, qb.idempotency_key);
    // Both deliver at the same time.
    let (ra, rb) = tokio::join!(a.app.deliver_outbox(), b.app.deliver_outbox());
    assert_eq!(ra.expect("a delivers").delivered, 1);
    assert_eq!(rb.expect("b delivers").delivered, 1);
    for p in [&a, &b] {
        let again = p.app.deliver_outbox().await.expect("again");
        assert_eq!((again.delivered, again.replayed), (0, 0));
    }

    let on_platform: BTreeSet<String> =
        platform_applications(&url, CITIZEN).await.iter().map(|x| x["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(on_platform.len(), 2, "{on_platform:?}");
    let id_a = a.app.draft(da.id.clone()).await.expect("draft").application_id.expect("delivered");
    let id_b = b.app.draft(db.id.clone()).await.expect("draft").application_id.expect("delivered");
    assert_eq!(on_platform, [id_a.clone(), id_b.clone()].into_iter().collect());

    // Before syncing each device knows only its own; after, both know both.
    assert_eq!(ids(&a.app).await, [id_a.clone()].into_iter().collect());
    for p in [&a, &b] {
        p.app.sync_applications().await.expect("sync");
        assert_eq!(ids(&p.app).await, on_platform, "each device sees both");
    }
    // The other device's application comes with its matters, not as an empty shell.
    let seen_on_a = a.app.application(id_b.clone()).await.expect("b's application on a");
    assert_eq!(seen_on_a.service_id, "zj-gjj-withdraw-rent");
    assert!(!seen_on_a.matters.is_empty());
    // The outbox of each device holds only its own submission.
    assert_eq!(a.app.outbox().await.expect("outbox").len(), 1);
    assert_eq!(b.app.outbox().await.expect("outbox").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_form_from_two_devices_is_two_applications() {
    let platform = platform().await;
    let url = platform.url();
    let a = device(&url, CITIZEN).await;
    let b = device(&url, CITIZEN).await;
    let da = rent_withdrawal(&a.app).await;
    let db = rent_withdrawal(&b.app).await;
    assert_eq!(da.values, db.values, "the same content");
    let qa = a.app.submit(da.id.clone(), true).await.expect("queued");
    let qb = b.app.submit(db.id.clone(), true).await.expect("queued");
    assert_ne!(qa.idempotency_key, qb.idempotency_key, "each submission has its own key");
    assert_eq!(a.app.deliver_outbox().await.expect("deliver").delivered, 1);
    assert_eq!(b.app.deliver_outbox().await.expect("deliver").delivered, 1, "not a replay of a's");
    let on_platform = platform_applications(&url, CITIZEN).await;
    assert_eq!(on_platform.len(), 2, "two applications, by design");
    let keys: BTreeSet<&str> = on_platform.iter().filter_map(|x| x["idempotency_key"].as_str()).collect();
    assert_eq!(keys, [qa.idempotency_key.as_str(), qb.idempotency_key.as_str()].into_iter().collect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_applies_in_her_mothers_name_until_revoked() {
    let platform = platform().await;
    let url = platform.url();
    let mother = device(&url, XIUYING).await;
    let daughter = device(&url, CITIZEN).await;
    let grant =
        mother.app.grant_delegation(CITIZEN.into(), vec!["zj-ybj-remote-filing".into()], 30).await.expect("grant");
    let fill = |d: onego_core::Draft| {
        let app = &daughter.app;
        async move {
            let mut d = d;
            for (k, v) in [("filing.province", "海南省"), ("filing.city", "三亚市"), ("filing.start", "2027-01-05")]
            {
                d = app.set_field(d.id.clone(), k.into(), v.into()).await.expect("field");
            }
            d
        }
    };

    // A single matter, planned by the platform for the principal (her name, her social security number).
    let d = daughter.app.start_draft("zj-ybj-remote-filing".into(), Some(grant.id.clone())).await.expect("draft");
    assert!(!d.plan_stale);
    assert_eq!(d.values.get("applicant.name").map(String::as_str), Some("李秀英"), "{:?}", d.values);
    assert_eq!(d.values.get("applicant.phone").map(String::as_str), Some(XIUYING));
    let d = fill(d).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    daughter.app.submit(d.id.clone(), true).await.expect("queued");
    assert_eq!(daughter.app.deliver_outbox().await.expect("deliver").delivered, 1);
    let app_id = daughter.app.draft(d.id.clone()).await.expect("draft").application_id.expect("delivered");

    // The principal sees it, applied for by her daughter.
    mother.app.sync_applications().await.expect("sync");
    let seen = mother.app.applications().await.expect("applications");
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].id, app_id);
    assert_eq!(seen[0].delegation_id.as_deref(), Some(grant.id.as_str()));
    let by = seen[0].delegate_name.as_deref().expect("delegate named");
    assert!(by.starts_with('陈'), "{by}");
    // It is hers, not the daughter's own.
    assert_eq!(platform_applications(&url, XIUYING).await.len(), 1);

    // A second filing, complete, then the mother revokes before it is sent.
    let d2 = daughter.app.start_draft("zj-ybj-remote-filing".into(), Some(grant.id.clone())).await.expect("draft 2");
    assert_ne!(d2.id, d.id, "a new draft once the first was submitted");
    let d2 = fill(d2).await;
    assert!(d2.errors.is_empty(), "{:?}", d2.errors);
    mother.app.revoke_delegation(grant.id.clone()).await.expect("revoke");
    // Submitting is local (offline-capable); the platform refuses the delivery, finally.
    daughter.app.submit(d2.id.clone(), true).await.expect("queued locally");
    let report = daughter.app.deliver_outbox().await.expect("deliver");
    assert_eq!((report.delivered, report.rejected, report.retry_later), (0, 1, 0), "{report:?}");
    let d2 = daughter.app.draft(d2.id.clone()).await.expect("draft");
    assert_eq!(d2.state, DraftState::NeedsAttention);
    let why = d2.errors.iter().find(|e| e.field == "delegation_id").expect("the delegation is named");
    assert!(why.detail.contains("撤销"), "a clear reason: {}", why.detail);
    let items = daughter.app.outbox().await.expect("outbox");
    assert_eq!(items.iter().filter(|i| i.state == OutboxState::Rejected).count(), 1);
    assert!(!daughter.app.applications().await.expect("apps").iter().any(|a| a.id.starts_with("queued-")));
    // Nothing created: still one application of hers.
    assert_eq!(platform_applications(&url, XIUYING).await.len(), 1);
    // Starting another delegated draft is refused with the same reason.
    match daughter.app.start_draft("zj-ybj-remote-filing".into(), Some(grant.id.clone())).await {
        Err(OnegoError::Unauthorized { message }) => assert!(message.contains("撤销"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
