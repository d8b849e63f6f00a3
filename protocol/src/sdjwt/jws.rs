//! ES256 compact JWS (RFC 7515, RFC 7518 §3.4) on ring, and P-256 JWKs (RFC 7517, RFC 7518 §6.2).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SecureRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair as _, UnparsedPublicKey};
use serde_json::{Map, Value};

use super::error::{Jwt, Segment};
use super::{SdJwtError, short};

/// Length of a raw ES256 signature: R‖S, 32 bytes each (RFC 7518 §3.4).
pub const ES256_SIGNATURE_LEN: usize = 64;

pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the base64url form of `bytes` to `out`.
pub(crate) fn b64_encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Strict unpadded base64url (no `=`, no trailing bits).
pub(crate) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// base64url(SHA-256(`input`)): the digest form of RFC 9901 §4.2.3 and §4.3.1.
pub(crate) fn sha256_b64(input: &[u8]) -> String {
    b64_encode(ring::digest::digest(&ring::digest::SHA256, input).as_ref())
}

fn decode_coordinate(value: Option<&Value>, missing: &'static str, bad: &'static str) -> Result<[u8; 32], SdJwtError> {
    let text = value.ok_or(SdJwtError::Jwk(missing))?.as_str().ok_or(SdJwtError::Jwk(bad))?;
    let mut out = [0u8; 32];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
        Ok(32) => Ok(out),
        _ => Err(SdJwtError::Jwk(bad)),
    }
}

/// A P-256 public key as a JWK `{"kty":"EC","crv":"P-256","x":…,"y":…}`.
///
/// Parsing checks the member types and coordinate lengths; whether the point is on the curve is checked by
/// ring when a signature is verified (an off-curve key verifies nothing). Other members (`kid`, `use`, `alg`,
/// even `d`) are ignored on input and never written.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Jwk {
    x: [u8; 32],
    y: [u8; 32],
}

impl std::fmt::Debug for Jwk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Jwk(P-256 x={})", b64_encode(&self.x))
    }
}

impl Jwk {
    /// From the SEC 1 uncompressed point `0x04 ‖ x ‖ y`.
    pub fn from_uncompressed(point: &[u8]) -> Result<Self, SdJwtError> {
        match point {
            [0x04, rest @ ..] if rest.len() == 64 => {
                let mut x = [0u8; 32];
                let mut y = [0u8; 32];
                x.copy_from_slice(&rest[..32]);
                y.copy_from_slice(&rest[32..]);
                Ok(Self { x, y })
            }
            _ => Err(SdJwtError::Jwk("not a 65-byte uncompressed p-256 point")),
        }
    }

    /// The SEC 1 uncompressed point `0x04 ‖ x ‖ y`, the form ring takes.
    #[must_use]
    pub fn to_uncompressed(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[0] = 0x04;
        out[1..33].copy_from_slice(&self.x);
        out[33..].copy_from_slice(&self.y);
        out
    }

    /// From a JSON JWK object.
    pub fn from_json(value: &Value) -> Result<Self, SdJwtError> {
        let obj = value.as_object().ok_or(SdJwtError::Jwk("not a json object"))?;
        if obj.get("kty").and_then(Value::as_str) != Some("EC") {
            return Err(SdJwtError::Jwk("kty is not \"EC\""));
        }
        if obj.get("crv").and_then(Value::as_str) != Some("P-256") {
            return Err(SdJwtError::Jwk("crv is not \"P-256\""));
        }
        let x = decode_coordinate(obj.get("x"), "x is missing", "x is not 32 bytes of base64url")?;
        let y = decode_coordinate(obj.get("y"), "y is missing", "y is not 32 bytes of base64url")?;
        Ok(Self { x, y })
    }

    /// The JSON JWK object with exactly `kty`, `crv`, `x` and `y`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("kty".into(), Value::from("EC"));
        obj.insert("crv".into(), Value::from("P-256"));
        obj.insert("x".into(), Value::from(b64_encode(&self.x)));
        obj.insert("y".into(), Value::from(b64_encode(&self.y)));
        Value::Object(obj)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url): a stable key id.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let canonical =
            format!(r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#, b64_encode(&self.x), b64_encode(&self.y));
        sha256_b64(canonical.as_bytes())
    }
}

impl serde::Serialize for Jwk {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Jwk {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value).map_err(serde::de::Error::custom)
    }
}

