//! The planner: pure and deterministic — the same inputs give the same plan, byte for byte, on both sides.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::condition::{Condition, Context, Truth};
use super::{
    AnswerValue, MaterialPlan, Plan, PlannedField, PlannedMaterial, PlannedMatter, PlannedQuestion, Provenance, Spared,
};
use crate::api::{AnswerKind, Bundle, MaterialSource, Matter};
use crate::licence;

/// Longest text answer accepted, in characters.
pub const MAX_ANSWER_CHARS: usize = 200;

/// A licence the holder has, with the face claims they would disclose.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeldLicence {
    pub vct: String,
    pub claims: Map<String, Value>,
}

impl HeldLicence {
    /// Keeps only the licence type's face claims (not metadata, not derived `age_over_*`), so the phone (which
    /// holds the decoded credential) and the platform (which holds the registry row) plan from the same values.
    #[must_use]
    pub fn from_claims(vct: &str, claims: &Map<String, Value>) -> Self {
        let face: Map<String, Value> = licence::by_vct(vct)
            .map(|t| {
                t.claims
                    .iter()
                    .filter(|(n, _)| !n.starts_with("age_over_"))
                    .filter_map(|(n, _)| Some(((*n).to_owned(), claims.get(*n)?.clone())))
                    .collect()
            })
            .unwrap_or_default();
        Self { vct: vct.to_owned(), claims: face }
    }
}

/// Everything a plan is computed from.
pub struct PlanInput<'a> {
    pub bundle: &'a Bundle,
    /// The bundle's member matters (others are ignored; a missing one is listed as not known).
    pub matters: &'a [Matter],
    pub answers: &'a BTreeMap<String, AnswerValue>,
    /// The [`crate::api::Profile`] as JSON.
    pub profile: &'a Value,
    pub held: &'a [HeldLicence],
}

/// Checks answers against the bundle's questions: `Err((question id, why))` for the first wrong one.
pub fn validate_answers(bundle: &Bundle, answers: &BTreeMap<String, AnswerValue>) -> Result<(), (String, String)> {
    for (id, value) in answers {
        let Some(q) = bundle.questions.iter().find(|q| &q.id == id) else {
            return Err((id.clone(), format!("bundle {} has no question {id}", bundle.id)));
        };
        let ok = match (&q.kind, value) {
            (AnswerKind::Bool, AnswerValue::Bool(_)) => true,
            (AnswerKind::Number, AnswerValue::Number(n)) => n.is_finite(),
            (AnswerKind::Choice, AnswerValue::Text(t)) => q.options.contains(t),
            (AnswerKind::Text, AnswerValue::Text(t)) => t.chars().count() <= MAX_ANSWER_CHARS,
            (AnswerKind::Date, AnswerValue::Date(d) | AnswerValue::Text(d)) => is_iso_date(d),
            _ => false,
        };
        if !ok {
            let want = match q.kind {
                AnswerKind::Bool => "true or false".to_owned(),
                AnswerKind::Number => "a number".to_owned(),
                AnswerKind::Choice => format!("one of {}", q.options.join(" / ")),
                AnswerKind::Text => format!("text of at most {MAX_ANSWER_CHARS} characters"),
                AnswerKind::Date => "a date YYYY-MM-DD".to_owned(),
            };
            return Err((id.clone(), format!("expected {want}")));
        }
    }
    Ok(())
}

fn is_iso_date(d: &str) -> bool {
    let b = d.as_bytes();
    let num =
        |r: std::ops::Range<usize>| d.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse::<u32>().ok();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && num(0..4).is_some()
        && num(5..7).is_some_and(|m| (1..=12).contains(&m))
        && num(8..10).is_some_and(|d| (1..=31).contains(&d))
}

