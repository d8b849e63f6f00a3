//! The cached trust list and status lists: fetched when online, checked against the pinned anchor and the
//! issuers' keys, and used offline for every licence shown or verified.

use onego_protocol::sdjwt::jws::{Jwk, verify_compact};
use onego_protocol::status_list::{StatusList, StatusListClaims, TokenStatus};
use onego_protocol::trust::{TrustError, TrustList};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, CoreResult};
use crate::store::{kv_get, kv_set};

pub(crate) const STATUS_LIST_TYP: &str = "statuslist+jwt";

/// Verifies a fetched trust list and stores it unless it is older than the one held.
pub(crate) fn accept_trust_list(conn: &Connection, jws: &str, anchor: &Jwk, now_ms: i64) -> CoreResult<TrustList> {
    let list = TrustList::verify(jws, anchor).map_err(|e| CoreError::Integrity(e.to_string()))?;
    if let Some(held) = kv_get(conn, "trust_list_sequence")?.and_then(|s| s.parse::<i64>().ok())
        && list.sequence < held
    {
        return Err(CoreError::Integrity(format!("trust list sequence went backwards ({held} → {})", list.sequence)));
    }
    kv_set(conn, "trust_list", jws)?;
    kv_set(conn, "trust_list_sequence", &list.sequence.to_string())?;
    kv_set(conn, "trust_list_fetched_ms", &now_ms.to_string())?;
    Ok(list)
}

/// Verification is a pure function of its inputs, so its results are remembered by a digest of them: the
/// database is not trusted to hold a list unaltered, yet a warm verifier should not check the same signature
/// again for every licence it is shown.
struct Memo<T> {
    entries: Mutex<Vec<([u8; 32], Arc<T>)>>,
}

impl<T> Memo<T> {
    const CAPACITY: usize = 32;

    const fn new() -> Self {
        Self { entries: Mutex::new(Vec::new()) }
    }

    fn get_or(&self, parts: &[&[u8]], compute: impl FnOnce() -> CoreResult<T>) -> CoreResult<Arc<T>> {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p);
        }
        let key: [u8; 32] = h.finalize().into();
        if let Ok(entries) = self.entries.lock()
            && let Some((_, v)) = entries.iter().find(|(k, _)| *k == key)
        {
            return Ok(Arc::clone(v));
        }
        let value = Arc::new(compute()?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= Self::CAPACITY {
                entries.remove(0);
            }
            entries.push((key, Arc::clone(&value)));
        }
        Ok(value)
    }
}

static TRUST_LISTS: Memo<TrustList> = Memo::new();
static STATUS_LISTS: Memo<StatusList> = Memo::new();

/// The cached trust list, verified against the anchor (once per distinct list).
pub(crate) fn cached_trust_list(conn: &Connection, anchor: &Jwk) -> CoreResult<Option<Arc<TrustList>>> {
    let Some(jws) = kv_get(conn, "trust_list")? else { return Ok(None) };
    let anchor_json = anchor.to_json().to_string();
    TRUST_LISTS
        .get_or(&[anchor_json.as_bytes(), jws.as_bytes()], || {
            TrustList::verify(&jws, anchor).map_err(|e| CoreError::Integrity(e.to_string()))
        })
        .map(Some)
}

/// The key of `issuer` that signed a status list token with header `kid`.
fn status_key<'a>(list: &'a TrustList, issuer: &str, kid: Option<&str>) -> Result<&'a Jwk, TrustError> {
    let entry = list.issuer(issuer).ok_or_else(|| TrustError::UnknownIssuer { issuer: issuer.into() })?;
    let key = match kid {
        Some(kid) => entry.jwks.keys.iter().find(|k| k.thumbprint() == kid),
        None => entry.jwks.keys.first(),
    };
    key.ok_or_else(|| TrustError::UnknownKey {
        issuer: issuer.into(),
        name: entry.name.clone(),
        kid: kid.unwrap_or("(none)").into(),
    })
}

/// Checks a status list token from `issuer` fetched from `uri`, and stores it.
pub(crate) fn accept_status_list(
    conn: &Connection,
    list: &TrustList,
    issuer: &str,
    uri: &str,
    token: &str,
    now_ms: i64,
) -> CoreResult<()> {
    let claims = verify_status_token(list, issuer, uri, token)?;
    conn.execute(
        "INSERT INTO status_list (uri, token, fetched_ms, ttl_s) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (uri) DO UPDATE SET token = excluded.token, fetched_ms = excluded.fetched_ms, ttl_s = excluded.ttl_s",
        params![uri, token, now_ms, claims.ttl.unwrap_or(3600)],
    )?;
    Ok(())
}

fn verify_status_token(list: &TrustList, issuer: &str, uri: &str, token: &str) -> CoreResult<StatusListClaims> {
    let header = onego_protocol::sdjwt::jws::peek_header(token).map_err(|e| CoreError::Integrity(e.to_string()))?;
    let key = status_key(list, issuer, header.kid()).map_err(|e| CoreError::Integrity(e.to_string()))?;
    let verified = verify_compact(token, key).map_err(|e| CoreError::Integrity(format!("status list {uri}: {e}")))?;
    if verified.header.typ() != Some(STATUS_LIST_TYP) {
        return Err(CoreError::Integrity(format!("status list {uri}: typ must be {STATUS_LIST_TYP}")));
    }
    let claims: StatusListClaims = serde_json::from_slice(&verified.payload)
        .map_err(|e| CoreError::Malformed(format!("status list: {}", crate::error::json_failure(&e))))?;
    if claims.sub != uri {
        return Err(CoreError::Integrity(format!("status list served from {uri} names itself {}", claims.sub)));
    }
    Ok(claims)
}

/// What the cached status list says of one licence, and when it was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CachedStatus {
    pub status: TokenStatus,
    pub fetched_ms: i64,
    /// Older than the list's `ttl`: shown, but flagged as due for a check.
    pub stale: bool,
}

/// Looks a licence up in the cached status list (verified again, since the database could be altered).
pub(crate) fn cached_status(
    conn: &Connection,
    list: &TrustList,
    issuer: &str,
    uri: &str,
    idx: u64,
    now_ms: i64,
) -> CoreResult<Option<CachedStatus>> {
    let row: Option<(String, i64, i64)> = conn
        .query_row("SELECT token, fetched_ms, ttl_s FROM status_list WHERE uri = ?1", [uri], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((token, fetched_ms, ttl_s)) = row else { return Ok(None) };
    let keys = serde_json::to_string(&list.issuer(issuer).map(|i| &i.jwks)).unwrap_or_default();
    let bits = STATUS_LISTS.get_or(&[keys.as_bytes(), issuer.as_bytes(), uri.as_bytes(), token.as_bytes()], || {
        let claims = verify_status_token(list, issuer, uri, &token)?;
        StatusList::decode(&claims.status_list).map_err(|e| CoreError::Malformed(e.to_string()))
    })?;
    let status = bits.get(idx).map_err(|e| CoreError::Integrity(e.to_string()))?;
    Ok(Some(CachedStatus { status, fetched_ms, stale: now_ms - fetched_ms > ttl_s.saturating_mul(1000) }))
}
