//! Token status lists (draft-ietf-oauth-status-list): one list per issuer, two bits per licence (0 valid,
//! 1 revoked, 2 suspended), served as a status list token signed by the issuer's key.
//!
//! Indices are spread over the list by a fixed permutation rather than handed out in order, so neighbouring
//! indices say nothing about when or to whom licences were issued.

use axum::extract::{Path, State};
use axum::response::Response;
use onego_protocol::api::LicenceStatusChange;
use onego_protocol::status_list::{StatusList, StatusListClaims, TokenStatus};
use rusqlite::{Connection, OptionalExtension, params};

use super::issuers::{jwt_response, load};
use super::status_list_url;
use crate::{ApiError, AppState};

/// Bits per status (valid, revoked, suspended need two).
pub(crate) const BITS: u8 = 2;
/// Entries per list: a power of two, so the index permutation below is a bijection.
pub(crate) const LIST_SIZE: u64 = 1 << 14;
/// `typ` of a status list token (§5.1).
pub(crate) const STATUS_LIST_TYP: &str = "statuslist+jwt";
/// Media type of a status list token (§5.1).
pub(crate) const STATUS_LIST_CONTENT_TYPE: &str = "application/statuslist+jwt";
/// Seconds a client may cache the list.
const TTL_SECS: i64 = 300;
/// How long a status list token is valid.
const TOKEN_LIFETIME_SECS: i64 = 24 * 3600;

/// The index of the `n`th licence of an issuer: an odd multiplier modulo a power of two never repeats.
pub(crate) fn index_of(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9).wrapping_add(0x2545) % LIST_SIZE
}

/// The next free index of an issuer's list.
pub(crate) fn next_index(conn: &Connection, issuer: &str) -> Result<u64, ApiError> {
    let used: i64 = conn.query_row("SELECT count(*) FROM licence WHERE issuer = ?1", [issuer], |r| r.get(0))?;
    let used = u64::try_from(used).map_err(ApiError::internal)?;
    if used >= LIST_SIZE {
        return Err(ApiError::internal(format!("status list of {issuer} is full")));
    }
    Ok(index_of(used))
}

/// The stored value of a status.
pub(crate) fn status_value(change: LicenceStatusChange) -> i64 {
    match change {
        LicenceStatusChange::Valid => 0,
        LicenceStatusChange::Revoked => 1,
        LicenceStatusChange::Suspended => 2,
    }
}

/// An issuer's current list.
pub(crate) fn list_of(conn: &Connection, issuer: &str) -> Result<StatusList, ApiError> {
    let len = usize::try_from(LIST_SIZE).map_err(ApiError::internal)?;
    let mut list = StatusList::new(BITS, len).map_err(ApiError::internal)?;
    let mut stmt = conn.prepare_cached("SELECT status_idx, status FROM licence WHERE issuer = ?1 AND status <> 0")?;
    let rows = stmt.query_map([issuer], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?)))?;
    for row in rows {
        let (idx, status) = row?;
        let idx = u64::try_from(idx).map_err(ApiError::internal)?;
        list.set(idx, TokenStatus::from_value(status)).map_err(ApiError::internal)?;
    }
    Ok(list)
}

/// An issuer's status list token.
///
/// A JWT with `typ: statuslist+jwt` and the issuer's `kid`, signed by the issuer (draft-ietf-oauth-status-list
/// §5.1); `sub` is this URL, `exp` a day after `iat`, `ttl` 300 seconds; two bits per licence: 0 valid,
/// 1 revoked, 2 suspended.
#[utoipa::path(get, path = "/v1/status-lists/{slug}", tag = "wallet",
    params(("slug" = String, Path, description = "The issuer's short name")),
    responses(
        (status = 200, description = "The status list token (payload: StatusListClaims)", body = String,
            content_type = "application/statuslist+jwt"),
        (status = 404, description = "No such issuer", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn status_list(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let now = state.now_ms() / 1000;
    let uri = status_list_url(&state.public_url(), &slug);
    let (issuer, list) = state
        .db(move |c| {
            let Some(issuer) = load(c, &slug)? else { return Err(ApiError::not_found("no such issuer")) };
            let list = list_of(c, &issuer.slug)?;
            Ok((issuer, list))
        })
        .await?;
    let claims = StatusListClaims {
        sub: uri,
        iat: now,
        exp: Some(now + TOKEN_LIFETIME_SECS),
        ttl: Some(TTL_SECS),
        status_list: list.encode(),
    };
    let rng = ring::rand::SystemRandom::new();
    let key = issuer.signing_key(&rng)?;
    let mut header = serde_json::Map::new();
    header.insert("typ".into(), STATUS_LIST_TYP.into());
    header.insert("kid".into(), issuer.kid.clone().into());
    let payload = serde_json::to_vec(&claims)?;
    let jwt =
        onego_protocol::sdjwt::jws::sign_compact_es256(&header, &payload, &key, &rng).map_err(ApiError::internal)?;
    Ok(jwt_response(jwt, STATUS_LIST_CONTENT_TYPE))
}

/// Sets a licence's status. Revocation is final: a revoked licence cannot be suspended or reinstated.
pub(crate) fn set_status(
    conn: &mut Connection,
    licence_id: &str,
    change: LicenceStatusChange,
    reason: &str,
    now: i64,
) -> Result<(), ApiError> {
    let tx = conn.transaction()?;
    let current: Option<i64> =
        tx.query_row("SELECT status FROM licence WHERE licence_id = ?1", [licence_id], |r| r.get(0)).optional()?;
    let Some(current) = current else { return Err(ApiError::not_found("no such licence")) };
    let next = status_value(change);
    if current == 1 && next != 1 {
        return Err(ApiError::conflict("the licence was revoked; revocation is final"));
    }
    tx.execute("UPDATE licence SET status = ?2 WHERE licence_id = ?1", params![licence_id, next])?;
    tx.execute(
        "INSERT INTO licence_status_change (licence_id, status, reason, at) VALUES (?1, ?2, ?3, ?4)",
        params![licence_id, next, reason, now],
    )?;
    tx.commit()?;
    // The licence number identifies its holder: the audit row keeps it, the log does not.
    tracing::info!(status = next, "licence status changed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_never_repeat() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..LIST_SIZE {
            assert!(seen.insert(index_of(n)), "index {n} repeats");
        }
        assert!(seen.iter().all(|&i| i < LIST_SIZE));
        assert_ne!(index_of(1), index_of(0) + 1, "not handed out in order");
    }
}
