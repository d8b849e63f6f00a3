//! The national trust list (全国互通互认): which issuing authorities may issue which licence types, with
//! their keys, signed as a JWS by the national trust anchor whose public key the app pins.

use crate::sdjwt::SdJwtError;
use crate::sdjwt::jws::{Es256SigningKey, Jwk, sign_compact_es256, verify_compact};
use crate::wire;

/// `typ` of the trust list JWS.
pub const TRUST_LIST_TYP: &str = "trust-list+jwt";

wire! {
/// A JWK Set.
pub struct Jwks {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub keys: Vec<Jwk>,
}
}

wire! {
/// One issuing authority on the trust list.
pub struct TrustedIssuer {
    /// The `iss` of its licences: an HTTPS URL whose `/.well-known/jwt-vc-issuer` metadata holds the same keys.
    pub id: String,
    pub name: String,
    /// Province-level region code (GB/T 2260), `100000` for national authorities.
    pub region: String,
    /// 浙江, 江苏, 上海, 全国 …
    pub province: String,
    /// The authority's unified social credit code.
    pub credit_code: String,
    /// `vct`s it may issue.
    pub licence_types: Vec<String>,
    pub jwks: Jwks,
    /// Where its token status lists are served, so verifiers can fetch them before going offline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_lists: Vec<String>,
    pub valid_from: i64,
    pub valid_until: i64,
}
}

wire! {
/// The trust list's payload.
pub struct TrustList {
    pub iss: String,
    pub iat: i64,
    /// After this the list must be refreshed; an app keeps using an expired list offline but says so.
    pub exp: i64,
    /// Increases with every publication, so an older list cannot replace a newer one.
    pub sequence: i64,
    pub issuers: Vec<TrustedIssuer>,
}
}

/// Why an issuer or its key is not trusted, naming both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("the trust list's signature does not verify with the pinned national anchor key: {0}")]
    Anchor(SdJwtError),
    #[error("the trust list is malformed: {0}")]
    Malformed(String),
    #[error("issuer {issuer} is not on the trust list")]
    UnknownIssuer { issuer: String },
    #[error("issuer {issuer} ({name}) may not issue {vct}")]
    NotAuthorised { issuer: String, name: String, vct: String },
    #[error("issuer {issuer} ({name}) has no key {kid}")]
    UnknownKey { issuer: String, name: String, kid: String },
    #[error("issuer {issuer} ({name}) is trusted only between {from} and {until}")]
    OutsideValidity { issuer: String, name: String, from: i64, until: i64 },
}

impl TrustList {
    /// Signs the list with the anchor key.
    pub fn sign(&self, anchor: &Es256SigningKey, rng: &dyn ring::rand::SecureRandom) -> Result<String, SdJwtError> {
        let mut header = serde_json::Map::new();
        header.insert("typ".into(), TRUST_LIST_TYP.into());
        header.insert("kid".into(), anchor.public_jwk().thumbprint().into());
        let payload =
            serde_json::to_vec(self).map_err(|_| SdJwtError::Signing("trust list is not serialisable".into()))?;
        sign_compact_es256(&header, &payload, anchor, rng)
    }

    /// Verifies a signed list against the pinned anchor key.
    pub fn verify(jws: &str, anchor: &Jwk) -> Result<Self, TrustError> {
        let verified = verify_compact(jws, anchor).map_err(TrustError::Anchor)?;
        if verified.header.typ() != Some(TRUST_LIST_TYP) {
            return Err(TrustError::Malformed(format!("typ must be {TRUST_LIST_TYP}")));
        }
        serde_json::from_slice(&verified.payload).map_err(|e| TrustError::Malformed(e.to_string()))
    }

    /// The key that may have signed a licence of type `vct` from `issuer` with key `kid`, at time `now`.
    pub fn key_for(&self, issuer: &str, vct: &str, kid: Option<&str>, now: i64) -> Result<&Jwk, TrustError> {
        let entry = self
            .issuers
            .iter()
            .find(|i| i.id == issuer)
            .ok_or_else(|| TrustError::UnknownIssuer { issuer: issuer.into() })?;
        let named = |e: &TrustedIssuer| (e.id.clone(), e.name.clone());
        if now < entry.valid_from || now > entry.valid_until {
            let (issuer, name) = named(entry);
            return Err(TrustError::OutsideValidity { issuer, name, from: entry.valid_from, until: entry.valid_until });
        }
        if !entry.licence_types.iter().any(|t| t == vct) {
            let (issuer, name) = named(entry);
            return Err(TrustError::NotAuthorised { issuer, name, vct: vct.into() });
        }
        let key = match kid {
            Some(kid) => entry.jwks.keys.iter().find(|k| k.thumbprint() == kid),
            None if entry.jwks.keys.len() == 1 => entry.jwks.keys.first(),
            None => None,
        };
        key.ok_or_else(|| {
            let (issuer, name) = named(entry);
            TrustError::UnknownKey { issuer, name, kid: kid.unwrap_or("(none)").into() }
        })
    }

    #[must_use]
    pub fn issuer(&self, id: &str) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|i| i.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    fn list(key: &Jwk) -> TrustList {
        TrustList {
            iss: "cn-trust-anchor".into(),
            iat: 100,
            exp: 10_000,
            sequence: 1,
            issuers: vec![TrustedIssuer {
                id: "https://js.example/issuers/gat".into(),
                name: "江苏省公安厅".into(),
                region: "320000".into(),
                province: "江苏".into(),
                credit_code: "11320000014000113F".into(),
                licence_types: vec!["urn:cn:licence:resident-id".into()],
                jwks: Jwks { keys: vec![key.clone()] },
                status_lists: vec![],
                valid_from: 0,
                valid_until: 5_000,
            }],
        }
    }

    #[test]
    fn signed_list_verifies_and_names_failures() {
        let rng = SystemRandom::new();
        let (anchor, _) = Es256SigningKey::generate(&rng).expect("anchor");
        let (issuer, _) = Es256SigningKey::generate(&rng).expect("issuer");
        let jws = list(issuer.public_jwk()).sign(&anchor, &rng).expect("sign");
        let tl = TrustList::verify(&jws, anchor.public_jwk()).expect("verify");
        let kid = issuer.public_jwk().thumbprint();
        let iss = "https://js.example/issuers/gat";
        assert!(tl.key_for(iss, "urn:cn:licence:resident-id", Some(&kid), 200).is_ok());
        let err = tl.key_for(iss, "urn:cn:licence:business", Some(&kid), 200).expect_err("type");
        assert!(err.to_string().contains("江苏省公安厅") && err.to_string().contains("urn:cn:licence:business"));
        let err = tl.key_for(iss, "urn:cn:licence:resident-id", Some("other"), 200).expect_err("key");
        assert!(matches!(err, TrustError::UnknownKey { .. }) && err.to_string().contains("other"));
        assert!(matches!(
            tl.key_for(iss, "urn:cn:licence:resident-id", None, 6_000),
            Err(TrustError::OutsideValidity { .. })
        ));
        assert!(matches!(tl.key_for("https://x", "v", None, 1), Err(TrustError::UnknownIssuer { .. })));
        let (other, _) = Es256SigningKey::generate(&rng).expect("other");
        assert!(matches!(TrustList::verify(&jws, other.public_jwk()), Err(TrustError::Anchor(_))));
    }
}
