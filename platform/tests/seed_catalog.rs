//! The seeded catalog (`seed/catalog.json`) is well-formed, consistent and holds what the bundles promise.

use std::collections::{HashMap, HashSet};

use onego_protocol::api::{
    AnswerKind, Bundle, Department, FieldKind, MaterialSource, Matter, Question, ServiceHall, Synonym,
};
use serde::Deserialize;

const SEED: &str = include_str!("../seed/catalog.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    departments: Vec<Department>,
    halls: Vec<ServiceHall>,
    synonyms: Vec<Synonym>,
    matters: Vec<Matter>,
    bundles: Vec<Bundle>,
}

const VCTS: &[&str] = &[
    "urn:cn:licence:resident-id",
    "urn:cn:licence:household-register",
    "urn:cn:licence:marriage",
    "urn:cn:licence:birth-medical",
    "urn:cn:licence:driving",
    "urn:cn:licence:vehicle",
    "urn:cn:licence:social-security-card",
    "urn:cn:licence:business",
    "urn:cn:licence:food-business",
    "urn:cn:licence:vaccination",
    "urn:cn:licence:retirement",
    "urn:cn:licence:real-estate",
];

const REGISTRIES: &[&str] = &[
    "population",
    "marriage",
    "maternal_health",
    "social_security",
    "medical_insurance",
    "provident_fund",
    "business",
    "tax",
    "vaccination",
    "real_estate",
    "education",
];

const PROFILE_SOURCES: &[&str] = &[
    "profile.newborn.gender",
    "profile.newborn.birth_date",
    "profile.newborn.birth_place",
    "profile.newborn.hospital",
    "profile.name",
    "profile.id_number",
    "profile.phone",
    "profile.address",
    "profile.gender",
    "profile.birth_date",
    "profile.social_security_no",
    "profile.provident_fund_account",
    "profile.spouse.name",
    "profile.spouse.id_number",
    "profile.company.credit_code",
    "profile.company.name",
];

fn seed() -> Seed {
    match serde_json::from_str(SEED) {
        Ok(seed) => seed,
        Err(e) => panic!("seed/catalog.json does not match the protocol types: {e}"),
    }
}

fn matter<'a>(seed: &'a Seed, id: &str) -> &'a Matter {
    seed.matters.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("matter {id} is missing"))
}

fn bundle<'a>(seed: &'a Seed, id: &str) -> &'a Bundle {
    seed.bundles.iter().find(|b| b.id == id).unwrap_or_else(|| panic!("bundle {id} is missing"))
}

fn assert_unique<'a>(what: &str, ids: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(seen.insert(id), "duplicate {what}: {id}");
    }
}

#[test]
fn parses_and_has_enough_content() {
    let seed = seed();
    assert!(seed.departments.len() >= 12, "{} departments", seed.departments.len());
    assert!(seed.halls.len() >= 8, "{} halls", seed.halls.len());
    assert!(seed.matters.len() >= 60, "{} matters", seed.matters.len());
    assert!(seed.bundles.len() >= 5, "{} bundles", seed.bundles.len());
    assert!(seed.synonyms.len() >= 40, "{} synonyms", seed.synonyms.len());
    let with_matters: HashSet<&str> = seed.matters.iter().map(|m| m.department_id.as_str()).collect();
    assert!(with_matters.len() >= 10, "only {} departments have matters", with_matters.len());
}

