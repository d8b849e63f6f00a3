//! Conformance of the identifier validators against the external vectors in `shared/vectors/`.
//!
//! The vectors are read at test time from the folder named by `ONEGO_VECTORS`, by default
//! `<CARGO_MANIFEST_DIR>/../../shared/vectors`; they are never copied into the repository. A missing folder
//! fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use onego_protocol::ids::{CreditCode, IdError, IdHolderKind, IdNumber, ric_check_char, uscc_check_char};
use serde_json::Value;

mod vectors;
use vectors::load;

fn str_field<'a>(entry: &'a Value, key: &str) -> &'a str {
    entry[key].as_str().unwrap_or_else(|| panic!("missing string field {key:?} in {entry}"))
}

fn entries<'a>(file: &'a Value, key: &str) -> &'a [Value] {
    let list = file[key].as_array().unwrap_or_else(|| panic!("missing array {key:?}"));
    assert!(!list.is_empty(), "array {key:?} is empty");
    list
}

fn assert_rejected_for(value: &str, result: Result<impl std::fmt::Debug, IdError>, allowed: &BTreeSet<&str>) {
    match result {
        Ok(parsed) => panic!("{value:?} should be rejected ({allowed:?}), parsed as {parsed:?}"),
        Err(e) => assert!(
            allowed.contains(e.reason_code()),
            "{value:?}: rejected with {e} ({}), expected one of {allowed:?}",
            e.reason_code()
        ),
    }
}

/// What the vectors' `invalid_reasons` for a resident ID number mean in terms of `IdError::reason_code`.
fn ric_reason(reason: &str) -> &'static [&'static str] {
    match reason {
        "length" => &["length"],
        // The file's "format" is a character outside the allowed set, which this module reports per position.
        "format" => &["character", "format"],
        "check_digit" => &["check_char"],
        "birth_date" => &["birth_date"],
        other => panic!("unknown invalid reason {other:?} in cn_ric.json"),
    }
}

/// Entries whose only problem, according to their source, is the region code (`region_code_only`), and what the
/// documented region policy of `IdNumber` says about each: `None` = accepted, `Some(code)` = rejected.
const RIC_REGION_ONLY: [(&str, Option<&str>); 4] = [
    // 99 is not a province-level code, nor 9 + a province code.
    ("990426199112010074", Some("region")),
    // Beijing county codes that a historical county table rejects for that birth year; county tables are not
    // checked here, so the numbers are accepted.
    ("110111198012010078", None),
    ("110201199312010077", None),
    // 9 + 20: 20 is not a province-level code.
    ("920302198912097944", Some("region")),
];

/// Accepted numbers whose prefix is not a plain resident one, and the kind the policy gives them.
const RIC_SPECIAL_KINDS: [(&str, IdHolderKind); 4] = [
    ("81", IdHolderKind::ResidencePermitHkMacaoTaiwan),
    ("82", IdHolderKind::ResidencePermitHkMacaoTaiwan),
    ("83", IdHolderKind::ResidencePermitHkMacaoTaiwan),
    ("93", IdHolderKind::ForeignPermanentResident),
];

