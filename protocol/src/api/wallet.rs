//! Licence issuance in the spirit of OpenID4VCI: the holder proves possession of its device key with a
//! signed proof over a fresh nonce, and the licence is bound to that key (`cnf.jwk`).

use crate::wire;

/// `typ` of the proof-of-possession JWT (OpenID4VCI §8.2.1.1).
pub const PROOF_TYP: &str = "openid4vci-proof+jwt";

wire! {
/// A licence the signed-in person or company holds, as listed before issuance.
pub struct LicenceOffer {
    /// GB/T 36904 identifier.
    pub licence_id: String,
    pub vct: String,
    pub name: String,
    /// The issuer's `iss` URL.
    pub issuer: String,
    pub issuer_name: String,
    /// 浙江, 江苏, 上海, 全国 …
    pub province: String,
    pub valid_from: String,
    pub valid_until: String,
}
}

wire! {
/// `POST /v1/credentials/nonce`.
pub struct NonceResponse {
    pub c_nonce: String,
    pub c_nonce_expires_in: u64,
}
}

wire! {
/// A proof of possession: a compact JWS with `typ: openid4vci-proof+jwt`, the device key as `jwk` in its
/// header, and `aud` (the platform's base URL), `nonce` (a fresh `c_nonce`) and `iat` in its payload.
pub struct Proof {
    pub proof_type: String,
    pub jwt: String,
}
}

wire! {
#[derive(Copy, Eq)]
#[serde(rename_all = "snake_case")]
/// A purpose-made form of a licence with only a few claims, small enough for an offline QR code.
pub enum CredentialVariant {
    /// The ID card's age claims only (`age_over_18`, `age_over_60`): no name, no number, no licence id.
    Age,
}
}

wire! {
/// `POST /v1/credentials`.
pub struct CredentialRequest {
    pub licence_id: String,
    pub proof: Proof,
    /// The full licence when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<CredentialVariant>,
}
}

wire! {
pub struct CredentialResponse {
    /// The SD-JWT VC, with all its disclosures, bound to the proof's key.
    pub credential: String,
}
}

wire! {
#[derive(Copy, Eq)]
#[serde(rename_all = "snake_case")]
/// What staff set a licence's status to.
pub enum LicenceStatusChange {
    Valid,
    Revoked,
    Suspended,
}
}

wire! {
/// `POST /v1/staff/licences/{licence_id}/status`.
pub struct StaffStatusRequest {
    pub status: LicenceStatusChange,
    /// Why, for the record (not personal data).
    pub reason: String,
}
}

wire! {
/// SD-JWT VC issuer metadata at `/.well-known/jwt-vc-issuer/…` (draft-ietf-oauth-sd-jwt-vc §5).
pub struct IssuerMetadata {
    pub issuer: String,
    pub jwks: crate::trust::Jwks,
}
}

wire! {
/// `POST /v1/presentations`: hand a presentation to the platform for a short one-time code (online QR mode,
/// for old scanners and dense screens).
pub struct PresentationUpload {
    pub presentation: String,
}
}

wire! {
pub struct PresentationCode {
    /// 8 characters of the QR alphanumeric set; resolvable once, until `expires_in` runs out.
    pub code: String,
    pub expires_in: u64,
}
}

wire! {
/// `GET /v1/presentations/{code}`.
pub struct ResolvedPresentation {
    pub presentation: String,
}
}
