//! Family proxy (亲友代办): a principal lets a delegate apply in their name, for named services, until a date.
//! Every action a delegate takes is checked against the grant here ([`check`]); principals grant, list and revoke
//! through `POST /v1/delegations`, `GET /v1/delegations` and `DELETE /v1/delegations/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use onego_protocol::api::{AccountKind, Delegation, DelegationGrant, DelegationList, DelegationState, mask_name};
use rusqlite::{Connection, OptionalExtension, params};

use crate::auth::Caller;
use crate::error::Json;
use crate::{ApiError, AppState};

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

/// Most services one grant may name.
const MAX_SCOPE: usize = 50;
/// The longest term of a grant. A calendar year ahead is 366 days when it spans 29 February.
const MAX_TERM_MS: i64 = 366 * 24 * 3600 * 1000;

fn random_id() -> Result<String, ApiError> {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new().fill(&mut bytes).map_err(|_| ApiError::internal("no randomness"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn state_at(expires_at: i64, revoked_at: Option<i64>, now_ms: i64) -> DelegationState {
    if revoked_at.is_some() {
        DelegationState::Revoked
    } else if expires_at <= now_ms {
        DelegationState::Expired
    } else {
        DelegationState::Active
    }
}

/// Delegations matching `filter` (a condition on `d`), newest first, with both names masked and `state` as of
/// `now_ms`.
fn load(conn: &Connection, filter: &str, key: &str, now_ms: i64) -> Result<Vec<Delegation>, ApiError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.id, d.principal, p.name, d.delegate, q.name, d.scope, d.created_at, d.expires_at, d.revoked_at
         FROM delegation d JOIN person p ON p.subject = d.principal JOIN person q ON q.subject = d.delegate
         WHERE {filter} ORDER BY d.created_at DESC, d.id LIMIT 200"
    ))?;
    let rows = stmt
        .query_map([key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, principal, principal_name, delegate, delegate_name, scope, created_at, expires_at, revoked_at)| {
            Ok(Delegation {
                id,
                principal,
                principal_name: mask_name(&principal_name),
                delegate,
                delegate_name: mask_name(&delegate_name),
                scope: serde_json::from_str(&scope)?,
                created_at,
                expires_at,
                revoked_at,
                state: state_at(expires_at, revoked_at, now_ms),
            })
        })
        .collect()
}

/// Checks a grant and records it; the new delegation.
fn grant_in(conn: &Connection, caller: &Caller, grant: &DelegationGrant, now_ms: i64) -> Result<Delegation, ApiError> {
    if caller.kind != AccountKind::Citizen {
        return Err(ApiError::forbidden("只有个人账户可以授权亲友代办"));
    }
    let mut scope: Vec<String> = Vec::with_capacity(grant.scope.len());
    for id in grant.scope.iter().map(|s| s.trim()) {
        if !id.is_empty() && !scope.iter().any(|s| s == id) {
            scope.push(id.to_owned());
        }
    }
    if scope.is_empty() {
        return Err(ApiError::validation("scope", "请至少选择一项可以代办的事项"));
    }
    if scope.len() > MAX_SCOPE {
        return Err(ApiError::validation("scope", format!("一项授权最多包括 {MAX_SCOPE} 个事项")));
    }
    let mut exists = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM catalog_item WHERE id = ?1 AND deleted = 0)")?;
    let mut unknown = Vec::new();
    for id in &scope {
        if !exists.query_row([id], |r| r.get::<_, bool>(0))? {
            unknown.push(id.as_str());
        }
    }
    if !unknown.is_empty() {
        return Err(ApiError::validation("scope", format!("没有这些事项：{}", unknown.join("、"))));
    }
    if grant.expires_at <= now_ms {
        return Err(ApiError::validation("expires_at", "授权截止时间已过，请选择将来的日期"));
    }
    if grant.expires_at > now_ms.saturating_add(MAX_TERM_MS) {
        return Err(ApiError::validation("expires_at", "授权期限最长一年"));
    }
    let phone = grant.delegate_phone.trim();
    let delegate: Option<String> =
        conn.query_row("SELECT subject FROM person WHERE phone = ?1", [phone], |r| r.get(0)).optional()?;
    let Some(delegate) = delegate else {
        return Err(ApiError::not_found("这个手机号还没有注册，请让对方先注册后再授权"));
    };
    if delegate == caller.subject {
        return Err(ApiError::validation("delegate_phone", "不能授权给自己"));
    }
    let id = random_id()?;
    conn.execute(
        "INSERT INTO delegation (id, principal, delegate, scope, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, caller.subject, delegate, serde_json::to_string(&scope)?, now_ms, grant.expires_at],
    )?;
    tracing::info!(delegation = %id, services = scope.len(), "delegation granted");
    load(conn, "d.id = ?1", &id, now_ms)?.pop().ok_or_else(|| ApiError::internal("the new delegation vanished"))
}

