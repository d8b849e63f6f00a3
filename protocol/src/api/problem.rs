//! RFC 9457 problem documents: every error the platform returns.

use crate::wire;

/// Media type of a problem document.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

wire! {
/// An RFC 9457 problem document with a stable machine-readable `code`.
pub struct Problem {
    /// `urn:onego:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: ProblemCode,
    /// The request field concerned, for validation problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before trying again, for rate limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Every field that failed validation, when there are several (`field` names the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}
}

wire! {
#[derive(Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One field that failed validation: `fields.child.birth_date`, `answers.born`, `materials.zj-gaj-hukou-birth/birth-medical`.
pub struct FieldError {
    pub field: String,
    /// Plain words: what is wrong and what to do.
    pub detail: String,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[serde(rename_all = "snake_case")]
/// Stable problem codes. Clients branch on these, never on titles.
pub enum ProblemCode {
    BadRequest,
    Validation,
    Unauthenticated,
    TokenExpired,
    InvalidToken,
    InvalidCode,
    CodeExpired,
    RateLimited,
    Forbidden,
    NotFound,
    Conflict,
    Internal,
}
}

impl ProblemCode {
    /// The snake_case name used in the `type` URI and the `code` member.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Validation => "validation",
            Self::Unauthenticated => "unauthenticated",
            Self::TokenExpired => "token_expired",
            Self::InvalidToken => "invalid_token",
            Self::InvalidCode => "invalid_code",
            Self::CodeExpired => "code_expired",
            Self::RateLimited => "rate_limited",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::Internal => "internal",
        }
    }
}

impl Problem {
    #[must_use]
    pub fn new(status: u16, code: ProblemCode, title: impl Into<String>) -> Self {
        Self {
            type_uri: format!("urn:onego:problem:{}", code.as_str()),
            title: title.into(),
            status,
            detail: None,
            code,
            field: None,
            retry_after: None,
            errors: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}
