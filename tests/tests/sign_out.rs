//! Signing out on a shared phone: refused while a submission still waits in the outbox (it would be lost), and
//! once everything is delivered, nothing of the first person is left for the next one to see.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::apply::{Fault, birth_draft, gate};
use common::*;
use onego_core::{AccountKind, OnegoError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_keeps_pending_submissions_and_then_forgets_everything() {
    let g = gate().await;
    let p = signed_in(&g.url, CITIZEN).await;
    p.app.sync_catalog().await.expect("sync");
    p.app.refresh_wallet().await.expect("wallet");
    let draft = birth_draft(&p.app).await;

    // Offline: the submission waits, and signing out is refused with the reason.
    g.set(Fault::ServerError).await;
    p.app.submit(draft.id.clone(), true).await.expect("queued");
    assert_eq!(p.app.deliver_outbox().await.expect("deliver").delivered, 0);
    match p.app.sign_out().await {
        Err(OnegoError::Conflict { message }) => assert!(message.contains("尚未送达"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(p.app.signed_in().expect("session").is_some(), "still signed in");

    // Back online and delivered: signing out now forgets the person.
    g.set(Fault::None).await;
    assert_eq!(p.app.network_changed(true).await.expect("deliver").delivered, 1);
    p.app.sync_applications().await.expect("progress");
    assert!(!p.app.licences().await.expect("licences").is_empty());
    p.app.sign_out().await.expect("signed out");
    assert!(p.app.signed_in().expect("session").is_none());
    assert!(p.app.licences().await.expect("licences").is_empty());
    assert!(p.app.drafts().await.expect("drafts").is_empty());
    assert!(p.app.applications().await.expect("applications").is_empty());
    assert!(p.app.notifications().await.expect("reminders").is_empty());

    // The next person signs in on the same phone and sees only their own.
    p.app.sign_in("13800000003".into(), CODE.into(), AccountKind::Citizen).await.expect("sign in");
    p.app.sync_applications().await.expect("progress");
    assert!(p.app.applications().await.expect("applications").is_empty(), "none of her applications");
    p.app.refresh_wallet().await.expect("wallet");
    let his = p.app.licences().await.expect("licences");
    assert!(!his.is_empty());
    assert!(his.iter().all(|l| l.vct != onego_protocol::licence::BIRTH_MEDICAL), "not her child's certificate");
}
