//! Applications over real HTTP: 出生一件事 and 企业开办 end to end with 秒批 rules and staff decisions, idempotent
//! submission (replays, concurrent duplicates, key reuse), hostile input, 公积金 秒批 and its 补正 path,
//! delegated submissions, and overdue matters on a manual clock.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use onego_platform::wallet::SystemRandom;
use onego_platform::{PlatformConfig, RunningPlatform};
use onego_protocol::api::{
    Application, Bundle, Decision, FieldKind, MatterStatus, PROOF_TYP, StaffDecision, Submitted,
};
use onego_protocol::ids::IdNumber;
use onego_protocol::plan::{self, MaterialPlan, PlanInput, Provenance};
use onego_protocol::sdjwt::jws::{Es256SigningKey, sign_compact_es256};
use onego_protocol::sdjwt::{KbRequest, SoftwareHolderSigner, present};
use onego_protocol::time::ManualClock;
use serde_json::{Map, Value, json};

/// 2026-11-27 09:00 CST (a Friday).
const T0_MS: i64 = 1_795_741_200_000;
const STAFF: &str = "sandbox-staff";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client")
}

async fn start() -> (RunningPlatform, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0_MS));
    let config = PlatformConfig { clock: clock.clone(), ..PlatformConfig::default() };
    (RunningPlatform::start(config).await.expect("platform starts"), clock)
}