#[test]
fn ids_are_unique_and_references_resolve() {
    let seed = seed();
    assert_unique("department", seed.departments.iter().map(|d| d.id.as_str()));
    assert_unique("hall", seed.halls.iter().map(|h| h.id.as_str()));
    assert_unique("synonym phrase", seed.synonyms.iter().map(|s| s.phrase.as_str()));
    assert_unique(
        "matter or bundle id",
        seed.matters.iter().map(|m| m.id.as_str()).chain(seed.bundles.iter().map(|b| b.id.as_str())),
    );
    let departments: HashSet<&str> = seed.departments.iter().map(|d| d.id.as_str()).collect();
    let halls: HashSet<&str> = seed.halls.iter().map(|h| h.id.as_str()).collect();
    let matters: HashSet<&str> = seed.matters.iter().map(|m| m.id.as_str()).collect();
    for m in &seed.matters {
        assert!(departments.contains(m.department_id.as_str()), "{}: unknown department {}", m.id, m.department_id);
        for h in &m.hall_ids {
            assert!(halls.contains(h.as_str()), "{}: unknown hall {h}", m.id);
        }
    }
    for b in &seed.bundles {
        assert_unique("bundle member", b.members.iter().map(|x| x.matter_id.as_str()));
        for member in &b.members {
            assert!(matters.contains(member.matter_id.as_str()), "{}: unknown matter {}", b.id, member.matter_id);
            assert!(!member.why.is_empty(), "{}: member {} has no reason", b.id, member.matter_id);
        }
    }
}

#[test]
fn departments_and_halls_are_complete() {
    let seed = seed();
    for id in ["gaj", "wjw", "ybj", "rsj", "mzj", "scjgj", "swj", "gjj", "jyj", "jtj"] {
        assert!(seed.departments.iter().any(|d| d.id == id), "department {id} is missing");
    }
    for d in &seed.departments {
        assert!(!d.name.is_empty() && !d.name_en.is_empty() && !d.phone.is_empty(), "{}", d.id);
        assert!(d.id.bytes().all(|b| b.is_ascii_lowercase()), "{}", d.id);
    }
    for h in &seed.halls {
        assert!(h.region.len() == 6 && h.region.bytes().all(|b| b.is_ascii_digit()), "{}: region {}", h.id, h.region);
        assert!(h.region.starts_with("33"), "{}: not in Zhejiang", h.id);
        assert!(!h.name.is_empty() && !h.address.is_empty() && !h.opening_hours.is_empty() && !h.phone.is_empty());
    }
}

#[test]
fn every_matter_is_complete() {
    let seed = seed();
    for m in &seed.matters {
        let id = &m.id;
        let mut parts = id.splitn(3, '-');
        assert_eq!(parts.next(), Some("zj"), "{id}");
        assert_eq!(parts.next(), Some(m.department_id.as_str()), "{id}: id does not name its department");
        let slug = parts.next().unwrap_or_default();
        assert!(
            !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{id}: slug"
        );
        assert!(!m.name.is_empty() && !m.name_en.is_empty() && !m.summary.is_empty(), "{id}: names and summary");
        assert!(!m.category.is_empty() && !m.legal_basis.is_empty() && !m.fee.is_empty(), "{id}");
        assert!(!m.audience.is_empty(), "{id}: audience");
        assert!(m.audience.iter().all(|a| a == "citizen" || a == "enterprise"), "{id}: audience {:?}", m.audience);
        assert!((3..=8).contains(&m.keywords.len()), "{id}: {} keywords", m.keywords.len());
        assert!((1..=3).contains(&m.situations.len()), "{id}: {} situations", m.situations.len());
        assert!((3..=10).contains(&m.fields.len()), "{id}: {} fields", m.fields.len());
        assert!((1..=5).contains(&m.materials.len()), "{id}: {} materials", m.materials.len());
        assert!((1..=3).contains(&m.hall_ids.len()), "{id}: {} halls", m.hall_ids.len());
        assert!(
            m.promised_limit_days <= m.legal_limit_days,
            "{id}: promised {} > legal {}",
            m.promised_limit_days,
            m.legal_limit_days
        );
        if m.instant {
            assert_eq!(m.promised_limit_days, 0, "{id}: an instant matter is done on the spot");
            assert!(m.online && m.visits == 0, "{id}: an instant matter is fully online");
        }
        assert_unique("situation", m.situations.iter().map(|s| s.id.as_str()));
        assert_unique("field key", m.fields.iter().map(|f| f.key.as_str()));
        assert_unique("material", m.materials.iter().map(|x| x.id.as_str()));
        for f in &m.fields {
            assert!(!f.label.is_empty() && !f.label_en.is_empty(), "{id}: {} has no label", f.key);
            if f.kind == FieldKind::Choice {
                assert!(!f.options.is_empty(), "{id}: choice field {} has no options", f.key);
            }
            if let Some(source) = &f.source {
                check_source(id, &f.key, source);
            }
        }
        for x in &m.materials {
            assert!(!x.sources.is_empty(), "{id}: material {} cannot be provided", x.id);
            for s in &x.sources {
                match s {
                    MaterialSource::Licence { vct } => {
                        assert!(VCTS.contains(&vct.as_str()), "{id}: material {} has unknown vct {vct}", x.id);
                    }
                    MaterialSource::SharedData { registry } => {
                        assert!(REGISTRIES.contains(&registry.as_str()), "{id}: unknown registry {registry}");
                    }
                    MaterialSource::Upload | MaterialSource::Commitment => {}
                }
            }
        }
    }
}

