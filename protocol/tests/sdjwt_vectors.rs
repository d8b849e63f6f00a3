//! Conformance of `onego_protocol::sdjwt` against the external vectors in `shared/vectors/`.
//!
//! The vectors are read at test time from the folder named by `ONEGO_VECTORS`, by default
//! `<CARGO_MANIFEST_DIR>/../../shared/vectors`; they are never copied into the repository. A missing folder
//! fails the tests. Signatures are randomized in the sources, so only validity is tested, never bytes.
//!
//! Out of scope, skipped and counted: the JWS JSON Serialization examples (RFC 9901 §8; 3 in the draft-22
//! file, 2 sd-jwt-python cases). Every other example is verified.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use onego_protocol::sdjwt::jws::verify_compact;
use onego_protocol::sdjwt::{
    DisclosedValue, Disclosure, Jwk, KbExpectations, KeyBindingPolicy, KeyBindingStatus, SdJwtParts, TimeCheck,
    TypPolicy, VerifiedSdJwt, VerifyOptions, verify, verify_es256,
};
use serde_json::{Map, Value};

mod vectors;
use vectors::load;

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value[key].as_array().unwrap_or_else(|| panic!("missing array {key:?}"))
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("missing string {key:?} in {value}"))
}

fn keys() -> (Jwk, Jwk) {
    let keys = load("sdjwt/keys.json");
    (Jwk::from_json(&keys["issuer_public_jwk"]).unwrap(), Jwk::from_json(&keys["holder_public_jwk"]).unwrap())
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length");
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// Options for a spec example: the typ policy its header calls for, and a fixed clock just after the KB-JWT
/// `iat` (the vectors' KB-JWT times are fixed past times; the issuer JWTs expire in 2029).
fn options_for<'a>(typ: TypPolicy, kb: Option<(&'a str, &'a str, i64)>) -> VerifyOptions<'a> {
    let now = kb.map_or(1_750_000_000, |(_, _, iat)| iat + 10);
    VerifyOptions {
        typ,
        time: TimeCheck::At { now, leeway: Duration::from_secs(60) },
        key_binding: kb.map_or(KeyBindingPolicy::NotRequired, |(aud, nonce, _)| {
            KeyBindingPolicy::Required(KbExpectations {
                aud: Some(aud),
                nonce: Some(nonce),
                max_age: Duration::from_secs(300),
            })
        }),
        require_exp: false,
    }
}

fn typ_policy(header: &Value) -> TypPolicy {
    match header["typ"].as_str() {
        Some("dc+sd-jwt") => TypPolicy::SdJwtVc,
        _ => TypPolicy::PlainSdJwt,
    }
}

/// The `iat` of the KB-JWT at the end of `presentation` (read without verification, to set a test clock).
fn kb_iat(presentation: &str) -> i64 {
    let kb = SdJwtParts::parse(presentation).unwrap().kb_jwt.unwrap();
    let payload = kb.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["iat"].as_i64().unwrap()
}

/// Verifies one compact SD-JWT / SD-JWT+KB example against its `expected` block.
fn check_compact_example(id: &str, value: &str, expected: &Value, issuer: &Jwk) -> VerifiedSdJwt {
    let typ = typ_policy(&expected["issuer_jwt_header"]);
    // The clock is set from the KB-JWT itself: renders of the same example carry different `iat` values.
    let kb = expected.get("kb_jwt_payload").map(|_| {
        (str_of(expected, "verifier_expected_aud"), str_of(expected, "verifier_expected_nonce"), kb_iat(value))
    });
    let verified = verify(value, issuer, &options_for(typ, kb)).unwrap_or_else(|e| panic!("{id}: rejected: {e}"));
    assert_eq!(verified.payload, expected["processed_payload"], "{id}: processed payload");
    assert_eq!(verified.key_binding.is_verified(), kb.is_some(), "{id}: key binding");
    let parts = SdJwtParts::parse(value).unwrap();
    assert_eq!(Some(parts.disclosures.len() as u64), expected["disclosure_count"].as_u64(), "{id}: disclosures");
    assert!(verified.disclosed.len() <= parts.disclosures.len(), "{id}");
    assert_eq!(verified.kid(), expected["issuer_jwt_header"]["kid"].as_str(), "{id}: kid");
    verified
}

/// A bare Issuer-signed JWT example (RFC 9901 §5.1, before disclosures are appended).
fn check_issuer_jwt_example(id: &str, value: &str, expected: &Value, issuer: &Jwk) {
    let jws = verify_compact(value, issuer).unwrap_or_else(|e| panic!("{id}: rejected: {e}"));
    let payload: Value = serde_json::from_slice(&jws.payload).unwrap();
    assert_eq!(payload, expected["payload"], "{id}: payload");
    assert_eq!(Value::Object(jws.header.raw().clone()), expected["header"], "{id}: header");
}

/// A decoded disclosure back as its JSON array, with the given salt.
fn as_json_array(content: DisclosedValue, salt: &Value) -> Value {
    match content {
        DisclosedValue::Property { name, value } => Value::Array(vec![salt.clone(), Value::from(name), value]),
        DisclosedValue::Element(value) => Value::Array(vec![salt.clone(), value]),
    }
}

fn check_disclosure_digests(file: &Value) -> usize {
    let mut count = 0;
    for d in array(file, "disclosures") {
        let decoded = Disclosure::decode(str_of(d, "disclosure"), 0).unwrap();
        assert_eq!(decoded.digest, str_of(d, "digest_in_spec"));
        assert_eq!(as_json_array(decoded.content, &d["decoded"][0]), d["decoded"]);
        count += 1;
    }
    count
}

#[test]
fn rfc9901_draft22_examples_verify_with_spec_processed_payloads() {
    let (issuer, _) = keys();
    let file = load("sdjwt/rfc9901_draft22_examples.json");
    let alt = load("sdjwt/rfc9901_draft22_alt_render.json");
    let mut by_line = BTreeMap::new();
    let (mut jwt_only, mut sd_jwt, mut sd_jwt_kb) = (0, 0, 0);
    for v in array(&file, "compact_vectors") {
        let id = str_of(v, "id");
        by_line.insert(v["source_line"].as_u64().unwrap(), &v["expected"]);
        match str_of(v, "kind") {
            "issuer_signed_jwt" => {
                check_issuer_jwt_example(id, str_of(v, "value"), &v["expected"], &issuer);
                jwt_only += 1;
            }
            "sd_jwt" => {
                check_compact_example(id, str_of(v, "value"), &v["expected"], &issuer);
                sd_jwt += 1;
            }
            "sd_jwt_kb" => {
                check_compact_example(id, str_of(v, "value"), &v["expected"], &issuer);
                sd_jwt_kb += 1;
            }
            other => panic!("{id}: unknown kind {other}"),
        }
    }
    // The second render carries other signature bytes over the same payloads: same expectations.
    let mut alt_count = 0;
    for v in array(&alt, "compact_vectors") {
        let line = v["source_line"].as_u64().unwrap();
        let expected = by_line[&line];
        let id = format!("alt-L{line}");
        if str_of(v, "kind") == "issuer_signed_jwt" {
            check_issuer_jwt_example(&id, str_of(v, "value"), expected, &issuer);
        } else {
            check_compact_example(&id, str_of(v, "value"), expected, &issuer);
        }
        alt_count += 1;
    }
    // JWS JSON Serialization (RFC 9901 §8) is out of scope: exactly these are skipped.
    let json_serialization = array(&file, "json_serialization_vectors").len();
    let digests = check_disclosure_digests(&file);
    // §4.2.1/§4.2.2 inline examples: the same claim encoded differently hashes differently but decodes the same.
    let (mut inline, mut inline_spec_digests) = (0, 0);
    for d in array(&file, "inline_disclosure_examples") {
        let decoded = Disclosure::decode(str_of(d, "disclosure"), 0).unwrap();
        assert_eq!(decoded.digest, str_of(d, "digest_sha256_computed"));
        if let Some((_, spec)) = d.as_object().unwrap().iter().find(|(k, _)| k.starts_with("digest_in_spec")) {
            assert_eq!(Some(decoded.digest.as_str()), spec.as_str());
            inline_spec_digests += 1;
        }
        assert_eq!(as_json_array(decoded.content, &d["decoded"][0]), d["decoded"]);
        inline += 1;
    }
    println!(
        "rfc9901 draft-22: {jwt_only} issuer-signed jwt, {sd_jwt} sd-jwt, {sd_jwt_kb} sd-jwt+kb verified; \
         alt render {alt_count} verified; {digests} disclosure digests and {inline} inline examples ({inline_spec_digests} with a spec digest) match; \
         {json_serialization} json-serialization examples skipped (out of scope)"
    );
    assert_eq!((jwt_only, sd_jwt, sd_jwt_kb, alt_count), (1, 5, 3, 9));
    assert_eq!(json_serialization, 3);
    assert_eq!(digests, 87);
    assert_eq!((inline, inline_spec_digests), (5, 1));
}

#[test]
fn sd_jwt_vc_draft18_examples_verify_as_dc_sd_jwt() {
    let (issuer, _) = keys();
    let file = load("sdjwt/sd_jwt_vc_draft18_examples.json");
    let mut verified = 0;
    let mut with_kb = 0;
    for v in array(&file, "compact_vectors") {
        let id = str_of(v, "id");
        assert_eq!(v["expected"]["issuer_jwt_header"]["typ"], "dc+sd-jwt", "{id}");
        let result = check_compact_example(id, str_of(v, "value"), &v["expected"], &issuer);
        assert!(result.vct().is_some(), "{id}: vct");
        with_kb += usize::from(result.key_binding.is_verified());
        verified += 1;
    }
    let digests = check_disclosure_digests(&file);
    println!(
        "sd-jwt vc draft-18: {verified} compact examples verified ({with_kb} with key binding); {digests} digests"
    );
    assert_eq!((verified, with_kb), (5, 2));
    assert_eq!(digests, 37);
    assert!(array(&file, "json_serialization_vectors").is_empty());
}

/// The processed payload without the registered claims the generator adds (`iss`, `iat`, `exp`, `cnf`).
fn user_claims_of(verified: &VerifiedSdJwt) -> Value {
    let mut claims: Map<String, Value> = verified.payload.as_object().unwrap().clone();
    for registered in ["iss", "iat", "exp", "cnf"] {
        claims.remove(registered);
    }
    Value::Object(claims)
}

#[test]
fn sd_jwt_python_testcases_verify_with_expected_claims() {
    let (issuer, _) = keys();
    let file = load("sdjwt/sd_jwt_python_testcases.json");
    let aud = str_of(&file["verifier"], "aud");
    let nonce = str_of(&file["verifier"], "nonce");
    let (mut verified, mut with_kb, mut skipped_json) = (0, 0, 0);
    for case in array(&file, "cases") {
        let name = str_of(case, "name");
        if str_of(case, "serialization_format") == "json" {
            skipped_json += 1;
            continue;
        }
        assert_eq!(str_of(case, "serialization_format"), "compact", "{name}");
        let generated = &case["generated"];
        let presentation = str_of(generated, "sd_jwt_presentation");
        let kb = case["key_binding"].as_bool().unwrap().then(|| {
            let iat = generated["kb_jwt_payload"]["iat"].as_i64().unwrap();
            (aud, nonce, iat)
        });
        let result = verify(presentation, &issuer, &options_for(TypPolicy::PlainSdJwt, kb))
            .unwrap_or_else(|e| panic!("{name}: rejected: {e}"));
        assert_eq!(result.key_binding.is_verified(), kb.is_some(), "{name}");
        assert_eq!(user_claims_of(&result), case["expect_verified_user_claims"], "{name}: user claims");
        assert_eq!(result.payload, generated["verified_contents"], "{name}: full processed payload");
        // The issuance form (every disclosure, no KB-JWT) verifies too and discloses every user claim.
        let issuance = str_of(generated, "sd_jwt_issuance");
        let all = verify(issuance, &issuer, &options_for(TypPolicy::PlainSdJwt, None))
            .unwrap_or_else(|e| panic!("{name}: issuance rejected: {e}"));
        assert_eq!(user_claims_of(&all), generated["user_claims"], "{name}: issuance claims");
        with_kb += usize::from(result.key_binding.is_verified());
        verified += 1;
    }
    println!(
        "sd-jwt-python: {verified} compact cases verified ({with_kb} with key binding); \
         {skipped_json} json-serialization cases skipped (out of scope)"
    );
    assert_eq!((verified, with_kb, skipped_json), (15, 2, 2));
}

/// The reason each derived negative must be rejected for, as the file's `rule` and `mutation` describe it.
fn expected_reason(id: &str) -> &'static str {
    match id {
        "neg-01-issuer-signature-tampered" | "neg-02-wrong-issuer-key" => "issuer_signature",
        "neg-03-alg-none" => "alg_none",
        // neg-05: the altered disclosure's digest is in no `_sd`, so it is an unreferenced disclosure.
        "neg-04-unreferenced-disclosure" | "neg-05-modified-disclosure" => "unreferenced_disclosure",
        "neg-06-duplicate-disclosure" => "duplicate_disclosure",
        "neg-07-kb-sd_hash-mismatch" => "kb_sd_hash",
        "neg-08-kb-wrong-nonce" => "kb_nonce",
        "neg-09-kb-wrong-aud" => "kb_audience",
        "neg-10-kb-signature-tampered" => "kb_signature",
        "neg-11-kb-missing-but-required" => "kb_missing",
        other => panic!("unmapped negative case {other}"),
    }
}