#[test]
fn resident_id_numbers() {
    let file = load("cn_ric.json");
    let list = entries(&file, "entries");
    let region_only: BTreeMap<&str, Option<&str>> = RIC_REGION_ONLY.into_iter().collect();
    // Every entry lands in exactly one class; notes count extra facts.
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut seen_region_only = BTreeSet::new();
    let mut seen_kinds = BTreeSet::new();

    for entry in list {
        let value = str_field(entry, "value");
        let structural_valid = entry["gb11643_structural_valid"].as_bool().expect("gb11643_structural_valid");
        let reasons: Vec<&str> = entry["invalid_reasons"]
            .as_array()
            .expect("invalid_reasons")
            .iter()
            .map(|r| r.as_str().expect("reason"))
            .collect();
        let computed = &entry["computed"];
        let result = IdNumber::parse(value);

        // The free check-character function agrees with python-stdnum wherever it computed one.
        if let Some(check) = computed["check_digit_computed"].as_str() {
            let expected = check.chars().next();
            assert_eq!(ric_check_char(&value[..17]), expected, "{value}: check character");
        }

        if structural_valid && reasons.is_empty() {
            let id = result.unwrap_or_else(|e| panic!("{value:?} should be accepted: {e}"));
            assert_eq!(id.as_str(), str_field(computed, "normalized_upper"), "{value}: canonical form");
            let birth = str_field(computed, "birth_date");
            assert_eq!(id.birth_date_iso(), format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]));
            assert_eq!(id.is_female(), str_field(computed, "sex_by_17th_digit") == "female", "{value}: sex");
            let expected_kind = RIC_SPECIAL_KINDS
                .iter()
                .find(|(prefix, _)| value.starts_with(prefix))
                .map_or(IdHolderKind::Resident, |(_, kind)| *kind);
            assert_eq!(id.kind(), expected_kind, "{value}: kind");
            if expected_kind != IdHolderKind::Resident {
                seen_kinds.insert(&value[..2]);
            }
            assert_eq!(IdNumber::parse(id.as_str()).as_ref(), Ok(&id), "{value}: canonical form parses");
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
            *classes.entry("accepted".into()).or_default() += 1;
            if entry["source_says"] != "valid" {
                *notes.entry("accepted, source says valid only in a lenient mode").or_default() += 1;
            }
            if value != id.as_str() {
                *notes.entry("accepted after normalisation (lower-case x)").or_default() += 1;
            }
        } else if structural_valid {
            assert!(
                reasons.iter().all(|r| r.starts_with("region_code_only")),
                "{value}: unexpected reasons {reasons:?}"
            );
            let policy = region_only
                .get(value)
                .unwrap_or_else(|| panic!("{value}: region-only entry not covered by RIC_REGION_ONLY"));
            seen_region_only.insert(value);
            match policy {
                None => {
                    let id = result.unwrap_or_else(|e| panic!("{value:?}: region policy accepts it, got {e}"));
                    assert_eq!(id.kind(), IdHolderKind::Resident);
                    *classes.entry("region-only: accepted by policy".into()).or_default() += 1;
                }
                Some(code) => {
                    assert_rejected_for(value, result, &BTreeSet::from([*code]));
                    *classes.entry("region-only: rejected by policy (region)".into()).or_default() += 1;
                }
            }
        } else {
            assert!(!reasons.is_empty(), "{value}: structurally invalid without a reason");
            let allowed: BTreeSet<&str> = reasons.iter().flat_map(|r| ric_reason(r)).copied().collect();
            let code = result.as_ref().err().map(IdError::reason_code);
            assert_rejected_for(value, result, &allowed);
            *classes.entry(format!("rejected: {}", code.unwrap_or("?"))).or_default() += 1;
            if entry["source_says"] == "valid" {
                *notes.entry("rejected although the source says valid").or_default() += 1;
            }
        }
    }

    assert_eq!(seen_region_only, region_only.keys().copied().collect(), "every RIC_REGION_ONLY entry is in the file");
    assert_eq!(
        seen_kinds,
        RIC_SPECIAL_KINDS.iter().map(|(p, _)| *p).collect(),
        "every special prefix is exercised by an accepted entry"
    );
    eprintln!("cn_ric.json: {} entries", list.len());
    for (key, count) in &classes {
        eprintln!("  {key}: {count}");
    }
    for (key, count) in &notes {
        eprintln!("  (note) {key}: {count}");
    }
    assert_eq!(classes.values().sum::<usize>(), list.len(), "every entry was classified once");
    for key in [
        "accepted",
        "rejected: length",
        "rejected: character",
        "rejected: check_char",
        "rejected: birth_date",
        "region-only: accepted by policy",
        "region-only: rejected by policy (region)",
    ] {
        assert!(classes.get(key).copied().unwrap_or(0) > 0, "no entry counted as {key:?}");
    }
}

