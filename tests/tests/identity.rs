//! Sign-in, tokens and access control, through the core and directly over HTTP.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;
use onego_core::{AccountKind, OnegoError};
use onego_platform::PlatformConfig;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_caches_the_profile_and_survives_offline() {
    let platform = platform().await;
    let p = signed_in(&platform.url(), CITIZEN).await;
    let profile = p.app.profile().await.expect("profile");
    assert_eq!(profile.phone, CITIZEN);
    assert!(profile.expecting_due_date.is_some(), "the test family expects a child");
    assert!(profile.family.iter().any(|r| r.relation == "配偶"));
    platform.shutdown().await;
    assert_eq!(p.app.profile().await.expect("offline profile").name, profile.name);
    assert!(matches!(p.app.refresh_profile().await, Err(OnegoError::Offline { .. })));
}

#[tokio::test(flavor = "multi_thread")]
async fn one_citizen_never_reads_another() {
    let platform = platform().await;
    let wife = signed_in(&platform.url(), CITIZEN).await;
    let husband = signed_in(&platform.url(), HUSBAND).await;
    let hers = wife.app.profile().await.expect("profile");
    let own = husband.app.profile().await.expect("profile");
    assert_eq!(wife.app.profile_of(hers.subject.clone()).await.expect("own profile").name, hers.name);
    let err = husband.app.profile_of(hers.subject.clone()).await.expect_err("someone else's profile");
    assert!(matches!(err, OnegoError::Unauthorized { .. }), "{err:?}");
    // Over plain HTTP too, with the same answer for someone who does not exist.
    let client = http();
    assert_ne!(own.subject, hers.subject);
    let bearer = access_token(&platform.url(), HUSBAND, "citizen").await;
    for subject in [hers.subject.as_str(), "p9999"] {
        let res = client
            .get(format!("{}/v1/profiles/{subject}", platform.url()))
            .bearer_auth(&bearer)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 403);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: Value = res.json().await.expect("problem");
        assert_eq!(problem["code"], "forbidden");
        assert_eq!(problem["type"], "urn:onego:problem:forbidden");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_and_expired_codes_and_rate_limits() {
    let clock = manual_clock();
    let platform =
        platform_with(PlatformConfig { dev_mode: false, clock: as_clock(&clock), ..Default::default() }).await;
    let p = phone_with(&platform.url(), |c| c.clock = as_clock(&clock));

    // Outside dev mode the sandbox code is refused.
    p.app.request_code(CITIZEN.into(), AccountKind::Citizen).await.expect("code sent");
    let err = p.app.sign_in(CITIZEN.into(), CODE.into(), AccountKind::Citizen).await.expect_err("wrong code");
    assert!(matches!(&err, OnegoError::Validation { field, .. } if field == "code"), "{err:?}");

    // Asking again at once is rate-limited, with a wait the user can read.
    let err = p.app.request_code(CITIZEN.into(), AccountKind::Citizen).await.expect_err("too soon");
    assert!(matches!(&err, OnegoError::Validation { field, message } if field == "phone" && message.contains("秒")));

    // Five wrong tries burn the code.
    for _ in 0..5 {
        let _ = p.app.sign_in(CITIZEN.into(), "000000".into(), AccountKind::Citizen).await;
    }
    let err = p.app.sign_in(CITIZEN.into(), "000001".into(), AccountKind::Citizen).await.expect_err("burnt");
    assert!(matches!(err, OnegoError::Validation { .. }));

    // A code older than five minutes is refused as expired.
    clock.advance_secs(61);
    p.app.request_code(CITIZEN.into(), AccountKind::Citizen).await.expect("new code");
    clock.advance_secs(301);
    let err = p.app.sign_in(CITIZEN.into(), "123123".into(), AccountKind::Citizen).await.expect_err("expired");
    assert!(matches!(&err, OnegoError::Validation { message, .. } if message.contains("过期")), "{err:?}");

    // Bad phone numbers never reach the platform.
    let err = p.app.request_code("12345".into(), AccountKind::Citizen).await.expect_err("bad phone");
    assert!(matches!(&err, OnegoError::Validation { field, .. } if field == "phone"));
    // Six requests in an hour are too many.
    let mut limited = false;
    for _ in 0..6 {
        clock.advance_secs(61);
        if p.app.request_code(CITIZEN.into(), AccountKind::Citizen).await.is_err() {
            limited = true;
        }
    }
    assert!(limited, "the hourly limit applies");
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_tokens_refresh_transparently() {
    // Separate clocks, so the phone and the platform can disagree about expiry.
    let server = manual_clock();
    let device = manual_clock();
    let platform = platform_with(PlatformConfig { clock: as_clock(&server), ..Default::default() }).await;
    let p = phone_with(&platform.url(), |c| c.clock = as_clock(&device));
    p.app.sign_in(CITIZEN.into(), CODE.into(), AccountKind::Citizen).await.expect("sign in");

    // Only the platform thinks the token expired: the core refreshes on the 401 and retries once.
    server.advance_secs(16 * 60);
    p.app.refresh_profile().await.expect("reactive refresh");

    // Both past expiry: the core refreshes before asking.
    server.advance_secs(16 * 60);
    device.advance_secs(32 * 60);
    p.app.refresh_profile().await.expect("proactive refresh");

    // Concurrent calls share one refresh: a reused refresh token would revoke the sign-in.
    server.advance_secs(16 * 60);
    device.advance_secs(16 * 60);
    let (a, b, c) = tokio::join!(p.app.refresh_profile(), p.app.refresh_profile(), p.app.refresh_profile());
    a.expect("a");
    b.expect("b");
    c.expect("c");

    // Past the refresh token's life, the user must sign in again.
    server.advance_secs(31 * 24 * 3600);
    device.advance_secs(31 * 24 * 3600);
    let err = p.app.refresh_profile().await.expect_err("signed out");
    assert!(matches!(err, OnegoError::Unauthorized { .. }));
    assert!(p.app.signed_in().expect("state").is_none(), "stale tokens are forgotten");
    assert!(p.app.profile().await.is_ok(), "the cached profile stays until sign-out");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reused_refresh_token_revokes_the_sign_in() {
    let platform = platform().await;
    let client = http();
    let url = platform.url();
    let login = token_response(&url, CITIZEN, "citizen").await;
    let refresh = login["refresh_token"].as_str().expect("refresh").to_owned();
    let rotate = |t: String| {
        let client = client.clone();
        let url = url.clone();
        async move {
            client
                .post(format!("{url}/v1/auth/token"))
                .json(&json!({"grant_type": "refresh_token", "refresh_token": t}))
                .send()
                .await
                .expect("refresh")
        }
    };
    let first = rotate(refresh.clone()).await;
    assert_eq!(first.status(), 200);
    let rotated: Value = first.json().await.expect("json");
    let stolen = rotate(refresh).await;
    assert_eq!(stolen.status(), 401, "a used refresh token is refused");
    let after = rotate(rotated["refresh_token"].as_str().expect("new").to_owned()).await;
    assert_eq!(after.status(), 401, "and its whole family is revoked");
    let me = client
        .get(format!("{url}/v1/me"))
        .bearer_auth(rotated["access_token"].as_str().expect("access"))
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn enterprise_sign_in_needs_a_company_role() {
    let platform = platform().await;
    let p = phone(&platform.url());
    let who = p.app.sign_in(OWNER.into(), CODE.into(), AccountKind::Enterprise).await.expect("legal rep signs in");
    assert_eq!(who.kind, AccountKind::Enterprise);
    let profile = p.app.profile().await.expect("profile");
    assert!(profile.companies.iter().any(|c| c.name == "杭州云栖数智科技有限公司" && c.role == "法定代表人"));
    let q = phone(&platform.url());
    let err = q.app.sign_in("13800000004".into(), CODE.into(), AccountKind::Enterprise).await.expect_err("no company");
    assert!(matches!(err, OnegoError::Validation { .. }));
}
