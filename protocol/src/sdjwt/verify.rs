//! Verification of an SD-JWT or SD-JWT+KB by a verifier (RFC 9901 §7.1 and §7.3).

use std::time::Duration;

use serde_json::{Map, Value};

use super::error::Jwt;
use super::jws::{CompactParts, Header, Jwk, sha256_b64};
use super::{SdJwtError, SdJwtParts, process, short};

/// Default clock skew tolerated on `exp`, `nbf`, `iat` and the KB-JWT `iat`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// Default maximum age of a KB-JWT.
pub const DEFAULT_KB_MAX_AGE: Duration = Duration::from_secs(300);

/// The `typ` of the SD-JWT VC issuer JWT (draft-ietf-oauth-sd-jwt-vc §3.2.1).
pub const TYP_DC_SD_JWT: &str = "dc+sd-jwt";
/// The `typ` earlier SD-JWT VC drafts used.
pub const TYP_VC_SD_JWT_LEGACY: &str = "vc+sd-jwt";
/// The `typ` of a KB-JWT (RFC 9901 §4.3).
pub const TYP_KB_JWT: &str = "kb+jwt";

/// Which Issuer-signed JWT `typ` is accepted, and whether SD-JWT VC claims are required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypPolicy {
    /// SD-JWT VC: `typ` must be `dc+sd-jwt` and `vct` a string.
    SdJwtVc,
    /// SD-JWT VC, also accepting the legacy `vc+sd-jwt`.
    SdJwtVcOrLegacy,
    /// A plain SD-JWT (RFC 9901 alone): no `typ` or `vct` requirement (the RFC's generic examples).
    PlainSdJwt,
}

impl TypPolicy {
    fn check(self, typ: Option<&str>) -> Result<(), SdJwtError> {
        let accepted = match self {
            Self::PlainSdJwt => return Ok(()),
            Self::SdJwtVc => typ.is_some_and(|t| media_type_is(t, TYP_DC_SD_JWT)),
            Self::SdJwtVcOrLegacy => {
                typ.is_some_and(|t| media_type_is(t, TYP_DC_SD_JWT) || media_type_is(t, TYP_VC_SD_JWT_LEGACY))
            }
        };
        if accepted {
            return Ok(());
        }
        let expected = match self {
            Self::SdJwtVcOrLegacy => "dc+sd-jwt or vc+sd-jwt",
            _ => TYP_DC_SD_JWT,
        };
        Err(SdJwtError::IssuerTyp { expected, found: typ.map(short) })
    }
}

/// Compares a JOSE `typ` with a media type: case-insensitive, `application/` optional (RFC 7515 §4.1.9).
fn media_type_is(typ: &str, expected: &str) -> bool {
    let bare = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &typ[12..],
        _ => typ,
    };
    bare.eq_ignore_ascii_case(expected)
}

/// How time-dependent claims are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeCheck {
    /// Check `exp`, `nbf`, `iat` and the KB-JWT `iat` against `now` (Unix seconds), tolerating `leeway`.
    At { now: i64, leeway: Duration },
    /// Skip every time check (for fixed test vectors; never in production).
    Skip,
}

/// What the verifier expects of the KB-JWT when key binding is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KbExpectations<'a> {
    /// The expected `aud` (the KB-JWT must always carry one; it is compared when this is set).
    pub aud: Option<&'a str>,
    /// The expected `nonce` (the KB-JWT must always carry one; it is compared when this is set).
    pub nonce: Option<&'a str>,
    /// How old the KB-JWT `iat` may be.
    pub max_age: Duration,
}

/// Whether key binding is required. Per RFC 9901 §7.3 step 1 this is the verifier's policy, never inferred from
/// whether a KB-JWT happens to be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyBindingPolicy<'a> {
    /// A KB-JWT, if present, is neither checked nor required.
    NotRequired,
    Required(KbExpectations<'a>),
}

/// Verifier options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions<'a> {
    pub typ: TypPolicy,
    pub time: TimeCheck,
    pub key_binding: KeyBindingPolicy<'a>,
    /// Reject a credential without `exp` (RFC 9901 §7.1 step 6 lets the application require it).
    pub require_exp: bool,
}