#[test]
fn derived_negatives_are_rejected_for_their_reason() {
    let (issuer, holder) = keys();
    let file = load("sdjwt/derived_negative.json");
    let mut rejected = 0;
    for case in array(&file, "cases") {
        let id = str_of(case, "id");
        assert_eq!(str_of(case, "expected"), "reject", "{id}");
        let inputs = &case["verifier_inputs"];
        let key = match str_of(inputs, "issuer_key") {
            "issuer_public_jwk" => &issuer,
            k if k.starts_with("holder_public_jwk") => &holder,
            other => panic!("{id}: unknown key {other}"),
        };
        // The base KB-JWT (RFC 9901 §5.2) has iat 1748537243.
        let kb = inputs["key_binding_required"]
            .as_bool()
            .unwrap()
            .then(|| (str_of(inputs, "expected_aud"), str_of(inputs, "expected_nonce"), 1_748_537_243));
        let Err(err) = verify(str_of(case, "value"), key, &options_for(TypPolicy::PlainSdJwt, kb)) else {
            panic!("{id}: accepted");
        };
        assert_eq!(err.reason_code(), expected_reason(id), "{id}: rejected with {err}");
        println!("{id}: rejected ({}): {err}", err.reason_code());
        rejected += 1;
    }
    assert_eq!(rejected, 11);
}

