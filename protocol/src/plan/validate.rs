//! Validating the bundle's one form: each value against its kind, pattern, length and the cross-field rules
//! ([`FieldCheck`]). The phone runs it before a submission is queued; the platform runs it again on arrival, so
//! a hostile client gains nothing, and both word a failure the same way, on the field concerned.

use std::collections::BTreeMap;

use super::{Plan, Truth};
use crate::api::{FieldCheck, FieldDef, FieldError, FieldKind, Matter};
use crate::ids::{CreditCode, IdNumber};
pub use crate::time::iso_days;

/// Longest value accepted when a field names no `max_len`, in characters.
pub const DEFAULT_MAX_CHARS: usize = 200;
/// Most fields a form may carry (a hostile client cannot make the platform work through thousands).
pub const MAX_FIELDS: usize = 200;

/// `matters` (in bundle order) as one application sees them: a field taken from a licence that an earlier
/// matter of the same application issues (企业开办: the seal filing takes the credit code from the 营业执照 the
/// first matter issues) becomes `application:<that matter>#<field key>` — filled when that matter is approved,
/// not asked of the applicant. The phone and the platform both plan and validate through this.
#[must_use]
pub fn with_later_sources(matters: &[&Matter]) -> Vec<Matter> {
    let mut out: Vec<Matter> = Vec::with_capacity(matters.len());
    for (i, m) in matters.iter().enumerate() {
        let mut m = (*m).clone();
        for f in &mut m.fields {
            let Some((vct, _)) =
                f.source.as_deref().and_then(|s| s.strip_prefix("licence:")).and_then(|r| r.split_once('#'))
            else {
                continue;
            };
            if let Some(dep) = matters[..i].iter().find(|e| e.issues.iter().any(|v| v == vct)) {
                f.source = Some(format!("application:{}#{}", dep.id, f.key));
            }
        }
        out.push(m);
    }
    out
}

/// The matters of a plan that apply for certain (a matter still depending on an unanswered question does not).
#[must_use]
pub fn applicable_matters(plan: &Plan) -> Vec<&str> {
    plan.matters.iter().filter(|m| m.applies == Truth::True).map(|m| m.matter_id.as_str()).collect()
}

fn is_phone(v: &str) -> bool {
    let b = v.as_bytes();
    let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    // Landline: area code 0XX or 0XXX, optional hyphen, 7 or 8 digits.
    let landline = v.starts_with('0') && {
        let digits: String = v.chars().filter(|c| *c != '-').collect();
        v.matches('-').count() <= 1 && (10..=12).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit())
    };
    mobile || landline
}

fn as_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "是" => Some(true),
        "false" | "否" => Some(false),
        _ => None,
    }
}

/// A field's rules merged over every matter that uses the key.
struct Merged<'a> {
    def: &'a FieldDef,
    required: bool,
    patterns: Vec<&'a str>,
    checks: Vec<&'a FieldCheck>,
    max_len: usize,
    filled_later: bool,
}

fn merge<'a>(matters: &[&'a Matter]) -> Vec<Merged<'a>> {
    let mut out: Vec<Merged<'a>> = Vec::new();
    for m in matters {
        for f in &m.fields {
            let later = f.source.as_deref().is_some_and(|s| s.starts_with("application:"));
            let max = f.max_len.map_or(DEFAULT_MAX_CHARS, |n| usize::try_from(n).unwrap_or(DEFAULT_MAX_CHARS));
            if let Some(e) = out.iter_mut().find(|e| e.def.key == f.key) {
                e.required |= f.required;
                // Left out only if every matter using the key gets it from an earlier matter.
                e.filled_later &= later;
                e.max_len = e.max_len.min(max);
                e.patterns.extend(f.pattern.as_deref());
                e.checks.extend(f.checks.iter());
            } else {
                out.push(Merged {
                    def: f,
                    required: f.required,
                    patterns: f.pattern.as_deref().into_iter().collect(),
                    checks: f.checks.iter().collect(),
                    max_len: max,
                    filled_later: later,
                });
            }
        }
    }
    out
}

