//! The wallet end to end: licences issued over HTTP bound to the device key, stored sealed, listed with
//! their status, shown with selective disclosure, verified offline (also across provinces), revoked.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;
use onego_core::{LicenceState, PresentRequest, Purpose};
use onego_platform::PlatformConfig;
use onego_protocol::api::LicenceStatusChange;
use onego_protocol::licence;

fn request(id: &str, purpose: Purpose) -> PresentRequest {
    PresentRequest { licence_id: id.into(), purpose, add: vec![], remove: vec![], aud: None, nonce: None }
}

async fn id_card(p: &Phone) -> onego_core::LicenceSummary {
    let list = p.app.licences().await.expect("list");
    list.into_iter().find(|l| l.vct == licence::RESIDENT_ID).expect("an ID card")
}

#[tokio::test(flavor = "multi_thread")]
async fn licences_arrive_bound_sealed_and_with_status() {
    let platform = platform().await;
    let p = signed_in(&platform.url(), CITIZEN).await;
    let r = p.app.refresh_wallet().await.expect("refresh");
    assert!(r.added >= 4, "ID card, household register, marriage, social security card: {r:?}");
    assert!(r.status_lists_checked >= 1);
    let list = p.app.licences().await.expect("list");
    for vct in [licence::RESIDENT_ID, licence::HOUSEHOLD_REGISTER, licence::MARRIAGE, licence::SOCIAL_SECURITY_CARD] {
        let l = list.iter().find(|l| l.vct == vct).unwrap_or_else(|| panic!("{vct} in {list:#?}"));
        assert!(matches!(l.state, LicenceState::Valid | LicenceState::ExpiringSoon), "{vct}: {:?}", l.state);
        assert!(l.checked_at_ms.is_some(), "{vct}: status checked");
        assert_eq!(l.province, "浙江");
    }
    let card = id_card(&p).await;
    let view = p.app.licence(card.id.clone()).await.expect("show");
    assert!(view.trust_problem.is_none(), "{:?}", view.trust_problem);
    let profile = p.app.profile().await.expect("profile");
    let value = |n: &str| view.claims.iter().find(|c| c.name == n).map(|c| c.value.clone());
    assert_eq!(value("name"), Some(profile.name.clone()));
    assert_eq!(value("id_number"), Some(profile.id_number.clone()));
    assert_eq!(value("age_over_18").as_deref(), Some("是"));

    // A second refresh renews nothing: the credentials are fresh.
    assert_eq!(p.app.refresh_wallet().await.expect("again").added, 0);

    // Nothing personal in the database files, WAL included.
    let bytes = database_bytes(p.dir.path());
    for secret in [&profile.name, &profile.id_number, &profile.address] {
        assert!(!contains(&bytes, secret), "personal data in clear in the database files");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_presentation_discloses_only_what_the_purpose_needs_and_expires() {
    let clock = manual_clock();
    let platform = platform_with(PlatformConfig { clock: as_clock(&clock), ..Default::default() }).await;
    let p = phone_with(&platform.url(), |c| c.clock = as_clock(&clock));
    p.app.sign_in(CITIZEN.into(), CODE.into(), onego_core::AccountKind::Citizen).await.expect("sign in");
    p.app.refresh_wallet().await.expect("refresh");
    let card = id_card(&p).await;

    let shown = p.app.present(request(&card.id, Purpose::AgeCheck)).await.expect("present");
    assert_eq!(shown.disclosed, ["age_over_18"]);
    let qr = shown.qr.as_ref().expect("a QR code");
    assert!(qr.size == 17 + 4 * qr.version);
    assert!(qr.version <= 20, "a one-claim offline QR fits version 20 at level M: version {}", qr.version);
    assert!(shown.qr_text.starts_with("OG1:"), "the compact transport is used");
    assert_eq!(onego_protocol::transport::decode(&shown.qr_text).expect("decodes"), shown.text, "round trip");
    let age_only = p.app.verify_presentation(shown.qr_text.clone(), None, None).await.expect("verify the QR text");
    assert!(age_only.valid, "{age_only:#?}");
    assert!(
        age_only.claims.iter().all(|c| c.name != "licence_id" && c.name != "issuer_code"),
        "the age form carries no licence number or issuer code"
    );
    let profile = p.app.profile().await.expect("profile");
    assert!(!shown.text.contains(&profile.id_number));

    let verdict = p.app.verify_presentation(shown.text.clone(), None, None).await.expect("verify");
    assert!(verdict.valid, "{verdict:#?}");
    assert!(verdict.key_bound);
    assert_eq!(verdict.claims.iter().filter(|c| c.name == "age_over_18").count(), 1);
    assert!(verdict.claims.iter().all(|c| c.name != "name" && c.name != "id_number"), "only the chosen claim");
    assert_eq!(verdict.state, LicenceState::Valid);
    assert!(verdict.status_checked_at_ms.is_some());

    // After its 30-second window a static QR is refused.
    clock.advance_secs(31);
    let late = p.app.verify_presentation(shown.text.clone(), None, None).await.expect("verify late");
    assert!(!late.valid);
    assert_eq!(late.reason_code.as_deref(), Some("kb_stale"), "{late:#?}");

    // A verifier's own challenge: its nonce and audience are bound in.
    let mut req = request(&card.id, Purpose::HotelCheckIn);
    req.remove = vec!["ethnicity".into()];
    req.aud = Some("urn:hotel:west-lake".into());
    req.nonce = Some("n-8812".into());
    let shown = p.app.present(req).await.expect("present");
    assert!(shown.disclosed.contains(&"address".to_owned()) && !shown.disclosed.contains(&"ethnicity".to_owned()));
    let ok = p
        .app
        .verify_presentation(shown.text.clone(), Some("urn:hotel:west-lake".into()), Some("n-8812".into()))
        .await
        .expect("verify");
    assert!(ok.valid, "{ok:#?}");
    let wrong = p
        .app
        .verify_presentation(shown.text.clone(), Some("urn:hotel:west-lake".into()), Some("other".into()))
        .await
        .expect("verify");
    assert_eq!(wrong.reason_code.as_deref(), Some("kb_nonce"));
    let tampered = shown.text.replacen('~', "~WyJ4IiwibmFtZSIsIuadjuWbmyJd~", 1);
    let bad = p.app.verify_presentation(tampered, None, None).await.expect("verify");
    assert!(!bad.valid);

    // Every use was logged.
    let log = p.app.usage_log().await.expect("log");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].claims, ["age_over_18"]);
    assert_eq!(log[1].recipient, "urn:hotel:west-lake");

    // On screen, the QR renews itself before its window ends; the use is logged once.
    let session = p.app.start_presenting(request(&card.id, Purpose::AgeCheck)).await.expect("start");
    let first = session.current().await.expect("current");
    clock.advance_secs(10);
    assert_eq!(session.current().await.expect("same").text, first.text, "not renewed needlessly");
    clock.advance_secs(16);
    let renewed = session.current().await.expect("renewed");
    assert_ne!(renewed.text, first.text);
    assert!(renewed.expires_at_ms > first.expires_at_ms);
    clock.advance_secs(20);
    let shown_late = session.current().await.expect("renewed again");
    let v = p.app.verify_presentation(shown_late.qr_text, None, None).await.expect("verify");
    assert!(v.valid, "a QR read from the session is always acceptable: {v:#?}");
    assert_eq!(p.app.usage_log().await.expect("log").len(), 3, "one entry for the whole session");

    // A purpose that does not fit the licence is refused plainly.
    let err = p.app.present(request(&card.id, Purpose::BusinessLicenceCheck)).await.expect_err("wrong purpose");
    assert!(matches!(err, onego_core::OnegoError::Validation { .. }));
}