/// Verifies a raw ES256 signature (R‖S, 64 bytes) over `message` with `key`.
///
/// Policy: the signature must be exactly 64 bytes with `0 < r, s < n` (ring's `ECDSA_P256_SHA256_FIXED`).
/// High-S signatures are accepted: JWS (RFC 7518 §3.4) does not require low-S, and ES256 signatures are not
/// used as identifiers here, so malleability does not matter.
pub fn verify_es256(key: &Jwk, message: &[u8], signature: &[u8]) -> Result<(), SdJwtError> {
    if signature.len() != ES256_SIGNATURE_LEN {
        return Err(SdJwtError::Signature);
    }
    UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, key.to_uncompressed())
        .verify(message, signature)
        .map_err(|_| SdJwtError::Signature)
}

/// Converts an ASN.1 DER `ECDSA-Sig-Value` (what Android Keystore and Apple's Secure Enclave return) to R‖S.
pub fn der_to_raw_signature(der: &[u8]) -> Result<[u8; 64], SdJwtError> {
    const BAD: SdJwtError = SdJwtError::Signature;
    fn integer(input: &[u8]) -> Result<(&[u8], &[u8]), SdJwtError> {
        match input {
            [0x02, len, rest @ ..] if usize::from(*len) <= rest.len() && *len > 0 && *len <= 33 => {
                let (int, tail) = rest.split_at(usize::from(*len));
                // Strip the sign byte DER adds when the top bit is set; reject other leading zeros.
                let int = match int {
                    [0x00, second, ..] if second & 0x80 != 0 => &int[1..],
                    [0x00, ..] if int.len() > 1 => return Err(BAD),
                    _ => int,
                };
                if int.len() > 32 { Err(BAD) } else { Ok((int, tail)) }
            }
            _ => Err(BAD),
        }
    }
    let body = match der {
        [0x30, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => return Err(BAD),
    };
    let (r, tail) = integer(body)?;
    let (s, tail) = integer(tail)?;
    if !tail.is_empty() {
        return Err(BAD);
    }
    let mut out = [0u8; 64];
    out[32 - r.len()..32].copy_from_slice(r);
    out[64 - s.len()..].copy_from_slice(s);
    Ok(out)
}

/// A P-256 private key that signs ES256 in software (an issuer key, or the desktop holder key).
pub struct Es256SigningKey {
    pair: EcdsaKeyPair,
    public: Jwk,
}

impl std::fmt::Debug for Es256SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Es256SigningKey").field("public", &self.public).finish_non_exhaustive()
    }
}

impl Es256SigningKey {
    fn from_pair(pair: EcdsaKeyPair) -> Result<Self, SdJwtError> {
        let public = Jwk::from_uncompressed(pair.public_key().as_ref())?;
        Ok(Self { pair, public })
    }

    /// Generates a new key; returns it with its PKCS#8 v1 document for storage.
    pub fn generate(rng: &dyn SecureRandom) -> Result<(Self, Vec<u8>), SdJwtError> {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, rng)
            .map_err(|_| SdJwtError::Rng)?;
        let key = Self::from_pkcs8(pkcs8.as_ref(), rng)?;
        Ok((key, pkcs8.as_ref().to_vec()))
    }

    /// From a PKCS#8 document (as [`Es256SigningKey::generate`] returns).
    pub fn from_pkcs8(pkcs8: &[u8], rng: &dyn SecureRandom) -> Result<Self, SdJwtError> {
        let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, rng)
            .map_err(|_| SdJwtError::Jwk("pkcs#8 document is not a p-256 key pair"))?;
        Self::from_pair(pair)
    }

    /// From a private JWK `{"kty":"EC","crv":"P-256","x","y","d"}`; `d` must match `x`/`y`.
    pub fn from_private_jwk(jwk: &Value, rng: &dyn SecureRandom) -> Result<Self, SdJwtError> {
        let public = Jwk::from_json(jwk)?;
        let d = decode_coordinate(jwk.get("d"), "d is missing", "d is not 32 bytes of base64url")?;
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &d,
            &public.to_uncompressed(),
            rng,
        )
        .map_err(|_| SdJwtError::Jwk("d does not match x and y"))?;
        Ok(Self { pair, public })
    }

    /// The public half as a JWK.
    #[must_use]
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// Signs `message` with ES256, returning R‖S.
    pub fn sign(&self, message: &[u8], rng: &dyn SecureRandom) -> Result<[u8; 64], SdJwtError> {
        let sig = self.pair.sign(rng, message).map_err(|_| SdJwtError::Signing("ecdsa signing failed".into()))?;
        sig.as_ref().try_into().map_err(|_| SdJwtError::Signing("ring returned an unexpected signature length".into()))
    }
}

