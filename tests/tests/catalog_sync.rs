//! Catalog sync against the real platform: full snapshot, ETag, deltas, compaction, and offline reads.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;
use onego_core::{Guide, OnegoError};

#[tokio::test(flavor = "multi_thread")]
async fn full_sync_then_304_then_deltas() {
    let platform = platform().await;
    let staff = platform.staff();
    let p = phone(&platform.url());

    let first = p.app.sync_catalog().await.expect("first sync");
    assert!(first.full && !first.not_modified);
    assert!(first.upserted >= 65, "seeded matters and bundles arrive: {}", first.upserted);
    let state = p.app.catalog_state().await.expect("state");
    assert_eq!(state.items, first.upserted);

    let again = p.app.sync_catalog().await.expect("second sync");
    assert!(again.not_modified, "unchanged catalog answers 304");

    let ids = staff.matter_ids().await.expect("ids");
    let edited: Vec<String> = ids.iter().take(3).cloned().collect();
    staff.edit_matters(edited.clone(), "2026年12月起可全程网办".into()).await.expect("edit");
    staff.delete_items(vec![ids[5].clone()]).await.expect("delete");

    let delta = p.app.sync_catalog().await.expect("delta sync");
    assert!(!delta.full, "a delta, not a snapshot");
    assert_eq!((delta.upserted, delta.deleted), (3, 1));
    assert_eq!(delta.version, first.version + 2);
    match p.app.guide(edited[0].clone()).await.expect("guide") {
        Guide::Matter(g) => assert!(g.matter.summary.ends_with("2026年12月起可全程网办"), "edit applied"),
        Guide::Bundle(_) => panic!("a matter"),
    }
    assert!(matches!(p.app.guide(ids[5].clone()).await, Err(OnegoError::NotFound { .. })), "deletion applied");
    let hits = p.app.search("全程网办".into(), 20).await.expect("search");
    assert!(hits.iter().any(|h| h.id == edited[0]), "the edited text is searchable");
    assert_eq!(p.app.catalog_state().await.expect("state").items, first.upserted - 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn old_clients_get_a_full_snapshot_after_compaction() {
    let platform = platform().await;
    let staff = platform.staff();
    let p = phone(&platform.url());
    p.app.sync_catalog().await.expect("first sync");
    let ids = staff.matter_ids().await.expect("ids");
    staff.delete_items(vec![ids[0].clone(), ids[1].clone()]).await.expect("delete");
    staff.compact().await.expect("compact");
    let r = p.app.sync_catalog().await.expect("sync");
    assert!(r.full, "tombstones are gone, so the client is rebuilt from a snapshot");
    assert!(matches!(p.app.guide(ids[0].clone()).await, Err(OnegoError::NotFound { .. })));
    let state = p.app.catalog_state().await.expect("state");
    assert_eq!(state.items, r.upserted);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_platform_epoch_replaces_the_catalog() {
    let a = platform().await;
    let p = phone(&a.url());
    p.app.sync_catalog().await.expect("sync with a");
    let addr = a.addr();
    a.shutdown().await;
    // Same address, a freshly seeded platform: another epoch of versions.
    let b = platform_with(onego_platform::PlatformConfig { addr, ..Default::default() }).await;
    let r = p.app.sync_catalog().await.expect("sync with b");
    assert!(r.full, "a different epoch is taken whole, not merged");
    drop(b);
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_come_from_the_cache_when_offline_and_after_restart() {
    let platform = platform().await;
    let url = platform.url();
    let p = phone(&url);
    p.app.sync_catalog().await.expect("sync");
    platform.shutdown().await;

    assert!(matches!(p.app.sync_catalog().await, Err(OnegoError::Offline { .. })));
    let hits = p.app.search("社保".into(), 5).await.expect("offline search");
    assert!(!hits.is_empty());
    drop(p.app);
    let app = reopen(p.dir.path(), &p.secrets, &url);
    let hits = app.search("生孩子".into(), 5).await.expect("search after restart");
    assert_eq!(hits[0].id, "bundle-birth");
}
