//! Issue → present → verify round trips of `onego_protocol::sdjwt`, and tampering with each part.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeSet;
use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use onego_protocol::sdjwt::jws::{der_to_raw_signature, sign_compact_es256};
use onego_protocol::sdjwt::{
    Es256SigningKey, HolderSigner, IssueRequest, Jwk, KbRequest, KeyBindingStatus, SdJwtError, SdJwtParts,
    SoftwareHolderSigner, StatusRef, TimeCheck, VerifiedSdJwt, VerifyOptions, issue, present, verify,
};
use proptest::prelude::*;
use ring::rand::SystemRandom;
use serde_json::{Map, Value, json};

const NOW: i64 = 1_800_000_000;
const AUD: &str = "https://verifier.example.cn";
const NONCE: &str = "n-4f1c2a";
const KID: &str = "zj-2026-01";
const CLAIMS: [&str; 8] =
    ["name", "id_number", "birth_date", "address", "licence_no", "valid_until", "nationalities", "photo_sha256"];

struct Fixture {
    rng: SystemRandom,
    issuer: Es256SigningKey,
    holder: Es256SigningKey,
    sd_jwt: String,
}

fn request(holder: &Jwk, disclosable: Map<String, Value>) -> IssueRequest {
    let mut visible = Map::new();
    visible.insert("licence_type".into(), json!("111"));
    IssueRequest {
        iss: "https://zj.gov.example.cn/issuer".into(),
        vct: "urn:onego:licence:resident-id".into(),
        iat: NOW - 3600,
        nbf: Some(NOW - 3600),
        exp: Some(NOW + 365 * 86_400),
        holder_key: holder.clone(),
        status: Some(StatusRef { idx: 42, uri: "https://status.example.cn/lists/1".into() }),
        visible,
        disclosable,
        decoys: 5,
    }
}

fn claim_values() -> Map<String, Value> {
    let values = [
        json!("张三"),
        json!("11010519491231002X"),
        json!("1949-12-31"),
        json!({"province": "浙江省", "city": "杭州市", "street": "文三路 1 号"}),
        json!("330100-2026-000001"),
        json!(1_900_000_000),
        json!(["CN"]),
        json!(null),
    ];
    CLAIMS.iter().map(|c| c.to_string()).zip(values).collect()
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let rng = SystemRandom::new();
    let (issuer, _) = Es256SigningKey::generate(&rng).unwrap();
    let (holder, _) = Es256SigningKey::generate(&rng).unwrap();
    let sd_jwt = issue(&request(holder.public_jwk(), claim_values()), &issuer, KID, &rng).unwrap();
    Fixture { rng, issuer, holder, sd_jwt }
});

fn presentation(disclose: &[&str], aud: &str, nonce: &str, iat: i64) -> String {
    let f = &*FIXTURE;
    let signer = SoftwareHolderSigner::new(&f.holder, &f.rng);
    present(&f.sd_jwt, disclose, &KbRequest { aud, nonce, iat }, &signer).unwrap()
}

fn options() -> VerifyOptions<'static> {
    let mut options = VerifyOptions::sd_jwt_vc(NOW).with_key_binding(AUD, NONCE);
    options.require_exp = true;
    options
}

fn check(text: &str, options: &VerifyOptions<'_>) -> Result<VerifiedSdJwt, SdJwtError> {
    verify(text, FIXTURE.issuer.public_jwk(), options)
}

fn rejected(text: &str, options: &VerifyOptions<'_>) -> &'static str {
    match check(text, options) {
        Ok(v) => panic!("accepted: {:?}", v.disclosed),
        Err(e) => e.reason_code(),
    }
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

fn unb64_json(text: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).unwrap()).unwrap()
}

fn sha256_b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()))
}