fn check_source(matter: &str, key: &str, source: &str) {
    if source == "applicant" || PROFILE_SOURCES.contains(&source) {
        return;
    }
    // A child's parents by the applicant's gender (the planner's profile view).
    if let Some(rest) = source.strip_prefix("profile.couple.") {
        assert!(
            ["mother.name", "mother.id_number", "father.name", "father.id_number"].contains(&rest),
            "{matter}: field {key}: {source}"
        );
        return;
    }
    // A guided question of the bundle the matter is asked in.
    if let Some(q) = source.strip_prefix("answer.") {
        assert!(
            !q.is_empty() && q.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{matter}: field {key}: {source}"
        );
        return;
    }
    // An output of an earlier matter of the same application.
    if let Some(rest) = source.strip_prefix("application:") {
        let (from, output) = rest.split_once('#').unwrap_or_else(|| panic!("{matter}: field {key}: {source}"));
        assert!(from.starts_with("zj-") && !output.is_empty(), "{matter}: field {key}: {source}");
        return;
    }
    let Some(rest) = source.strip_prefix("licence:") else {
        panic!("{matter}: field {key} has an unknown source {source}");
    };
    let Some((vct, claim)) = rest.split_once('#') else {
        panic!("{matter}: field {key}: licence source without a claim: {source}");
    };
    assert!(VCTS.contains(&vct), "{matter}: field {key}: unknown vct {vct}");
    assert!(
        !claim.is_empty() && claim.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "{matter}: field {key}: claim {claim}"
    );
}

#[test]
fn shared_field_keys_mean_the_same_thing_everywhere() {
    let seed = seed();
    let mut kinds: HashMap<&str, (&FieldKind, &str)> = HashMap::new();
    for m in &seed.matters {
        for f in &m.fields {
            let (kind, first) = *kinds.entry(f.key.as_str()).or_insert((&f.kind, m.id.as_str()));
            assert_eq!(kind, &f.kind, "{}: field {} is {:?} here but {:?} in {first}", m.id, f.key, f.kind, kind);
        }
    }
    for key in [
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "applicant.address",
        "child.name",
        "child.gender",
        "child.birth_date",
        "child.birth_place",
        "mother.name",
        "mother.id_number",
        "father.name",
        "father.id_number",
        "spouse.name",
        "spouse.id_number",
        "company.name",
        "company.credit_code",
        "company.address",
        "company.registered_capital",
        "company.business_scope",
        "legal_rep.name",
        "legal_rep.id_number",
        "bank.account",
        "bank.name",
    ] {
        assert!(kinds.contains_key(key), "no matter uses the shared key {key}");
    }
}

fn members(b: &Bundle) -> HashSet<&str> {
    b.members.iter().map(|m| m.matter_id.as_str()).collect()
}