#[tokio::test(flavor = "multi_thread")]
async fn another_provinces_licence_verifies_offline_and_revocation_shows() {
    let platform = platform().await;
    let url = platform.url();
    let staff = platform.staff();
    let wife = signed_in(&url, CITIZEN).await;
    let husband = signed_in(&url, HUSBAND).await;
    wife.app.refresh_wallet().await.expect("wife's wallet");
    husband.app.refresh_wallet().await.expect("husband's wallet");
    let his_card = id_card(&husband).await;
    assert_eq!(his_card.province, "江苏", "王磊's ID card was issued in 江苏");

    // 王磊 shows his 江苏 card; 陈静's phone (a 浙江 wallet) checks it with the platform stopped.
    let shown = husband.app.present(request(&his_card.id, Purpose::IdentityCheck)).await.expect("present");
    let licences = staff.licence_ids_of(HUSBAND.into()).await.expect("licences");
    platform.shutdown().await;
    let verdict = wife.app.verify_presentation(shown.text, None, None).await.expect("verify offline");
    assert!(verdict.key_bound);
    assert_eq!(verdict.province, "江苏");
    assert!(verdict.issuer_name.contains("江苏"), "{verdict:#?}");
    assert!(verdict.valid, "{verdict:#?}");
    assert_eq!(verdict.state, LicenceState::Valid, "the 江苏 status list was fetched before going offline");
    assert!(verdict.status_checked_at_ms.is_some());

    // Revocation: a restarted platform would be another sandbox, so revoke on a fresh one.
    drop(licences);
    let platform = platform_with(PlatformConfig::default()).await;
    let p = signed_in(&platform.url(), CITIZEN).await;
    p.app.refresh_wallet().await.expect("refresh");
    let card = id_card(&p).await;
    assert_eq!(card.state, LicenceState::Valid);
    let ids = platform.staff().licence_ids_of(CITIZEN.into()).await.expect("ids");
    let (licence_id, _) = ids.iter().find(|(_, v)| v == licence::RESIDENT_ID).expect("id card").clone();
    platform.staff().set_licence_status(licence_id, LicenceStatusChange::Revoked).await.expect("revoke");
    let shown = p.app.present(request(&card.id, Purpose::AgeCheck)).await.expect("present before the check");
    p.app.refresh_licence_status().await.expect("status refresh");
    assert_eq!(id_card(&p).await.state, LicenceState::Revoked);
    let verdict = p.app.verify_presentation(shown.text, None, None).await.expect("verify");
    assert!(!verdict.valid);
    assert_eq!(verdict.reason_code.as_deref(), Some("revoked"));
}