/// Signs an arbitrary KB-JWT with `key` over `prefix` (the SD-JWT up to its last `~`).
fn custom_kb(prefix: &str, header: Value, claims: Value, key: &Es256SigningKey) -> String {
    let Value::Object(mut header) = header else { panic!("object") };
    let alg = header.remove("alg");
    let jws = sign_compact_es256(&header, &serde_json::to_vec(&claims).unwrap(), key, &FIXTURE.rng).unwrap();
    match alg {
        // Replace the header segment (signature then no longer matters: the alg check comes first).
        Some(alg) => {
            header.insert("alg".into(), alg);
            let rest = jws.split_once('.').unwrap().1;
            format!("{prefix}{}.{rest}", b64_json(&Value::Object(header)))
        }
        None => format!("{prefix}{jws}"),
    }
}

fn kb_claims(prefix: &str) -> Value {
    json!({"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sha256_b64(prefix)})
}

fn prefix_of(text: &str) -> &str {
    SdJwtParts::parse(text).unwrap().sd_hash_input
}

#[test]
fn issue_present_verify_discloses_only_the_chosen_claims() {
    let text = presentation(&["birth_date", "address"], AUD, NONCE, NOW);
    let v = check(&text, &options()).unwrap();
    assert_eq!(v.issuer(), Some("https://zj.gov.example.cn/issuer"));
    assert_eq!(v.vct(), Some("urn:onego:licence:resident-id"));
    assert_eq!(v.kid(), Some(KID));
    assert_eq!(v.key_binding, KeyBindingStatus::Verified { iat: NOW });
    assert_eq!(
        v.disclosed.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from(["address", "birth_date"])
    );
    let payload = v.payload.as_object().unwrap();
    assert_eq!(payload["address"]["city"], "杭州市");
    assert_eq!(payload["birth_date"], "1949-12-31");
    assert_eq!(payload["status"], json!({"status_list": {"idx": 42, "uri": "https://status.example.cn/lists/1"}}));
    assert_eq!(payload["cnf"]["jwk"], FIXTURE.holder.public_jwk().to_json());
    assert_eq!(payload["licence_type"], "111");
    for hidden in ["name", "id_number", "_sd", "_sd_alg"] {
        assert!(!payload.contains_key(hidden), "{hidden} leaked");
    }
    // The issued form: header, sorted `_sd` with decoys, every claim disclosable.
    let parts = SdJwtParts::parse(&FIXTURE.sd_jwt).unwrap();
    assert_eq!(parts.disclosures.len(), CLAIMS.len());
    let mut jwt = parts.issuer_jwt.split('.');
    assert_eq!(unb64_json(jwt.next().unwrap()), json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": KID}));
    let issued = unb64_json(jwt.next().unwrap());
    let sd: Vec<&str> = issued["_sd"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(sd.len(), CLAIMS.len() + 5);
    assert!(sd.is_sorted());
    assert_eq!(issued["_sd_alg"], "sha-256");
    // Without key binding required, the issued SD-JWT itself verifies and discloses everything.
    let all = check(&FIXTURE.sd_jwt, &VerifyOptions::sd_jwt_vc(NOW)).unwrap();
    assert_eq!(all.payload.as_object().unwrap().len(), 8 + CLAIMS.len());
    assert_eq!(all.key_binding, KeyBindingStatus::Absent);
}

#[test]
fn tampered_issuer_jwt_is_rejected() {
    let text = presentation(&["name"], AUD, NONCE, NOW);
    let (jwt, rest) = text.split_once('~').unwrap();
    let segments: Vec<&str> = jwt.split('.').collect();
    // A changed payload claim, signature kept.
    let mut payload = unb64_json(segments[1]);
    payload["iss"] = json!("https://evil.example");
    let forged = format!("{}.{}.{}~{rest}", segments[0], b64_json(&payload), segments[2]);
    assert_eq!(rejected(&forged, &options()), "issuer_signature");
    // One signature character changed (in the middle, so the base64 stays canonical).
    let mut sig = segments[2].to_owned().into_bytes();
    sig[40] = if sig[40] == b'A' { b'B' } else { b'A' };
    let forged = format!("{}.{}.{}~{rest}", segments[0], segments[1], String::from_utf8(sig).unwrap());
    assert_eq!(rejected(&forged, &options()), "issuer_signature");
    // alg none with an empty signature, and a wrong typ (signature irrelevant: checked first).
    let none = b64_json(&json!({"alg": "none", "typ": "dc+sd-jwt"}));
    assert_eq!(rejected(&format!("{none}.{}.~{rest}", segments[1]), &options()), "alg_none");
    let hs = b64_json(&json!({"alg": "HS256", "typ": "dc+sd-jwt"}));
    assert_eq!(rejected(&format!("{hs}.{}.{}~{rest}", segments[1], segments[2]), &options()), "unsupported_alg");
    let jwt_typ = b64_json(&json!({"alg": "ES256", "typ": "jwt"}));
    assert_eq!(rejected(&format!("{jwt_typ}.{}.{}~{rest}", segments[1], segments[2]), &options()), "issuer_typ");
    // A verifier that trusts another key.
    let (other, _) = Es256SigningKey::generate(&FIXTURE.rng).unwrap();
    assert_eq!(verify(&text, other.public_jwk(), &options()).unwrap_err().reason_code(), "issuer_signature");
    // A resolver that refuses the issuer.
    let refuse = |_: &onego_protocol::sdjwt::Header, _: &Map<String, Value>| -> Result<Jwk, SdJwtError> {
        Err(SdJwtError::IssuerKey("issuer not on the trust list".into()))
    };
    assert_eq!(verify(&text, &refuse, &options()).unwrap_err().reason_code(), "issuer_key");
}

#[test]
fn tampered_or_extra_disclosures_are_rejected() {
    let text = presentation(&["name", "birth_date"], AUD, NONCE, NOW);
    let parts = SdJwtParts::parse(&text).unwrap();
    let kb = parts.kb_jwt.unwrap();
    let rebuild = |disclosures: &[&str]| format!("{}~{}~{kb}", parts.issuer_jwt, disclosures.join("~"));
    // Altered value with the same salt: its digest is nowhere in the payload.
    let mut altered = unb64_json(parts.disclosures[0]);
    altered[2] = json!("李四");
    let altered = b64_json(&altered);
    assert_eq!(rejected(&rebuild(&[&altered, parts.disclosures[1]]), &options()), "unreferenced_disclosure");
    // An extra disclosure the issuer never made.
    let extra = b64_json(&json!(["c2FsdHNhbHRzYWx0", "is_over_18", true]));
    assert_eq!(
        rejected(&rebuild(&[parts.disclosures[0], parts.disclosures[1], &extra]), &options()),
        "unreferenced_disclosure"
    );
    // The same disclosure twice.
    assert_eq!(rejected(&rebuild(&[parts.disclosures[0], parts.disclosures[0]]), &options()), "duplicate_disclosure");
    // Not base64url JSON at all.
    assert_eq!(rejected(&rebuild(&["%%%"]), &options()), "disclosure_format");
    // An issued disclosure the holder did not present, added afterwards: the KB-JWT's sd_hash no longer matches.
    let issued = SdJwtParts::parse(&FIXTURE.sd_jwt).unwrap();
    let hidden = issued.disclosures.iter().find(|d| !parts.disclosures.contains(d)).unwrap();
    assert_eq!(rejected(&rebuild(&[parts.disclosures[0], parts.disclosures[1], hidden]), &options()), "kb_sd_hash");
    // ... and one removed.
    assert_eq!(rejected(&rebuild(&[parts.disclosures[0]]), &options()), "kb_sd_hash");
}

#[test]
fn key_binding_failures_are_rejected_with_their_reason() {
    let f = &*FIXTURE;
    let text = presentation(&["name"], AUD, NONCE, NOW);
    let prefix = prefix_of(&text);
    // Verifier expectations.
    assert_eq!(
        rejected(&text, &VerifyOptions::sd_jwt_vc(NOW).with_key_binding("https://other.example", NONCE)),
        "kb_audience"
    );
    assert_eq!(rejected(&text, &VerifyOptions::sd_jwt_vc(NOW).with_key_binding(AUD, "other-nonce")), "kb_nonce");
    // Freshness: the default window is 300 s with 60 s leeway.
    assert_eq!(rejected(&presentation(&["name"], AUD, NONCE, NOW - 1000), &options()), "kb_stale");
    assert_eq!(rejected(&presentation(&["name"], AUD, NONCE, NOW + 1000), &options()), "kb_future");
    assert!(check(&presentation(&["name"], AUD, NONCE, NOW - 330), &options()).is_ok());
    // Missing when required.
    assert_eq!(rejected(prefix, &options()), "kb_missing");
    // Changed KB-JWT claims with the holder's signature kept.
    let kb = SdJwtParts::parse(&text).unwrap().kb_jwt.unwrap();
    let segments: Vec<&str> = kb.split('.').collect();
    for (claim, value) in [("aud", json!("https://other.example")), ("nonce", json!("x")), ("iat", json!(NOW - 1))] {
        let mut claims = unb64_json(segments[1]);
        claims[claim] = value;
        let forged = format!("{prefix}{}.{}.{}", segments[0], b64_json(&claims), segments[2]);
        assert_eq!(rejected(&forged, &options()), "kb_signature", "{claim}");
    }
    // Re-signed by the holder with a wrong sd_hash, a wrong typ, or signed by another key.
    let mut claims = kb_claims(prefix);
    claims["sd_hash"] = json!(sha256_b64("something else"));
    let header = json!({"typ": "kb+jwt"});
    assert_eq!(rejected(&custom_kb(prefix, header.clone(), claims, &f.holder), &options()), "kb_sd_hash");
    assert!(check(&custom_kb(prefix, header.clone(), kb_claims(prefix), &f.holder), &options()).is_ok());
    assert_eq!(rejected(&custom_kb(prefix, json!({"typ": "jwt"}), kb_claims(prefix), &f.holder), &options()), "kb_typ");
    assert_eq!(rejected(&custom_kb(prefix, header.clone(), kb_claims(prefix), &f.issuer), &options()), "kb_signature");
    let none = json!({"typ": "kb+jwt", "alg": "none"});
    assert_eq!(rejected(&custom_kb(prefix, none, kb_claims(prefix), &f.holder), &options()), "alg_none");
    let mut no_nonce = kb_claims(prefix);
    no_nonce.as_object_mut().unwrap().remove("nonce");
    assert_eq!(rejected(&custom_kb(prefix, header, no_nonce, &f.holder), &options()), "missing_claim");
}

#[test]
fn validity_times_are_checked_against_the_callers_clock() {
    let text = presentation(&["name"], AUD, NONCE, NOW);
    let at = |now| {
        let mut o = options();
        o.time = TimeCheck::At { now, leeway: Duration::from_secs(60) };
        o.key_binding = onego_protocol::sdjwt::KeyBindingPolicy::NotRequired;
        o
    };
    assert_eq!(rejected(&text, &at(NOW + 366 * 86_400)), "expired");
    assert_eq!(rejected(&text, &at(NOW - 7200)), "not_yet_valid");
    let mut skip = at(0);
    skip.time = TimeCheck::Skip;
    assert!(check(&text, &skip).is_ok());
}

#[test]
fn issuance_and_presentation_refuse_bad_requests() {
    let f = &*FIXTURE;
    let mut disclosable = claim_values();
    disclosable.insert("exp".into(), json!(1));
    let err = issue(&request(f.holder.public_jwk(), disclosable), &f.issuer, KID, &f.rng).unwrap_err();
    assert_eq!(err.reason_code(), "claim_not_allowed");
    let mut req = request(f.holder.public_jwk(), claim_values());
    req.visible.insert("name".into(), json!("x"));
    assert_eq!(issue(&req, &f.issuer, KID, &f.rng).unwrap_err().reason_code(), "claim_not_allowed");
    let signer = SoftwareHolderSigner::new(&f.holder, &f.rng);
    let kb = KbRequest { aud: AUD, nonce: NONCE, iat: NOW };
    let err = present(&f.sd_jwt, &["name", "blood_type"], &kb, &signer).unwrap_err();
    assert_eq!(err, SdJwtError::UnknownClaim { name: "blood_type".into() });
    let text = presentation(&[], AUD, NONCE, NOW);
    assert_eq!(present(&text, &[], &kb, &signer).unwrap_err().reason_code(), "format");
    // No claim values in error messages.
    let mut altered = unb64_json(SdJwtParts::parse(&FIXTURE.sd_jwt).unwrap().disclosures[0]);
    altered[2] = json!("SECRET-VALUE");
    let forged = format!("{}~{}~", SdJwtParts::parse(&text).unwrap().issuer_jwt, b64_json(&altered));
    let err = check(&forged, &VerifyOptions::sd_jwt_vc(NOW)).unwrap_err();
    assert!(!err.to_string().contains("SECRET"), "{err}");
}

/// A holder signer like a platform keystore adapter: the key signs DER, the adapter converts to R‖S.
struct DerSigner(ring::signature::EcdsaKeyPair, Jwk);

impl HolderSigner for DerSigner {
    fn public_jwk(&self) -> Jwk {
        self.1.clone()
    }

    fn sign_es256(&self, signing_input: &[u8]) -> Result<[u8; 64], SdJwtError> {
        let der = self.0.sign(&FIXTURE.rng, signing_input).map_err(|_| SdJwtError::Signing("keystore".into()))?;
        der_to_raw_signature(der.as_ref())
    }
}

#[test]
fn der_signing_holder_keys_work() {
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
    let f = &*FIXTURE;
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &f.rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &f.rng).unwrap();
    let jwk = Jwk::from_uncompressed(pair.public_key().as_ref()).unwrap();
    let signer = DerSigner(pair, jwk.clone());
    let sd_jwt = issue(&request(&signer.public_jwk(), claim_values()), &f.issuer, KID, &f.rng).unwrap();
    let text = present(&sd_jwt, &["name"], &KbRequest { aud: AUD, nonce: NONCE, iat: NOW }, &signer).unwrap();
    let v = check(&text, &options()).unwrap();
    assert!(v.key_binding.is_verified());
    assert_eq!(v.payload["name"], "张三");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any subset of the disclosures verifies and discloses exactly that subset.
    #[test]
    fn random_subsets_disclose_exactly_the_chosen_claims(mask in proptest::collection::vec(any::<bool>(), CLAIMS.len())) {
        let chosen: Vec<&str> = CLAIMS.iter().zip(&mask).filter(|(_, m)| **m).map(|(c, _)| *c).collect();
        let text = presentation(&chosen, AUD, NONCE, NOW);
        let v = check(&text, &options()).unwrap();
        let disclosed: BTreeSet<&str> = v.disclosed.iter().map(String::as_str).collect();
        prop_assert_eq!(&disclosed, &chosen.iter().copied().collect::<BTreeSet<_>>());
        let values = claim_values();
        for claim in CLAIMS {
            let shown = v.payload.get(claim);
            prop_assert_eq!(shown, chosen.contains(&claim).then(|| &values[claim]));
        }
        prop_assert!(v.key_binding.is_verified());
    }

    /// Arbitrary claim names and values survive issuance and full disclosure unchanged.
    #[test]
    fn arbitrary_claims_round_trip(
        claims in proptest::collection::btree_map("[a-z][a-z0-9_]{0,11}", any_json(), 0..6),
        decoys in 0usize..4,
    ) {
        let f = &*FIXTURE;
        let claims: Map<String, Value> =
            claims.into_iter().filter(|(k, _)| !onego_protocol::sdjwt::ALWAYS_VISIBLE.contains(&k.as_str())).collect();
        let mut req = request(f.holder.public_jwk(), claims.clone());
        req.visible.clear();
        req.decoys = decoys;
        let sd_jwt = issue(&req, &f.issuer, KID, &f.rng).unwrap();
        let names: Vec<&str> = claims.keys().map(String::as_str).collect();
        let signer = SoftwareHolderSigner::new(&f.holder, &f.rng);
        let text = present(&sd_jwt, &names, &KbRequest { aud: AUD, nonce: NONCE, iat: NOW }, &signer).unwrap();
        let v = check(&text, &options()).unwrap();
        for (name, value) in &claims {
            prop_assert_eq!(&v.payload[name], value);
        }
        prop_assert_eq!(v.disclosed.len(), claims.len());
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_.]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
