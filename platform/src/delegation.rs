//! Family proxy (亲友代办): a principal lets a delegate apply in their name, for named services, until a date.
//! Every action a delegate takes is checked against the grant here.

use onego_protocol::api::AccountKind;
use rusqlite::{Connection, OptionalExtension, params};

use crate::ApiError;
use crate::auth::Caller;

/// Whose name an action is taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Principal {
    pub subject: String,
    pub kind: AccountKind,
    /// Set when a delegate acts.
    pub delegation_id: Option<String>,
}

/// The principal `caller` acts for: themselves without a delegation; with one, its principal — if the grant is
/// the caller's, covers `service_id`, and is neither expired nor revoked at `now_ms`.
pub(crate) fn check(
    conn: &Connection,
    caller: &Caller,
    delegation_id: Option<&str>,
    service_id: &str,
    now_ms: i64,
) -> Result<Principal, ApiError> {
    let Some(id) = delegation_id else {
        return Ok(Principal { subject: caller.subject.clone(), kind: caller.kind, delegation_id: None });
    };
    let row: Option<(String, String, String, i64, Option<i64>)> = conn
        .query_row(
            "SELECT principal, delegate, scope, expires_at, revoked_at FROM delegation WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((principal, delegate, scope, expires_at, revoked_at)) = row else {
        return Err(ApiError::forbidden("没有这项代办授权"));
    };
    if delegate != caller.subject {
        return Err(ApiError::forbidden("这项代办授权不是给您的"));
    }
    if revoked_at.is_some() {
        return Err(ApiError::forbidden("委托人已撤销这项代办授权"));
    }
    if expires_at <= now_ms {
        return Err(ApiError::forbidden("这项代办授权已过期，请委托人重新授权"));
    }
    let scope: Vec<String> = serde_json::from_str(&scope)?;
    if !scope.iter().any(|s| s == service_id) {
        return Err(ApiError::forbidden("这项代办授权不包括此事项"));
    }
    Ok(Principal { subject: principal, kind: AccountKind::Citizen, delegation_id: Some(id.to_owned()) })
}