impl<'a> VerifyOptions<'a> {
    /// SD-JWT VC (`dc+sd-jwt`) at `now` with the default leeway, key binding not required, `exp` optional.
    #[must_use]
    pub fn sd_jwt_vc(now: i64) -> Self {
        Self {
            typ: TypPolicy::SdJwtVc,
            time: TimeCheck::At { now, leeway: DEFAULT_LEEWAY },
            key_binding: KeyBindingPolicy::NotRequired,
            require_exp: false,
        }
    }

    /// Requires key binding for `aud` and `nonce` with the default maximum age.
    #[must_use]
    pub fn with_key_binding(mut self, aud: &'a str, nonce: &'a str) -> Self {
        self.key_binding = KeyBindingPolicy::Required(KbExpectations {
            aud: Some(aud),
            nonce: Some(nonce),
            max_age: DEFAULT_KB_MAX_AGE,
        });
        self
    }
}

/// Finds the public key the Issuer-signed JWT must verify with (RFC 9901 §7.1 step 2.3): a trust list, a pinned
/// key, `.well-known/jwt-vc-issuer` metadata. It sees the header and the **unverified** payload (to read `iss`).
pub trait IssuerKeyResolver {
    fn resolve(&self, header: &Header, claims: &Map<String, Value>) -> Result<Jwk, SdJwtError>;
}

impl<F> IssuerKeyResolver for F
where
    F: Fn(&Header, &Map<String, Value>) -> Result<Jwk, SdJwtError>,
{
    fn resolve(&self, header: &Header, claims: &Map<String, Value>) -> Result<Jwk, SdJwtError> {
        self(header, claims)
    }
}

/// One fixed key, whatever the issuer claims to be.
impl IssuerKeyResolver for Jwk {
    fn resolve(&self, _: &Header, _: &Map<String, Value>) -> Result<Jwk, SdJwtError> {
        Ok(self.clone())
    }
}

/// What happened to key binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyBindingStatus {
    /// A KB-JWT was required and verified; its `iat`.
    Verified { iat: i64 },
    /// A KB-JWT was present but the policy did not require key binding, so it was not checked.
    NotChecked,
    /// No KB-JWT (and none was required).
    Absent,
}

impl KeyBindingStatus {
    #[must_use]
    pub fn is_verified(self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// A verified presentation.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSdJwt {
    /// The Issuer-signed JWT header.
    pub header: Header,
    /// The processed payload (RFC 9901 §7.1): disclosed claims in place, no `_sd`, `_sd_alg` or `{"...": …}`.
    /// Always a JSON object.
    pub payload: Value,
    /// Names of the disclosed object properties, at any depth, in processing order.
    pub disclosed: Vec<String>,
    pub key_binding: KeyBindingStatus,
}

impl VerifiedSdJwt {
    fn str_claim(&self, name: &str) -> Option<&str> {
        self.payload.get(name).and_then(Value::as_str)
    }

    /// `iss`.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.str_claim("iss")
    }

    /// `vct`.
    #[must_use]
    pub fn vct(&self) -> Option<&str> {
        self.str_claim("vct")
    }

    /// The issuer header's `kid`.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.header.kid()
    }
}