fn check_value(f: &Merged<'_>, value: &str, values: &BTreeMap<String, String>, today: i64) -> Option<String> {
    let label = &f.def.label;
    if value.chars().count() > f.max_len {
        return Some(format!("{label}不能超过 {} 个字", f.max_len));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Some(format!("{label}含有不可见的控制字符，请重新输入"));
    }
    let kind_error = match f.def.kind {
        FieldKind::Text | FieldKind::Address => None,
        FieldKind::Number => {
            value.parse::<f64>().ok().filter(|n| n.is_finite()).is_none().then(|| format!("{label}应为数字"))
        }
        FieldKind::Date => iso_days(value).is_none().then(|| format!("{label}应为日期，如 2026-01-31")),
        FieldKind::Phone => (!is_phone(value)).then(|| format!("{label}不是有效的手机或固定电话号码")),
        FieldKind::IdNumber => IdNumber::parse(value).err().map(|e| format!("{label}不是有效的身份证号码：{e}")),
        FieldKind::CreditCode => {
            CreditCode::parse(value).err().map(|e| format!("{label}不是有效的统一社会信用代码：{e}"))
        }
        FieldKind::BankAccount => (!(12..=25).contains(&value.len()) || !value.bytes().all(|c| c.is_ascii_digit()))
            .then(|| format!("{label}应为 12 到 25 位数字")),
        FieldKind::Choice => (!f.def.options.iter().any(|o| o == value))
            .then(|| format!("{label}请在：{} 中选择", f.def.options.join("、"))),
        FieldKind::Bool => as_bool(value).is_none().then(|| format!("{label}请选择“是”或“否”")),
    };
    if kind_error.is_some() {
        return kind_error;
    }
    for p in &f.patterns {
        let matches = regex_lite::Regex::new(p).is_ok_and(|re| re.is_match(value));
        if !matches {
            return Some(match f.def.help.as_str() {
                "" => format!("{label}格式不正确"),
                help => format!("{label}格式不正确：{help}"),
            });
        }
    }
    let date = iso_days(value);
    for c in &f.checks {
        let broken = match c {
            FieldCheck::NotFuture => date.is_some_and(|d| d > today).then(|| format!("{label}不能晚于今天")),
            FieldCheck::NotPast => date.is_some_and(|d| d < today).then(|| format!("{label}不能早于今天")),
            FieldCheck::WithinPastDays { days } => date
                .is_some_and(|d| d > today || d < today - i64::from(*days))
                .then(|| format!("{label}应在最近 {days} 天内")),
            FieldCheck::NotBefore { field } => {
                let other = values.get(field).and_then(|o| iso_days(o));
                match (date, other) {
                    (Some(d), Some(o)) if d < o => Some(format!("{label}不能早于{field}")),
                    _ => None,
                }
            }
            FieldCheck::Range { min, max } => value
                .parse::<f64>()
                .ok()
                .filter(|n| n < min || n > max)
                .map(|_| format!("{label}应在 {min} 到 {max} 之间")),
            // Needs the registry: the platform checks it.
            FieldCheck::OwnedByApplicant { .. } => None,
        };
        if broken.is_some() {
            return broken;
        }
    }
    None
}

