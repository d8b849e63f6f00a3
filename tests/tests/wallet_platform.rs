//! The platform's wallet side over real HTTP: the trust list under the pinned anchor, issuer metadata, licence
//! issuance bound to a device key by proof of possession, refusals, and staff status changes in the status
//! lists.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;
use onego_platform::PlatformConfig;
use onego_platform::wallet::SystemRandom;
use onego_protocol::api::{IssuerMetadata, LicenceOffer, LicenceStatusChange, PROOF_TYP};
use onego_protocol::licence::{HOUSEHOLD_REGISTER, MARRIAGE, RESIDENT_ID, SOCIAL_SECURITY_CARD};
use onego_protocol::sdjwt::jws::{Es256SigningKey, Jwk, sign_compact_es256, verify_compact};
use onego_protocol::sdjwt::{Header, SdJwtError, VerifiedSdJwt, VerifyOptions};
use onego_protocol::status_list::{StatusList, StatusListClaims, TokenStatus};
use onego_protocol::trust::TrustList;
use serde_json::{Map, Value, json};

/// The sandbox national trust anchor's public key, pinned independently of the platform's code.
fn anchor() -> Jwk {
    Jwk::from_json(&json!({
        "kty": "EC", "crv": "P-256",
        "x": "yYc-fDOL3yMpYWqBrhf3VwX0nDl5B-pn4U5iHeBi5wE",
        "y": "f5yghDo3HMJuxhKj6DbOM0H2gZcXED_S8YFhUYgJXTk",
    }))
    .expect("anchor jwk")
}

fn now_secs() -> i64 {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock");
    i64::try_from(d.as_secs()).expect("secs")
}

async fn sign_in(url: &str, phone: &str, kind: &str) -> String {
    access_token(url, phone, kind).await
}

async fn trust_list(url: &str) -> TrustList {
    let res = http().get(format!("{url}/v1/trust-list")).send().await.expect("trust list");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/jwt");
    let jws = res.text().await.expect("body");
    TrustList::verify(&jws, &anchor()).expect("the trust list verifies with the pinned anchor")
}

async fn offers(url: &str, bearer: &str) -> Vec<LicenceOffer> {
    let res = http().get(format!("{url}/v1/licences")).bearer_auth(bearer).send().await.expect("licences");
    assert_eq!(res.status(), 200);
    res.json().await.expect("offers")
}

fn offer<'a>(offers: &'a [LicenceOffer], vct: &str) -> &'a LicenceOffer {
    offers.iter().find(|o| o.vct == vct).unwrap_or_else(|| panic!("no {vct} offered"))
}

async fn nonce(url: &str, bearer: &str) -> String {
    let res = http().post(format!("{url}/v1/credentials/nonce")).bearer_auth(bearer).send().await.expect("nonce");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["c_nonce_expires_in"], 300);
    body["c_nonce"].as_str().expect("c_nonce").to_owned()
}

/// A device key and what it needs to sign.
struct Device {
    key: Es256SigningKey,
    rng: SystemRandom,
}

impl Device {
    fn new() -> Self {
        let rng = SystemRandom::new();
        let (key, _) = Es256SigningKey::generate(&rng).expect("device key");
        Self { key, rng }
    }

    fn jwk(&self) -> &Jwk {
        self.key.public_jwk()
    }

    /// A proof JWT signed by this device, naming `header_jwk` as its key.
    fn proof_with(&self, header_jwk: &Jwk, typ: &str, payload: &Value) -> String {
        let mut header = Map::new();
        header.insert("typ".into(), typ.into());
        header.insert("jwk".into(), header_jwk.to_json());
        sign_compact_es256(&header, &serde_json::to_vec(payload).expect("json"), &self.key, &self.rng).expect("sign")
    }

    fn proof(&self, aud: &str, nonce: &str, iat: i64) -> String {
        self.proof_with(self.jwk(), PROOF_TYP, &json!({"aud": aud, "nonce": nonce, "iat": iat}))
    }
}