async fn sign_in(url: &str, phone: &str, kind: &str) -> String {
    let res: Value = http()
        .post(format!("{url}/v1/auth/token"))
        .json(&json!({"grant_type": "otp", "phone": phone, "code": "123456", "kind": kind}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    res["access_token"].as_str().unwrap_or_else(|| panic!("sign in {phone}: {res}")).to_owned()
}

async fn get(url: &str, path: &str, bearer: &str) -> (u16, Value) {
    let res = http().get(format!("{url}{path}")).bearer_auth(bearer).send().await.expect("get");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn post(url: &str, path: &str, bearer: &str, body: &Value) -> (u16, Value) {
    let res = http().post(format!("{url}{path}")).bearer_auth(bearer).json(body).send().await.expect("post");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

fn app_of(v: &Value) -> Application {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("not an application ({e}): {v}"))
}

fn submitted(v: &Value) -> Submitted {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("not a submission answer ({e}): {v}"))
}

fn status_of(app: &Application, matter: &str) -> MatterStatus {
    app.matters.iter().find(|m| m.matter_id == matter).unwrap_or_else(|| panic!("{matter} not in {app:?}")).status
}

/// The bank account the seed gives the person with this subject.
fn bank_account(subject: &str) -> String {
    let n: u64 = subject.trim_start_matches('p').parse().expect("subject number");
    format!("6222{:015}", 330_000_000_000_000 + n * 7_919)
}

fn catalog() -> onego_platform::seed::SeedCatalog {
    onego_platform::seed::seed_catalog().expect("catalog")
}

/// A submission body filled the way the phone fills it: the planner over the caller's profile (no licences
/// held, so licence-sourced values come from `overrides`), the first option of every choice, uploads for the
/// materials left to upload and commitments for those left to commit.
async fn form(url: &str, bearer: &str, service: &str, answers: Value, overrides: &[(&str, &str)]) -> Value {
    let (_, profile) = get(url, "/v1/me", bearer).await;
    let cat = catalog();
    let bundle = cat.bundles.iter().find(|b| b.id == service).cloned().unwrap_or_else(|| {
        let m = cat.matters.iter().find(|m| m.id == service).expect("service");
        Bundle::of_matter(m)
    });
    let answers_map: BTreeMap<String, plan::AnswerValue> = serde_json::from_value(answers.clone()).expect("answers");
    let planned = plan::plan(&PlanInput {
        bundle: &bundle,
        matters: &cat.matters,
        answers: &answers_map,
        profile: &profile,
        held: &[],
    });
    let overrides: BTreeMap<&str, &str> = overrides.iter().copied().collect();
    let mut fields = Map::new();
    for f in &planned.fields {
        if let Some(v) = overrides.get(f.key.as_str()) {
            fields.insert(f.key.clone(), (*v).into());
            continue;
        }
        // Values from licences the phone does not hold (or that an earlier matter issues) are left out.
        let from_licence = cat
            .matters
            .iter()
            .flat_map(|m| &m.fields)
            .any(|d| d.key == f.key && d.source.as_deref().is_some_and(|s| s.starts_with("licence:")));
        let unknown = f.value.is_none() && from_licence;
        if matches!(f.provenance, Provenance::Application { .. } | Provenance::Licence { .. }) || !f.required || unknown
        {
            continue;
        }
        let value = match (&f.value, &f.kind) {
            (Some(v), _) => v.clone(),
            (None, FieldKind::Choice) => {
                let def = cat.matters.iter().flat_map(|m| &m.fields).find(|d| d.key == f.key).expect("def");
                def.options[0].clone()
            }
            (None, FieldKind::BankAccount) => bank_account(profile["subject"].as_str().expect("subject")),
            (None, FieldKind::Number) => "3".into(),
            (None, FieldKind::Date) => "2026-12-01".into(),
            (None, _) => "测试填写".into(),
        };
        fields.insert(f.key.clone(), value.into());
    }
    let mut uploads = Vec::new();
    let mut commitments = Vec::new();
    for m in planned.materials.iter().filter(|m| m.required) {
        let key = format!("{}/{}", m.matter_id, m.material_id);
        match m.satisfied_by {
            MaterialPlan::Upload => uploads.push(json!({
                "material": key, "file_name": "scan.jpg",
                "content_base64": base64::engine::general_purpose::STANDARD.encode(b"\xff\xd8\xff scan"),
            })),
            MaterialPlan::Commitment => commitments.push(Value::String(key)),
            _ => {}
        }
    }
    json!({
        "idempotency_key": format!("k-{service}-{}", fields.len()),
        "service_id": service, "answers": answers, "fields": fields, "uploads": uploads, "commitments": commitments,
    })
}

/// A device key that fetches a licence as a credential and presents it to the platform.
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

    async fn credential(&self, url: &str, bearer: &str, vct: &str) -> String {
        let (_, offers) = get(url, "/v1/licences", bearer).await;
        let id = offers
            .as_array()
            .expect("offers")
            .iter()
            .find(|o| o["vct"] == vct)
            .unwrap_or_else(|| panic!("no {vct} in {offers}"))["licence_id"]
            .as_str()
            .expect("id")
            .to_owned();
        let (_, nonce) = post(url, "/v1/credentials/nonce", bearer, &json!({})).await;
        let mut header = Map::new();
        header.insert("typ".into(), PROOF_TYP.into());
        header.insert("jwk".into(), self.key.public_jwk().to_json());
        let payload = json!({"aud": url, "nonce": nonce["c_nonce"], "iat": T0_MS / 1000});
        let proof = sign_compact_es256(&header, &serde_json::to_vec(&payload).expect("json"), &self.key, &self.rng)
            .expect("proof");
        let (status, res) = post(
            url,
            "/v1/credentials",
            bearer,
            &json!({"licence_id": id, "proof": {"proof_type": "jwt", "jwt": proof}}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        res["credential"].as_str().expect("credential").to_owned()
    }

    fn present(&self, credential: &str, aud: &str, nonce: &str) -> String {
        let signer = SoftwareHolderSigner::new(&self.key, &self.rng);
        present(credential, &["name"], &KbRequest { aud, nonce, iat: T0_MS / 1000 }, &signer).expect("present")
    }
}

fn decision(d: Decision, note: &str, needs: &[&str]) -> Value {
    serde_json::to_value(StaffDecision {
        decision: d,
        note: note.into(),
        needs: needs.iter().map(|s| (*s).to_owned()).collect(),
    })
    .expect("json")
}

async fn staff_decide(url: &str, app: &str, matter: &str, body: &Value) -> (u16, Value) {
    post(url, &format!("/v1/staff/applications/{app}/matters/{matter}"), STAFF, body).await
}

fn birth_answers() -> Value {
    json!({
        "born": {"bool": true}, "hukou_with": {"text": "随母亲"}, "mother_insured": {"bool": false},
        "need_ssc": {"bool": true}, "birth_registered": {"bool": true},
    })
}

async fn birth_form(url: &str, bearer: &str) -> Value {
    form(
        url,
        bearer,
        "bundle-birth",
        birth_answers(),
        &[
            ("child.name", "王小雨"),
            ("child.gender", "女"),
            ("child.birth_date", "2026-11-25"),
            ("child.birth_place", "浙江省杭州市上城区"),
            ("birth.hospital", "浙江大学医学院附属妇产科医院"),
        ],
    )
    .await
}

#[tokio::test]
async fn birth_bundle_end_to_end() {
    let (p, _clock) = start().await;
    let url = p.url();
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let body = birth_form(&url, &jing).await;
    let (status, res) = post(&url, "/v1/applications", &jing, &body).await;
    assert_eq!(status, 201, "{res}");
    let app = submitted(&res).application;
    assert!(app.id.starts_with("BJ20261127"), "{}", app.id);
    for m in ["zj-wjw-birth-cert", "zj-gaj-hukou-birth", "zj-ybj-resident-enroll"] {
        assert_eq!(status_of(&app, m), MatterStatus::Approved, "{m} 秒批: {app:?}");
    }
    for m in ["zj-rsj-ssc-newborn", "zj-wjw-vaccination-cert", "zj-wjw-childcare-subsidy"] {
        assert_eq!(status_of(&app, m), MatterStatus::InReview, "{m} waits for staff");
    }
    let hukou = app.matters.iter().find(|m| m.matter_id == "zj-gaj-hukou-birth").expect("hukou");
    let child_id = &hukou.outputs.iter().find(|o| o.key == "child.id_number").expect("output").value;
    let id = IdNumber::parse(child_id).expect("valid GB 11643 number");
    assert_eq!(id.birth_date_iso(), "2026-11-25");
    assert!(id.is_female() && child_id.starts_with("330106"), "{child_id}");
    assert_eq!(hukou.licences.len(), 1);
    // Each step is in the history: submitted, then decided by rules.
    assert!(hukou.history.len() >= 3, "{:?}", hukou.history);

    // The staff queue has the newborn's social security card; staff approve it.
    let (status, queue) = get(&url, "/v1/staff/queue?department=rsj", STAFF).await;
    assert_eq!(status, 200, "{queue}");
    let items = queue["items"].as_array().expect("items");
    assert!(items.iter().any(|i| i["application_id"] == app.id.as_str() && i["applicant_name"] == "陈*"), "{queue}");
    let (status, _) = get(&url, "/v1/staff/queue", &jing).await;
    assert_eq!(status, 403, "a citizen's token is not the staff key");
    let (status, res) = staff_decide(&url, &app.id, "zj-rsj-ssc-newborn", &decision(Decision::Approve, "", &[])).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(status_of(&app_of(&res), "zj-rsj-ssc-newborn"), MatterStatus::Approved);
    let (status, res) = staff_decide(&url, &app.id, "zj-rsj-ssc-newborn", &decision(Decision::Approve, "", &[])).await;
    assert_eq!(status, 409, "decided once: {res}");

    // Staff ask for more on the vaccination record; the applicant uploads it; staff approve.
    let (status, res) =
        staff_decide(&url, &app.id, "zj-wjw-vaccination-cert", &decision(Decision::RequestMore, "", &[])).await;
    assert_eq!(status, 422, "request_more needs a note: {res}");
    let more = decision(Decision::RequestMore, "请上传乙肝和卡介苗接种记录", &["zj-wjw-vaccination-cert/hepb-bcg"]);
    let (status, res) = staff_decide(&url, &app.id, "zj-wjw-vaccination-cert", &more).await;
    assert_eq!(status, 200, "{res}");
    let after = app_of(&res);
    assert_eq!(status_of(&after, "zj-wjw-vaccination-cert"), MatterStatus::MoreNeeded);
    assert_eq!(after.status, onego_protocol::api::ApplicationStatus::NeedsAttention);
    let supplement = json!({"matter_id": "zj-wjw-vaccination-cert", "uploads": [{
        "material": "zj-wjw-vaccination-cert/hepb-bcg", "file_name": "接种记录.jpg",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(b"record")}]});
    let (status, res) = post(&url, &format!("/v1/applications/{}/supplement", app.id), &jing, &supplement).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(status_of(&app_of(&res), "zj-wjw-vaccination-cert"), MatterStatus::InReview);
    let (status, res) = post(&url, &format!("/v1/applications/{}/supplement", app.id), &jing, &supplement).await;
    assert_eq!(status, 409, "nothing to supplement now: {res}");
    let (status, _) =
        staff_decide(&url, &app.id, "zj-wjw-vaccination-cert", &decision(Decision::Approve, "", &[])).await;
    assert_eq!(status, 200);

    // Both parents' wallets now offer the child's 出生医学证明, 户口簿 page and 社保卡.
    for phone in ["13800000001", "13800000011"] {
        let bearer = if phone == "13800000001" { jing.clone() } else { sign_in(&url, phone, "citizen").await };
        let (_, offers) = get(&url, "/v1/licences", &bearer).await;
        let vcts: Vec<&str> = offers.as_array().expect("offers").iter().filter_map(|o| o["vct"].as_str()).collect();
        assert!(vcts.contains(&"urn:cn:licence:birth-medical"), "{phone}: {vcts:?}");
        assert_eq!(vcts.iter().filter(|v| **v == "urn:cn:licence:household-register").count(), 2, "{phone}");
        assert_eq!(vcts.iter().filter(|v| **v == "urn:cn:licence:social-security-card").count(), 2, "{phone}");
    }
    // The parent can fetch the child's certificate as a credential.
    Device::new().credential(&url, &jing, "urn:cn:licence:birth-medical").await;

    // Listed, and readable by the principal; someone else gets 404.
    let (_, list) = get(&url, "/v1/applications", &jing).await;
    assert_eq!(list["applications"][0]["id"], app.id.as_str());
    let other = sign_in(&url, "13800000003", "citizen").await;
    let (status, _) = get(&url, &format!("/v1/applications/{}", app.id), &other).await;
    assert_eq!(status, 404);
    // Rejection of a matter: the childcare subsidy needs a note.
    let (status, _) =
        staff_decide(&url, &app.id, "zj-wjw-childcare-subsidy", &decision(Decision::Reject, " ", &[])).await;
    assert_eq!(status, 422);
    let (status, res) =
        staff_decide(&url, &app.id, "zj-wjw-childcare-subsidy", &decision(Decision::Reject, "户籍不在本市", &[])).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(app_of(&res).status, onego_protocol::api::ApplicationStatus::Finished);
}

#[tokio::test]
async fn a_birth_not_in_the_registry_asks_for_more() {
    let (p, _clock) = start().await;
    let url = p.url();
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let mut body = birth_form(&url, &jing).await;
    body["fields"]["child.gender"] = "男".into();
    let (status, res) = post(&url, "/v1/applications", &jing, &body).await;
    assert_eq!(status, 201, "{res}");
    let app = submitted(&res).application;
    let cert = app.matters.iter().find(|m| m.matter_id == "zj-wjw-birth-cert").expect("cert");
    assert_eq!(cert.status, MatterStatus::MoreNeeded, "never silently rejected");
    assert!(cert.history.last().expect("step").note.contains("分娩记录"));
    assert_eq!(status_of(&app, "zj-gaj-hukou-birth"), MatterStatus::Waiting);
    // Corrected: the certificate is issued and everything waiting on it moves on.
    let fix = json!({"matter_id": "zj-wjw-birth-cert", "fields": {"child.gender": "女"}});
    let (status, res) = post(&url, &format!("/v1/applications/{}/supplement", app.id), &jing, &fix).await;
    assert_eq!(status, 200, "{res}");
    let app = app_of(&res);
    assert_eq!(status_of(&app, "zj-wjw-birth-cert"), MatterStatus::Approved);
    assert_eq!(status_of(&app, "zj-ybj-resident-enroll"), MatterStatus::Approved);
}

#[tokio::test]
async fn submissions_are_idempotent() {
    let (p, _clock) = start().await;
    let url = p.url();
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let mut body = form(&url, &jing, "zj-gjj-withdraw-rent", json!({}), &[("bank.name", "中国工商银行杭州分行")]).await;
    body["idempotency_key"] = "0b8f6d0e-replay".into();
    let (status, first) = post(&url, "/v1/applications", &jing, &body).await;
    assert_eq!(status, 201, "{first}");
    let first = submitted(&first);
    let (status, again) = post(&url, "/v1/applications", &jing, &body).await;
    assert_eq!(status, 200, "{again}");
    let again = submitted(&again);
    assert!(again.replayed && !first.replayed);
    assert_eq!(again.application.id, first.application.id);
    // Header equal to the key is fine; a different one is refused.
    let res = http()
        .post(format!("{url}/v1/applications"))
        .bearer_auth(&jing)
        .header("Idempotency-Key", "other")
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 422);
    // The same key with another body is a conflict.
    let mut changed = body.clone();
    changed["fields"]["withdraw.amount"] = "100".into();
    let (status, res) = post(&url, "/v1/applications", &jing, &changed).await;
    assert_eq!(status, 409, "{res}");
    assert_eq!(res["code"], "conflict");

    // Two identical submissions at once make one application.
    let mut twin = body.clone();
    twin["idempotency_key"] = "0b8f6d0e-twin".into();
    let (a, b) =
        tokio::join!(post(&url, "/v1/applications", &jing, &twin), post(&url, "/v1/applications", &jing, &twin));
    let mut codes = [a.0, b.0];
    codes.sort_unstable();
    assert_eq!(codes, [200, 201]);
    assert_eq!(submitted(&a.1).application.id, submitted(&b.1).application.id);
    let (_, list) = get(&url, "/v1/applications", &jing).await;
    assert_eq!(list["applications"].as_array().expect("list").len(), 2);
}

#[tokio::test]
async fn hostile_input_is_refused_cleanly() {
    let (p, _clock) = start().await;
    let url = p.url();
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let good = birth_form(&url, &jing).await;
    let count = |list: &Value| list["applications"].as_array().map_or(0, Vec::len);

    let mut bad = good.clone();
    bad["fields"]["child.birth_date"] = "2027-01-01".into();
    bad["fields"]["child.name"] = "<script>alert(1)</script>".repeat(20).into();
    bad["fields"]["x'; DROP TABLE application;--"] = "1".into();
    bad["answers"]["born"] = json!({"text": "maybe"});
    let (status, res) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 422, "{res}");
    assert_eq!(res["code"], "validation");
    assert_eq!(res["field"], "answers.born");

    let mut bad = good.clone();
    bad["fields"]["child.birth_date"] = "2027-01-01".into();
    bad["fields"]["child.name"] = "长".repeat(5000).into();
    bad["fields"]["x'; DROP TABLE application;--"] = "1".into();
    bad["fields"]["bank.account"] = "6222000000000000001".into();
    let (status, res) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 422, "{res}");
    let fields: Vec<&str> =
        res["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    for f in
        ["fields.child.birth_date", "fields.child.name", "fields.x'; DROP TABLE application;--", "fields.bank.account"]
    {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(res["field"], fields[0]);

    let mut bad = good.clone();
    let many: Map<String, Value> = (0..10_000).map(|i| (format!("f{i}"), Value::from("x"))).collect();
    bad["fields"] = Value::Object(many);
    let (status, res) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 422, "{res}");

    let mut bad = good.clone();
    bad["fields"] = json!(5);
    let (status, res) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 400, "{res}");

    let mut bad = good.clone();
    bad["idempotency_key"] = "k".repeat(65).into();
    let (status, _) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 422);

    let mut bad = good.clone();
    bad["service_id"] = "nope' OR 1=1".into();
    let (status, _) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 422);

    let mut bad = good.clone();
    bad["presentations"] = json!([{"vct": "urn:cn:licence:resident-id", "presentation": "not.a.jwt~",
        "materials": ["zj-wjw-birth-cert/parents-id"]}]);
    bad["uploads"] = json!([{"material": "zj-wjw-birth-cert/parents-id", "file_name": "a.jpg",
        "content_base64": "!!!not base64"}]);
    let (status, res) = post(&url, "/v1/applications", &jing, &bad).await;
    assert_eq!(status, 422, "{res}");
    let fields: Vec<&str> =
        res["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"presentations[0]") && fields.contains(&"uploads[0]"), "{fields:?}");

    // A body over the limit is refused before it is read.
    let mut huge = good.clone();
    huge["uploads"] = json!([{"material": "zj-wjw-birth-cert/parents-id", "file_name": "a.jpg",
        "content_base64": "A".repeat(9 * 1024 * 1024)}]);
    let (status, _) = post(&url, "/v1/applications", &jing, &huge).await;
    assert!(status == 413 || status == 400, "{status}");

    let (_, list) = get(&url, "/v1/applications", &jing).await;
    assert_eq!(count(&list), 0, "nothing was written");
    let (status, _) = post(&url, "/v1/applications", &jing, &good).await;
    assert_eq!(status, 201, "the good one still goes through");
}