fn has_material(m: &Matter, want: impl Fn(&MaterialSource) -> bool) -> bool {
    m.materials.iter().any(|x| x.sources.iter().any(&want))
}

fn is_licence(vct: &'static str) -> impl Fn(&MaterialSource) -> bool {
    move |s| matches!(s, MaterialSource::Licence { vct: v } if v == vct)
}

fn is_shared(registry: &'static str) -> impl Fn(&MaterialSource) -> bool {
    move |s| matches!(s, MaterialSource::SharedData { registry: r } if r == registry)
}

#[test]
fn birth_bundle() {
    let seed = seed();
    let b = bundle(&seed, "bundle-birth");
    let m = members(b);
    for id in [
        "zj-wjw-birth-cert",
        "zj-gaj-hukou-birth",
        "zj-ybj-resident-enroll",
        "zj-rsj-ssc-newborn",
        "zj-wjw-vaccination-cert",
    ] {
        assert!(m.contains(id), "bundle-birth lacks {id}");
    }
    assert!(m.contains("zj-ybj-maternity-allowance"), "bundle-birth offers the maternity allowance");
    let hukou = matter(&seed, "zj-gaj-hukou-birth");
    assert!(hukou.instant, "birth registration is decided from shared data");
    assert!(has_material(hukou, is_licence("urn:cn:licence:birth-medical")));
    assert!(matter(&seed, "zj-ybj-resident-enroll").instant, "a newborn's medical insurance is instant");
    assert_eq!(matter(&seed, "zj-wjw-birth-cert").department_id, "wjw");
    // The parents' and the child's details are asked once across the bundle.
    let keys: Vec<&str> =
        b.members.iter().flat_map(|x| matter(&seed, &x.matter_id).fields.iter().map(|f| f.key.as_str())).collect();
    for key in ["child.name", "child.birth_date", "mother.name", "father.name", "applicant.phone"] {
        assert!(keys.iter().filter(|k| **k == key).count() >= 2, "{key} is shared by the birth bundle's matters");
    }
}

#[test]
fn business_bundle_and_food_permit() {
    let seed = seed();
    let b = bundle(&seed, "bundle-business");
    let m = members(b);
    for id in ["zj-scjgj-business-licence", "zj-gaj-seal-filing", "zj-swj-tax-register", "zj-rsj-employer-ss-register"]
    {
        assert!(m.contains(id), "bundle-business lacks {id}");
    }
    let licence = matter(&seed, "zj-scjgj-business-licence");
    assert!(has_material(licence, is_licence("urn:cn:licence:real-estate")), "住所证明 via the real-estate licence");
    assert!(
        has_material(licence, is_licence("urn:cn:licence:resident-id")),
        "法定代表人身份证 via the resident-id licence"
    );
    assert!(has_material(licence, |s| *s == MaterialSource::Commitment), "名称自主申报 by commitment");

    let food = matter(&seed, "zj-scjgj-food-business-permit");
    assert!(has_material(food, |s| *s == MaterialSource::Commitment), "the food permit is granted on commitment");
    assert!(has_material(food, is_licence("urn:cn:licence:business")), "the food permit needs the business licence");

    // The food permit joins only when the founder says they will sell food.
    let member = b.members.iter().find(|x| x.matter_id == "zj-scjgj-food-business-permit");
    let Some(member) = member else { panic!("bundle-business can add the food permit") };
    let when = member.when.as_deref().unwrap_or_default();
    let question = b
        .questions
        .iter()
        .find(|q| q.kind == AnswerKind::Bool && when.contains(&format!("answer.{} == true", q.id)))
        .unwrap_or_else(|| panic!("food permit condition {when:?} does not test a yes/no question"));
    assert!(question.text.contains("食品"), "{}", question.text);
    assert!(member.why.contains("先照后证"), "{}", member.why);
}