async fn request_credential(url: &str, bearer: &str, licence_id: &str, jwt: &str) -> reqwest::Response {
    http()
        .post(format!("{url}/v1/credentials"))
        .bearer_auth(bearer)
        .json(&json!({"licence_id": licence_id, "proof": {"proof_type": "jwt", "jwt": jwt}}))
        .send()
        .await
        .expect("credential")
}

async fn credential(url: &str, bearer: &str, device: &Device, licence_id: &str) -> String {
    let jwt = device.proof(url, &nonce(url, bearer).await, now_secs());
    let res = request_credential(url, bearer, licence_id, &jwt).await;
    assert_eq!(res.status(), 200, "{licence_id}: {}", res.text().await.unwrap_or_default());
    let body: Value = res.json().await.expect("json");
    body["credential"].as_str().expect("credential").to_owned()
}

async fn assert_problem(res: reqwest::Response, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.expect("problem");
    assert_eq!(p["code"], code, "{p}");
    if let Some(field) = field {
        assert_eq!(p["field"], field, "{p}");
    }
}

/// Verifies a credential as any verifier would: the issuer's key from the trust list, no key binding.
fn verify(tl: &TrustList, credential: &str) -> VerifiedSdJwt {
    let now = now_secs();
    let resolver = |header: &Header, claims: &Map<String, Value>| -> Result<Jwk, SdJwtError> {
        let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
        let vct = claims.get("vct").and_then(Value::as_str).unwrap_or_default();
        tl.key_for(iss, vct, header.kid(), now).cloned().map_err(|e| SdJwtError::IssuerKey(e.to_string()))
    };
    onego_protocol::sdjwt::verify(credential, &resolver, &VerifyOptions::sd_jwt_vc(now)).expect("credential verifies")
}

