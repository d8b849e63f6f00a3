//! Fixture data for the screen tests, built from the real types: the seeded catalog (as the platform serves it)
//! and wallet values for a fictional citizen. The ID number is the example of GB 11643 itself.

use onego_protocol::api::{Bundle, Department, Matter, Profile, Relative, ServiceHall};
use onego_protocol::licence;

use crate::catalog::search::SearchHit;
use crate::catalog::{BundleGuide, BundleMemberGuide, BundleRef, Guide, MatterGuide};
use crate::screens::{BundleLink, Input, ScreenName, Settings};
use crate::wallet::present::{OFFLINE_AUDIENCE, Presentation, Purpose, qr};
use crate::wallet::usage::UsageEntry;
use crate::wallet::verifier::Verdict;
use crate::wallet::{ClaimView, LicenceState, LicenceSummary, LicenceView};

#[derive(serde::Deserialize)]
struct Seed {
    departments: Vec<Department>,
    halls: Vec<ServiceHall>,
    matters: Vec<Matter>,
    bundles: Vec<Bundle>,
}

fn seed() -> Seed {
    serde_json::from_str(include_str!("../../../platform/seed/catalog.json")).expect("seeded catalog")
}

/// 2025-03-01 10:00 CST.
pub(crate) const NOW_MS: i64 = 1_740_794_400_000;

/// The guide of a seeded matter, assembled as `catalog::guide` does.
pub(crate) fn matter_guide(id: &str) -> Guide {
    let s = seed();
    let matter = s.matters.iter().find(|m| m.id == id).expect("seeded matter").clone();
    let department = s.departments.iter().find(|d| d.id == matter.department_id).cloned();
    let halls = s.halls.iter().filter(|h| matter.hall_ids.contains(&h.id)).cloned().collect();
    let in_bundles = s
        .bundles
        .iter()
        .filter(|b| b.members.iter().any(|m| m.matter_id == id))
        .map(|b| BundleRef { id: b.id.clone(), name: b.name.clone() })
        .collect();
    Guide::Matter(Box::new(MatterGuide { matter, department, halls, in_bundles }))
}

pub(crate) fn bundle_guide(id: &str) -> Guide {
    let s = seed();
    let bundle = s.bundles.iter().find(|b| b.id == id).expect("seeded bundle").clone();
    let members = bundle
        .members
        .iter()
        .filter_map(|m| s.matters.iter().find(|x| x.id == m.matter_id))
        .map(|matter| BundleMemberGuide {
            department_name: s
                .departments
                .iter()
                .find(|d| d.id == matter.department_id)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            matter: matter.clone(),
        })
        .collect();
    Guide::Bundle(Box::new(BundleGuide { bundle, members }))
}

pub(crate) fn bundle_ids() -> Vec<String> {
    seed().bundles.into_iter().map(|b| b.id).collect()
}

fn bundle_links() -> Vec<BundleLink> {
    seed().bundles.into_iter().map(|b| BundleLink { id: b.id, name: b.name, name_en: b.name_en }).collect()
}

/// Hits as a search for 退休 would list them: the bundle first, then matters.
fn hits() -> Vec<SearchHit> {
    let s = seed();
    let mut out = Vec::new();
    for b in s.bundles.iter().filter(|b| b.id == "bundle-retirement") {
        out.push(SearchHit {
            id: b.id.clone(),
            kind: "bundle".into(),
            name: b.name.clone(),
            name_en: b.name_en.clone(),
            category: "一件事".into(),
            summary: b.summary.clone(),
            score: 100,
            matched_by: "name".into(),
        });
    }
    for (i, m) in s.matters.iter().filter(|m| m.category == "退休" || m.category == "养老").enumerate() {
        out.push(SearchHit {
            id: m.id.clone(),
            kind: "matter".into(),
            name: m.name.clone(),
            name_en: m.name_en.clone(),
            category: m.category.clone(),
            summary: m.summary.clone(),
            score: 90 - i32::try_from(i).unwrap_or(0),
            matched_by: "keyword".into(),
        });
    }
    out
}

pub(crate) fn profile() -> Profile {
    Profile {
        subject: "c-0001".into(),
        kind: onego_protocol::api::AccountKind::Citizen,
        name: "李秀英".into(),
        id_number: "11010519491231002X".into(),
        phone: "13800000000".into(),
        gender: "女".into(),
        birth_date: "1949-12-31".into(),
        ethnicity: "汉族".into(),
        address: "浙江省杭州市西湖区文三路 1 号".into(),
        region: "330106".into(),
        marital_status: "丧偶".into(),
        family: vec![Relative {
            relation: "子女".into(),
            subject: "c-0002".into(),
            name: "王建国".into(),
            id_number: "330106197501011234".into(),
            birth_date: "1975-01-01".into(),
        }],
        companies: Vec::new(),
        social_security_no: None,
        provident_fund_account: None,
        expecting_due_date: None,
        newborn: None,
    }
}