/// The JWS algorithms this module knows; only ES256 is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Es256,
}

impl Alg {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
        }
    }
}

/// A decoded JOSE header whose `alg` was checked to be ES256 and which has no `crit`.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    alg: Alg,
    raw: Map<String, Value>,
}

impl Header {
    #[must_use]
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// `typ`, when it is a string.
    #[must_use]
    pub fn typ(&self) -> Option<&str> {
        self.raw.get("typ").and_then(Value::as_str)
    }

    /// `kid`, when it is a string (RFC 7515 §4.1.4 requires one; a non-string `kid` is ignored, not rejected).
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.raw.get("kid").and_then(Value::as_str)
    }

    /// Every header parameter, for resolvers that need more (`x5c`, `trust_chain`, …).
    #[must_use]
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }
}

/// The three segments of a compact JWS, borrowed from the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompactParts<'a> {
    pub header_b64: &'a str,
    pub payload_b64: &'a str,
    pub signature_b64: &'a str,
    /// `header_b64 '.' payload_b64`, the JWS signing input.
    pub signing_input: &'a str,
}

impl<'a> CompactParts<'a> {
    pub(crate) fn split(jws: &'a str, jwt: Jwt) -> Result<Self, SdJwtError> {
        let (signing_input, signature_b64) =
            jws.rsplit_once('.').ok_or(SdJwtError::JwsFormat { jwt, reason: "expected three '.'-separated parts" })?;
        let (header_b64, payload_b64) = signing_input
            .split_once('.')
            .ok_or(SdJwtError::JwsFormat { jwt, reason: "expected three '.'-separated parts" })?;
        if payload_b64.contains('.') {
            return Err(SdJwtError::JwsFormat { jwt, reason: "expected three '.'-separated parts" });
        }
        if header_b64.is_empty() || payload_b64.is_empty() {
            return Err(SdJwtError::JwsFormat { jwt, reason: "empty header or payload" });
        }
        Ok(Self { header_b64, payload_b64, signature_b64, signing_input })
    }

    /// Decodes the header and checks `alg` (only ES256; `none` is its own error) and `crit` (RFC 8725 §3.1).
    pub(crate) fn header(&self, jwt: Jwt) -> Result<Header, SdJwtError> {
        let raw = decode_object(self.header_b64, jwt, Segment::Header)?;
        let alg = match raw.get("alg").and_then(Value::as_str) {
            Some("ES256") => Alg::Es256,
            Some(none) if none.eq_ignore_ascii_case("none") => return Err(SdJwtError::AlgNone { jwt }),
            Some(other) => return Err(SdJwtError::UnsupportedAlg { jwt, alg: Some(short(other)) }),
            None => return Err(SdJwtError::UnsupportedAlg { jwt, alg: None }),
        };
        if raw.contains_key("crit") {
            return Err(SdJwtError::CriticalHeader { jwt });
        }
        Ok(Header { alg, raw })
    }

    pub(crate) fn payload(&self, jwt: Jwt) -> Result<Map<String, Value>, SdJwtError> {
        decode_object(self.payload_b64, jwt, Segment::Payload)
    }

    /// Decodes the signature; anything other than 64 bytes is reported as `invalid`.
    pub(crate) fn signature(&self, jwt: Jwt, invalid: SdJwtError) -> Result<[u8; 64], SdJwtError> {
        // 64 bytes are exactly 86 unpadded base64url characters.
        if self.signature_b64.len() != 86 {
            return Err(invalid);
        }
        let mut out = [0u8; 66];
        match URL_SAFE_NO_PAD.decode_slice(self.signature_b64, &mut out) {
            Ok(64) => {
                let mut sig = [0u8; 64];
                sig.copy_from_slice(&out[..64]);
                Ok(sig)
            }
            Ok(_) => Err(invalid),
            Err(_) => Err(SdJwtError::Base64 { jwt, segment: Segment::Signature }),
        }
    }

