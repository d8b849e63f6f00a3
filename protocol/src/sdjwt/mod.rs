//! SD-JWT VC: selective-disclosure credentials (RFC 9901, draft-ietf-oauth-sd-jwt-vc), ES256 only.
//!
//! # Format
//!
//! An SD-JWT (RFC 9901 §4) is an Issuer-signed JWT followed by disclosures, each terminated by `~`; an
//! SD-JWT+KB appends a Key Binding JWT after the last `~` (§4, §5):
//!
//! ```text
//! <issuer-signed jwt>~<disclosure 1>~…~<disclosure n>~[<kb-jwt>]
//! ```
//!
//! - The Issuer-signed JWT (§4.1) is a compact JWS, here always `alg: ES256` (ECDSA P-256 / SHA-256, signature
//!   R‖S, RFC 7518 §3.4). For SD-JWT VC its header has `typ: dc+sd-jwt` and its payload `vct`, usually `iss`,
//!   `iat`, `nbf`, `exp`, `cnf.jwk` (the holder key, RFC 7800) and `status.status_list {idx, uri}`.
//! - A disclosure (§4.2.1, §4.2.2) is base64url(JSON `[salt, name, value]`) for an object property or
//!   base64url(JSON `[salt, value]`) for an array element. Its digest (§4.2.3) is base64url(SHA-256(ASCII of
//!   the disclosure string)); `_sd_alg` (§4.1.1) names the hash and only `sha-256` is supported.
//! - Property digests sit in an `_sd` array of their object (§4.2.4.1); array elements are replaced by
//!   `{"...": digest}` (§4.2.4.2). Decoy digests (§4.2.5) hide how many claims there are; `_sd` is sorted.
//! - The KB-JWT (§4.3) has header `typ: kb+jwt` and claims `iat`, `aud`, `nonce` and `sd_hash`, the
//!   base64url SHA-256 of the presentation up to and including the last `~` (§4.3.1). The holder signs it
//!   with the key in `cnf.jwk`.
//!
//! # What [`verify`] enforces
//!
//! RFC 9901 §7.1 (the SD-JWT) and §7.3 (key binding), each failure a distinct [`SdJwtError`] variant:
//!
//! 1. Structure: at least one `~`, no empty disclosure, three-part compact JWSs of unpadded base64url whose
//!    header and payload are JSON objects.
//! 2. §7.3 step 2: when key binding is required ([`KeyBindingPolicy::Required`]) a KB-JWT must be present;
//!    whether it is required is the caller's policy, never inferred from the presentation (§7.3 step 1).
//! 3. §7.1 step 2: `alg` is ES256 (`none` and every other algorithm rejected), no `crit` header (RFC 8725);
//!    `typ` per [`TypPolicy`] (`dc+sd-jwt`, optionally the legacy `vc+sd-jwt`, or none for plain SD-JWTs);
//!    the signature verifies with the key the caller's [`IssuerKeyResolver`] returns; `_sd_alg` is absent or
//!    `sha-256`.
//! 4. §7.1 steps 3–5, recursively through objects, arrays and disclosed values: a disclosure must decode to a
//!    JSON array of 2 or 3 elements with a string salt and name; the same disclosure may not appear twice; a
//!    digest may not occur twice in the payload (decoys included); a 3-element disclosure must be referenced
//!    from `_sd` and a 2-element one from `{"...": digest}`; a disclosed name may not be `_sd` or `...` nor
//!    already exist in its object; every disclosure must be referenced (so an altered disclosure, whose digest
//!    no longer matches, is rejected too). Undisclosed array elements and every `_sd` are removed, and
//!    `_sd_alg` from the top level.
//! 5. §7.1 step 6: `exp`, `nbf` and `iat` of the processed payload against the caller's `now` with a leeway
//!    ([`TimeCheck`]); optionally `exp` is required. SD-JWT VC: `vct` must be a string.
//! 6. §7.3 step 5 when key binding is required: `cnf.jwk` is present; the KB-JWT has `alg: ES256`, no `crit`,
//!    `typ: kb+jwt`, verifies with `cnf.jwk`; its `iat` is neither in the future (beyond the leeway) nor older
//!    than the maximum age; `aud` and `nonce` are present and equal the expected ones; `sd_hash` matches.
//!
//! Not done here: status list checks and trust decisions (the resolver's and the caller's), the JWS JSON
//! serialization (§8), hash algorithms other than SHA-256, and duplicate JSON member names (serde_json keeps
//! the last one). A KB-JWT present when key binding is not required is reported as
//! [`KeyBindingStatus::NotChecked`], not verified.
//!
//! # Purity
//!
//! No I/O, no clock, no OS randomness: callers pass `now` (Unix seconds) and a
//! [`ring::rand::SecureRandom`] for salts, decoys and signatures. Holder keys can live outside Rust behind
//! [`HolderSigner`].