/// Verifies `presentation` (`<jwt>~<d1>~…~[<kb-jwt>]`) per RFC 9901 §7.1 and §7.3.
///
/// Order: structure; key binding presence (§7.3 step 2); issuer header `alg`/`crit`/`typ`; key resolution and
/// signature (§7.1 step 2); `_sd_alg`; disclosures (steps 3–5); validity times (step 6); SD-JWT VC `vct`;
/// then the KB-JWT (§7.3 step 5). The first failure is returned.
pub fn verify<R>(presentation: &str, resolver: &R, options: &VerifyOptions<'_>) -> Result<VerifiedSdJwt, SdJwtError>
where
    R: IssuerKeyResolver + ?Sized,
{
    let parts = SdJwtParts::parse(presentation)?;
    if matches!(options.key_binding, KeyBindingPolicy::Required(_)) && parts.kb_jwt.is_none() {
        return Err(SdJwtError::KeyBindingMissing);
    }

    let jws = CompactParts::split(parts.issuer_jwt, Jwt::Issuer)?;
    let header = jws.header(Jwt::Issuer)?;
    options.typ.check(header.typ())?;
    let mut payload = jws.payload(Jwt::Issuer)?;
    let key = resolver.resolve(&header, &payload)?;
    jws.verify(Jwt::Issuer, &key, SdJwtError::IssuerSignature)?;

    match payload.get("_sd_alg") {
        None => {}
        Some(Value::String(alg)) if alg == "sha-256" => {}
        Some(Value::String(alg)) => return Err(SdJwtError::SdAlg(Some(short(alg)))),
        Some(_) => return Err(SdJwtError::SdAlg(None)),
    }

    let disclosed = process::process(&mut payload, &parts.disclosures)?;
    check_validity(&payload, options)?;
    if options.typ != TypPolicy::PlainSdJwt {
        match payload.get("vct") {
            Some(Value::String(_)) => {}
            Some(_) => return Err(invalid(Jwt::Issuer, "vct", "not a string")),
            None => return Err(SdJwtError::MissingClaim { jwt: Jwt::Issuer, claim: "vct" }),
        }
    }

    let key_binding = match (&options.key_binding, parts.kb_jwt) {
        (KeyBindingPolicy::Required(expect), Some(kb)) => {
            verify_kb(kb, parts.sd_hash_input, &payload, expect, options.time)?
        }
        (KeyBindingPolicy::NotRequired, Some(_)) => KeyBindingStatus::NotChecked,
        (_, None) => KeyBindingStatus::Absent,
    };

    Ok(VerifiedSdJwt { header, payload: Value::Object(payload), disclosed, key_binding })
}

fn invalid(jwt: Jwt, claim: &'static str, reason: &'static str) -> SdJwtError {
    SdJwtError::InvalidClaim { jwt, claim, reason }
}

/// A JWT NumericDate (RFC 7519 §2), fractions truncated toward minus infinity.
fn numeric_date(claims: &Map<String, Value>, jwt: Jwt, claim: &'static str) -> Result<Option<i64>, SdJwtError> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f.floor() as i64))
            .map(Some)
            .ok_or(invalid(jwt, claim, "not a numeric date")),
        Some(_) => Err(invalid(jwt, claim, "not a numeric date")),
    }
}

fn leeway_secs(leeway: Duration) -> i64 {
    i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX)
}

/// RFC 9901 §7.1 step 6 on the processed payload.
fn check_validity(payload: &Map<String, Value>, options: &VerifyOptions<'_>) -> Result<(), SdJwtError> {
    let jwt = Jwt::Issuer;
    let exp = numeric_date(payload, jwt, "exp")?;
    let nbf = numeric_date(payload, jwt, "nbf")?;
    let iat = numeric_date(payload, jwt, "iat")?;
    if options.require_exp && exp.is_none() {
        return Err(SdJwtError::MissingClaim { jwt, claim: "exp" });
    }
    let TimeCheck::At { now, leeway } = options.time else { return Ok(()) };
    let leeway = leeway_secs(leeway);
    if let Some(exp) = exp
        && now >= exp.saturating_add(leeway)
    {
        return Err(SdJwtError::Expired { exp, now });
    }
    if let Some(nbf) = nbf
        && now.saturating_add(leeway) < nbf
    {
        return Err(SdJwtError::NotYetValid { nbf, now });
    }
    if let Some(iat) = iat
        && iat > now.saturating_add(leeway)
    {
        return Err(SdJwtError::IssuedInFuture { iat, now });
    }
    Ok(())
}

fn kb_string<'p>(claims: &'p Map<String, Value>, claim: &'static str) -> Result<&'p str, SdJwtError> {
    match claims.get(claim) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(invalid(Jwt::KeyBinding, claim, "not a string")),
        None => Err(SdJwtError::MissingClaim { jwt: Jwt::KeyBinding, claim }),
    }
}