#[test]
fn rfc7515_a3_es256_and_derived_negatives() {
    let file = load("jws_es256.json");
    let a3 = &file["rfc7515_A3"];
    let key = Jwk::from_json(&a3["jwk_public"]).unwrap();
    let jws = verify_compact(str_of(a3, "compact"), &key).unwrap();
    assert_eq!(jws.payload, str_of(a3, "payload_json_with_CRLF").as_bytes());
    let raw = [hex(str_of(a3, "signature_r_hex")), hex(str_of(a3, "signature_s_hex"))].concat();
    verify_es256(&key, str_of(a3, "signing_input").as_bytes(), &raw).unwrap();

    let negatives = array(&file, "derived_negative");
    for case in negatives {
        let id = str_of(case, "id");
        let Err(err) = verify_compact(str_of(case, "value"), &key) else { panic!("{id}: accepted") };
        let expected = if id.contains("alg-changed") { "unsupported_alg" } else { "signature" };
        assert_eq!(err.reason_code(), expected, "{id}: {err}");
    }
    // Policy: high-S signatures are accepted (plain ECDSA, as JWS allows; ring does not enforce low-S).
    let informational = array(&file, "derived_informational");
    for case in informational {
        verify_compact(str_of(case, "value"), &key).unwrap_or_else(|e| panic!("{}: {e}", str_of(case, "id")));
    }
    println!(
        "rfc 7515 a.3 verified; {} derived negatives rejected; {} high-s informational accepted (policy)",
        negatives.len(),
        informational.len()
    );
    assert_eq!((negatives.len(), informational.len()), (6, 1));
}