mod disclosure;
mod error;
mod issue;
pub mod jws;
mod present;
mod process;
mod verify;

pub use disclosure::{DisclosedValue, Disclosure, SALT_LEN};
pub use error::{Jwt, SdJwtError, Segment};
pub use issue::{ALWAYS_VISIBLE, IssueRequest, StatusRef, issue};
pub use jws::{Es256SigningKey, Header, Jwk, verify_es256};
pub use present::{HolderSigner, KbRequest, SoftwareHolderSigner, present};
pub use verify::{
    DEFAULT_KB_MAX_AGE, DEFAULT_LEEWAY, IssuerKeyResolver, KbExpectations, KeyBindingPolicy, KeyBindingStatus,
    TYP_DC_SD_JWT, TYP_KB_JWT, TYP_VC_SD_JWT_LEGACY, TimeCheck, TypPolicy, VerifiedSdJwt, VerifyOptions, verify,
};

/// The parts of a compact SD-JWT or SD-JWT+KB, borrowed from the input (RFC 9901 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwtParts<'a> {
    /// The Issuer-signed JWT.
    pub issuer_jwt: &'a str,
    /// The disclosures, in order.
    pub disclosures: Vec<&'a str>,
    /// The KB-JWT, when something follows the last `~`.
    pub kb_jwt: Option<&'a str>,
    /// Everything up to and including the last `~`: the input of `sd_hash` (§4.3.1).
    pub sd_hash_input: &'a str,
}

impl<'a> SdJwtParts<'a> {
    /// Splits at `~`. Does not decode anything.
    pub fn parse(compact: &'a str) -> Result<Self, SdJwtError> {
        let last = compact.rfind('~').ok_or(SdJwtError::Format("no '~' separator"))?;
        let (sd_hash_input, kb) = compact.split_at(last + 1);
        let mut segments = sd_hash_input[..last].split('~');
        let issuer_jwt = segments.next().unwrap_or_default();
        if issuer_jwt.is_empty() {
            return Err(SdJwtError::Format("empty issuer-signed jwt"));
        }
        let disclosures: Vec<&str> = segments.collect();
        if disclosures.iter().any(|d| d.is_empty()) {
            return Err(SdJwtError::Format("empty disclosure"));
        }
        Ok(Self { issuer_jwt, disclosures, kb_jwt: (!kb.is_empty()).then_some(kb), sd_hash_input })
    }
}

/// An attacker-supplied string shortened for an error message (at most 40 characters).
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let p = SdJwtParts::parse("a.b.c~d1~d2~k.l.m").unwrap();
        assert_eq!(p.issuer_jwt, "a.b.c");
        assert_eq!(p.disclosures, ["d1", "d2"]);
        assert_eq!(p.kb_jwt, Some("k.l.m"));
        assert_eq!(p.sd_hash_input, "a.b.c~d1~d2~");
        let p = SdJwtParts::parse("a.b.c~").unwrap();
        assert!(p.disclosures.is_empty() && p.kb_jwt.is_none());
        assert_eq!(SdJwtParts::parse("a.b.c").unwrap_err().reason_code(), "format");
        assert_eq!(SdJwtParts::parse("a.b.c~~").unwrap_err().reason_code(), "format");
        assert_eq!(SdJwtParts::parse("~d~").unwrap_err().reason_code(), "format");
        assert_eq!(short(&"x".repeat(100)).chars().count(), 41);
    }
}
