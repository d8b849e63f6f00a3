//! Fixture data for the screen tests, built from the real types: the seeded catalog (as the platform serves it)
//! and wallet values for a fictional citizen. The ID number is the example of GB 11643 itself.

use std::collections::{BTreeMap, HashMap};

use onego_protocol::api::{
    Actor, Application, ApplicationStatus, Bundle, Delegation, DelegationState, Department, FieldError, IssuedLicence,
    LoopState, LoopStep, LoopStepKind, Matter, MatterEvent, MatterProgress, MatterStatus, NewbornRecord, Profile,
    Relative, Review, ReviewLevel, ReviewLoop, ServiceHall,
};
use onego_protocol::licence;
use onego_protocol::plan::{AnswerValue, HeldLicence, PlanInput};

use crate::apply::{Consent, ConsentLicence, Delegations, Draft, DraftState, DraftSummary};
use crate::assistant::{AskIntent, AssistantAnswer};
use crate::catalog::search::SearchHit;
use crate::catalog::{BundleGuide, BundleMemberGuide, BundleRef, Guide, MatterGuide};
use crate::screens::{BundleLink, Input, Intent, Rating, ScreenName, Settings};
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
    Guide::Matter(Box::new(MatterGuide { matter, department, halls, in_bundles, satisfaction: None }))
}