#[tokio::test]
async fn opening_a_company_then_a_food_permit() {
    let (p, _clock) = start().await;
    let url = p.url();
    let yutong = sign_in(&url, "13800000005", "citizen").await;
    let answers = json!({"sells_food": {"bool": false}, "need_invoice": {"bool": false}, "open_gjj": {"bool": false},
        "bank_booking": {"bool": false}});
    let mut body = form(
        &url,
        &yutong,
        "bundle-business",
        answers,
        &[
            ("company.name", "杭州雨桐小馆餐饮有限公司"),
            ("company.address", "杭州市上城区清泰街 218 号 1 楼"),
            ("company.registered_capital", "50"),
            ("company.business_scope", "餐饮服务；食品销售"),
        ],
    )
    .await;
    // The legal representative's ID card is presented from the wallet instead of uploaded.
    let device = Device::new();
    let card = device.credential(&url, &yutong, "urn:cn:licence:resident-id").await;
    let key = "company-2026-0001";
    body["idempotency_key"] = key.into();
    let id_materials = ["zj-scjgj-business-licence/legal-rep-id", "zj-gaj-seal-filing/legal-rep-id"];
    body["uploads"] = Value::Array(
        body["uploads"]
            .as_array()
            .expect("uploads")
            .iter()
            .filter(|u| !id_materials.contains(&u["material"].as_str().unwrap_or("")))
            .cloned()
            .collect(),
    );
    body["presentations"] = json!([{"vct": "urn:cn:licence:resident-id",
        "presentation": device.present(&card, &url, "wrong-nonce"), "materials": id_materials}]);
    let (status, res) = post(&url, "/v1/applications", &yutong, &body).await;
    assert_eq!(status, 422, "a presentation bound to another nonce is refused: {res}");
    assert_eq!(res["field"], "presentations[0]", "{res}");
    body["presentations"][0]["presentation"] = device.present(&card, &url, key).into();
    let (status, res) = post(&url, "/v1/applications", &yutong, &body).await;
    assert_eq!(status, 201, "{res}");
    let app = submitted(&res).application;
    assert_eq!(status_of(&app, "zj-scjgj-business-licence"), MatterStatus::Approved, "{app:?}");
    assert_eq!(status_of(&app, "zj-gaj-seal-filing"), MatterStatus::InReview);
    let bl = app.matters.iter().find(|m| m.matter_id == "zj-scjgj-business-licence").expect("bl");
    let code = &bl.outputs.iter().find(|o| o.key == "company.credit_code").expect("code").value;
    onego_protocol::ids::CreditCode::parse(code).expect("valid GB 32100 code");
    assert!(code.starts_with("91330106"));

    // Now she signs in as her company and applies for the food permit (告知承诺).
    let company = sign_in(&url, "13800000005", "enterprise").await;
    let (_, offers) = get(&url, "/v1/licences", &company).await;
    assert!(offers.as_array().expect("offers").iter().any(|o| o["vct"] == "urn:cn:licence:business"));
    let mut permit = form(
        &url,
        &company,
        "zj-scjgj-food-business-permit",
        json!({}),
        &[
            ("company.name", "杭州雨桐小馆餐饮有限公司"),
            ("company.credit_code", code.as_str()),
            ("food.premises", "杭州市上城区清泰街 218 号 1 楼"),
        ],
    )
    .await;
    permit["idempotency_key"] = "permit-1".into();
    let (status, res) = post(&url, "/v1/applications", &company, &permit).await;
    assert_eq!(status, 201, "{res}");
    let app = submitted(&res).application;
    let matter = &app.matters[0];
    assert_eq!(matter.status, MatterStatus::Approved, "{app:?}");
    assert_eq!(matter.licences[0].vct, "urn:cn:licence:food-business");
    let (_, offers) = get(&url, "/v1/licences", &company).await;
    assert!(offers.as_array().expect("offers").iter().any(|o| o["vct"] == "urn:cn:licence:food-business"));

    // An enterprise-only matter is refused to a citizen sign-in.
    let mut again = permit.clone();
    again["idempotency_key"] = "permit-2".into();
    let (status, res) = post(&url, "/v1/applications", &yutong, &again).await;
    assert_eq!(status, 422, "{res}");
    assert_eq!(res["field"], "service_id");
}