/// Lets a relative or friend (by their registered phone) apply in the caller's name for the named services until
/// `expires_at` (亲友代办). Only citizen accounts grant.
#[utoipa::path(post, path = "/v1/delegations", tag = "services", security(("bearer" = [])),
    request_body = DelegationGrant,
    responses(
        (status = 201, description = "Granted", body = Delegation),
        (status = 400, description = "The body is not a grant", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
        (status = 403, description = "Not a citizen account", body = onego_protocol::api::Problem),
        (status = 404, description = "No account has the delegate's phone", body = onego_protocol::api::Problem),
        (status = 422, description = "Empty or unknown scope, self-delegation, or an expiry in the past or more \
                                      than a year ahead (`field` names it)", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn grant(
    State(state): State<AppState>,
    caller: Caller,
    Json(grant): Json<DelegationGrant>,
) -> Result<(StatusCode, axum::Json<Delegation>), ApiError> {
    let now = state.now_ms();
    let delegation = state.db(move |c| grant_in(c, &caller, &grant, now)).await?;
    Ok((StatusCode::CREATED, axum::Json(delegation)))
}

/// Delegations the caller granted and those granted to the caller, newest first, with `state` as of now.
#[utoipa::path(get, operation_id = "list_delegations", path = "/v1/delegations", tag = "services", security(("bearer" = [])),
    responses(
        (status = 200, description = "Granted by and to the caller", body = DelegationList),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<DelegationList>, ApiError> {
    let now = state.now_ms();
    let list = state
        .db(move |c| {
            Ok(DelegationList {
                granted: load(c, "d.principal = ?1", &caller.subject, now)?,
                received: load(c, "d.delegate = ?1", &caller.subject, now)?,
            })
        })
        .await?;
    Ok(axum::Json(list))
}

/// Revokes a delegation the caller granted. Revoking again changes nothing; others' delegations are not found.
#[utoipa::path(delete, path = "/v1/delegations/{id}", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "The delegation id")),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
        (status = 404, description = "No such delegation granted by the caller", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let now = state.now_ms();
    state
        .db(move |c| {
            // The first revocation time stays; a delegate or a stranger matches no row.
            let changed = c.execute(
                "UPDATE delegation SET revoked_at = coalesce(revoked_at, ?3) WHERE id = ?1 AND principal = ?2",
                params![id, caller.subject, now],
            )?;
            if changed == 0 {
                return Err(ApiError::not_found("没有这项代办授权"));
            }
            tracing::info!(delegation = %id, "delegation revoked");
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::init(&mut conn).unwrap();
        for (subject, name) in [("p", "李秀英"), ("d", "陈静"), ("x", "王磊")] {
            conn.execute(
                "INSERT INTO person (subject, phone, id_number, name, gender, birth_date, ethnicity, address, region,
                     marital_status, household_id) VALUES (?1, ?1, ?1, ?2, '女', '1964-08-09', '汉族', '', '', '', '')",
                params![subject, name],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO delegation (id, principal, delegate, scope, created_at, expires_at)
             VALUES ('g', 'p', 'd', '[\"bundle-retirement\"]', 0, 1000)",
            [],
        )
        .unwrap();
        conn
    }

    fn caller(subject: &str) -> Caller {
        Caller { subject: subject.into(), kind: AccountKind::Citizen }
    }

    fn refusal(r: Result<Principal, ApiError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.0.status, 403);
        e.0.detail.unwrap()
    }

    #[test]
    fn check_allows_only_a_live_grant_for_its_delegate_and_scope() {
        let conn = db();
        let own = check(&conn, &caller("d"), None, "anything", 500).unwrap();
        assert_eq!((own.subject.as_str(), own.delegation_id), ("d", None));
        let acting = check(&conn, &caller("d"), Some("g"), "bundle-retirement", 500).unwrap();
        assert_eq!((acting.subject.as_str(), acting.delegation_id.as_deref()), ("p", Some("g")));

        assert!(refusal(check(&conn, &caller("x"), Some("g"), "bundle-retirement", 500)).contains("不是给您的"));
        assert!(refusal(check(&conn, &caller("p"), Some("g"), "bundle-retirement", 500)).contains("不是给您的"));
        assert!(refusal(check(&conn, &caller("d"), Some("nope"), "bundle-retirement", 500)).contains("没有"));
        assert!(refusal(check(&conn, &caller("d"), Some("g"), "bundle-birth", 500)).contains("不包括"));
        assert!(refusal(check(&conn, &caller("d"), Some("g"), "bundle-retirement", 1000)).contains("过期"));
        conn.execute("UPDATE delegation SET revoked_at = 600 WHERE id = 'g'", []).unwrap();
        assert!(refusal(check(&conn, &caller("d"), Some("g"), "bundle-retirement", 700)).contains("撤销"));
    }

    #[test]
    fn state_follows_revocation_then_expiry() {
        assert_eq!(state_at(1000, None, 999), DelegationState::Active);
        assert_eq!(state_at(1000, None, 1000), DelegationState::Expired);
        assert_eq!(state_at(1000, Some(5), 2000), DelegationState::Revoked);
    }

    #[test]
    fn ids_are_random_hex() {
        let (a, b) = (random_id().unwrap(), random_id().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