/// Fetches and verifies the status list a credential points at; returns the list and its token's claims.
async fn status_of(tl: &TrustList, vc: &VerifiedSdJwt) -> (TokenStatus, StatusListClaims) {
    let reference = &vc.payload["status"]["status_list"];
    let uri = reference["uri"].as_str().expect("uri");
    let idx = reference["idx"].as_u64().expect("idx");
    let res = http().get(uri).send().await.expect("status list");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/statuslist+jwt");
    let token = res.text().await.expect("body");
    let issuer = tl.issuer(vc.issuer().expect("iss")).expect("issuer listed");
    let checked = issuer.jwks.keys.iter().find_map(|k| verify_compact(&token, k).ok()).expect("signed by the issuer");
    assert_eq!(checked.header.typ(), Some("statuslist+jwt"));
    assert_eq!(checked.header.kid(), vc.kid(), "the issuer's key id");
    let claims: StatusListClaims = serde_json::from_slice(&checked.payload).expect("claims");
    assert_eq!(claims.sub, uri);
    assert_eq!(claims.ttl, Some(300));
    assert_eq!(claims.exp, Some(claims.iat + 86_400));
    let list = StatusList::decode(&claims.status_list).expect("decode");
    assert_eq!(list.bits(), 2);
    (list.get(idx).expect("index in the list"), claims)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trust_list_and_issuer_metadata_name_every_issuer() {
    let platform = platform().await;
    let url = platform.url();
    let tl = trust_list(&url).await;
    assert_eq!(tl.iss, "cn-national-trust-anchor");
    assert_eq!(tl.exp - tl.iat, 7 * 24 * 3600);
    assert_eq!(tl.sequence, 1);
    let now = now_secs();
    assert!((tl.iat - now).abs() < 60);
    let provinces: std::collections::HashSet<&str> = tl.issuers.iter().map(|i| i.province.as_str()).collect();
    for p in ["浙江", "江苏", "上海", "全国"] {
        assert!(provinces.contains(p), "{p} issuers listed");
    }
    assert!(provinces.len() >= 4, "at least three provinces and national departments");
    for issuer in &tl.issuers {
        assert!(issuer.valid_from < now && now < issuer.valid_until, "{} trusted now", issuer.id);
        onego_protocol::ids::CreditCode::parse(&issuer.credit_code).expect("valid credit code");
        assert_eq!(issuer.jwks.keys.len(), 1);
        // draft-ietf-oauth-sd-jwt-vc §5: the well-known segment goes between the host and the issuer's path.
        let path = issuer.id.strip_prefix(&url).expect("issuer under the platform");
        let res = http().get(format!("{url}/.well-known/jwt-vc-issuer{path}")).send().await.expect("metadata");
        assert_eq!(res.status(), 200, "{}", issuer.id);
        let meta: IssuerMetadata = res.json().await.expect("metadata json");
        assert_eq!(meta.issuer, issuer.id);
        assert_eq!(meta.jwks, issuer.jwks, "metadata keys = trust list keys");
    }
    let res = http().get(format!("{url}/.well-known/jwt-vc-issuer/issuers/nobody")).send().await.expect("get");
    assert_problem(res, 404, "not_found", None).await;
    let res = http().get(format!("{url}/v1/status-lists/nobody")).send().await.expect("get");
    assert_problem(res, 404, "not_found", None).await;

    // Another anchor's signature is refused.
    let jws = http().get(format!("{url}/v1/trust-list")).send().await.expect("get").text().await.expect("body");
    let (other, _) = Es256SigningKey::generate(&SystemRandom::new()).expect("key");
    assert!(TrustList::verify(&jws, other.public_jwk()).is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_fetches_device_bound_credentials_that_verify_offline() {
    let platform = platform().await;
    let url = platform.url();
    let tl = trust_list(&url).await;
    let bearer = sign_in(&url, CITIZEN, "citizen").await;
    let offers = offers(&url, &bearer).await;
    for vct in [RESIDENT_ID, HOUSEHOLD_REGISTER, MARRIAGE, SOCIAL_SECURITY_CARD] {
        let o = offer(&offers, vct);
        assert!(tl.issuer(&o.issuer).is_some_and(|i| i.name == o.issuer_name && i.province == o.province));
        onego_protocol::ids::LicenceId::parse(&o.licence_id).expect("GB/T 36904 identifier");
    }
    let device = Device::new();
    let now = now_secs();
    for o in &offers {
        let vc = verify(&tl, &credential(&url, &bearer, &device, &o.licence_id).await);
        assert_eq!(vc.header.typ(), Some("dc+sd-jwt"));
        assert_eq!(vc.issuer(), Some(o.issuer.as_str()));
        assert_eq!(vc.vct(), Some(o.vct.as_str()));
        assert_eq!(vc.payload["cnf"]["jwk"], device.jwk().to_json(), "bound to the device key");
        assert_eq!(vc.payload["licence_id"], o.licence_id.as_str());
        assert_eq!(vc.payload["valid_from"], o.valid_from.as_str());
        assert_eq!(vc.payload["licence_name"], o.name.as_str());
        assert!(vc.payload["holder_name"].is_string() && vc.payload["holder_code"].is_string());
        for claim in ["licence_id", "holder_name", "holder_code"] {
            assert!(vc.disclosed.iter().any(|d| d == claim), "{claim} is selectively disclosable");
        }
        for claim in ["licence_name", "issuer_name", "issuer_code", "valid_until"] {
            assert!(!vc.disclosed.iter().any(|d| d == claim), "{claim} is always visible");
        }
        let t = onego_protocol::licence::by_vct(&o.vct).expect("type");
        for (claim, _) in t.claims {
            assert!(vc.payload.get(*claim).is_some(), "{}: {claim} present", o.vct);
        }
        let exp = vc.payload["exp"].as_i64().expect("exp");
        assert!(exp > now && exp <= now + 366 * 24 * 3600, "a credential lives at most a year");
        let (status, _) = status_of(&tl, &vc).await;
        assert_eq!(status, TokenStatus::Valid);
    }
    let id = verify(&tl, &credential(&url, &bearer, &device, &offer(&offers, RESIDENT_ID).licence_id).await);
    assert_eq!(id.payload["age_over_18"], true);
    assert_eq!(id.payload["age_over_60"], false);
    assert_eq!(id.payload["holder_code"], id.payload["id_number"]);
    assert!(id.issuer().is_some_and(|i| i.ends_with("/issuers/zj-gat")), "a 浙江 card");
    let register =
        verify(&tl, &credential(&url, &bearer, &device, &offer(&offers, HOUSEHOLD_REGISTER).licence_id).await);
    assert_eq!(register.payload["relation"], "户主");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_licence_from_another_province_verifies_with_its_issuer() {
    let platform = platform().await;
    let url = platform.url();
    let tl = trust_list(&url).await;
    let bearer = sign_in(&url, HUSBAND, "citizen").await;
    let offers = offers(&url, &bearer).await;
    let card = offer(&offers, RESIDENT_ID);
    assert_eq!(card.province, "江苏");
    let vc = verify(&tl, &credential(&url, &bearer, &Device::new(), &card.licence_id).await);
    let issuer = tl.issuer(vc.issuer().expect("iss")).expect("listed");
    assert_eq!((issuer.name.as_str(), issuer.province.as_str()), ("江苏省公安厅", "江苏"));
    assert!(vc.payload["id_number"].as_str().is_some_and(|n| n.starts_with("320102")));
    // The household register is still 浙江's: he lives in 杭州.
    assert_eq!(offer(&offers, HOUSEHOLD_REGISTER).province, "浙江");
    assert!(offers.iter().any(|o| o.vct == onego_protocol::licence::DRIVING));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_proofs_and_other_peoples_licences_are_refused() {
    let platform = platform().await;
    let url = platform.url();
    let bearer = sign_in(&url, CITIZEN, "citizen").await;
    let husband = sign_in(&url, HUSBAND, "citizen").await;
    let mine = offer(&offers(&url, &bearer).await, RESIDENT_ID).licence_id.clone();
    let his = offer(&offers(&url, &husband).await, RESIDENT_ID).licence_id.clone();
    let device = Device::new();

    // A nonce is single use.
    let n = nonce(&url, &bearer).await;
    let jwt = device.proof(&url, &n, now_secs());
    assert_eq!(request_credential(&url, &bearer, &mine, &jwt).await.status(), 200);
    let replay = request_credential(&url, &bearer, &mine, &jwt).await;
    assert_problem(replay, 422, "validation", Some("proof.nonce")).await;
    // Someone else's nonce, or an invented one, is unknown.
    let jwt = device.proof(&url, &nonce(&url, &husband).await, now_secs());
    assert_problem(request_credential(&url, &bearer, &mine, &jwt).await, 422, "validation", Some("proof.nonce")).await;
    let jwt = device.proof(&url, "made-up", now_secs());
    assert_problem(request_credential(&url, &bearer, &mine, &jwt).await, 422, "validation", Some("proof.nonce")).await;

    // Wrong audience, a stale or future iat.
    let jwt = device.proof("https://elsewhere.example", &nonce(&url, &bearer).await, now_secs());
    assert_problem(request_credential(&url, &bearer, &mine, &jwt).await, 422, "validation", Some("proof.aud")).await;
    for iat in [now_secs() - 600, now_secs() + 600] {
        let jwt = device.proof(&url, &nonce(&url, &bearer).await, iat);
        assert_problem(request_credential(&url, &bearer, &mine, &jwt).await, 422, "validation", Some("proof.iat"))
            .await;
    }

    // Signed by another key than the one in its header; a wrong typ; no key at all.
    let other = Device::new();
    let payload = json!({"aud": url, "nonce": nonce(&url, &bearer).await, "iat": now_secs()});
    let jwt = device.proof_with(other.jwk(), PROOF_TYP, &payload);
    assert_problem(request_credential(&url, &bearer, &mine, &jwt).await, 422, "validation", Some("proof.jwt")).await;
    let jwt = device.proof_with(device.jwk(), "JWT", &payload);
    assert_problem(request_credential(&url, &bearer, &mine, &jwt).await, 422, "validation", Some("proof.jwt")).await;
    assert_problem(request_credential(&url, &bearer, &mine, "not-a-jwt").await, 422, "validation", Some("proof.jwt"))
        .await;
    // The refused proofs above did not use the nonce up: it still works.
    let jwt = device.proof(&url, payload["nonce"].as_str().expect("nonce"), now_secs());
    assert_eq!(request_credential(&url, &bearer, &mine, &jwt).await.status(), 200);

    // A valid proof does not get someone else's licence, nor one that does not exist.
    let jwt = device.proof(&url, &nonce(&url, &bearer).await, now_secs());
    assert_problem(request_credential(&url, &bearer, &his, &jwt).await, 403, "forbidden", None).await;
    let his_id = onego_protocol::ids::LicenceId::parse(&his).expect("id");
    let unknown = onego_protocol::ids::LicenceId::new(his_id.type_code(), his_id.issuer(), "9999999", 1).expect("id");
    let jwt = device.proof(&url, &nonce(&url, &bearer).await, now_secs());
    assert_problem(request_credential(&url, &bearer, unknown.as_str(), &jwt).await, 403, "forbidden", None).await;
    let jwt = device.proof(&url, &nonce(&url, &bearer).await, now_secs());
    assert_problem(request_credential(&url, &bearer, "1.2.3", &jwt).await, 422, "validation", Some("licence_id")).await;

    // Without a sign-in nothing is listed or issued.
    let res = http().get(format!("{url}/v1/licences")).send().await.expect("get");
    assert_problem(res, 401, "unauthenticated", None).await;
    let res = http().post(format!("{url}/v1/credentials/nonce")).send().await.expect("post");
    assert_problem(res, 401, "unauthenticated", None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_revocation_and_suspension_flip_the_status_list() {
    let platform = platform().await;
    let url = platform.url();
    let tl = trust_list(&url).await;
    let bearer = sign_in(&url, CITIZEN, "citizen").await;
    let offers = offers(&url, &bearer).await;
    let device = Device::new();
    let card = offer(&offers, SOCIAL_SECURITY_CARD).licence_id.clone();
    let vc = verify(&tl, &credential(&url, &bearer, &device, &card).await);
    assert_eq!(status_of(&tl, &vc).await.0, TokenStatus::Valid);

    let endpoint = format!("{url}/v1/staff/licences/{card}/status");
    let body = json!({"status": "revoked", "reason": "card reported lost"});
    let res = http().post(&endpoint).json(&body).send().await.expect("post");
    assert_problem(res, 401, "unauthenticated", None).await;
    let res = http().post(&endpoint).bearer_auth(&bearer).json(&body).send().await.expect("post");
    assert_problem(res, 403, "forbidden", None).await;
    let res = http().post(&endpoint).bearer_auth("sandbox-staff").json(&json!({"status": "revoked", "reason": " "}));
    assert_problem(res.send().await.expect("post"), 422, "validation", Some("reason")).await;
    let res = http().post(&endpoint).bearer_auth("sandbox-staff").json(&body).send().await.expect("post");
    assert_eq!(res.status(), 204);
    assert_eq!(status_of(&tl, &vc).await.0, TokenStatus::Invalid, "revoked in the status list");

    // A revoked licence is not issued again, and revocation is final.
    let jwt = device.proof(&url, &nonce(&url, &bearer).await, now_secs());
    assert_problem(request_credential(&url, &bearer, &card, &jwt).await, 409, "conflict", None).await;
    let res = http()
        .post(&endpoint)
        .bearer_auth("sandbox-staff")
        .json(&json!({"status": "valid", "reason": "found again"}))
        .send()
        .await
        .expect("post");
    assert_problem(res, 409, "conflict", None).await;
    let res = http()
        .post(format!("{url}/v1/staff/licences/1.2.156.3005.2.X.11330000002482271X.1.001.X/status"))
        .bearer_auth("sandbox-staff")
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_problem(res, 404, "not_found", None).await;

    // In process: suspend and reinstate another licence; other entries keep their status.
    let staff = platform.staff();
    let held = staff.licence_ids_of(CITIZEN.into()).await.expect("licence ids");
    assert_eq!(held.len(), offers.len(), "{held:?} vs {:?}", offers.iter().map(|o| &o.licence_id).collect::<Vec<_>>());
    let (marriage, _) = held.iter().find(|(_, vct)| vct == MARRIAGE).expect("marriage").clone();
    let vc = verify(&tl, &credential(&url, &bearer, &device, &marriage).await);
    staff.set_licence_status(marriage.clone(), LicenceStatusChange::Suspended).await.expect("suspend");
    assert_eq!(status_of(&tl, &vc).await.0, TokenStatus::Suspended);
    staff.set_licence_status(marriage.clone(), LicenceStatusChange::Valid).await.expect("reinstate");
    assert_eq!(status_of(&tl, &vc).await.0, TokenStatus::Valid);
    let id = verify(&tl, &credential(&url, &bearer, &device, &offer(&offers, RESIDENT_ID).licence_id).await);
    assert_eq!(status_of(&tl, &id).await.0, TokenStatus::Valid);
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_endpoints_need_a_configured_key() {
    for config in [
        PlatformConfig { staff_key: None, ..Default::default() },
        PlatformConfig { dev_mode: false, ..Default::default() },
    ] {
        let platform = platform_with(config).await;
        let (licence_id, _) =
            platform.staff().licence_ids_of(CITIZEN.into()).await.expect("ids").into_iter().next().expect("one");
        let res = http()
            .post(format!("{}/v1/staff/licences/{licence_id}/status", platform.url()))
            .bearer_auth("sandbox-staff")
            .json(&json!({"status": "revoked", "reason": "test"}))
            .send()
            .await
            .expect("post");
        assert_problem(res, 403, "forbidden", None).await;
    }
    let platform =
        platform_with(PlatformConfig { dev_mode: false, staff_key: Some("k3y".into()), ..Default::default() }).await;
    let (licence_id, _) =
        platform.staff().licence_ids_of(CITIZEN.into()).await.expect("ids").into_iter().next().expect("one");
    let res = http()
        .post(format!("{}/v1/staff/licences/{licence_id}/status", platform.url()))
        .bearer_auth("k3y")
        .json(&json!({"status": "suspended", "reason": "test"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 204);
}

#[tokio::test(flavor = "multi_thread")]
async fn enterprise_accounts_fetch_their_companies_business_licences() {
    let platform =
        platform_with(PlatformConfig { public_url: Some("http://127.0.0.1:1/".into()), ..Default::default() }).await;
    let url = platform.url();
    // Identifiers use the configured public URL, not the bound address.
    let tl = trust_list(&url).await;
    assert!(tl.issuers.iter().all(|i| i.id.starts_with("http://127.0.0.1:1/issuers/")));

    let as_citizen = sign_in(&url, OWNER, "citizen").await;
    assert!(offers(&url, &as_citizen).await.iter().all(|o| o.vct != onego_protocol::licence::BUSINESS));
    let as_company = sign_in(&url, OWNER, "enterprise").await;
    let offers = offers(&url, &as_company).await;
    let business = offer(&offers, onego_protocol::licence::BUSINESS);
    assert_eq!(business.issuer_name, "浙江省市场监督管理局");
    let device = Device::new();
    let jwt = device.proof("http://127.0.0.1:1", &nonce(&url, &as_company).await, now_secs());
    let res = request_credential(&url, &as_company, &business.licence_id, &jwt).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    let vc = verify(&tl, body["credential"].as_str().expect("credential"));
    assert_eq!(vc.payload["company_name"], "杭州云栖数智科技有限公司");
    assert_eq!(vc.payload["holder_code"], vc.payload["credit_code"]);
    assert!(vc.payload["legal_rep"].is_string());
    // The citizen account of the same person does not get it.
    let jwt = device.proof("http://127.0.0.1:1", &nonce(&url, &as_citizen).await, now_secs());
    assert_problem(request_credential(&url, &as_citizen, &business.licence_id, &jwt).await, 403, "forbidden", None)
        .await;
}