/// Payload size and QR version of every licence type the test accounts hold, for every purpose that fits it.
#[tokio::test(flavor = "multi_thread")]
async fn qr_sizes_for_every_seeded_licence_and_purpose() {
    let platform = platform().await;
    let mut rows = Vec::new();
    for (phone, kind) in [
        (CITIZEN, onego_core::AccountKind::Citizen),
        (HUSBAND, onego_core::AccountKind::Citizen),
        (OWNER, onego_core::AccountKind::Enterprise),
    ] {
        let p = phone_with(&platform.url(), |_| {});
        p.app.sign_in(phone.into(), CODE.into(), kind).await.expect("sign in");
        p.app.refresh_wallet().await.expect("refresh");
        for l in p.app.licences().await.expect("list") {
            for purpose in Purpose::ALL {
                let Ok(shown) = p.app.present(request(&l.id, purpose)).await else { continue };
                let version = shown.qr.as_ref().map_or(0, |q| q.version);
                rows.push((
                    l.vct.clone(),
                    purpose,
                    shown.disclosed.len(),
                    shown.text.len(),
                    shown.qr_text.len(),
                    version,
                ));
            }
        }
    }
    eprintln!("| licence | purpose | claims | SD-JWT+KB bytes | QR chars | QR version (M) |");
    for (vct, purpose, n, text, qr, version) in &rows {
        eprintln!("| {vct} | {} | {n} | {text} | {qr} | {version} |", purpose.names().1);
    }
    let age = rows.iter().find(|r| r.1 == Purpose::AgeCheck).expect("an age check was measured");
    assert!(age.5 <= 20, "age check QR version {}", age.5);
    assert!(rows.iter().all(|r| r.5 > 0), "every presentation fits one QR code (version ≤ 40)");
    assert!(rows.iter().any(|r| r.0 == licence::BUSINESS), "the business licence was measured");
}

/// Online QR mode: a short one-time code that the platform resolves once, within the window.
#[tokio::test(flavor = "multi_thread")]
async fn online_mode_uses_a_one_time_code() {
    let platform = platform().await;
    let holder = signed_in(&platform.url(), CITIZEN).await;
    holder.app.refresh_wallet().await.expect("refresh");
    let verifier = phone(&platform.url());
    verifier.app.refresh_licence_status().await.expect("a verifier needs no sign-in to fetch trust and status");
    let card = id_card(&holder).await;
    let online = holder.app.present_online(request(&card.id, Purpose::IdentityCheck)).await.expect("online");
    assert!(online.qr_text.starts_with("ONEGO-P:") && online.qr_text.len() <= 20, "{}", online.qr_text);
    assert!(online.qr.as_ref().is_some_and(|q| q.version <= 2), "a tiny QR");
    let verdict = verifier.app.verify_code(online.qr_text.clone()).await.expect("resolve");
    assert!(verdict.valid, "{verdict:#?}");
    assert!(verdict.claims.iter().any(|c| c.name == "id_number"));
    let again = verifier.app.verify_code(online.qr_text).await.expect_err("one time only");
    assert!(matches!(again, onego_core::OnegoError::NotFound { .. }), "{again:?}");
}