fn summary(id: &str, vct: &str, state: LicenceState, valid_until: &str) -> LicenceSummary {
    LicenceSummary {
        id: id.into(),
        vct: vct.into(),
        name: licence::by_vct(vct).map(|t| t.name).unwrap_or("证照").into(),
        issuer_name: "杭州市公安局西湖分局".into(),
        province: "浙江".into(),
        valid_until: valid_until.into(),
        state,
        checked_at_ms: (state != LicenceState::Unknown).then_some(NOW_MS - 3_600_000),
        check_due: state == LicenceState::Unknown,
    }
}

/// One licence in each state.
pub(crate) fn licences() -> Vec<LicenceSummary> {
    vec![
        summary("a1b2c3d4e5f6a7b8c9d0", licence::RESIDENT_ID, LicenceState::Valid, "2035-06-30"),
        summary("b1b2c3d4e5f6a7b8c9d0", licence::SOCIAL_SECURITY_CARD, LicenceState::ExpiringSoon, "2025-03-20"),
        summary("c1b2c3d4e5f6a7b8c9d0", licence::DRIVING, LicenceState::Expired, "2024-12-31"),
        summary("d1b2c3d4e5f6a7b8c9d0", licence::HOUSEHOLD_REGISTER, LicenceState::Revoked, ""),
        summary("e1b2c3d4e5f6a7b8c9d0", licence::MARRIAGE, LicenceState::Suspended, ""),
        summary("f1b2c3d4e5f6a7b8c9d0", licence::BUSINESS, LicenceState::Unknown, "2045-01-01"),
    ]
}

fn claims() -> Vec<ClaimView> {
    let c = |name: &str, value: &str| ClaimView {
        name: name.into(),
        label: licence::label(licence::RESIDENT_ID, name).unwrap_or(name).into(),
        value: value.into(),
    };
    vec![
        c("licence_name", "居民身份证"),
        c("issuer_name", "杭州市公安局西湖分局"),
        c("valid_until", "2035-06-30"),
        c("name", "李秀英"),
        c("gender", "女"),
        c("birth_date", "1949-12-31"),
        c("id_number", "11010519491231002X"),
        c("age_over_60", "是"),
    ]
}

pub(crate) fn licence_view(state: LicenceState, trust_problem: bool) -> LicenceView {
    LicenceView {
        summary: summary("a1b2c3d4e5f6a7b8c9d0", licence::RESIDENT_ID, state, "2035-06-30"),
        claims: if trust_problem { Vec::new() } else { claims() },
        issuer: "http://127.0.0.1:8080/issuers/zj-gaj".into(),
        trust_problem: trust_problem.then(|| "issuer key not in the trust list".into()),
    }
}

fn presentation() -> Presentation {
    // A stand-in for the SD-JWT text: the screen shows the QR of whatever the wallet built.
    let text = "eyJhbGciOiJFUzI1NiJ9.eyJ2Y3QiOiJ1cm46Y246bGljZW5jZTpyZXNpZGVudC1pZCJ9.c2ln~WyJzYWx0IiwiYWdlX292ZXJfMTgiLHRydWVd~";
    Presentation {
        text: text.into(),
        qr_text: text.into(),
        disclosed: vec!["age_over_18".into()],
        aud: OFFLINE_AUDIENCE.into(),
        nonce: "00112233445566778899aabbccddeeff".into(),
        expires_at_ms: NOW_MS + 30_000,
        qr: Some(qr(text).expect("qr")),
        bytes: i32::try_from(text.len()).unwrap_or(0),
    }
}

/// A verdict: valid, refused for a code, or genuine with the status unchecked.
pub(crate) fn verdict(valid: bool, code: Option<&str>) -> Verdict {
    Verdict {
        valid,
        reason: code.map(|c| format!("refused: {c}")),
        reason_code: code.map(str::to_owned),
        licence_name: if valid || code == Some("revoked") { "居民身份证".into() } else { String::new() },
        vct: licence::RESIDENT_ID.into(),
        issuer: "http://127.0.0.1:8080/issuers/js-gat".into(),
        issuer_name: "南京市公安局".into(),
        province: "江苏".into(),
        claims: if valid { claims()[3..5].to_vec() } else { Vec::new() },
        state: match code {
            Some("revoked") => LicenceState::Revoked,
            None => LicenceState::Valid,
            _ => LicenceState::Unknown,
        },
        status_checked_at_ms: Some(NOW_MS - 60_000),
        status_check_due: code == Some("status_unknown"),
        key_bound: valid,
    }
}

