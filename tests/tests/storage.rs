//! The phone's database: no personal data in clear, recovery from a corrupt file, a lost key.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn database_files_hold_no_personal_data_in_clear() {
    let platform = platform().await;
    let p = signed_in(&platform.url(), CITIZEN).await;
    p.app.sync_catalog().await.expect("sync");
    let profile = p.app.refresh_profile().await.expect("profile");
    let bytes = database_bytes(p.dir.path());
    assert!(bytes.len() > 10_000, "the files were read");
    assert!(contains(&bytes, "出生一件事"), "the catalog is stored in clear, as it should be");
    for secret in [&profile.id_number, &profile.name, &profile.address, &profile.phone] {
        assert!(!contains(&bytes, secret), "a personal value is in the database files in clear");
    }
    for r in &profile.family {
        assert!(!contains(&bytes, &r.id_number) && !contains(&bytes, &r.name), "a relative's data in clear");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_database_is_set_aside_and_rebuilt() {
    let platform = platform().await;
    let url = platform.url();
    let p = phone(&url);
    p.app.sync_catalog().await.expect("sync");
    drop(p.app);
    let db = p.dir.path().join("onego.db");
    let mut junk = std::fs::read(&db).expect("db");
    for b in junk.iter_mut().take(4096) {
        *b = 0xA5;
    }
    std::fs::write(&db, &junk).expect("corrupt");
    let _ = std::fs::remove_file(p.dir.path().join("onego.db-wal"));

    let app = reopen(p.dir.path(), &p.secrets, &url);
    let aside = app.open_report().recovered_from.clone().expect("recovery reported");
    assert!(aside.exists(), "the unreadable file is kept for support");
    assert_eq!(app.catalog_state().await.expect("state").items, 0);
    let r = app.sync_catalog().await.expect("sync again");
    assert!(r.full);
    assert!(!app.search("社保".into(), 5).await.expect("search").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_key_drops_sealed_data_instead_of_failing() {
    use onego_core::SecretStore as _;
    let platform = platform().await;
    let url = platform.url();
    let p = signed_in(&url, CITIZEN).await;
    drop(p.app);
    p.secrets.delete("onego.db-key.v1".into()).expect("forget key");
    let app = reopen(p.dir.path(), &p.secrets, &url);
    assert!(app.open_report().key_reset, "unreadable personal data was dropped, and said so");
    assert!(app.profile().await.is_err(), "nothing readable is left");
    assert!(app.refresh_profile().await.is_ok(), "the profile comes back from the platform");
}

#[tokio::test(flavor = "multi_thread")]
async fn corruption_met_while_running_is_checked_and_recovered_at_the_next_start() {
    let platform = platform().await;
    let url = platform.url();
    let p = phone(&url);
    p.app.sync_catalog().await.expect("sync");
    drop(p.app);
    // Damage pages deep inside the file (the header stays intact, so opening alone does not notice).
    let db = p.dir.path().join("onego.db");
    let _ = std::fs::remove_file(p.dir.path().join("onego.db-wal"));
    let mut bytes = std::fs::read(&db).expect("db");
    let len = bytes.len();
    for b in bytes.iter_mut().skip(len / 4).take(len / 2) {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).expect("corrupt");

    let app = reopen(p.dir.path(), &p.secrets, &url);
    assert!(app.open_report().recovered_from.is_none(), "a cheap open does not read every page");
    let mut met = false;
    for q in ["社保", "生孩子", "公积金", "social security", "证"] {
        if app.search(q.into(), 50).await.is_err() {
            met = true;
        }
    }
    met |= app.catalog_state().await.is_err();
    assert!(met, "reading damaged pages reports an error instead of wrong results");
    assert!(p.dir.path().join("onego.db.check").exists(), "the next start is asked for a full check");
    drop(app);

    let app = reopen(p.dir.path(), &p.secrets, &url);
    assert!(app.open_report().recovered_from.is_some(), "the full check found the damage and set the file aside");
    assert!(!p.dir.path().join("onego.db.check").exists());
    app.sync_catalog().await.expect("sync again");
    assert!(!app.search("社保".into(), 5).await.expect("search").is_empty());
}
