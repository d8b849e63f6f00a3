//! Licence issuance in the spirit of OpenID4VCI: list what the caller holds, hand out a single-use `c_nonce`,
//! and issue an SD-JWT VC bound to the device key that signed a proof of possession over that nonce.
//!
//! Proof problems are `422 validation` problems whose `field` says what to fix: `proof.proof_type`,
//! `proof.jwt` (malformed, wrong `typ`, no usable `jwk`, or a signature that does not verify with that `jwk`),
//! `proof.aud` (not this platform), `proof.iat` (more than five minutes off) or `proof.nonce` (unknown, used or
//! expired: ask for a new nonce and sign again).

use axum::extract::State;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use onego_protocol::api::CredentialVariant;
use onego_protocol::api::{AccountKind, CredentialRequest, CredentialResponse, LicenceOffer, NonceResponse, PROOF_TYP};
use onego_protocol::ids::LicenceId;
use onego_protocol::licence::{self, HOLDER_CLAIMS};
use onego_protocol::sdjwt::jws::{Jwk, verify_compact};
use onego_protocol::sdjwt::{IssueRequest, StatusRef, issue};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::issuers::{IssuerRow, load as load_issuer};
use super::{Date, issuer_url, status_list_url};
use crate::auth::Caller;
use crate::error::Json;
use crate::{ApiError, AppState};

/// How long a `c_nonce` may be used.
const NONCE_TTL_SECS: i64 = 300;
/// How many unused nonces a subject may hold; older ones are dropped.
const MAX_NONCES: i64 = 16;
/// How far a proof's `iat` may be from the platform's clock.
const PROOF_WINDOW_SECS: i64 = 300;
/// The longest a credential is valid; the app fetches a new one before it expires.
const MAX_CREDENTIAL_SECS: i64 = 365 * 24 * 3600;
/// Decoy digests per credential (RFC 9901 §4.2.5).
const DECOYS: usize = 3;

fn hash(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

/// A licence as stored.
pub(crate) struct LicenceRow {
    pub licence_id: String,
    pub vct: String,
    pub holder_subject: Option<String>,
    pub holder_credit_code: Option<String>,
    pub issuer: String,
    pub status_idx: u64,
    pub status: i64,
    pub valid_from: String,
    pub valid_until: String,
    pub claims: String,
}

/// The licences `subject` may fetch: their own, their wards' (a newborn's licences go to the parents' wallets),
/// and as an enterprise account their companies'.
const HELD_BY: &str = "(l.holder_subject = ?1
    OR l.holder_subject IN (SELECT ward FROM guardianship WHERE guardian = ?1)
    OR (?2 AND l.holder_credit_code IN (SELECT credit_code FROM company_role WHERE subject = ?1)))";

fn is_enterprise(kind: AccountKind) -> bool {
    matches!(kind, AccountKind::Enterprise)
}