/// Checks the values of one form for `matters` (those that apply) on `today` (`YYYY-MM-DD`, China time). Every
/// failing field is reported as `fields.<key>`, in the form's order; an empty list means the form is complete.
/// Values for fields the matters do not have are refused, and fields an earlier matter fills (`application:`
/// sources) may be left out.
#[must_use]
pub fn validate_fields(matters: &[&Matter], values: &BTreeMap<String, String>, today: &str) -> Vec<FieldError> {
    let today = iso_days(today).unwrap_or(0);
    let merged = merge(matters);
    let mut errors = Vec::new();
    if values.len() > MAX_FIELDS {
        errors.push(FieldError { field: "fields".into(), detail: format!("表单最多 {MAX_FIELDS} 项") });
        return errors;
    }
    for key in values.keys() {
        if !merged.iter().any(|f| &f.def.key == key) {
            let shown: String = key.chars().take(40).collect();
            errors.push(FieldError { field: format!("fields.{shown}"), detail: "此申请没有这一项".into() });
        }
    }
    for f in &merged {
        let value = values.get(&f.def.key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let detail = match value {
            None if f.required && !f.filled_later => Some(format!("请填写{}", f.def.label)),
            None => None,
            Some(v) => check_value(f, v, values, today),
        };
        if let Some(detail) = detail {
            errors.push(FieldError { field: format!("fields.{}", f.def.key), detail });
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn field(key: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            key: key.into(),
            label: key.into(),
            label_en: key.into(),
            kind,
            required: true,
            pattern: None,
            options: Vec::new(),
            max_len: None,
            source: None,
            help: String::new(),
            checks: Vec::new(),
        }
    }

    fn matter(fields: Vec<FieldDef>) -> Matter {
        let raw: serde_json::Value =
            serde_json::from_str(include_str!("../../../platform/seed/catalog.json")).expect("catalog parses");
        let mut m: Matter = serde_json::from_value(raw["matters"][0].clone()).expect("matter");
        m.fields = fields;
        m
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(iso_days("1970-01-01"), Some(0));
        assert_eq!(iso_days("2024-02-29"), Some(19_782));
        assert_eq!(iso_days("2026-02-29"), None);
        assert_eq!(iso_days("2026-13-01"), None);
        assert_eq!(iso_days("2026-1-01"), None);
    }

    #[test]
    fn kinds_and_checks() {
        let mut birth = field("child.birth_date", FieldKind::Date);
        birth.checks = vec![FieldCheck::NotFuture, FieldCheck::WithinPastDays { days: 365 }];
        let mut code = field("postal", FieldKind::Text);
        code.pattern = Some(r"^\d{6}$".into());
        code.required = false;
        let mut later = field("child.id_number", FieldKind::IdNumber);
        later.source = Some("application:zj-gaj-hukou-birth#child.id_number".into());
        let m = matter(vec![
            birth,
            field("phone", FieldKind::Phone),
            field("id", FieldKind::IdNumber),
            code,
            later,
            field("company", FieldKind::CreditCode),
        ]);
        let ok = values(&[
            ("child.birth_date", "2026-11-25"),
            ("phone", "13800000001"),
            ("id", "11010519491231002X"),
            ("company", "91350100M000100Y43"),
        ]);
        assert_eq!(validate_fields(&[&m], &ok, "2026-11-27"), []);
        let bad = values(&[
            ("child.birth_date", "2026-12-01"),
            ("phone", "12345"),
            ("id", "110105194912310021"),
            ("postal", "31000"),
            ("company", "not a code"),
            ("extra'; DROP TABLE application;--", "x"),
        ]);
        let errors = validate_fields(&[&m], &bad, "2026-11-27");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "fields.extra'; DROP TABLE application;--",
                "fields.child.birth_date",
                "fields.phone",
                "fields.id",
                "fields.postal",
                "fields.company"
            ]
        );
        assert!(errors[1].detail.contains("不能晚于今天"), "{}", errors[1].detail);
        let old = values(&[("child.birth_date", "2024-01-01")]);
        assert!(validate_fields(&[&m], &old, "2026-11-27").iter().any(|e| e.detail.contains("365")));
    }

    #[test]
    fn seeded_names_must_be_names() {
        let raw: serde_json::Value =
            serde_json::from_str(include_str!("../../../platform/seed/catalog.json")).expect("catalog parses");
        let matters: Vec<Matter> = serde_json::from_value(raw["matters"].clone()).expect("matters");
        let m = matters.iter().find(|m| m.id == "zj-wjw-birth-cert").expect("birth cert");
        let check = |name: &str| {
            validate_fields(&[m], &values(&[("child.name", name)]), "2026-11-27")
                .into_iter()
                .filter(|e| e.field == "fields.child.name")
                .count()
        };
        assert_eq!(check("王小满"), 0);
        assert_eq!(check("阿依古丽·买买提"), 0);
        assert_eq!(check("'; DROP TABLE application;--"), 1);
        assert_eq!(check("<script>alert(1)</script>"), 1);
        assert_eq!(check("小"), 0);
    }

    #[test]
    fn oversized_and_control_text_is_refused() {
        let m = matter(vec![field("name", FieldKind::Text)]);
        let long = "长".repeat(DEFAULT_MAX_CHARS + 1);
        assert_eq!(validate_fields(&[&m], &values(&[("name", &long)]), "2026-11-27").len(), 1);
        assert_eq!(validate_fields(&[&m], &values(&[("name", "a\u{0}b")]), "2026-11-27").len(), 1);
        assert_eq!(validate_fields(&[&m], &values(&[("name", "<script>alert(1)</script>")]), "2026-11-27"), []);
    }

    #[test]
    fn shared_keys_merge_their_rules() {
        let mut a = field("d", FieldKind::Date);
        a.required = false;
        let mut b = field("d", FieldKind::Date);
        b.checks = vec![FieldCheck::NotPast];
        let (ma, mb) = (matter(vec![a]), matter(vec![b]));
        assert_eq!(validate_fields(&[&ma, &mb], &BTreeMap::new(), "2026-11-27").len(), 1);
        assert_eq!(validate_fields(&[&ma, &mb], &values(&[("d", "2026-11-26")]), "2026-11-27").len(), 1);
        assert_eq!(validate_fields(&[&ma], &values(&[("d", "2026-11-26")]), "2026-11-27"), []);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn never_panics(key in "\\PC{0,12}", value in "\\PC{0,300}", kind in 0usize..10) {
            let kinds = [FieldKind::Text, FieldKind::Number, FieldKind::Date, FieldKind::Phone, FieldKind::IdNumber,
                FieldKind::CreditCode, FieldKind::BankAccount, FieldKind::Address, FieldKind::Choice, FieldKind::Bool];
            let m = matter(vec![field(&key, kinds[kind].clone())]);
            let _ = validate_fields(&[&m], &values(&[(&key, &value)]), "2026-11-27");
        }
    }
}