#[test]
fn marriage_bundle() {
    let seed = seed();
    let m = members(bundle(&seed, "bundle-marriage"));
    for id in ["zj-mzj-marriage-register", "zj-gaj-hukou-marital-update", "zj-wjw-premarital-check"] {
        assert!(m.contains(id), "bundle-marriage lacks {id}");
    }
    let register = matter(&seed, "zj-mzj-marriage-register");
    assert!(has_material(register, is_licence("urn:cn:licence:resident-id")));
    assert!(has_material(register, is_licence("urn:cn:licence:household-register")));
}

#[test]
fn retirement_bundle() {
    let seed = seed();
    let m = members(bundle(&seed, "bundle-retirement"));
    for id in ["zj-rsj-pension-apply", "zj-ybj-retiree-change", "zj-gjj-withdraw-retire", "zj-rsj-retirement-cert"] {
        assert!(m.contains(id), "bundle-retirement lacks {id}");
    }
}

#[test]
fn provident_fund_withdrawals_are_instant() {
    let seed = seed();
    for id in ["zj-gjj-withdraw-rent", "zj-gjj-withdraw-retire"] {
        let m = matter(&seed, id);
        assert!(m.instant, "{id} is decided from shared data");
        assert!(has_material(m, is_shared("provident_fund")), "{id}: provident fund data");
        assert!(m.fields.iter().any(|f| f.key == "bank.account" && f.kind == FieldKind::BankAccount), "{id}");
    }
}