/// Offers for the licences `subject` holds, in the order of the licence types.
pub(crate) fn offers(
    conn: &Connection,
    subject: &str,
    kind: AccountKind,
    base: &str,
) -> Result<Vec<LicenceOffer>, ApiError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.licence_id, l.vct, l.issuer, i.name, i.province, l.valid_from, l.valid_until
         FROM licence l JOIN issuer i ON i.slug = l.issuer WHERE {HELD_BY} ORDER BY l.licence_id"
    ))?;
    let mut offers = stmt
        .query_map(params![subject, is_enterprise(kind)], |r| {
            let vct: String = r.get(1)?;
            let slug: String = r.get(2)?;
            Ok(LicenceOffer {
                licence_id: r.get(0)?,
                name: licence::by_vct(&vct).map_or_else(|| vct.clone(), |t| t.name.to_owned()),
                vct,
                issuer: issuer_url(base, &slug),
                issuer_name: r.get(3)?,
                province: r.get(4)?,
                valid_from: r.get(5)?,
                valid_until: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let rank = |vct: &str| licence::TYPES.iter().position(|t| t.vct == vct).unwrap_or(usize::MAX);
    offers.sort_by_key(|o| rank(&o.vct));
    Ok(offers)
}

/// The licences the signed-in person holds, and as an enterprise account also their companies' licences.
///
/// Revoked and suspended licences are listed too; their status is in the issuer's status list.
#[utoipa::path(get, path = "/v1/licences", tag = "wallet", security(("bearer" = [])),
    responses(
        (status = 200, description = "What the caller may fetch as credentials", body = Vec<LicenceOffer>),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn licences(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<LicenceOffer>>, ApiError> {
    let base = state.public_url();
    let offers = state.db(move |c| offers(c, &caller.subject, caller.kind, &base)).await?;
    Ok(axum::Json(offers))
}

/// A fresh `c_nonce` for one proof of possession: random, single use, valid for five minutes.
#[utoipa::path(post, path = "/v1/credentials/nonce", tag = "wallet", security(("bearer" = [])),
    responses(
        (status = 200, description = "A nonce to sign into the next proof", body = NonceResponse),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn nonce(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<NonceResponse>, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    let c_nonce = URL_SAFE_NO_PAD.encode(bytes);
    let hashed = hash(&c_nonce);
    let now = state.now_ms() / 1000;
    state
        .db(move |c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM credential_nonce WHERE expires_at <= ?1", [now])?;
            tx.execute(
                "INSERT INTO credential_nonce (hash, subject, expires_at) VALUES (?1, ?2, ?3)",
                params![hashed, caller.subject, now + NONCE_TTL_SECS],
            )?;
            tx.execute(
                "DELETE FROM credential_nonce WHERE subject = ?1 AND hash NOT IN
                   (SELECT hash FROM credential_nonce WHERE subject = ?1 ORDER BY expires_at DESC LIMIT ?2)",
                params![caller.subject, MAX_NONCES],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(axum::Json(NonceResponse { c_nonce, c_nonce_expires_in: NONCE_TTL_SECS.unsigned_abs() }))
}

/// A proof of possession that verified.
struct Proof {
    jwk: Jwk,
    nonce: String,
}

fn proof_error(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::validation(field, detail)
}

/// Checks a proof JWT (OpenID4VCI §8.2.1.1): `typ`, ES256, the device key as `jwk` in the header and a
/// signature by it, `aud` = this platform, `iat` within five minutes of `now`, and a `nonce` (checked later).
fn verify_proof(jwt: &str, aud: &str, now: i64) -> Result<Proof, ApiError> {
    let field = "proof.jwt";
    let header = jwt
        .split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
        .and_then(|h| serde_json::from_slice::<Map<String, Value>>(&h).ok())
        .ok_or_else(|| proof_error(field, "not a compact JWS with a JSON header"))?;
    if header.get("typ").and_then(Value::as_str) != Some(PROOF_TYP) {
        return Err(proof_error(field, format!("typ must be {PROOF_TYP}")));
    }
    if header.contains_key("kid") || header.contains_key("x5c") {
        return Err(proof_error(field, "the device key must be given as jwk alone, without kid or x5c"));
    }
    let jwk = header.get("jwk").ok_or_else(|| proof_error(field, "the header must carry the device key as jwk"))?;
    if jwk.get("d").is_some() {
        return Err(proof_error(field, "the jwk must not contain a private key"));
    }
    let jwk = Jwk::from_json(jwk).map_err(|e| proof_error(field, format!("jwk: {e}")))?;
    let verified = verify_compact(jwt, &jwk).map_err(|e| proof_error(field, format!("does not verify: {e}")))?;
    let payload: Map<String, Value> = serde_json::from_slice(&verified.payload)
        .map_err(|_| proof_error(field, "the payload is not a JSON object"))?;
    let aud_ok = match payload.get("aud") {
        Some(Value::String(a)) => a == aud,
        Some(Value::Array(all)) => all.iter().any(|a| a.as_str() == Some(aud)),
        _ => false,
    };
    if !aud_ok {
        return Err(proof_error("proof.aud", format!("aud must be {aud}")));
    }
    let iat = payload.get("iat").and_then(Value::as_i64).ok_or_else(|| proof_error("proof.iat", "iat is missing"))?;
    if (now - iat).abs() > PROOF_WINDOW_SECS {
        return Err(proof_error("proof.iat", "iat must be within five minutes of now; sign a new proof"));
    }
    let nonce = payload
        .get("nonce")
        .and_then(Value::as_str)
        .ok_or_else(|| proof_error("proof.nonce", "nonce is missing; ask for one at /v1/credentials/nonce"))?;
    Ok(Proof { jwk, nonce: nonce.to_owned() })
}

/// Uses up a nonce of `subject`; committed at once, whatever happens to the request afterwards.
fn consume_nonce(conn: &Connection, subject: &str, nonce: &str, now: i64) -> Result<(), ApiError> {
    let used = conn.execute(
        "DELETE FROM credential_nonce WHERE hash = ?1 AND subject = ?2 AND expires_at > ?3",
        params![hash(nonce), subject, now],
    )?;
    if used == 0 {
        return Err(proof_error("proof.nonce", "the nonce is unknown, used or expired; ask for a new one"));
    }
    Ok(())
}

fn held_licence(conn: &Connection, caller: &Caller, licence_id: &str) -> Result<Option<LicenceRow>, ApiError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT l.licence_id, l.vct, l.holder_subject, l.holder_credit_code, l.issuer, l.status_idx,
                        l.status, l.valid_from, l.valid_until, l.claims
                 FROM licence l WHERE {HELD_BY} AND l.licence_id = ?3"
            ),
            params![caller.subject, is_enterprise(caller.kind), licence_id],
            |r| {
                Ok(LicenceRow {
                    licence_id: r.get(0)?,
                    vct: r.get(1)?,
                    holder_subject: r.get(2)?,
                    holder_credit_code: r.get(3)?,
                    issuer: r.get(4)?,
                    status_idx: u64::try_from(r.get::<_, i64>(5)?).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Integer, Box::new(e))
                    })?,
                    status: r.get(6)?,
                    valid_from: r.get(7)?,
                    valid_until: r.get(8)?,
                    claims: r.get(9)?,
                })
            },
        )
        .optional()?)
}

/// The holder's name and code (ID number or credit code) from the registries.
fn holder_of(conn: &Connection, licence: &LicenceRow) -> Result<(String, String), ApiError> {
    let row = match (&licence.holder_subject, &licence.holder_credit_code) {
        (Some(subject), _) => conn
            .query_row("SELECT name, id_number FROM person WHERE subject = ?1", [subject], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?,
        (None, Some(code)) => conn
            .query_row("SELECT name, credit_code FROM company WHERE credit_code = ?1", [code], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?,
        (None, None) => None,
    };
    row.ok_or_else(|| ApiError::internal(format!("licence {} has no holder", licence.licence_id)))
}

/// Builds the SD-JWT VC of a licence for `holder_key` at `now`.
pub(crate) fn credential_for(
    licence: &LicenceRow,
    holder: (String, String),
    issuer: &IssuerRow,
    base: &str,
    holder_key: Jwk,
    variant: Option<CredentialVariant>,
    now_ms: i64,
) -> Result<String, ApiError> {
    let now = now_ms.div_euclid(1000);
    let t = licence::by_vct(&licence.vct).ok_or_else(|| ApiError::internal("licence of an unknown type"))?;
    let from = Date::parse(&licence.valid_from).ok_or_else(|| ApiError::internal("bad valid_from"))?;
    let until = Date::parse(&licence.valid_until).ok_or_else(|| ApiError::internal("bad valid_until"))?;
    // A licence is valid through the whole of its last day (China Standard Time).
    let until_secs = until.start_unix() + 86_400;
    if until_secs <= now {
        return Err(ApiError::conflict("the licence has expired"));
    }
    let mut visible = Map::new();
    visible.insert("licence_name".into(), t.name.into());
    visible.insert("licence_type_code".into(), t.type_code.into());
    visible.insert("issuer_name".into(), issuer.name.clone().into());
    visible.insert("issuer_code".into(), issuer.credit_code.clone().into());
    visible.insert("valid_from".into(), licence.valid_from.clone().into());
    visible.insert("valid_until".into(), licence.valid_until.clone().into());

    let (holder_name, holder_code) = holder;
    let mut disclosable = Map::new();
    for (name, value) in
        HOLDER_CLAIMS.iter().map(|(n, _)| *n).zip([licence.licence_id.clone(), holder_name, holder_code])
    {
        disclosable.insert(name.into(), value.into());
    }
    let face: Map<String, Value> = serde_json::from_str(&licence.claims)?;
    let today = Date::today(now_ms).ok_or_else(|| ApiError::internal("no date for the clock"))?;
    let birth = face.get("birth_date").and_then(Value::as_str).and_then(Date::parse);
    for (name, _) in t.claims {
        let value = match (*name, birth) {
            ("age_over_18", Some(b)) => Some(Value::Bool(b.age_on(today) >= 18)),
            ("age_over_60", Some(b)) => Some(Value::Bool(b.age_on(today) >= 60)),
            _ => face.get(*name).cloned(),
        };
        if let Some(value) = value {
            disclosable.insert((*name).into(), value);
        }
    }
    let mut decoys = DECOYS;
    if variant == Some(CredentialVariant::Age) {
        // Only what an age check needs, so the presentation fits an offline QR code (version ≤ 20 at level M)
        // and carries nothing that links it to the holder's other presentations.
        if licence.vct != licence::RESIDENT_ID {
            return Err(ApiError::validation("variant", "the age form exists only for the resident ID card"));
        }
        // The verifier names the licence from `vct` and `exp` bounds its validity, so no metadata rides along.
        visible.clear();
        disclosable.retain(|k, _| matches!(k.as_str(), "age_over_18" | "age_over_60"));
        // Every age form holds the same two claims, so decoys would hide nothing; they would only cost QR space.
        decoys = 0;
    }
    let request = IssueRequest {
        iss: issuer_url(base, &issuer.slug),
        vct: licence.vct.clone(),
        iat: now,
        nbf: Some(from.start_unix()),
        exp: Some(until_secs.min(now + MAX_CREDENTIAL_SECS)),
        holder_key,
        status: Some(StatusRef { idx: licence.status_idx, uri: status_list_url(base, &issuer.slug) }),
        visible,
        disclosable,
        decoys,
    };
    let rng = ring::rand::SystemRandom::new();
    issue(&request, &issuer.signing_key(&rng)?, &issuer.kid, &rng).map_err(ApiError::internal)
}

/// Issues a licence as an SD-JWT VC bound to the device key of the proof.
///
/// The proof is a JWT with `typ: openid4vci-proof+jwt`, ES256, the device public key as `jwk` in its header, and
/// `aud` (this platform's base URL), `nonce` (an unused `c_nonce` of the caller) and `iat` (within five minutes)
/// in its payload. Problems with the proof are `422` with `field` naming the part to fix (`proof.jwt`,
/// `proof.aud`, `proof.iat`, `proof.nonce`). A checked proof uses its nonce up even when the licence is then
/// refused. A revoked licence is refused (409); a suspended one is issued, its status list entry saying so.
#[utoipa::path(post, path = "/v1/credentials", tag = "wallet", security(("bearer" = [])),
    request_body = CredentialRequest,
    responses(
        (status = 200, description = "The SD-JWT VC with all its disclosures", body = CredentialResponse),
        (status = 400, description = "Malformed request", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
        (status = 403, description = "Not the caller's licence", body = onego_protocol::api::Problem),
        (status = 409, description = "The licence was revoked or has expired", body = onego_protocol::api::Problem),
        (status = 422, description = "The proof or the licence id is invalid; `field` says which part",
            body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn credential(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<CredentialRequest>,
) -> Result<axum::Json<CredentialResponse>, ApiError> {
    if req.proof.proof_type != "jwt" {
        return Err(proof_error("proof.proof_type", "proof_type must be jwt"));
    }
    let licence_id =
        LicenceId::parse(&req.licence_id).map_err(|e| ApiError::validation("licence_id", e.to_string()))?.to_string();
    let now_ms = state.now_ms();
    let now = now_ms.div_euclid(1000);
    let base = state.public_url();
    let proof = verify_proof(&req.proof.jwt, &base, now)?;
    let credential = state
        .db(move |c| {
            consume_nonce(c, &caller.subject, &proof.nonce, now)?;
            // The same answer whether the licence is someone else's or does not exist.
            let Some(licence) = held_licence(c, &caller, &licence_id)? else {
                return Err(ApiError::forbidden("the licence is not held by the caller"));
            };
            if licence.status == 1 {
                return Err(ApiError::conflict("the licence was revoked"));
            }
            let issuer =
                load_issuer(c, &licence.issuer)?.ok_or_else(|| ApiError::internal("licence without issuer"))?;
            let holder = holder_of(c, &licence)?;
            let thumbprint = proof.jwk.thumbprint();
            let credential = credential_for(&licence, holder, &issuer, &base, proof.jwk, req.variant, now_ms)?;
            c.execute(
                "INSERT INTO issued_credential (licence_id, jwk_thumbprint, at) VALUES (?1, ?2, ?3)",
                params![licence.licence_id, thumbprint, now],
            )?;
            tracing::info!(vct = %licence.vct, "credential issued");
            Ok(credential)
        })
        .await?;
    Ok(axum::Json(CredentialResponse { credential }))
}

/// `(licence_id, vct)` of the licences of the person with this phone, their wards and the companies they
/// represent.
pub(crate) fn licence_ids_of(conn: &Connection, phone: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.licence_id, l.vct FROM licence l, person p WHERE p.phone = ?1 AND (l.holder_subject = p.subject
           OR l.holder_subject IN (SELECT ward FROM guardianship WHERE guardian = p.subject)
           OR l.holder_credit_code IN (SELECT credit_code FROM company_role WHERE subject = p.subject))
         ORDER BY l.licence_id",
    )?;
    let rows = stmt.query_map([phone], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
