//! Issuance of an SD-JWT VC (RFC 9901 §4, §5.1; draft-ietf-oauth-sd-jwt-vc §3.2).

use ring::rand::SecureRandom;
use serde_json::{Map, Value};

use super::SdJwtError;
use super::disclosure::{decoy_digest, encode_property, new_salt};
use super::jws::{Alg, Es256SigningKey, Jwk, sign_compact};
use super::verify::TYP_DC_SD_JWT;

/// The Token Status List reference of a credential (`status.status_list`, draft-ietf-oauth-status-list §6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRef {
    /// The credential's index in the list.
    pub idx: u64,
    /// Where the status list token is served.
    pub uri: String,
}

/// Claims that are always visible: SD-JWT VC forbids disclosing them selectively, or this module sets them.
pub const ALWAYS_VISIBLE: [&str; 9] = ["iss", "vct", "iat", "nbf", "exp", "cnf", "status", "_sd", "_sd_alg"];

/// What to issue.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueRequest {
    /// `iss`: the issuer identifier.
    pub iss: String,
    /// `vct`: the credential type.
    pub vct: String,
    /// `iat`, Unix seconds.
    pub iat: i64,
    /// `nbf`, Unix seconds.
    pub nbf: Option<i64>,
    /// `exp`, Unix seconds.
    pub exp: Option<i64>,
    /// `cnf.jwk`: the holder's key, which must sign the KB-JWT of every presentation.
    pub holder_key: Jwk,
    /// `status`.
    pub status: Option<StatusRef>,
    /// Further always-visible top-level claims.
    pub visible: Map<String, Value>,
    /// Selectively disclosable top-level claims: each becomes one disclosure, in this order.
    pub disclosable: Map<String, Value>,
    /// How many decoy digests to add to `_sd` (RFC 9901 §4.2.5).
    pub decoys: usize,
}

fn not_allowed(name: &str, reason: &'static str) -> SdJwtError {
    SdJwtError::ClaimNotAllowed { name: name.to_owned(), reason }
}

/// Issues an SD-JWT VC: header `{"alg":"ES256","typ":"dc+sd-jwt","kid":kid}`, the request's claims with
/// `_sd_alg: sha-256` and a sorted `_sd` of the disclosures' digests and the decoys; returns the compact form
/// `<jwt>~<d1>~…~<dn>~`.
///
/// Salts are 128 random bits from `rng`; the signature uses `rng` too.
pub fn issue(
    request: &IssueRequest,
    key: &Es256SigningKey,
    kid: &str,
    rng: &dyn SecureRandom,
) -> Result<String, SdJwtError> {
    for name in request.visible.keys() {
        if ALWAYS_VISIBLE.contains(&name.as_str()) {
            return Err(not_allowed(name, "it is set by the issuance request's own fields"));
        }
        if name == "..." {
            return Err(not_allowed(name, "the name is reserved"));
        }
    }
    let mut disclosures = Vec::with_capacity(request.disclosable.len());
    let mut sd = Vec::with_capacity(request.disclosable.len() + request.decoys);
    for (name, value) in &request.disclosable {
        if ALWAYS_VISIBLE.contains(&name.as_str()) || name == "..." {
            return Err(not_allowed(name, "it must stay visible or is reserved"));
        }
        if request.visible.contains_key(name) {
            return Err(not_allowed(name, "it is also an always-visible claim"));
        }
        let salt = new_salt(rng)?;
        let (disclosure, digest) = encode_property(&salt, name, value)?;
        disclosures.push(disclosure);
        sd.push(Value::String(digest));
    }
    for _ in 0..request.decoys {
        sd.push(Value::String(decoy_digest(rng)?));
    }
    // RFC 9901 §4.2.4.1: sorting hides the original order of the claims.
    sd.sort_unstable_by(|a, b| a.as_str().cmp(&b.as_str()));

    let mut payload = request.visible.clone();
    payload.insert("iss".into(), Value::from(request.iss.as_str()));
    payload.insert("vct".into(), Value::from(request.vct.as_str()));
    payload.insert("iat".into(), Value::from(request.iat));
    if let Some(nbf) = request.nbf {
        payload.insert("nbf".into(), Value::from(nbf));
    }
    if let Some(exp) = request.exp {
        payload.insert("exp".into(), Value::from(exp));
    }
    let mut cnf = Map::new();
    cnf.insert("jwk".into(), request.holder_key.to_json());
    payload.insert("cnf".into(), Value::Object(cnf));
    if let Some(status) = &request.status {
        payload.insert("status".into(), serde_json::json!({ "status_list": { "idx": status.idx, "uri": status.uri } }));
    }
    payload.insert("_sd_alg".into(), Value::from("sha-256"));
    payload.insert("_sd".into(), Value::Array(sd));

    let header = serde_json::json!({ "alg": Alg::Es256.as_str(), "typ": TYP_DC_SD_JWT, "kid": kid });
    let header_json = serde_json::to_vec(&header).map_err(|_| SdJwtError::Signing("header".into()))?;
    let payload_json = serde_json::to_vec(&payload).map_err(|_| SdJwtError::Signing("payload".into()))?;
    let jwt = sign_compact(&header_json, &payload_json, |input| key.sign(input, rng))?;

    let mut out = String::with_capacity(jwt.len() + 1 + disclosures.iter().map(|d| d.len() + 1).sum::<usize>());
    out.push_str(&jwt);
    out.push('~');
    for disclosure in &disclosures {
        out.push_str(disclosure);
        out.push('~');
    }
    Ok(out)
}
