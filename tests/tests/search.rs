//! Search the way citizens type, over the seeded catalog.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;

async fn synced() -> (onego_platform::RunningPlatform, Phone) {
    let platform = platform().await;
    let p = phone(&platform.url());
    p.app.sync_catalog().await.expect("sync");
    (platform, p)
}

async fn top(p: &Phone, q: &str) -> Vec<onego_core::SearchHit> {
    p.app.search(q.into(), 10).await.expect("search")
}

#[tokio::test(flavor = "multi_thread")]
async fn everyday_words_find_the_bundle_first() {
    let (_platform, p) = synced().await;
    for (q, bundle) in [
        ("生孩子", "bundle-birth"),
        ("生娃", "bundle-birth"),
        ("开店", "bundle-business"),
        ("开公司", "bundle-business"),
        ("结婚", "bundle-marriage"),
        ("领证", "bundle-marriage"),
        ("退休", "bundle-retirement"),
    ] {
        let hits = top(&p, q).await;
        assert_eq!(hits.first().map(|h| h.id.as_str()), Some(bundle), "{q} → {hits:#?}");
    }
    let hits = top(&p, "取公积金").await;
    assert!(hits.first().is_some_and(|h| h.name.contains("公积金") && h.name.contains("提取")), "{hits:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_character_words_work() {
    let (_platform, p) = synced().await;
    // Abbreviations lead to the department that owns them.
    assert!(top(&p, "医保").await[0].id.starts_with("zj-ybj-"), "医保 → the medical insurance bureau first");
    assert!(top(&p, "社保").await[0].id.starts_with("zj-rsj-"), "社保 → human resources and social security first");
    for (q, must) in [("社保", "社会保"), ("医保", "医"), ("户口", "户")] {
        let hits = top(&p, q).await;
        assert!(hits.len() >= 2, "{q} finds several matters");
        assert!(hits.iter().take(3).all(|h| h.name.contains(must) || h.summary.contains(q)), "{q}: {hits:#?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn single_characters_english_and_noise() {
    let (_platform, p) = synced().await;
    assert!(!top(&p, "证").await.is_empty(), "one character still finds something");
    let hits = top(&p, "Social Security").await;
    assert!(hits.iter().take(3).any(|h| h.name_en.to_lowercase().contains("social security")), "{hits:#?}");
    let hits = top(&p, "ＢＩＲＴＨ").await;
    assert!(!hits.is_empty(), "full-width Latin is folded");
    assert!(top(&p, "？？？").await.is_empty());
    assert!(top(&p, "量子纠缠").await.is_empty(), "no false matches");
    // Not a substring of any name, but every pair of it is: 居民身份证申领、换领、补领 comes first.
    let hits = top(&p, "居民身份证换领").await;
    assert_eq!(hits.first().map(|h| h.id.as_str()), Some("zj-gaj-id-card"), "{hits:#?}");
    // FTS syntax and SQL in the query are just text.
    for hostile in ["\"", "社保\" OR \"", "'; DROP TABLE catalog_item; --", "NEAR(a b)", "*", "%_"] {
        let _ = top(&p, hostile).await;
    }
    assert!(!top(&p, "社保").await.is_empty(), "the catalog survived hostile queries");
}