/// The ID card guide with 好差评 figures: 25 reviews, 23 good, 1 fair, 1 bad.
pub(crate) fn rated_guide() -> Guide {
    let mut g = matter_guide("zj-gaj-id-card");
    if let Guide::Matter(m) = &mut g {
        m.satisfaction = Some(onego_protocol::api::Satisfaction {
            matter_id: "zj-gaj-id-card".into(),
            reviews: 25,
            good_rate: 0.92,
            bad_rate: 0.04,
            by_level: vec![20, 3, 1, 1, 0],
        });
    }
    g
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

/// A mother with a newborn, married (her spouse in the household register), her marriage licence in the wallet.
fn mother() -> Profile {
    Profile {
        subject: "c-0101".into(),
        name: "陈静".into(),
        id_number: "330106199203151222".into(),
        phone: "13800000001".into(),
        gender: "女".into(),
        birth_date: "1992-03-15".into(),
        marital_status: "已婚".into(),
        family: vec![Relative {
            relation: "配偶".into(),
            subject: "c-0102".into(),
            name: "王磊".into(),
            id_number: "330106199007081319".into(),
            birth_date: "1990-07-08".into(),
        }],
        newborn: Some(NewbornRecord {
            gender: "男".into(),
            birth_date: "2025-02-20".into(),
            birth_place: "浙江省杭州市西湖区".into(),
            hospital: "浙江大学医学院附属妇产科医院".into(),
        }),
        ..profile()
    }
}

/// The 出生一件事 draft as the planner makes it for [`mother`], with the answers of the live test.
pub(crate) fn birth_draft(state: DraftState, typed: &[(&str, &str)]) -> Draft {
    let s = seed();
    let bundle = s.bundles.iter().find(|b| b.id == "bundle-birth").expect("seeded bundle").clone();
    let matters: Vec<Matter> =
        s.matters.iter().filter(|m| bundle.members.iter().any(|b| b.matter_id == m.id)).cloned().collect();
    let answers: BTreeMap<String, AnswerValue> = [
        ("born", AnswerValue::Bool(true)),
        ("hukou_with", AnswerValue::Text("随母亲".into())),
        ("mother_insured", AnswerValue::Bool(false)),
        ("need_ssc", AnswerValue::Bool(true)),
        ("birth_registered", AnswerValue::Bool(true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let marriage = serde_json::json!({
        "name": "陈静", "id_number": "330106199203151222", "spouse_name": "王磊",
        "spouse_id_number": "330106199007081319", "registration_date": "2018-05-20",
        "certificate_number": "J330106-2018-004321",
    });
    let held = [HeldLicence::from_claims(licence::MARRIAGE, marriage.as_object().expect("claims"))];
    let profile = serde_json::to_value(mother()).expect("profile");
    let plan = onego_protocol::plan::plan(&PlanInput {
        bundle: &bundle,
        matters: &matters,
        answers: &answers,
        profile: &profile,
        held: &held,
    });
    let mut values: HashMap<String, String> =
        plan.fields.iter().filter_map(|f| f.value.clone().map(|v| (f.key.clone(), v))).collect();
    for (k, v) in typed {
        values.insert((*k).to_owned(), (*v).to_owned());
    }
    let errors = if state == DraftState::NeedsAttention {
        vec![FieldError {
            field: "fields.bank.account".into(), detail: "银行账号校验未通过，请核对后重新填写".into()
        }]
    } else {
        Vec::new()
    };
    Draft {
        id: "d-0a1b2c3d4e5f60718293a4b5".into(),
        service_id: bundle.id.clone(),
        service_name: bundle.name.clone(),
        answers: answers.into_iter().collect(),
        values,
        plan,
        errors,
        attachments: Vec::new(),
        state,
        application_id: (state == DraftState::Delivered).then(|| "BJ20250301000042".into()),
        delegation_id: None,
        created_at: NOW_MS - 3_600_000,
        updated_at: NOW_MS - 600_000,
        plan_stale: false,
    }
}

pub(crate) fn birth_consent() -> Consent {
    Consent {
        licences: vec![ConsentLicence {
            vct: licence::MARRIAGE.into(),
            licence_name: "结婚证".into(),
            licence_id: "e1b2c3d4e5f6a7b8c9d0".into(),
            claims: ["licence_id", "holder_code"]
                .into_iter()
                .map(|c| licence::label(licence::MARRIAGE, c).unwrap_or(c).to_owned())
                .collect(),
            departments: vec!["杭州市公安局西湖分局".into()],
            matters: vec!["出生登记（新生儿落户）".into()],
        }],
        shared_data: vec![
            "出生医学证明：由杭州市公安局西湖分局、杭州市西湖区医疗保障局通过数据共享核验".into(),
            "户口簿：由杭州市公安局西湖分局通过数据共享核验".into(),
        ],
        commitments: Vec::new(),
        uploads: Vec::new(),
        summary: "向杭州市公安局西湖分局提供 1 张电子证照中的 2 项信息；2 份材料由部门通过数据共享核验".into(),
    }
}

fn event(at: i64, status: MatterStatus, actor: Actor, note: &str) -> MatterEvent {
    MatterEvent { cursor: at / 1000, at, status, actor, note: note.into() }
}

fn progress(id: &str, name: &str, status: MatterStatus, overdue: bool) -> MatterProgress {
    let received = event(NOW_MS - 5 * 86_400_000, MatterStatus::InReview, Actor::Applicant, "已受理");
    let mut history = vec![received];
    if status != MatterStatus::InReview {
        let note = match status {
            MatterStatus::Approved => "审核通过，已办结",
            MatterStatus::MoreNeeded => "请补充接种单位名称",
            MatterStatus::Rejected => "不符合申领条件",
            _ => "",
        };
        history.push(event(NOW_MS - 86_400_000, status, Actor::Staff, note));
    }
    MatterProgress {
        matter_id: id.into(),
        name: name.into(),
        department_id: "gaj".into(),
        status,
        due_date: if overdue { "2025-02-27".into() } else { "2025-03-10".into() },
        overdue,
        history,
        licences: Vec::new(),
        outputs: Vec::new(),
        needs: Vec::new(),
    }
}

/// The birth application in every matter status (one overdue), and a finished retirement application.
pub(crate) fn applications() -> Vec<Application> {
    let mut cert = progress("zj-wjw-birth-cert", "出生医学证明", MatterStatus::Approved, false);
    cert.licences = vec![IssuedLicence {
        licence_id: "lic-7f3a9c".into(),
        vct: licence::BIRTH_MEDICAL.into(),
        name: "出生医学证明".into(),
    }];
    let mut vaccination = progress("zj-wjw-vaccination-cert", "预防接种证", MatterStatus::MoreNeeded, false);
    vaccination.needs = vec!["vaccination.clinic".into()];
    let matters = vec![
        cert,
        progress("zj-gaj-hukou-birth", "出生登记（户口）", MatterStatus::InReview, true),
        vaccination,
        progress("zj-ybj-resident-enroll", "城乡居民医保参保", MatterStatus::Waiting, false),
        progress("zj-rsj-ssc-newborn", "新生儿社保卡申领", MatterStatus::Rejected, false),
    ];
    let status = ApplicationStatus::of(matters.iter().map(|m| m.status));
    let birth = Application {
        id: "BJ20250301000042".into(),
        service_id: "bundle-birth".into(),
        service_name: "出生一件事".into(),
        principal: "c-0101".into(),
        submitted_by: "c-0102".into(),
        delegate_name: Some("王磊".into()),
        delegation_id: Some("dg-01".into()),
        idempotency_key: "0f8e2c1a-9b7d-4c3e-8a21-5d6f7e8c9b0a".into(),
        submitted_at: NOW_MS - 5 * 86_400_000,
        status,
        matters,
    };
    let retired = Application {
        id: "BJ20250110000007".into(),
        service_id: "zj-rsj-pension-apply".into(),
        service_name: "职工退休申请".into(),
        principal: "c-0101".into(),
        submitted_by: "c-0101".into(),
        delegate_name: None,
        delegation_id: None,
        idempotency_key: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d".into(),
        submitted_at: NOW_MS - 50 * 86_400_000,
        status: ApplicationStatus::Finished,
        matters: vec![progress("zj-rsj-pension-apply", "职工退休申请", MatterStatus::Approved, false)],
    };
    vec![birth, retired]
}

fn delegation(id: &str, state: DelegationState, principal: &str, delegate: &str, scope: &str) -> Delegation {
    Delegation {
        id: id.into(),
        principal: "c-0001".into(),
        principal_name: principal.into(),
        delegate: "c-0002".into(),
        delegate_name: delegate.into(),
        scope: vec![scope.into()],
        created_at: NOW_MS - 10 * 86_400_000,
        expires_at: NOW_MS + 20 * 86_400_000,
        revoked_at: (state == DelegationState::Revoked).then_some(NOW_MS - 86_400_000),
        state,
    }
}

pub(crate) fn delegations() -> Delegations {
    Delegations {
        granted: vec![
            delegation("dg-01", DelegationState::Active, "李*英", "王建国", "bundle-retirement"),
            delegation("dg-02", DelegationState::Revoked, "李*英", "王建国", "bundle-birth"),
        ],
        received: vec![delegation("dg-03", DelegationState::Active, "张*华", "李秀英", "bundle-birth")],
    }
}

fn step(kind: LoopStepKind, deadline: &str, done: bool, overdue: bool, note: &str) -> LoopStep {
    LoopStep {
        kind,
        deadline: deadline.into(),
        done_at: done.then_some(NOW_MS - 2 * 86_400_000),
        note: note.into(),
        overdue,
    }
}

/// A bad review with its loop open (verification overdue), and one awaiting the follow-up.
pub(crate) fn reviews() -> Vec<Review> {
    let open = Review {
        id: "rv-01".into(),
        application_id: "BJ20250301000042".into(),
        matter_id: Some("zj-rsj-ssc-newborn".into()),
        subject_name: "新生儿社保卡申领".into(),
        department_id: "rsj".into(),
        level: ReviewLevel::Dissatisfied,
        tags: vec!["办理超时".into(), "指引不清".into()],
        comment: "等了很久才有结果。".into(),
        at: NOW_MS - 4 * 86_400_000,
        closed_loop: Some(ReviewLoop {
            state: LoopState::Open,
            jurisdiction: "浙江省".into(),
            steps: vec![
                step(LoopStepKind::Callback, "2025-02-26", true, false, "已电话回访，了解情况"),
                step(LoopStepKind::Verification, "2025-02-28", false, true, ""),
                step(LoopStepKind::Rectification, "2025-03-07", false, false, ""),
                step(LoopStepKind::Feedback, "2025-03-10", false, false, ""),
                step(LoopStepKind::FollowUp, "2025-03-17", false, false, ""),
            ],
            follow_up_level: None,
        }),
        appeal: None,
    };
    let mut answered = open.clone();
    answered.id = "rv-02".into();
    answered.application_id = "BJ20250110000007".into();
    answered.matter_id = Some("zj-rsj-pension-apply".into());
    answered.subject_name = "职工退休申请".into();
    answered.level = ReviewLevel::VeryDissatisfied;
    if let Some(lp) = answered.closed_loop.as_mut() {
        lp.state = LoopState::AwaitingFollowUp;
        for s in lp.steps.iter_mut().filter(|s| s.kind != LoopStepKind::FollowUp) {
            s.done_at = Some(NOW_MS - 86_400_000);
            s.overdue = false;
        }
        lp.steps[3].note = "已优化办理流程，缩短审核时间".into();
    }
    vec![open, answered]
}

pub(crate) fn answer(fallback: bool) -> AssistantAnswer {
    if fallback {
        return AssistantAnswer {
            intent: AskIntent::Unknown,
            text: "抱歉，这个问题我还答不上来。您可以拨打 12345 政务服务便民热线，或点“转人工”找客服。".into(),
            subject_id: None,
            subject_name: None,
            action_label: "拨打 12345".into(),
            action: Intent::CallHotline { number: "12345".into() },
            fallback: true,
        };
    }
    AssistantAnswer {
        intent: AskIntent::Materials,
        text: "“出生一件事”一次办 8 个事项，材料合在一起准备：出生医学证明（可用电子出生医学证明免交）；户口簿（部门数据共享获取，免交）。".into(),
        subject_id: Some("bundle-birth".into()),
        subject_name: Some("出生一件事".into()),
        action_label: "开始一次办".into(),
        action: Intent::StartBundle { id: "bundle-birth".into() },
        fallback: false,
    }
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
            out.push(with(&|i| i.guide = Some(rated_guide())));
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
        ScreenName::Plan => {
            let typed: &[(&str, &str)] = &[
                ("child.name", "王小满"),
                ("vaccination.clinic", "西湖区北山街道社区卫生服务中心"),
                ("insured.category", "新生儿"),
                ("ssc.bank", "杭州银行"),
                ("bank.account", "6222330000000007919"),
            ];
            let plan = |state: DraftState, typed: &[(&str, &str)]| {
                let draft = birth_draft(state, typed);
                with(&|i| {
                    i.id = "bundle-birth".into();
                    i.draft = Some(draft.clone());
                    i.consent = Some(birth_consent());
                })
            };
            vec![
                plan(DraftState::Editing, &[]),
                plan(DraftState::Editing, &typed[..2]),
                plan(DraftState::Editing, typed),
                plan(DraftState::NeedsAttention, typed),
                plan(DraftState::Queued, typed),
                plan(DraftState::Delivered, typed),
                with(&|i| {
                    i.draft = Some(birth_draft(DraftState::Editing, typed));
                    i.consent = None;
                }),
            ]
        }
        ScreenName::Drafts => vec![with(&|i| {
            i.drafts = [DraftState::NeedsAttention, DraftState::Editing, DraftState::Queued, DraftState::Delivered]
                .into_iter()
                .enumerate()
                .map(|(n, state)| {
                    let d = birth_draft(state, &[]);
                    DraftSummary {
                        id: format!("{}{n}", &d.id[..d.id.len() - 1]),
                        service_id: d.service_id,
                        service_name: d.service_name,
                        state,
                        application_id: d.application_id,
                        delegation_id: None,
                        created_at: d.created_at,
                        updated_at: d.updated_at - i64::try_from(n).unwrap_or(0) * 86_400_000,
                    }
                })
                .collect();
        })],
        ScreenName::Applications => vec![
            with(&|i| i.applications = applications()),
            with(&|i| {
                i.id = "BJ20250301000042".into();
                i.application = applications().into_iter().next();
                i.licences = licences();
                i.labels = [("vaccination.clinic".to_owned(), "接种单位".to_owned())].into_iter().collect();
            }),
            with(&|i| {
                i.id = "BJ20250110000007".into();
                i.application = applications().into_iter().nth(1);
            }),
        ],
        ScreenName::Delegations => vec![
            with(&|i| {
                i.delegations = Some(delegations());
                i.bundles = bundle_links();
            }),
            with(&|i| i.bundles = bundle_links()),
        ],
        ScreenName::Notifications => vec![with(&|i| {
            i.applications = applications();
            i.reviews = reviews();
            let mut l = licences();
            l[0].valid_until = "2025-03-20".into();
            i.licences = l;
            i.notifications = crate::notifications::compute(&i.applications, &i.reviews, &i.licences, "2025-03-01");
        })],
        ScreenName::Assistant => vec![
            base.clone(),
            with(&|i| {
                i.query = "生孩子要带什么材料".into();
                i.answer = Some(answer(false));
            }),
            with(&|i| {
                i.query = "我家的猫走丢了怎么办".into();
                i.answer = Some(answer(true));
            }),
        ],
        ScreenName::Reviews => {
            let rating = |level: Option<ReviewLevel>, tags: &[&str], review_id: Option<&str>| Rating {
                application_id: "BJ20250301000042".into(),
                matter_id: Some("zj-wjw-birth-cert".into()),
                subject_name: "出生医学证明".into(),
                review_id: review_id.map(str::to_owned),
                level,
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            };
            vec![
                with(&|i| {
                    i.applications = applications();
                    i.reviews = reviews();
                }),
                with(&|i| i.rating = Some(rating(None, &[], None))),
                with(&|i| i.rating = Some(rating(Some(ReviewLevel::Dissatisfied), &["办理超时"], None))),
                with(&|i| i.rating = Some(rating(Some(ReviewLevel::Satisfied), &[], Some("rv-02")))),
            ]
        }
        ScreenName::SignIn | ScreenName::Settings => vec![base],
    }
}