    /// Checks the signature with `key`, mapping any failure to `invalid`.
    pub(crate) fn verify(&self, jwt: Jwt, key: &Jwk, invalid: SdJwtError) -> Result<(), SdJwtError> {
        let sig = self.signature(jwt, invalid.clone())?;
        verify_es256(key, self.signing_input.as_bytes(), &sig).map_err(|_| invalid)
    }
}

fn decode_object(b64: &str, jwt: Jwt, segment: Segment) -> Result<Map<String, Value>, SdJwtError> {
    let bytes = b64_decode(b64).ok_or(SdJwtError::Base64 { jwt, segment })?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(SdJwtError::Json { jwt, segment }),
    }
}

/// A compact JWS whose ES256 signature verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJws {
    pub header: Header,
    /// The payload bytes exactly as signed (JSON for a JWT).
    pub payload: Vec<u8>,
}

/// Verifies a general compact ES256 JWS (a trust list, a status list token, RFC 7515 A.3) with `key`.
///
/// Checks `alg` (ES256 only, `none` rejected), rejects `crit`, verifies the signature, and returns the header
/// and raw payload. `typ` and claims are the caller's business.
pub fn verify_compact(jws: &str, key: &Jwk) -> Result<VerifiedJws, SdJwtError> {
    let jwt = Jwt::Issuer;
    let parts = CompactParts::split(jws, jwt)?;
    let header = parts.header(jwt)?;
    parts.verify(jwt, key, SdJwtError::Signature)?;
    let payload = b64_decode(parts.payload_b64).ok_or(SdJwtError::Base64 { jwt, segment: Segment::Payload })?;
    Ok(VerifiedJws { header, payload })
}

/// The header of a compact JWS, **unverified**: only to pick the key (`kid`) that will verify it.
pub fn peek_header(jws: &str) -> Result<Header, SdJwtError> {
    let jwt = Jwt::Issuer;
    CompactParts::split(jws, jwt)?.header(jwt)
}

/// Builds `b64(header).b64(payload).b64(sign(signing input))`; `sign` returns R‖S.
pub fn sign_compact(
    header_json: &[u8],
    payload_json: &[u8],
    sign: impl FnOnce(&[u8]) -> Result<[u8; 64], SdJwtError>,
) -> Result<String, SdJwtError> {
    let mut out = String::with_capacity((header_json.len() + payload_json.len()) * 4 / 3 + 92);
    b64_encode_into(header_json, &mut out);
    out.push('.');
    b64_encode_into(payload_json, &mut out);
    let signature = sign(out.as_bytes())?;
    out.push('.');
    b64_encode_into(&signature, &mut out);
    Ok(out)
}

/// Signs a compact JWS with a software key: `header` gets `alg: ES256` added.
pub fn sign_compact_es256(
    header: &Map<String, Value>,
    payload_json: &[u8],
    key: &Es256SigningKey,
    rng: &dyn SecureRandom,
) -> Result<String, SdJwtError> {
    let mut header = header.clone();
    header.insert("alg".into(), Value::from(Alg::Es256.as_str()));
    let header_json =
        serde_json::to_vec(&header).map_err(|_| SdJwtError::Signing("header is not serialisable".into()))?;
    sign_compact(&header_json, payload_json, |input| key.sign(input, rng))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_round_trip_handles_sign_bytes_and_short_integers() {
        // r with the top bit set (needs a 0x00 sign byte), s short (leading zero bytes dropped in DER).
        let mut raw = [0u8; 64];
        raw[0] = 0x80;
        raw[31] = 1;
        raw[62] = 0x12;
        raw[63] = 0x34;
        let mut der = vec![0x30, 0, 0x02, 33, 0x00];
        der.extend_from_slice(&raw[..32]);
        der.extend_from_slice(&[0x02, 2, 0x12, 0x34]);
        der[1] = u8::try_from(der.len() - 2).unwrap();
        assert_eq!(der_to_raw_signature(&der).unwrap(), raw);
        assert!(der_to_raw_signature(&der[..der.len() - 1]).is_err());
    }

    #[test]
    fn jwk_round_trips_and_rejects_wrong_curve() {
        let jwk = Jwk::from_uncompressed(&[[4u8].as_slice(), &[7u8; 64]].concat()).unwrap();
        assert_eq!(Jwk::from_json(&jwk.to_json()).unwrap(), jwk);
        let mut other = jwk.to_json();
        other["crv"] = Value::from("P-384");
        assert_eq!(Jwk::from_json(&other).unwrap_err().reason_code(), "jwk");
    }
}