fn usage() -> Vec<UsageEntry> {
    vec![
        UsageEntry {
            seq: 1,
            at_ms: NOW_MS - 86_400_000,
            licence_id: "a1b2c3d4e5f6a7b8c9d0".into(),
            licence_name: "居民身份证".into(),
            kind: "shown".into(),
            purpose: "年龄核验".into(),
            recipient: OFFLINE_AUDIENCE.into(),
            claims: vec!["age_over_18".into()],
        },
        UsageEntry {
            seq: 2,
            at_ms: NOW_MS - 600_000,
            licence_id: "a1b2c3d4e5f6a7b8c9d0".into(),
            licence_name: "居民身份证".into(),
            kind: "shown".into(),
            purpose: "身份核验".into(),
            recipient: "urn:onego:verifier:hotel-0571".into(),
            claims: vec!["name".into(), "id_number".into()],
        },
    ]
}

/// The full inputs of a screen: one per case worth seeing (each step of a wizard, each kind of verdict …).
pub(crate) fn full(name: ScreenName) -> Vec<Input> {
    let base = Input { settings: Settings::default(), ..Input::default() };
    let with = |f: &dyn Fn(&mut Input)| {
        let mut i = base.clone();
        f(&mut i);
        i
    };
    match name {
        ScreenName::Home => vec![
            with(&|i| {
                i.profile = Some(profile());
                i.bundles = bundle_links();
                i.catalog_items = 88;
                i.licences = licences();
            }),
            // Signed out, catalog synced.
            with(&|i| {
                i.bundles = bundle_links();
                i.catalog_items = 88;
            }),
        ],
        ScreenName::Profile => vec![with(&|i| i.profile = Some(profile()))],
        ScreenName::Search => vec![with(&|i| {
            i.query = "退休".into();
            i.hits = hits();
        })],
        ScreenName::Guide => {
            let mut out: Vec<Input> = ["zj-rsj-pension-apply", "zj-gaj-id-card", "zj-wjw-elderly-card"]
                .into_iter()
                .map(|id| with(&|i| i.guide = Some(matter_guide(id))))
                .collect();
            out.extend(bundle_ids().iter().map(|id| with(&|i| i.guide = Some(bundle_guide(id)))));
            out
        }
        ScreenName::BundleWizard => {
            let mut out = Vec::new();
            for id in bundle_ids() {
                let Guide::Bundle(g) = bundle_guide(&id) else { continue };
                for step in 1..=i32::try_from(g.bundle.questions.len()).unwrap_or(0) {
                    out.push(with(&|i| {
                        i.guide = Some(bundle_guide(&id));
                        i.id.clone_from(&id);
                        i.step = step;
                    }));
                }
            }
            out
        }
        ScreenName::Wallet => vec![with(&|i| i.licences = licences())],
        ScreenName::Licence => [
            LicenceState::Valid,
            LicenceState::ExpiringSoon,
            LicenceState::Expired,
            LicenceState::Revoked,
            LicenceState::Suspended,
            LicenceState::Unknown,
        ]
        .into_iter()
        .map(|s| with(&|i| i.licence = Some(licence_view(s, false))))
        .chain([with(&|i| i.licence = Some(licence_view(LicenceState::Valid, true)))])
        .collect(),
        ScreenName::Present => vec![with(&|i| {
            i.id = "a1b2c3d4e5f6a7b8c9d0".into();
            i.purpose = Some(Purpose::AgeCheck);
            i.licences = licences();
            i.presentation = Some(presentation());
        })],
        ScreenName::Verifier => {
            [(true, None), (true, Some("status_unknown")), (false, Some("revoked")), (false, Some("kb_aud"))]
                .into_iter()
                .map(|(valid, code)| with(&|i| i.verdict = Some(verdict(valid, code))))
                .collect()
        }
        ScreenName::UsageLog => vec![with(&|i| i.usage = usage())],
        ScreenName::Plan => vec![with(&|i| i.id = "bundle-birth".into())],
        ScreenName::Assistant => vec![base.clone(), with(&|i| i.query = "养老金怎么领".into())],
        ScreenName::SignIn
        | ScreenName::Settings
        | ScreenName::Drafts
        | ScreenName::Applications
        | ScreenName::Reviews
        | ScreenName::Delegations
        | ScreenName::Notifications => vec![base],
    }
}
