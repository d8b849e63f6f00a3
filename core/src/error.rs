//! The one public error, and the internal errors it is made from.
//!
//! Modules fail with `CoreError`; the façade turns it into an `OnegoError` whose message is plain language in
//! the user's locale and says what to do next.

use onego_protocol::api::{Problem, ProblemCode};

use crate::i18n::{Locale, Msg};

/// What went wrong, in a few kinds a shell can act on, each with a message fit to show the user.
///
/// Kotlin and Swift see it as `OnegoException` / `OnegoError` with one case per kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "ffi", derive(uniffi::Error))]
pub enum OnegoError {
    /// No connection to the platform; cached data is still shown.
    #[error("{message}")]
    Offline { message: String },
    /// The platform answered badly or too slowly.
    #[error("{message}")]
    Network { message: String },
    /// Not signed in, or the sign-in ran out.
    #[error("{message}")]
    Unauthorized { message: String },
    /// An input was refused; `field` names it.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// Data that cannot be trusted: malformed, tampered or inconsistent.
    #[error("{message}")]
    Integrity { message: String },
    #[error("{message}")]
    NotFound { message: String },
    #[error("{message}")]
    Conflict { message: String },
    /// The phone's storage failed (full disk, unreadable database).
    #[error("{message}")]
    Storage { message: String },
    #[error("{message}")]
    Internal { message: String },
}

/// Internal failure with its cause, before it is worded for the user.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CoreError {
    #[error("platform unreachable: {0}")]
    Offline(String),
    #[error("platform timed out")]
    Timeout,
    #[error("connection to the platform broke: {0}")]
    Transport(String),
    /// The problem is boxed: it is large, and every `CoreResult` would carry its size. Shown (and logged) by its
    /// code and field only: a detail may quote what was submitted, which can be personal.
    #[error("platform answered {status}: {}", problem_summary(problem.as_deref()))]
    Http { status: u16, problem: Option<Box<Problem>> },
    #[error("platform sent unreadable data: {0}")]
    Malformed(String),
    #[error("inconsistent data: {0}")]
    Integrity(String),
    #[error("not signed in")]
    NotSignedIn,
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("storage: {0}")]
    Storage(String),
    #[error("secret store: {0}")]
    Secret(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// Refused for a reason the user must read, worded for them (zh-CN).
    #[error("refused: {0}")]
    Refused(String),
    #[error("invalid {field}: {detail}")]
    Validation { field: String, detail: String },
    #[error("internal: {0}")]
    Internal(String),
}

fn problem_summary(problem: Option<&Problem>) -> String {
    match problem {
        Some(p) => format!("{} {}", p.code.as_str(), p.field.as_deref().unwrap_or("")).trim_end().to_owned(),
        None => "no problem document".to_owned(),
    }
}

/// Where JSON failed, without the message: serde_json quotes the offending value, which may be personal data
/// (a name in a profile) and would then reach a log.
pub(crate) fn json_failure(e: &serde_json::Error) -> String {
    format!("{:?} at line {}, column {}", e.classify(), e.line(), e.column())
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("json: {}", json_failure(&e)))
    }
}

pub(crate) type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    /// Words the failure for the user, keeping only what they can act on.
    pub(crate) fn public(&self, locale: Locale) -> OnegoError {
        let m = |msg: Msg| locale.text(msg).to_owned();
        match self {
            Self::Offline(_) => OnegoError::Offline { message: m(Msg::ErrOffline) },
            Self::Timeout => OnegoError::Network { message: m(Msg::ErrTimeout) },
            Self::Transport(_) => OnegoError::Network { message: m(Msg::ErrServer) },
            Self::Malformed(_) => OnegoError::Integrity { message: m(Msg::ErrMalformed) },
            Self::Integrity(_) => OnegoError::Integrity { message: m(Msg::ErrIntegrity) },
            Self::NotSignedIn => OnegoError::Unauthorized { message: m(Msg::ErrSignIn) },
            Self::Db(e) if is_disk_full(e) => OnegoError::Storage { message: m(Msg::ErrDiskFull) },
            Self::Db(_) | Self::Storage(_) => OnegoError::Storage { message: m(Msg::ErrStorage) },
            Self::Secret(_) => OnegoError::Storage { message: m(Msg::ErrSecret) },
            Self::NotFound(_) => OnegoError::NotFound { message: m(Msg::ErrNotFound) },
            Self::Conflict(_) => OnegoError::Conflict { message: m(Msg::ErrConflict) },
            Self::Refused(why) => OnegoError::Conflict { message: why.clone() },
            Self::Validation { field, detail } => {
                OnegoError::Validation { field: field.clone(), message: format!("{}{detail}", m(Msg::ErrValidation)) }
            }
            Self::Internal(_) => OnegoError::Internal { message: m(Msg::ErrInternal) },
            Self::Http { status, problem } => http_public(*status, problem.as_deref(), locale),
        }
    }
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull)
}

fn http_public(status: u16, problem: Option<&Problem>, locale: Locale) -> OnegoError {
    let m = |msg: Msg| locale.text(msg).to_owned();
    let code = problem.map(|p| p.code);
    match (status, code) {
        (_, Some(ProblemCode::InvalidCode)) => {
            OnegoError::Validation { field: "code".into(), message: m(Msg::ErrWrongCode) }
        }
        (_, Some(ProblemCode::CodeExpired)) => {
            OnegoError::Validation { field: "code".into(), message: m(Msg::ErrCodeExpired) }
        }
        (_, Some(ProblemCode::RateLimited)) => {
            let wait = problem.and_then(|p| p.retry_after).unwrap_or(60);
            OnegoError::Validation { field: "phone".into(), message: locale.wait_seconds(wait) }
        }
        (_, Some(ProblemCode::Validation)) => OnegoError::Validation {
            field: problem.and_then(|p| p.field.clone()).unwrap_or_default(),
            message: format!("{}{}", m(Msg::ErrValidation), problem.and_then(|p| p.detail.clone()).unwrap_or_default()),
        },
        (401, _) => OnegoError::Unauthorized { message: m(Msg::ErrSignIn) },
        // A refusal the platform explains (a delegation revoked or out of scope) says so in its own words.
        (403, Some(ProblemCode::Forbidden)) => OnegoError::Unauthorized {
            message: problem.and_then(|p| p.detail.clone()).unwrap_or_else(|| m(Msg::ErrForbidden)),
        },
        (403, _) => OnegoError::Unauthorized { message: m(Msg::ErrForbidden) },
        (404, _) => OnegoError::NotFound { message: m(Msg::ErrNotFound) },
        (409, _) => OnegoError::Conflict { message: m(Msg::ErrConflict) },
        (400..=499, _) => OnegoError::Validation { field: String::new(), message: m(Msg::ErrValidation) },
        _ => OnegoError::Network { message: m(Msg::ErrServer) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_failures_never_quote_the_value() {
        let e = serde_json::from_str::<u32>("\"陈静 330106199405180025\"").expect_err("not a number");
        assert!(e.to_string().contains("陈静"), "serde_json does quote it");
        let ours = CoreError::from(e).to_string();
        assert!(!ours.contains("陈静") && !ours.contains("330106"), "{ours}");
        assert!(ours.contains("line 1"));
    }
}
