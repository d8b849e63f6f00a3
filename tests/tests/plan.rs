//! Planning bundles: the phone (offline, from its caches and wallet) and the platform (`POST /v1/plan`, from its
//! registries) compute the same plan for every seeded bundle and several answer sets.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeMap;

use common::*;
use onego_core::{AccountKind, AnswerValue, MaterialPlan, Plan, Provenance};
use onego_protocol::api::{AnswerKind, Bundle};
use serde_json::{Value, json};

async fn token(url: &str, phone: &str, kind: &str) -> String {
    access_token(url, phone, kind).await
}

async fn platform_plan(url: &str, bearer: &str, bundle_id: &str, answers: &BTreeMap<String, AnswerValue>) -> Value {
    let res = http()
        .post(format!("{url}/v1/plan"))
        .bearer_auth(bearer)
        .json(&json!({"bundle_id": bundle_id, "answers": answers}))
        .send()
        .await
        .expect("plan");
    assert_eq!(res.status(), 200, "{bundle_id}");
    res.json().await.expect("json")
}

/// No answers; every question answered yes (or its first option); every question answered no (or its last).
fn answer_sets(b: &Bundle) -> Vec<BTreeMap<String, AnswerValue>> {
    let set = |yes: bool| {
        b.questions
            .iter()
            .map(|q| {
                let v = match q.kind {
                    AnswerKind::Bool => AnswerValue::Bool(yes),
                    AnswerKind::Choice => AnswerValue::Text(
                        if yes { q.options.first() } else { q.options.last() }.cloned().unwrap_or_default(),
                    ),
                    AnswerKind::Date => AnswerValue::Date(if yes { "2026-12-31" } else { "2026-01-01" }.into()),
                    AnswerKind::Number => AnswerValue::Number(if yes { 1.0 } else { 0.0 }),
                    AnswerKind::Text => AnswerValue::Text(if yes { "是" } else { "否" }.into()),
                }
                .clone();
                (q.id.clone(), v)
            })
            .collect()
    };
    vec![BTreeMap::new(), set(true), set(false)]
}

async fn ready_phone(url: &str, phone_no: &str, kind: AccountKind) -> Phone {
    let p = phone(url);
    p.app.sign_in(phone_no.into(), CODE.into(), kind).await.expect("sign in");
    p.app.sync_catalog().await.expect("catalog");
    p.app.refresh_wallet().await.expect("wallet");
    p.app.refresh_profile().await.expect("profile");
    p
}

fn seeded_bundles() -> Vec<Bundle> {
    let raw: Value = serde_json::from_str(include_str!("../../platform/seed/catalog.json")).expect("catalog parses");
    serde_json::from_value(raw["bundles"].clone()).expect("bundles")
}

#[tokio::test(flavor = "multi_thread")]
async fn phone_and_platform_agree_on_every_bundle() {
    let platform = platform().await;
    let url = platform.url();
    let citizen = ready_phone(&url, CITIZEN, AccountKind::Citizen).await;
    let owner = ready_phone(&url, OWNER, AccountKind::Enterprise).await;
    let citizen_token = token(&url, CITIZEN, "citizen").await;
    let owner_token = token(&url, OWNER, "enterprise").await;
    let bundles = seeded_bundles();
    assert_eq!(bundles.len(), 7);
    let mut by_licence = [0usize; 2];
    for b in &bundles {
        let who = usize::from(b.id == "bundle-business");
        let (p, bearer) = if b.id == "bundle-business" { (&owner, &owner_token) } else { (&citizen, &citizen_token) };
        for answers in answer_sets(b) {
            let device = p.app.plan(b.id.clone(), answers.clone().into_iter().collect()).await.expect("device plan");
            let server = platform_plan(&url, bearer, &b.id, &answers).await;
            assert_eq!(serde_json::to_value(&device).expect("json"), server, "{} with {answers:?}", b.id);
            let mut keys: Vec<&str> = device.fields.iter().map(|f| f.key.as_str()).collect();
            let n = keys.len();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), n, "{}: a field asked twice", b.id);
            by_licence[who] +=
                device.materials.iter().filter(|m| matches!(m.satisfied_by, MaterialPlan::Licence { .. })).count();
        }
    }
    // The wallets were not empty: both accounts' plans use their licences.
    assert!(by_licence.iter().all(|n| *n > 0), "{by_licence:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn birth_bundle_prefills_from_profile_and_spares_by_licence() {
    let platform = platform().await;
    let url = platform.url();
    let p = ready_phone(&url, CITIZEN, AccountKind::Citizen).await;
    let answers: BTreeMap<String, AnswerValue> = [
        ("born", AnswerValue::Bool(true)),
        ("hukou_with", AnswerValue::Text("随父亲".into())),
        ("mother_insured", AnswerValue::Bool(true)),
        ("need_ssc", AnswerValue::Bool(true)),
        ("birth_registered", AnswerValue::Bool(false)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let plan: Plan = p.app.plan("bundle-birth".into(), answers.clone().into_iter().collect()).await.expect("plan");
    let profile = p.app.profile().await.expect("profile");
    let spouse = profile.family.iter().find(|r| r.relation == "配偶").expect("a spouse in the registry");
    let field = |k: &str| plan.fields.iter().find(|f| f.key == k).unwrap_or_else(|| panic!("field {k}"));
    assert_eq!(field("applicant.name").value.as_deref(), Some(profile.name.as_str()));
    assert_eq!(field("applicant.id_number").value.as_deref(), Some(profile.id_number.as_str()));
    assert_eq!(field("spouse.name").value.as_deref(), Some(spouse.name.as_str()));
    assert_eq!(field("spouse.name").provenance, Provenance::Profile { path: "profile.spouse.name".into() });
    assert_eq!(field("spouse.id_number").value.as_deref(), Some(spouse.id_number.as_str()));
    assert!(field("applicant.phone").used_by.len() >= 5, "one phone field for every matter");
    let by_licence: Vec<&str> = plan
        .materials
        .iter()
        .filter_map(|m| match &m.satisfied_by {
            MaterialPlan::Licence { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    for name in ["结婚证", "居民户口簿", "居民身份证"] {
        assert!(by_licence.contains(&name), "{name} spares a material: {by_licence:?}");
    }
    assert!(plan.spared.fields_prefilled > 0 && plan.spared.materials_spared > 0, "{:?}", plan.spared);
    assert_eq!(
        plan.summary,
        format!("少填 {} 项、免交 {} 份", plan.spared.fields_prefilled, plan.spared.materials_spared)
    );

    // Wrong answers are refused on both sides.
    let bad: BTreeMap<String, AnswerValue> = [("born".to_owned(), AnswerValue::Text("<script>".into()))].into();
    assert!(p.app.plan("bundle-birth".into(), bad.clone().into_iter().collect()).await.is_err());
    let bearer = token(&url, CITIZEN, "citizen").await;
    let res = http()
        .post(format!("{url}/v1/plan"))
        .bearer_auth(&bearer)
        .json(&json!({"bundle_id": "bundle-birth", "answers": bad}))
        .send()
        .await
        .expect("plan");
    assert_eq!(res.status(), 422);
    let res = http()
        .post(format!("{url}/v1/plan"))
        .bearer_auth(&bearer)
        .json(&json!({"bundle_id": "bundle-nope"}))
        .send()
        .await
        .expect("plan");
    assert_eq!(res.status(), 404);
}