#[test]
fn wycheproof_ecdsa_p256_sha256_p1363() {
    let file = load("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json");
    let (mut valid, mut invalid, mut acceptable, mut jwk_groups) = (0usize, 0usize, 0usize, 0usize);
    for group in array(&file, "testGroups") {
        // Every group gives the uncompressed point; most also give a JWK, which must be the same key.
        let key = Jwk::from_uncompressed(&hex(str_of(&group["publicKey"], "uncompressed"))).unwrap();
        if let Some(jwk) = group.get("publicKeyJwk") {
            assert_eq!(Jwk::from_json(jwk).unwrap(), key);
            jwk_groups += 1;
        }
        for test in array(group, "tests") {
            let id = &test["tcId"];
            let ok = verify_es256(&key, &hex(str_of(test, "msg")), &hex(str_of(test, "sig"))).is_ok();
            match str_of(test, "result") {
                "valid" => {
                    assert!(ok, "tcId {id} ({}) should verify", test["comment"]);
                    valid += 1;
                }
                "invalid" => {
                    assert!(!ok, "tcId {id} ({}) should be rejected", test["comment"]);
                    invalid += 1;
                }
                // Policy: "acceptable" cases may go either way (there are none in this file); only counted.
                "acceptable" => acceptable += 1,
                other => panic!("tcId {id}: unknown result {other}"),
            }
        }
    }
    println!(
        "wycheproof p-256 p1363: {valid} valid verified, {invalid} invalid rejected, {acceptable} acceptable; \
         {jwk_groups} group jwks match their points"
    );
    assert!(jwk_groups > 0);
    assert_eq!((valid, invalid), (173, 89));
    assert_eq!(Some((valid + invalid + acceptable) as u64), file["numberOfTests"].as_u64());
}

#[test]
fn kb_jwt_not_required_is_reported_not_checked() {
    // A KB-JWT present while key binding is not required is reported, not checked (RFC 9901 §7.3 step 1).
    let (issuer, _) = keys();
    let file = load("sdjwt/rfc9901_draft22_examples.json");
    let v = array(&file, "compact_vectors").iter().find(|v| v["kind"] == "sd_jwt_kb").unwrap();
    let result = verify(str_of(v, "value"), &issuer, &options_for(TypPolicy::PlainSdJwt, None)).unwrap();
    assert_eq!(result.key_binding, KeyBindingStatus::NotChecked);
    // The RFC's generic examples carry typ example+sd-jwt, which the SD-JWT VC policy refuses.
    let err = verify(str_of(v, "value"), &issuer, &options_for(TypPolicy::SdJwtVc, None)).unwrap_err();
    assert_eq!(err.reason_code(), "issuer_typ");
}