/// RFC 9901 §7.3 step 5.
fn verify_kb(
    kb_jwt: &str,
    sd_hash_input: &str,
    payload: &Map<String, Value>,
    expect: &KbExpectations<'_>,
    time: TimeCheck,
) -> Result<KeyBindingStatus, SdJwtError> {
    let jwt = Jwt::KeyBinding;
    // 5.1: the holder key from the (processed) credential.
    let holder = payload.get("cnf").and_then(|cnf| cnf.get("jwk")).ok_or(SdJwtError::HolderKeyMissing)?;
    let holder = Jwk::from_json(holder)?;
    // 5.2 and 5.4.
    let jws = CompactParts::split(kb_jwt, jwt)?;
    let header = jws.header(jwt)?;
    match header.typ() {
        Some(typ) if media_type_is(typ, TYP_KB_JWT) => {}
        found => return Err(SdJwtError::KbTyp { found: found.map(short) }),
    }
    // 5.3.
    jws.verify(jwt, &holder, SdJwtError::KbSignature)?;
    let claims = jws.payload(jwt)?;
    // 5.5.
    let iat = numeric_date(&claims, jwt, "iat")?.ok_or(SdJwtError::MissingClaim { jwt, claim: "iat" })?;
    if let TimeCheck::At { now, leeway } = time {
        let leeway = leeway_secs(leeway);
        if iat > now.saturating_add(leeway) {
            return Err(SdJwtError::KbFuture { iat, now });
        }
        let max_age = leeway_secs(expect.max_age);
        if now.saturating_sub(iat) > max_age.saturating_add(leeway) {
            return Err(SdJwtError::KbStale { iat, now, max_age_secs: expect.max_age.as_secs() });
        }
    }
    // 5.6: `aud` may be a string or an array of strings (RFC 7519 §4.1.3).
    let aud_ok = match (claims.get("aud"), expect.aud) {
        (None, _) => return Err(SdJwtError::MissingClaim { jwt, claim: "aud" }),
        (Some(Value::String(aud)), expected) => expected.is_none_or(|e| e == aud),
        (Some(Value::Array(auds)), expected) if auds.iter().all(Value::is_string) => {
            expected.is_none_or(|e| auds.iter().any(|a| a.as_str() == Some(e)))
        }
        (Some(_), _) => return Err(invalid(jwt, "aud", "not a string or an array of strings")),
    };
    if !aud_ok {
        return Err(SdJwtError::KbAudience);
    }
    let nonce = kb_string(&claims, "nonce")?;
    if expect.nonce.is_some_and(|e| e != nonce) {
        return Err(SdJwtError::KbNonce);
    }
    // 5.7.
    if kb_string(&claims, "sd_hash")? != sha256_b64(sd_hash_input.as_bytes()) {
        return Err(SdJwtError::KbSdHash);
    }
    Ok(KeyBindingStatus::Verified { iat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typ_matching() {
        assert!(media_type_is("application/DC+SD-JWT", TYP_DC_SD_JWT));
        assert!(media_type_is("dc+sd-jwt", TYP_DC_SD_JWT));
        assert!(!media_type_is("application/vc+sd-jwt", TYP_DC_SD_JWT));
        assert!(TypPolicy::SdJwtVcOrLegacy.check(Some("vc+sd-jwt")).is_ok());
        assert_eq!(TypPolicy::SdJwtVc.check(Some("vc+sd-jwt")).unwrap_err().reason_code(), "issuer_typ");
        assert_eq!(TypPolicy::SdJwtVc.check(None).unwrap_err().reason_code(), "issuer_typ");
        assert!(TypPolicy::PlainSdJwt.check(None).is_ok());
    }

    #[test]
    fn validity_window() {
        let claims: Map<String, Value> = serde_json::from_str(r#"{"iat": 1000, "nbf": 1000, "exp": 2000.5}"#).unwrap();
        let at = |now| VerifyOptions {
            time: TimeCheck::At { now, leeway: Duration::from_secs(10) },
            ..VerifyOptions::sd_jwt_vc(0)
        };
        assert!(check_validity(&claims, &at(1500)).is_ok());
        assert!(check_validity(&claims, &at(991)).is_ok());
        assert_eq!(check_validity(&claims, &at(989)).unwrap_err().reason_code(), "not_yet_valid");
        assert_eq!(check_validity(&claims, &at(2010)).unwrap_err().reason_code(), "expired");
        let no_exp: Map<String, Value> = serde_json::from_str(r#"{"iat": "x"}"#).unwrap();
        assert_eq!(check_validity(&no_exp, &at(0)).unwrap_err().reason_code(), "invalid_claim");
    }
}
