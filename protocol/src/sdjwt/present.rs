//! Presentation by the holder: choosing disclosures and adding a Key Binding JWT (RFC 9901 §4.3, §5.2, §7.2).

use ring::rand::SecureRandom;

use super::disclosure::{DisclosedValue, decode_content};
use super::jws::{Es256SigningKey, Jwk, sha256_b64, sign_compact};
use super::{SdJwtError, SdJwtParts};

/// The holder's signing key, wherever it lives (Android Keystore, Secure Enclave, a software key).
///
/// Implementations sign with ES256: ECDSA P-256 over SHA-256 of `signing_input`, returned as the raw 64-byte
/// R‖S of JWS (RFC 7518 §3.4). Platform keystores return ASN.1 DER; convert with
/// [`der_to_raw_signature`](super::jws::der_to_raw_signature).
pub trait HolderSigner {
    /// The public key, as bound in the credential's `cnf.jwk`.
    fn public_jwk(&self) -> Jwk;
    /// Signs `signing_input` (the JWS signing input, not a digest), returning R‖S.
    fn sign_es256(&self, signing_input: &[u8]) -> Result<[u8; 64], SdJwtError>;
}

/// A holder key held in memory (desktop, tests): ring signing with the caller's randomness.
#[derive(Debug)]
pub struct SoftwareHolderSigner<'a> {
    key: &'a Es256SigningKey,
    rng: &'a dyn SecureRandom,
}

impl<'a> SoftwareHolderSigner<'a> {
    #[must_use]
    pub fn new(key: &'a Es256SigningKey, rng: &'a dyn SecureRandom) -> Self {
        Self { key, rng }
    }
}

impl HolderSigner for SoftwareHolderSigner<'_> {
    fn public_jwk(&self) -> Jwk {
        self.key.public_jwk().clone()
    }

    fn sign_es256(&self, signing_input: &[u8]) -> Result<[u8; 64], SdJwtError> {
        self.key.sign(signing_input, self.rng)
    }
}

/// The verifier-facing claims of the KB-JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KbRequest<'a> {
    /// `aud`: the verifier.
    pub aud: &'a str,
    /// `nonce`: the verifier's challenge (or a wallet-made one for a time-boxed static QR).
    pub nonce: &'a str,
    /// `iat`: now, Unix seconds.
    pub iat: i64,
}

#[derive(serde::Serialize)]
struct KbClaims<'a> {
    iat: i64,
    aud: &'a str,
    nonce: &'a str,
    sd_hash: &'a str,
}

/// `{"alg":"ES256","typ":"kb+jwt"}`.
const KB_HEADER_JSON: &[u8] = br#"{"alg":"ES256","typ":"kb+jwt"}"#;

/// Builds an SD-JWT+KB from an issued SD-JWT, keeping only the disclosures of the top-level claims named in
/// `disclose` (in their issued order), and signing a KB-JWT over it with `signer`.
///
/// Every name in `disclose` must have a disclosure. Only top-level property disclosures are selectable (which
/// is what [`super::issue`] produces); array-element and nested disclosures are always left out. The holder
/// key is not compared with `cnf.jwk` here: a mismatch shows at verification.
pub fn present(
    sd_jwt: &str,
    disclose: &[&str],
    kb: &KbRequest<'_>,
    signer: &dyn HolderSigner,
) -> Result<String, SdJwtError> {
    let parts = SdJwtParts::parse(sd_jwt)?;
    if parts.kb_jwt.is_some() {
        return Err(SdJwtError::Format("the sd-jwt already carries a key binding jwt"));
    }
    let mut found = vec![false; disclose.len()];
    let mut out = String::with_capacity(sd_jwt.len() + 400);
    out.push_str(parts.issuer_jwt);
    out.push('~');
    for (index, disclosure) in parts.disclosures.iter().enumerate() {
        let DisclosedValue::Property { name, .. } = decode_content(disclosure, index)? else { continue };
        let mut wanted = false;
        for (hit, _) in found.iter_mut().zip(disclose).filter(|(_, d)| **d == name) {
            *hit = true;
            wanted = true;
        }
        if wanted {
            out.push_str(disclosure);
            out.push('~');
        }
    }
    if let Some(missing) = found.iter().position(|hit| !hit) {
        return Err(SdJwtError::UnknownClaim { name: disclose[missing].to_owned() });
    }

    let sd_hash = sha256_b64(out.as_bytes());
    let claims = KbClaims { iat: kb.iat, aud: kb.aud, nonce: kb.nonce, sd_hash: &sd_hash };
    let claims_json = serde_json::to_vec(&claims).map_err(|_| SdJwtError::Signing("kb-jwt claims".into()))?;
    let kb_jwt = sign_compact(KB_HEADER_JSON, &claims_json, |input| signer.sign_es256(input))?;
    out.push_str(&kb_jwt);
    Ok(out)
}