#[tokio::test]
async fn provident_fund_withdrawal_is_instant_or_asks_for_more() {
    let (p, _clock) = start().await;
    let url = p.url();
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let body = form(&url, &jing, "zj-gjj-withdraw-rent", json!({}), &[("bank.name", "中国工商银行杭州分行")]).await;
    let (status, res) = post(&url, "/v1/applications", &jing, &body).await;
    assert_eq!(status, 201, "{res}");
    assert_eq!(submitted(&res).application.matters[0].status, MatterStatus::Approved);

    let mut wrong = body.clone();
    wrong["idempotency_key"] = "gjj-2".into();
    let account = body["fields"]["applicant.provident_fund_account"].clone();
    wrong["fields"]["applicant.provident_fund_account"] = "010199999999".into();
    let (status, res) = post(&url, "/v1/applications", &jing, &wrong).await;
    assert_eq!(status, 201, "{res}");
    let app = submitted(&res).application;
    let m = &app.matters[0];
    assert_eq!(m.status, MatterStatus::MoreNeeded);
    assert_eq!(m.needs, ["applicant.provident_fund_account"]);
    let fix = json!({"matter_id": "zj-gjj-withdraw-rent", "fields": {"applicant.provident_fund_account": account}});
    let (status, res) = post(&url, &format!("/v1/applications/{}/supplement", app.id), &jing, &fix).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(app_of(&res).matters[0].status, MatterStatus::Approved);
}

