//! Sign-in by phone and one-time code, with expiring access and refresh tokens.

use crate::wire;

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[derive(Copy, Eq, Hash)]
#[serde(rename_all = "snake_case")]
/// Who signs in: a natural person (个人) or a legal person's user (法人).
pub enum AccountKind {
    Citizen,
    Enterprise,
}
}

wire! {
/// `POST /v1/auth/otp`: send a one-time code to a phone.
pub struct OtpRequest {
    pub phone: String,
    pub kind: AccountKind,
}
}

wire! {
pub struct OtpSent {
    /// Seconds until the code expires.
    pub expires_in: u64,
    /// Seconds before another code may be requested.
    pub resend_after: u64,
}
}

wire! {
#[serde(tag = "grant_type", rename_all = "snake_case")]
/// `POST /v1/auth/token`.
pub enum TokenRequest {
    /// Exchange a one-time code.
    Otp { phone: String, code: String, kind: AccountKind },
    /// Exchange a refresh token (rotated: the old one stops working).
    RefreshToken { refresh_token: String },
}
}

wire! {
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: String,
    /// Seconds the access token is valid for.
    pub expires_in: u64,
    /// Seconds the refresh token is valid for.
    pub refresh_expires_in: u64,
    /// The signed-in subject's opaque id.
    pub subject: String,
    pub kind: AccountKind,
}
}
