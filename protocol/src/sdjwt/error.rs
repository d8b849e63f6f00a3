//! The one error type of the SD-JWT module.

use std::fmt;

/// Which of the two JWTs of a presentation an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jwt {
    /// The Issuer-signed JWT (RFC 9901 §4.1).
    Issuer,
    /// The Key Binding JWT (RFC 9901 §4.3).
    KeyBinding,
}

impl fmt::Display for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Issuer => "issuer jwt",
            Self::KeyBinding => "key binding jwt",
        })
    }
}

/// Which base64url segment of a compact JWS an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Header,
    Payload,
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why an SD-JWT could not be issued, presented or verified.
///
/// Messages are lowercase English fragments. They may name claims, positions, algorithms, media types and
/// times, but never carry claim values (which are personal data). [`SdJwtError::reason_code`] gives a stable
/// snake_case tag per variant for machines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdJwtError {
    // ---- structure (RFC 9901 §4, §7.1 step 1) ----
    /// The `~`-separated structure is wrong (no `~`, an empty disclosure, …).
    #[error("malformed sd-jwt: {0}")]
    Format(&'static str),
    /// A JWT is not a three-part compact JWS.
    #[error("{jwt} is not a compact jws: {reason}")]
    JwsFormat { jwt: Jwt, reason: &'static str },
    /// A JWS segment is not unpadded base64url.
    #[error("{jwt} {segment} is not valid unpadded base64url")]
    Base64 { jwt: Jwt, segment: Segment },
    /// A JWS header or payload is not a JSON object.
    #[error("{jwt} {segment} is not a json object")]
    Json { jwt: Jwt, segment: Segment },

    // ---- JOSE header (RFC 9901 §7.1 step 2.1, §7.3 step 5.2; RFC 8725) ----
    /// `alg: none`, which is never accepted.
    #[error("{jwt} uses alg none, which is never accepted")]
    AlgNone { jwt: Jwt },
    /// Any `alg` other than ES256.
    #[error("{jwt} uses unsupported alg {}; only es256 is accepted", shown(.alg.as_deref()))]
    UnsupportedAlg { jwt: Jwt, alg: Option<String> },
    /// A `crit` header parameter: no JWS extension is understood here.
    #[error("{jwt} header lists critical extensions, none of which are supported")]
    CriticalHeader { jwt: Jwt },
    /// The Issuer-signed JWT's `typ` is not what the verifier's policy requires.
    #[error("issuer jwt typ is {}, expected {expected}", shown(.found.as_deref()))]
    IssuerTyp { expected: &'static str, found: Option<String> },

    // ---- keys and signatures (RFC 9901 §7.1 steps 2.2–2.3) ----
    /// The caller's resolver found no acceptable key for this issuer.
    #[error("issuer key not resolved: {0}")]
    IssuerKey(String),
    /// A JWK is not a usable P-256 public (or private) key.
    #[error("invalid p-256 jwk: {0}")]
    Jwk(&'static str),
    /// The Issuer-signed JWT's signature does not verify with the resolved key.
    #[error("issuer signature is invalid")]
    IssuerSignature,
    /// A raw ES256 signature does not verify (wrong length, out of range, or not made by the key).
    #[error("es256 signature is invalid")]
    Signature,

    // ---- disclosures (RFC 9901 §7.1 steps 2.4, 3–5) ----
    /// `_sd_alg` names a hash algorithm other than `sha-256` (or is not a string).
    #[error("unsupported _sd_alg {}; only sha-256 is accepted", shown(.0.as_deref()))]
    SdAlg(Option<String>),
    /// The payload breaks the SD-JWT data format (`_sd` not an array of strings, a bad `{"...": digest}`, too deep).
    #[error("payload is malformed: {0}")]
    PayloadStructure(&'static str),
    /// A disclosure is not base64url of a JSON array of 2 or 3 elements with a string salt (and name).
    #[error("disclosure {index} is malformed: {reason}")]
    DisclosureFormat { index: usize, reason: &'static str },
    /// The same disclosure string appears more than once in the presentation.
    #[error("disclosure {index} is a duplicate of an earlier one")]
    DuplicateDisclosure { index: usize },
    /// A digest appears more than once in the payload (directly or through disclosures).
    #[error("a digest appears more than once in the payload")]
    DuplicateDigest,
    /// A disclosure whose digest is nowhere in the payload (this also catches altered disclosures).
    #[error("disclosure {index} is not referenced by any digest in the payload")]
    UnreferencedDisclosure { index: usize },
    /// A 2-element disclosure referenced from `_sd`, or a 3-element one referenced from an array element.
    #[error("disclosure {index} has the wrong shape for where it is referenced: expected {expected}")]
    DisclosureShape { index: usize, expected: &'static str },
    /// A disclosure for the claim name `_sd` or `...`.
    #[error("disclosure {index} uses the reserved claim name {name:?}")]
    ReservedClaimName { index: usize, name: &'static str },
    /// A disclosed claim whose name already exists in the object it is inserted into.
    #[error("disclosed claim {name:?} already exists in its object")]
    ClaimExists { name: String },

    // ---- claims and validity (RFC 9901 §7.1 step 6; draft-ietf-oauth-sd-jwt-vc §3.2.2) ----
    /// A claim the format or the verifier's policy requires is absent.
    #[error("{jwt} claim {claim} is missing")]
    MissingClaim { jwt: Jwt, claim: &'static str },
    /// A claim has the wrong type or form.
    #[error("{jwt} claim {claim} is invalid: {reason}")]
    InvalidClaim { jwt: Jwt, claim: &'static str, reason: &'static str },
    /// `exp` has passed (beyond the leeway).
    #[error("credential expired at {exp} (now {now})")]
    Expired { exp: i64, now: i64 },
    /// `nbf` is still in the future (beyond the leeway).
    #[error("credential is not valid before {nbf} (now {now})")]
    NotYetValid { nbf: i64, now: i64 },
    /// `iat` is in the future (beyond the leeway).
    #[error("credential issued in the future at {iat} (now {now})")]
    IssuedInFuture { iat: i64, now: i64 },

    // ---- key binding (RFC 9901 §7.3) ----
    /// Key binding is required but the presentation ends in `~` without a KB-JWT.
    #[error("key binding is required but the presentation has no key binding jwt")]
    KeyBindingMissing,
    /// Key binding is required but the credential has no `cnf.jwk` to check it against.
    #[error("key binding is required but the credential has no holder key (cnf.jwk)")]
    HolderKeyMissing,
    /// The KB-JWT `typ` is not `kb+jwt`.
    #[error("key binding jwt typ is {}, expected kb+jwt", shown(.found.as_deref()))]
    KbTyp { found: Option<String> },
    /// The KB-JWT signature does not verify with `cnf.jwk`.
    #[error("key binding jwt signature does not verify with the holder key")]
    KbSignature,
    /// The KB-JWT `aud` is not the expected verifier.
    #[error("key binding jwt audience does not match the verifier")]
    KbAudience,
    /// The KB-JWT `nonce` is not the expected one.
    #[error("key binding jwt nonce does not match")]
    KbNonce,
    /// The KB-JWT `iat` is older than the freshness window.
    #[error("key binding jwt is stale: issued at {iat}, now {now}, max age {max_age_secs} s")]
    KbStale { iat: i64, now: i64, max_age_secs: u64 },
    /// The KB-JWT `iat` is in the future (beyond the leeway).
    #[error("key binding jwt issued in the future at {iat} (now {now})")]
    KbFuture { iat: i64, now: i64 },
    /// The KB-JWT `sd_hash` is not the hash of the presented SD-JWT.
    #[error("key binding jwt sd_hash does not match the presented sd-jwt")]
    KbSdHash,

    // ---- issuance and presentation ----
    /// The random number generator failed.
    #[error("random number generator failed")]
    Rng,
    /// Signing failed (a software key error, or the hardware signer's own message).
    #[error("signing failed: {0}")]
    Signing(String),
    /// A claim that must stay visible (or is reserved) was asked to be selectively disclosable or duplicated.
    #[error("claim {name:?} cannot be issued as asked: {reason}")]
    ClaimNotAllowed { name: String, reason: &'static str },
    /// The holder asked to disclose a claim that has no disclosure in the credential.
    #[error("claim {name:?} has no disclosure in this credential")]
    UnknownClaim { name: String },
}

/// A header value for a message: quoted, or `absent`.
fn shown(value: Option<&str>) -> String {
    value.map_or_else(|| "absent".to_owned(), |v| format!("{v:?}"))
}

impl SdJwtError {
    /// A stable snake_case tag for the kind of error, one per variant.
    #[must_use]
    pub fn reason_code(&self) -> &'static str {
        match self {
            Self::Format(_) => "format",
            Self::JwsFormat { .. } => "jws_format",
            Self::Base64 { .. } => "base64",
            Self::Json { .. } => "json",
            Self::AlgNone { .. } => "alg_none",
            Self::UnsupportedAlg { .. } => "unsupported_alg",
            Self::CriticalHeader { .. } => "critical_header",
            Self::IssuerTyp { .. } => "issuer_typ",
            Self::IssuerKey(_) => "issuer_key",
            Self::Jwk(_) => "jwk",
            Self::IssuerSignature => "issuer_signature",
            Self::Signature => "signature",
            Self::SdAlg(_) => "sd_alg",
            Self::PayloadStructure(_) => "payload_structure",
            Self::DisclosureFormat { .. } => "disclosure_format",
            Self::DuplicateDisclosure { .. } => "duplicate_disclosure",
            Self::DuplicateDigest => "duplicate_digest",
            Self::UnreferencedDisclosure { .. } => "unreferenced_disclosure",
            Self::DisclosureShape { .. } => "disclosure_shape",
            Self::ReservedClaimName { .. } => "reserved_claim_name",
            Self::ClaimExists { .. } => "claim_exists",
            Self::MissingClaim { .. } => "missing_claim",
            Self::InvalidClaim { .. } => "invalid_claim",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::IssuedInFuture { .. } => "issued_in_future",
            Self::KeyBindingMissing => "kb_missing",
            Self::HolderKeyMissing => "holder_key_missing",
            Self::KbTyp { .. } => "kb_typ",
            Self::KbSignature => "kb_signature",
            Self::KbAudience => "kb_audience",
            Self::KbNonce => "kb_nonce",
            Self::KbStale { .. } => "kb_stale",
            Self::KbFuture { .. } => "kb_future",
            Self::KbSdHash => "kb_sd_hash",
            Self::Rng => "rng",
            Self::Signing(_) => "signing",
            Self::ClaimNotAllowed { .. } => "claim_not_allowed",
            Self::UnknownClaim { .. } => "unknown_claim",
        }
    }
}
