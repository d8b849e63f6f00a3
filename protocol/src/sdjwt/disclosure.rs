//! Disclosures (RFC 9901 §4.2.1, §4.2.2) and their digests (§4.2.3).

use ring::rand::SecureRandom;
use serde_json::Value;

use super::SdJwtError;
use super::jws::{b64_decode, b64_encode, sha256_b64};

/// Salt length in bytes: 128 bits, as RFC 9901 §9.3 recommends.
pub const SALT_LEN: usize = 16;

/// What a disclosure reveals.
#[derive(Debug, Clone, PartialEq)]
pub enum DisclosedValue {
    /// `[salt, name, value]`: an object property, referenced from an `_sd` array.
    Property { name: String, value: Value },
    /// `[salt, value]`: an array element, referenced as `{"...": digest}`.
    Element(Value),
}

/// A decoded disclosure with its digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    /// base64url(SHA-256(the disclosure's ASCII form)).
    pub digest: String,
    pub content: DisclosedValue,
}

impl Disclosure {
    /// Decodes the base64url disclosure string `encoded` (position `index` in the presentation, for errors).
    pub fn decode(encoded: &str, index: usize) -> Result<Self, SdJwtError> {
        let content = decode_content(encoded, index)?;
        Ok(Self { digest: sha256_b64(encoded.as_bytes()), content })
    }

    /// The claim name of a property disclosure.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        match &self.content {
            DisclosedValue::Property { name, .. } => Some(name),
            DisclosedValue::Element(_) => None,
        }
    }
}

/// Decodes the content of a disclosure without hashing it.
pub(crate) fn decode_content(encoded: &str, index: usize) -> Result<DisclosedValue, SdJwtError> {
    let bad = |reason| SdJwtError::DisclosureFormat { index, reason };
    let bytes = b64_decode(encoded).ok_or_else(|| bad("not unpadded base64url"))?;
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(bad("not a json array"));
    };
    let mut items = items.into_iter();
    let (Some(salt), Some(second), third, None) = (items.next(), items.next(), items.next(), items.next()) else {
        return Err(bad("not an array of 2 or 3 elements"));
    };
    if !salt.is_string() {
        return Err(bad("salt is not a string"));
    }
    match (second, third) {
        (value, None) => Ok(DisclosedValue::Element(value)),
        (Value::String(name), Some(value)) => Ok(DisclosedValue::Property { name, value }),
        (_, Some(_)) => Err(bad("claim name is not a string")),
    }
}

/// A fresh random salt: base64url of 16 random bytes.
pub(crate) fn new_salt(rng: &dyn SecureRandom) -> Result<String, SdJwtError> {
    let mut bytes = [0u8; SALT_LEN];
    rng.fill(&mut bytes).map_err(|_| SdJwtError::Rng)?;
    Ok(b64_encode(&bytes))
}

/// Encodes a property disclosure `[salt, name, value]`; returns `(disclosure, digest)`.
pub(crate) fn encode_property(salt: &str, name: &str, value: &Value) -> Result<(String, String), SdJwtError> {
    let json = serde_json::to_vec(&(salt, name, value))
        .map_err(|_| SdJwtError::ClaimNotAllowed { name: name.to_owned(), reason: "value is not serialisable" })?;
    let encoded = b64_encode(&json);
    let digest = sha256_b64(encoded.as_bytes());
    Ok((encoded, digest))
}

/// A decoy digest (RFC 9901 §4.2.5): the hash of 32 random bytes, indistinguishable from a real digest.
pub(crate) fn decoy_digest(rng: &dyn SecureRandom) -> Result<String, SdJwtError> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| SdJwtError::Rng)?;
    Ok(sha256_b64(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9901 §4.2.1 and §4.2.3 worked example (the "Möbius" family_name disclosure and its digest).
    #[test]
    fn spec_example_digest() {
        let encoded = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
        let d = Disclosure::decode(encoded, 0).unwrap();
        assert_eq!(d.digest, "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
        assert_eq!(d.name(), Some("family_name"));
    }

    #[test]
    fn shapes() {
        let enc = |v: Value| b64_encode(serde_json::to_string(&v).unwrap().as_bytes());
        assert!(matches!(decode_content(&enc(serde_json::json!(["s", "FR"])), 0).unwrap(), DisclosedValue::Element(_)));
        for bad in [serde_json::json!(["s"]), serde_json::json!([1, "a", 2]), serde_json::json!(["s", 1, 2])] {
            assert_eq!(decode_content(&enc(bad), 3).unwrap_err().reason_code(), "disclosure_format");
        }
        assert_eq!(decode_content("!!", 0).unwrap_err().reason_code(), "disclosure_format");
    }
}