#[tokio::test]
async fn delegated_submissions_follow_the_grant() {
    let (p, clock) = start().await;
    let url = p.url();
    let mother = sign_in(&url, "13800000004", "citizen").await;
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let grant = |scope: &str, days: i64| json!({"delegate_phone": "13800000001", "scope": [scope], "expires_at": T0_MS + days * 86_400_000});
    let (status, ok) = post(&url, "/v1/delegations", &mother, &grant("zj-wjw-elderly-card", 30)).await;
    assert!(status == 200 || status == 201, "{ok}");
    let (_, narrow) = post(&url, "/v1/delegations", &mother, &grant("bundle-retirement", 30)).await;
    let (_, short) = post(&url, "/v1/delegations", &mother, &grant("zj-wjw-elderly-card", 1)).await;
    let (_, revoked) = post(&url, "/v1/delegations", &mother, &grant("zj-wjw-elderly-card", 30)).await;
    let res = http()
        .delete(format!("{url}/v1/delegations/{}", revoked["id"].as_str().expect("id")))
        .bearer_auth(&mother)
        .send()
        .await
        .expect("revoke");
    assert!(res.status().is_success());

    // The form is the principal's (filled from her profile).
    let mut body = form(&url, &mother, "zj-wjw-elderly-card", json!({}), &[]).await;
    body["delegation_id"] = ok["id"].clone();
    let (status, res) = post(&url, "/v1/applications", &jing, &body).await;
    assert_eq!(status, 201, "{res}");
    let app = submitted(&res).application;
    assert_ne!(app.principal, app.submitted_by);
    assert_eq!(app.delegate_name.as_deref(), Some("陈*"));
    // The principal reads it too.
    let (status, _) = get(&url, &format!("/v1/applications/{}", app.id), &mother).await;
    assert_eq!(status, 200);

    for (n, grant) in [(1, &narrow), (2, &revoked)] {
        let mut b = body.clone();
        b["idempotency_key"] = format!("delegated-{n}").into();
        b["delegation_id"] = grant["id"].clone();
        let (status, res) = post(&url, "/v1/applications", &jing, &b).await;
        assert_eq!(status, 403, "{res}");
    }
    // Two days later the short grant has expired, and the first matter (due the same day) is overdue.
    clock.advance_secs(2 * 86_400);
    let jing = sign_in(&url, "13800000001", "citizen").await;
    let mut b = body.clone();
    b["idempotency_key"] = "delegated-3".into();
    b["delegation_id"] = short["id"].clone();
    let (status, res) = post(&url, "/v1/applications", &jing, &b).await;
    assert_eq!(status, 403, "{res}");
    let (_, res) = get(&url, &format!("/v1/applications/{}", app.id), &jing).await;
    let app = app_of(&res);
    assert!(app.matters[0].overdue, "{app:?}");
    let queue = p.staff().queue(None).await.expect("queue");
    assert!(queue.items.iter().any(|i| i.application_id == app.id && i.overdue));
    // Deciding in process works like the HTTP endpoint.
    let decided = p
        .staff()
        .decide(
            app.id.clone(),
            "zj-wjw-elderly-card".into(),
            StaffDecision { decision: Decision::Approve, note: String::new(), needs: Vec::new() },
        )
        .await
        .expect("decide");
    assert!(!decided.matters[0].overdue && decided.matters[0].status == MatterStatus::Approved);
}
