//! Staff actions on licences over HTTP: revoke, suspend or reinstate, authorised by the staff key
//! (`Authorization: Bearer <staff key>`).
//!
//! The sandbox's well-known key [`SANDBOX_STAFF_KEY`] is honoured only in dev mode, like the one-time code
//! 123456; without a staff key every staff request is refused with 403.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use onego_protocol::api::{ProblemCode, StaffStatusRequest};
use sha2::{Digest, Sha256};

use crate::error::Json;
use crate::{ApiError, AppState, PlatformConfig};

/// The sandbox's staff key in dev mode.
pub const SANDBOX_STAFF_KEY: &str = "sandbox-staff";
/// The longest reason kept on record.
const MAX_REASON_CHARS: usize = 200;

/// The staff key the platform accepts, if any.
fn staff_key(config: &PlatformConfig) -> Option<&str> {
    match config.staff_key.as_deref() {
        Some("") => None,
        Some(SANDBOX_STAFF_KEY) if !config.dev_mode => None,
        key => key,
    }
}

/// A request carrying the staff key.
#[derive(Debug)]
pub(crate) struct StaffMember;

impl FromRequestParts<AppState> for StaffMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::unauthorized(ProblemCode::Unauthenticated, "present the staff key"))?;
        let Some(expected) = staff_key(&state.config) else {
            return Err(ApiError::forbidden("staff actions are disabled on this platform"));
        };
        // Comparing digests keeps the comparison's timing independent of the key.
        if Sha256::digest(presented.as_bytes()) != Sha256::digest(expected.as_bytes()) {
            return Err(ApiError::forbidden("not a staff key"));
        }
        Ok(Self)
    }
}

/// Staff action: revoke, suspend or reinstate a licence; its bit in the issuer's status list changes at once.
///
/// Revocation is final: a revoked licence can be neither suspended nor reinstated (409).
#[utoipa::path(post, path = "/v1/staff/licences/{licence_id}/status", tag = "staff", security(("staff" = [])),
    params(("licence_id" = String, Path, description = "The licence's GB/T 36904 identifier")),
    request_body = StaffStatusRequest,
    responses(
        (status = 204, description = "The status was changed"),
        (status = 400, description = "Malformed request", body = onego_protocol::api::Problem),
        (status = 401, description = "No staff key", body = onego_protocol::api::Problem),
        (status = 403, description = "Not the staff key, or staff actions are disabled",
            body = onego_protocol::api::Problem),
        (status = 404, description = "No such licence", body = onego_protocol::api::Problem),
        (status = 409, description = "The licence was revoked; revocation is final", body = onego_protocol::api::Problem),
        (status = 422, description = "The reason is empty or too long", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn set_licence_status(
    State(state): State<AppState>,
    _staff: StaffMember,
    Path(licence_id): Path<String>,
    Json(req): Json<StaffStatusRequest>,
) -> Result<StatusCode, ApiError> {
    let reason = req.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::validation("reason", "give a reason of 1 to 200 characters"));
    }
    let now = state.now_ms() / 1000;
    state.db(move |c| super::status::set_status(c, licence_id.trim(), req.status, &reason, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_key_only_works_in_dev_mode() {
        let dev = PlatformConfig::default();
        assert_eq!(staff_key(&dev), Some(SANDBOX_STAFF_KEY));
        let prod = PlatformConfig { dev_mode: false, ..PlatformConfig::default() };
        assert_eq!(staff_key(&prod), None);
        let own = PlatformConfig { dev_mode: false, staff_key: Some("k".into()), ..PlatformConfig::default() };
        assert_eq!(staff_key(&own), Some("k"));
        assert_eq!(staff_key(&PlatformConfig { staff_key: None, ..PlatformConfig::default() }), None);
    }
}