/// The profile as conditions and field sources see it: the profile's own fields, plus `spouse` (the family
/// member whose relation is 配偶) and `company` (the first company the person acts for).
#[must_use]
pub fn profile_view(profile: &Value) -> Value {
    let mut view = profile.as_object().cloned().unwrap_or_default();
    let spouse = profile
        .get("family")
        .and_then(Value::as_array)
        .and_then(|f| f.iter().find(|r| r.get("relation").and_then(Value::as_str) == Some("配偶")))
        .cloned();
    if let Some(s) = spouse {
        view.insert("spouse".into(), s);
    }
    if let Some(c) = profile.get("companies").and_then(Value::as_array).and_then(|c| c.first()) {
        view.insert("company".into(), c.clone());
    }
    // The couple as a child's parents: the applicant is the mother or the father by gender, the spouse the other.
    let me = serde_json::json!({
        "name": profile.get("name").cloned().unwrap_or(Value::Null),
        "id_number": profile.get("id_number").cloned().unwrap_or(Value::Null),
    });
    let spouse = view.get("spouse").cloned().unwrap_or(Value::Null);
    let (mother, father) = match profile.get("gender").and_then(Value::as_str) {
        Some("女") => (me, spouse),
        Some("男") => (spouse, me),
        _ => (Value::Null, Value::Null),
    };
    view.insert("couple".into(), serde_json::json!({ "mother": mother, "father": father }));
    Value::Object(view)
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Resolves one `source` string to a provenance and, when known, a value.
fn resolve(
    source: Option<&str>,
    view: &Value,
    held: &[HeldLicence],
    answers: &BTreeMap<String, AnswerValue>,
) -> (Provenance, Option<String>) {
    let Some(source) = source else { return (Provenance::Applicant, None) };
    if let Some(path) = source.strip_prefix("profile.") {
        let mut v = Some(view);
        for f in path.split('.') {
            v = v.and_then(|x| x.get(f));
        }
        return (Provenance::Profile { path: source.to_owned() }, v.and_then(text_of));
    }
    if let Some(rest) = source.strip_prefix("licence:")
        && let Some((vct, claim)) = rest.rsplit_once('#')
    {
        let value = held.iter().filter(|h| h.vct == vct).find_map(|h| h.claims.get(claim).and_then(text_of));
        return (Provenance::Licence { vct: vct.to_owned(), claim: claim.to_owned() }, value);
    }
    if let Some(rest) = source.strip_prefix("application:")
        && let Some((matter_id, output)) = rest.split_once('#')
    {
        return (Provenance::Application { matter_id: matter_id.to_owned(), output: output.to_owned() }, None);
    }
    if let Some(q) = source.strip_prefix("answer.") {
        let value = answers.get(q).map(|a| match a {
            AnswerValue::Bool(b) => b.to_string(),
            AnswerValue::Text(s) | AnswerValue::Date(s) => s.clone(),
            AnswerValue::Number(n) => n.to_string(),
        });
        return (Provenance::Answer { question: q.to_owned() }, value);
    }
    (Provenance::Applicant, None)
}

fn condition_truth(when: Option<&str>, ctx: &Context<'_>) -> (Truth, Vec<String>, bool) {
    let Some(src) = when else { return (Truth::True, Vec::new(), true) };
    match Condition::parse(src) {
        Ok(c) => {
            let t = c.eval(ctx);
            let pending = if t == Truth::Unknown {
                c.answer_refs().into_iter().filter(|q| !ctx.answers.contains_key(q)).collect()
            } else {
                Vec::new()
            };
            (t, pending, true)
        }
        Err(_) => (Truth::Unknown, Vec::new(), false),
    }
}

/// Computes the plan. Never panics; the output depends only on the inputs (held licences in any order).
#[must_use]
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let view = profile_view(input.profile);
    let ctx = Context { answers: input.answers, profile: &view };
    let mut held: Vec<HeldLicence> = input.held.to_vec();
    held.sort_by_cached_key(|h| (h.vct.clone(), Value::Object(h.claims.clone()).to_string()));
    let mut to_do = Vec::new();

    let questions: Vec<PlannedQuestion> = input
        .bundle
        .questions
        .iter()
        .map(|q| {
            let (applies, _, _) = condition_truth(q.when.as_deref(), &ctx);
            let answered = input.answers.contains_key(&q.id);
            if !answered && applies != Truth::False {
                to_do.push(format!("回答问题：{}", q.text));
            }
            PlannedQuestion { id: q.id.clone(), text: q.text.clone(), answered, applies }
        })
        .collect();

    // The members that apply or may apply, in bundle order, with sources an earlier member's licence fills.
    let live: Vec<&Matter> = input
        .bundle
        .members
        .iter()
        .filter(|m| condition_truth(m.when.as_deref(), &ctx).0 != Truth::False)
        .filter_map(|m| input.matters.iter().find(|x| x.id == m.matter_id))
        .collect();
    let adjusted = super::validate::with_later_sources(&live);

    let mut matters = Vec::new();
    let mut fields: Vec<(PlannedField, Vec<Option<String>>)> = Vec::new();
    let mut materials = Vec::new();
    for member in &input.bundle.members {
        let matter = adjusted.iter().chain(input.matters.iter()).find(|m| m.id == member.matter_id);
        let (applies, depends_on, parsed) = condition_truth(member.when.as_deref(), &ctx);
        let mut why = member.why.clone();
        if !parsed {
            why.push_str("（条件无法解析）");
        } else if !depends_on.is_empty() {
            let texts: Vec<&str> = depends_on
                .iter()
                .map(|d| input.bundle.questions.iter().find(|q| &q.id == d).map_or(d.as_str(), |q| q.text.as_str()))
                .collect();
            why.push_str(&format!("（取决于：{}）", texts.join("；")));
        }
        let Some(matter) = matter else {
            matters.push(PlannedMatter {
                matter_id: member.matter_id.clone(),
                name: member.matter_id.clone(),
                department_id: String::new(),
                applies: Truth::Unknown,
                why: format!("{why}（目录中没有此事项）"),
                depends_on,
            });
            continue;
        };
        matters.push(PlannedMatter {
            matter_id: matter.id.clone(),
            name: matter.name.clone(),
            department_id: matter.department_id.clone(),
            applies,
            why,
            depends_on,
        });
        if applies == Truth::False {
            continue;
        }
        for f in &matter.fields {
            if let Some((pf, sources)) = fields.iter_mut().find(|(pf, _)| pf.key == f.key) {
                pf.required |= f.required;
                if !pf.used_by.contains(&matter.id) {
                    pf.used_by.push(matter.id.clone());
                }
                if !sources.contains(&f.source) {
                    sources.push(f.source.clone());
                }
            } else {
                let pf = PlannedField {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    kind: f.kind.clone(),
                    required: f.required,
                    value: None,
                    provenance: Provenance::Applicant,
                    used_by: vec![matter.id.clone()],
                };
                fields.push((pf, vec![f.source.clone()]));
            }
        }
        for m in &matter.materials {
            let satisfied_by = m
                .sources
                .iter()
                .find_map(|s| match s {
                    MaterialSource::Licence { vct } => {
                        held.iter().any(|h| &h.vct == vct).then(|| MaterialPlan::Licence {
                            vct: vct.clone(),
                            name: licence::by_vct(vct).map_or_else(|| vct.clone(), |t| t.name.to_owned()),
                        })
                    }
                    MaterialSource::SharedData { registry } => {
                        Some(MaterialPlan::SharedData { registry: registry.clone() })
                    }
                    MaterialSource::Commitment => Some(MaterialPlan::Commitment),
                    MaterialSource::Upload => Some(MaterialPlan::Upload),
                })
                .unwrap_or(MaterialPlan::Upload);
            materials.push(PlannedMaterial {
                matter_id: matter.id.clone(),
                material_id: m.id.clone(),
                name: m.name.clone(),
                required: m.required,
                satisfied_by,
            });
        }
    }

    // Each key once: the first source (in order of use) that has a value wins; otherwise the citizen fills it.
    let fields: Vec<PlannedField> = fields
        .into_iter()
        .map(|(mut pf, sources)| {
            let resolved: Vec<(Provenance, Option<String>)> =
                sources.iter().map(|s| resolve(s.as_deref(), &view, &held, input.answers)).collect();
            // Filled by an earlier matter only when no matter asks the applicant for it.
            let asked = sources.iter().any(|s| s.as_deref().is_none_or(|s| s == "applicant"));
            let later = if asked {
                None
            } else {
                resolved.iter().find(|(p, _)| matches!(p, Provenance::Application { .. })).cloned()
            };
            if let Some((p, v)) = resolved.into_iter().find(|(_, v)| v.is_some()) {
                pf.provenance = p;
                pf.value = v;
            } else if let Some((p, _)) = later {
                pf.provenance = p;
            }
            pf
        })
        .collect();

    for f in fields
        .iter()
        .filter(|f| f.value.is_none() && f.required && !matches!(f.provenance, Provenance::Application { .. }))
    {
        to_do.push(format!("填写：{}", f.label));
    }
    for m in materials.iter().filter(|m| m.required) {
        match m.satisfied_by {
            MaterialPlan::Upload => to_do.push(format!("上传：{}", m.name)),
            MaterialPlan::Commitment => to_do.push(format!("签署承诺：{}", m.name)),
            _ => {}
        }
    }

    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let spared = Spared {
        fields_prefilled: count(
            fields
                .iter()
                .filter(|f| f.value.is_some() || matches!(f.provenance, Provenance::Application { .. }))
                .count(),
        ),
        materials_spared: count(
            materials
                .iter()
                .filter(|m| matches!(m.satisfied_by, MaterialPlan::Licence { .. } | MaterialPlan::SharedData { .. }))
                .count(),
        ),
        fields_total: count(fields.len()),
        materials_total: count(materials.len()),
    };
    Plan {
        bundle_id: input.bundle.id.clone(),
        questions,
        matters,
        fields,
        materials,
        summary: format!("少填 {} 项、免交 {} 份", spared.fields_prefilled, spared.materials_spared),
        summary_en: format!(
            "{} fields pre-filled, {} materials spared",
            spared.fields_prefilled, spared.materials_spared
        ),
        spared,
        to_do,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::api::{Bundle, Matter};
    use crate::plan::condition::Path;

    fn catalog() -> (Vec<Bundle>, Vec<Matter>) {
        let raw: Value =
            serde_json::from_str(include_str!("../../../platform/seed/catalog.json")).expect("catalog parses");
        let bundles = serde_json::from_value(raw["bundles"].clone()).expect("bundles");
        let matters = serde_json::from_value(raw["matters"].clone()).expect("matters");
        (bundles, matters)
    }

    fn profile() -> Value {
        json!({
            "subject": "s1", "kind": "citizen", "name": "陈静", "id_number": "330106199001011234",
            "phone": "13800000001", "gender": "女", "birth_date": "1990-01-01", "ethnicity": "汉族",
            "address": "杭州市西湖区", "region": "330106", "marital_status": "已婚",
            "family": [{"relation": "配偶", "subject": "s2", "name": "王磊", "id_number": "330106198901011234",
                        "birth_date": "1989-01-01"}],
            "companies": []
        })
    }

    #[test]
    fn every_seeded_condition_parses_and_stays_in_its_bundle() {
        let (bundles, _) = catalog();
        assert_eq!(bundles.len(), 7);
        for b in &bundles {
            let ids: Vec<&str> = b.questions.iter().map(|q| q.id.as_str()).collect();
            let whens = b
                .members
                .iter()
                .filter_map(|m| m.when.as_deref())
                .chain(b.questions.iter().filter_map(|q| q.when.as_deref()));
            for w in whens {
                let c = Condition::parse(w).unwrap_or_else(|e| panic!("{}: {w}: {e}", b.id));
                for p in c.paths() {
                    if let Path::Answer(q) = p {
                        assert!(ids.contains(&q.as_str()), "{}: {w} refers to unknown question {q}", b.id);
                    }
                }
                assert_eq!(Condition::parse(&c.to_string()), Ok(c));
            }
        }
    }

    fn plan_for(b: &Bundle, matters: &[Matter], answers: &BTreeMap<String, AnswerValue>, held: &[HeldLicence]) -> Plan {
        let p = profile();
        plan(&PlanInput { bundle: b, matters, answers, profile: &p, held })
    }

    #[test]
    fn birth_prefills_and_spares() {
        let (bundles, matters) = catalog();
        let b = bundles.iter().find(|b| b.id == "bundle-birth").expect("birth bundle");
        let answers: BTreeMap<String, AnswerValue> = [
            ("born", AnswerValue::Bool(true)),
            ("need_ssc", AnswerValue::Bool(true)),
            ("mother_insured", AnswerValue::Bool(false)),
            ("birth_registered", AnswerValue::Bool(true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(validate_answers(b, &answers), Ok(()));
        let mut claims = Map::new();
        claims.insert("name".into(), "陈静".into());
        let held = vec![HeldLicence { vct: licence::MARRIAGE.into(), claims }];
        let p = plan_for(b, &matters, &answers, &held);
        let spouse = p.fields.iter().find(|f| f.key == "applicant.name").expect("applicant.name");
        assert_eq!(spouse.value.as_deref(), Some("陈静"));
        let keys: Vec<&str> = p.fields.iter().map(|f| f.key.as_str()).collect();
        let mut dedup = keys.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(keys.len(), dedup.len());
        let phone = p.fields.iter().find(|f| f.key == "applicant.phone").expect("phone");
        assert!(phone.used_by.len() > 3);
        assert!(
            p.materials
                .iter()
                .any(|m| matches!(&m.satisfied_by, MaterialPlan::Licence { name, .. } if name == "结婚证"))
        );
        assert!(p.spared.fields_prefilled > 0 && p.spared.materials_spared > 0);
        assert!(p.matters.iter().any(|m| m.matter_id == "zj-wjw-birth-registration" && m.applies == Truth::False));
        // No answers: conditional matters depend on questions.
        let none = plan_for(b, &matters, &BTreeMap::new(), &held);
        let reg = none.matters.iter().find(|m| m.matter_id == "zj-rsj-ssc-newborn").expect("ssc");
        assert_eq!(reg.applies, Truth::Unknown);
        assert_eq!(reg.depends_on, ["born", "need_ssc"]);
        assert!(none.summary.starts_with("少填 "));
    }

    #[test]
    fn hostile_answers_are_refused() {
        let (bundles, _) = catalog();
        let b = bundles.iter().find(|b| b.id == "bundle-birth").expect("birth bundle");
        let one = |k: &str, v: AnswerValue| [(k.to_owned(), v)].into_iter().collect::<BTreeMap<_, _>>();
        assert!(validate_answers(b, &one("nope", AnswerValue::Bool(true))).is_err());
        assert!(validate_answers(b, &one("born", AnswerValue::Text("'; DROP TABLE x".into()))).is_err());
        assert!(validate_answers(b, &one("hukou_with", AnswerValue::Text("<script>".into()))).is_err());
        assert!(validate_answers(b, &one("hukou_with", AnswerValue::Text("随母亲".into()))).is_ok());
    }

    fn arb_answer() -> impl Strategy<Value = AnswerValue> {
        prop_oneof![
            any::<bool>().prop_map(AnswerValue::Bool),
            "\\PC{0,8}".prop_map(AnswerValue::Text),
            (-1.0e6f64..1.0e6).prop_map(AnswerValue::Number),
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]".prop_map(AnswerValue::Date),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn planner_is_total_and_deterministic(
            picks in prop::collection::vec((0usize..8, arb_answer()), 0..8),
            bundle in 0usize..7,
            shuffle in any::<bool>(),
        ) {
            let (bundles, matters) = catalog();
            let b = &bundles[bundle % bundles.len()];
            let answers: BTreeMap<String, AnswerValue> = picks
                .into_iter()
                .filter_map(|(i, v)| Some((b.questions.get(i)?.id.clone(), v)))
                .collect();
            let mut held: Vec<HeldLicence> = licence::TYPES
                .iter()
                .map(|t| HeldLicence { vct: t.vct.into(), claims: Map::new() })
                .collect();
            let first = plan_for(b, &matters, &answers, &held);
            if shuffle {
                held.reverse();
            }
            let second = plan_for(b, &matters, &answers, &held);
            prop_assert_eq!(serde_json::to_string(&first).ok(), serde_json::to_string(&second).ok());
        }
    }
}