#[test]
fn synonyms_point_at_catalog_words() {
    let seed = seed();
    let mut texts: Vec<&str> = Vec::new();
    for m in &seed.matters {
        texts.push(&m.name);
        texts.extend(m.keywords.iter().map(String::as_str));
    }
    for b in &seed.bundles {
        texts.push(&b.name);
        texts.extend(b.keywords.iter().map(String::as_str));
    }
    for s in &seed.synonyms {
        assert!(!s.terms.is_empty(), "{} has no terms", s.phrase);
        for term in &s.terms {
            assert!(
                texts.iter().any(|t| t.contains(term.as_str())),
                "{} → {term}: no matter or bundle says it",
                s.phrase
            );
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Number,
    Op,
    Open,
    Close,
}

fn tokenize(cond: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = cond.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            ' ' => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '\'' => {
                let end = chars[i + 1..].iter().position(|&c| c == '\'').ok_or("unterminated string")?;
                out.push(Token::Str(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '=' | '!' | '<' | '>' | '&' | '|' => {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let len = if ["==", "!=", "<=", ">=", "&&", "||"].contains(&two.as_str()) {
                    2
                } else if matches!(c, '!' | '<' | '>') {
                    1
                } else {
                    return Err(format!("bad operator at {i}"));
                };
                out.push(Token::Op);
                i += len;
            }
            c if c.is_ascii_digit() || c == '-' => {
                while chars.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == '-') {
                    i += 1;
                }
                out.push(Token::Number);
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.') {
                    i += 1;
                }
                out.push(Token::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected {other:?} at {i}")),
        }
    }
    Ok(out)
}

/// Checks a condition against the questions that may be referenced (those asked before it).
fn check_condition(bundle: &str, cond: &str, questions: &[&Question]) {
    let tokens = tokenize(cond).unwrap_or_else(|e| panic!("{bundle}: cannot read {cond:?}: {e}"));
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Open => depth += 1,
            Token::Close => {
                depth -= 1;
                assert!(depth >= 0, "{bundle}: unbalanced {cond:?}");
            }
            Token::Ident(name) if name == "true" || name == "false" => {}
            Token::Ident(name) if name.starts_with("profile.") && name.len() > "profile.".len() => {}
            Token::Ident(name) => {
                let Some(qid) = name.strip_prefix("answer.") else {
                    panic!("{bundle}: {cond:?} references {name}, neither an answer nor the profile");
                };
                let Some(q) = questions.iter().find(|q| q.id == qid) else {
                    panic!("{bundle}: {cond:?} references question {qid}, not asked before it");
                };
                // `answer.q == <literal>`: the literal fits the question.
                if let (Some(Token::Op), Some(literal)) = (tokens.get(i + 1), tokens.get(i + 2)) {
                    match (&q.kind, literal) {
                        (AnswerKind::Choice, Token::Str(v)) => {
                            assert!(q.options.contains(v), "{bundle}: {v:?} is not an option of {qid}");
                        }
                        (AnswerKind::Bool, Token::Ident(v)) => {
                            assert!(v == "true" || v == "false", "{bundle}: {qid} is yes/no, compared with {v}");
                        }
                        (AnswerKind::Bool, other) => panic!("{bundle}: {qid} is yes/no, compared with {other:?}"),
                        _ => {}
                    }
                }
            }
            Token::Str(_) | Token::Number | Token::Op => {}
        }
    }
    assert_eq!(depth, 0, "{bundle}: unbalanced {cond:?}");
}

#[test]
fn bundles_are_well_formed() {
    let seed = seed();
    for id in ["bundle-birth", "bundle-business", "bundle-marriage", "bundle-retirement"] {
        bundle(&seed, id);
    }
    for b in &seed.bundles {
        assert!(!b.name.is_empty() && !b.name_en.is_empty() && !b.summary.is_empty(), "{}", b.id);
        assert!(!b.keywords.is_empty() && !b.audience.is_empty(), "{}", b.id);
        assert!((2..=5).contains(&b.questions.len()), "{}: {} questions", b.id, b.questions.len());
        assert!(b.members.len() >= 2, "{}: a bundle spans several matters", b.id);
        assert_unique("question", b.questions.iter().map(|q| q.id.as_str()));
        let departments: HashSet<&str> =
            b.members.iter().map(|x| matter(&seed, &x.matter_id).department_id.as_str()).collect();
        assert!(departments.len() >= 2, "{}: a bundle spans several departments", b.id);
        for x in &b.members {
            let m = matter(&seed, &x.matter_id);
            assert!(
                m.promised_limit_days <= b.promised_limit_days,
                "{}: promises {} days but {} alone takes {}",
                b.id,
                b.promised_limit_days,
                m.id,
                m.promised_limit_days
            );
        }
        for (i, q) in b.questions.iter().enumerate() {
            assert!(!q.text.is_empty() && !q.text_en.is_empty(), "{}: {}", b.id, q.id);
            assert!(
                matches!(q.kind, AnswerKind::Bool | AnswerKind::Choice | AnswerKind::Date),
                "{}: {} has kind {:?}",
                b.id,
                q.id,
                q.kind
            );
            if q.kind == AnswerKind::Choice {
                assert!(q.options.len() >= 2, "{}: {} has no options", b.id, q.id);
            }
            if let Some(when) = &q.when {
                let earlier: Vec<&Question> = b.questions[..i].iter().collect();
                check_condition(&b.id, when, &earlier);
            }
        }
        let all: Vec<&Question> = b.questions.iter().collect();
        for member in &b.members {
            if let Some(when) = &member.when {
                check_condition(&b.id, when, &all);
            }
        }
    }
}

#[test]
fn the_condition_checker_catches_mistakes() {
    let q = Question {
        id: "born".into(),
        text: "孩子是否已经出生？".into(),
        text_en: "Born?".into(),
        kind: AnswerKind::Bool,
        options: Vec::new(),
        when: None,
    };
    check_condition("t", "(answer.born == true || profile.marital_status == '已婚') && !answer.born", &[&q]);
    for bad in ["answer.unknown == true", "answer.born == 'yes'", "(answer.born == true", "spouse.name == 'x'"] {
        let result = std::panic::catch_unwind(|| check_condition("t", bad, &[&q]));
        assert!(result.is_err(), "{bad} should be rejected");
    }
}