/// What the vectors' reasons for an invalid credit code mean in terms of `IdError::reason_code`.
fn uscc_reason(reason: &str) -> &'static [&'static str] {
    match reason {
        "length" | "invalid (length)" => &["length"],
        "charset/format" => &["character", "format"],
        "invalid (charset)" => &["character"],
        "check_character" | "invalid (check_character)" => &["check_char"],
        other => panic!("unknown invalid reason {other:?} in cn_uscc.json"),
    }
}

#[test]
fn unified_social_credit_codes() {
    let file = load("cn_uscc.json");
    let list = entries(&file, "entries");
    let derived = entries(&file, "derived_invalid");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut bump = |key| *counts.entry(key).or_default() += 1;

    for entry in list {
        let value = str_field(entry, "value");
        let valid = entry["gb32100_valid_stdnum"].as_bool().expect("gb32100_valid_stdnum");
        let reasons: Vec<&str> = entry["invalid_reasons"]
            .as_array()
            .expect("invalid_reasons")
            .iter()
            .map(|r| r.as_str().expect("reason"))
            .collect();
        let computed = &entry["computed"];
        let compact = str_field(computed, "compact");
        let result = CreditCode::parse(value);

        if let Some(check) = computed["check_char_computed"].as_str() {
            assert_eq!(uscc_check_char(&compact[..17]), check.chars().next(), "{value}: check character");
        }

        if valid {
            assert!(reasons.is_empty(), "{value}: valid with reasons");
            let code = result.unwrap_or_else(|e| panic!("{value:?} should be accepted: {e}"));
            assert_eq!(code.as_str(), compact, "{value}: canonical form");
            assert_eq!(code.region(), &compact[2..8]);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), code);
            bump("valid: accepted");
            if value != compact {
                bump("valid: accepted after removing whitespace");
            }
            continue;
        }

        assert!(!reasons.is_empty(), "{value}: invalid without a reason");
        let mut allowed: BTreeSet<&str> = reasons.iter().flat_map(|r| uscc_reason(r)).copied().collect();
        let stdnum_first8_only = reasons == ["charset/format"]
            && computed["charset_ok"] == true
            && compact.len() == 18
            && compact[2..8].bytes().all(|b| b.is_ascii_digit());
        if stdnum_first8_only {
            // python-stdnum rejects a letter in positions 1-2; the documented policy here allows any GB 32100
            // character there, so such a code stands or falls by its check character.
            assert_eq!(computed["check_ok"], false, "{value}: would be accepted under this policy");
            allowed = BTreeSet::from(["check_char"]);
            bump("invalid: letter in positions 1-2 (stdnum format), rejected by check_char");
        }
        if entry["source_says"] == "invalid_per_gb32100_but_real" {
            allowed = BTreeSet::from(["check_char"]);
            bump("invalid_per_gb32100_but_real: rejected by check_char");
        }
        assert_rejected_for(value, result, &allowed);
        bump("invalid: rejected");
    }

    for entry in derived {
        let value = str_field(entry, "value");
        let expected = str_field(entry, "expected");
        let allowed: BTreeSet<&str> = uscc_reason(expected).iter().copied().collect();
        assert_rejected_for(value, CreditCode::parse(value), &allowed);
        bump("derived_invalid: rejected for the given reason");
    }

    eprintln!("cn_uscc.json: {} entries, {} derived_invalid", list.len(), derived.len());
    for (key, count) in &counts {
        eprintln!("  {key}: {count}");
    }
    let get = |key| counts.get(key).copied().unwrap_or(0);
    assert_eq!(get("valid: accepted") + get("invalid: rejected"), list.len());
    assert_eq!(get("derived_invalid: rejected for the given reason"), derived.len());
    for key in ["valid: accepted", "invalid: rejected", "invalid_per_gb32100_but_real: rejected by check_char"] {
        assert!(get(key) > 0, "no entry counted as {key:?}");
    }
}
