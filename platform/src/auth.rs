//! Sign-in by phone and one-time code; opaque access and refresh tokens, stored only as hashes.
//!
//! Codes expire after five minutes and allow five wrong tries; a phone may ask for a code once a minute and
//! five times an hour. Refresh tokens rotate; presenting a used one revokes its whole family (theft detection).

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine as _;
use onego_protocol::api::{AccountKind, OtpRequest, OtpSent, ProblemCode, TokenRequest, TokenResponse};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::Json;
use crate::{ApiError, AppState};

const CODE_TTL_SECS: i64 = 300;
const MAX_ATTEMPTS: i64 = 5;
const RESEND_AFTER_SECS: i64 = 60;
const MAX_PER_HOUR: i64 = 5;
/// The sandbox's fixed code in dev mode.
pub const DEV_CODE: &str = "123456";

fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn kind_str(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Citizen => "citizen",
        AccountKind::Enterprise => "enterprise",
    }
}

fn parse_kind(s: &str) -> AccountKind {
    if s == "enterprise" { AccountKind::Enterprise } else { AccountKind::Citizen }
}

fn valid_phone(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// The subject who may sign in with this phone as this kind of account, if any.
fn subject_for(conn: &Connection, phone: &str, kind: AccountKind) -> rusqlite::Result<Option<String>> {
    let subject: Option<String> =
        conn.query_row("SELECT subject FROM person WHERE phone = ?1", [phone], |r| r.get(0)).optional()?;
    match (kind, subject) {
        (AccountKind::Enterprise, Some(s)) => {
            let acts: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM company_role WHERE subject = ?1)", [&s], |r| r.get(0))?;
            Ok(acts.then_some(s))
        }
        (_, s) => Ok(s),
    }
}

/// Send a one-time code to a phone.
///
/// Answers alike whether or not the phone belongs to an account, so it cannot be used to find who is registered.
#[utoipa::path(post, path = "/v1/auth/otp", tag = "identity", request_body = OtpRequest,
    responses(
        (status = 200, description = "A code was sent if the phone may sign in", body = OtpSent),
        (status = 422, description = "Not a mainland mobile number", body = onego_protocol::api::Problem),
        (status = 429, description = "Asked too often", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn request_otp(
    State(state): State<AppState>,
    Json(req): Json<OtpRequest>,
) -> Result<axum::Json<OtpSent>, ApiError> {
    if !valid_phone(&req.phone) {
        return Err(ApiError::validation("phone", "an 11-digit mainland mobile number is expected"));
    }
    let now = state.now_ms() / 1000;
    let dev = state.config.dev_mode;
    state
        .db(move |c| {
            let tx = c.transaction()?;
            let (last, count): (Option<i64>, i64) = tx.query_row(
                "SELECT max(at), count(*) FROM otp_request WHERE phone = ?1 AND at > ?2",
                params![req.phone, now - 3600],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Some(last) = last.filter(|l| now - l < RESEND_AFTER_SECS) {
                return Err(ApiError::rate_limited(u64::try_from(RESEND_AFTER_SECS - (now - last)).unwrap_or(1)));
            }
            if count >= MAX_PER_HOUR {
                let oldest: i64 = tx.query_row(
                    "SELECT min(at) FROM otp_request WHERE phone = ?1 AND at > ?2",
                    params![req.phone, now - 3600],
                    |r| r.get(0),
                )?;
                return Err(ApiError::rate_limited(u64::try_from(oldest + 3600 - now).unwrap_or(1)));
            }
            tx.execute("INSERT INTO otp_request (phone, at) VALUES (?1, ?2)", params![req.phone, now])?;
            if subject_for(&tx, &req.phone, req.kind)?.is_some() {
                let code = if dev { DEV_CODE.to_owned() } else { random_code()? };
                tx.execute(
                    "INSERT INTO otp (phone, kind, code_hash, expires_at, attempts) VALUES (?1, ?2, ?3, ?4, 0)
                     ON CONFLICT (phone, kind) DO UPDATE SET code_hash = excluded.code_hash,
                       expires_at = excluded.expires_at, attempts = 0",
                    params![req.phone, kind_str(req.kind), hash(&code), now + CODE_TTL_SECS],
                )?;
                tx.execute(
                    "INSERT INTO sms_outbox (phone, text, at) VALUES (?1, ?2, ?3)",
                    params![req.phone, format!("【浙里办】验证码 {code}，5分钟内有效。"), now],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(axum::Json(OtpSent { expires_in: CODE_TTL_SECS.unsigned_abs(), resend_after: RESEND_AFTER_SECS.unsigned_abs() }))
}

fn random_code() -> Result<String, ApiError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
}

fn issue_pair(
    conn: &Connection,
    subject: &str,
    kind: AccountKind,
    family: &str,
    now: i64,
    access_ttl: u64,
    refresh_ttl: u64,
) -> Result<TokenResponse, ApiError> {
    let access = random_token()?;
    let refresh = random_token()?;
    let access_ttl_i = i64::try_from(access_ttl).unwrap_or(i64::MAX / 4);
    let refresh_ttl_i = i64::try_from(refresh_ttl).unwrap_or(i64::MAX / 4);
    for (token, kind_col, ttl) in [(&access, "access", access_ttl_i), (&refresh, "refresh", refresh_ttl_i)] {
        conn.execute(
            "INSERT INTO token (hash, kind, subject, account_kind, family, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![hash(token), kind_col, subject, kind_str(kind), family, now + ttl],
        )?;
    }
    Ok(TokenResponse {
        access_token: access,
        refresh_token: refresh,
        token_type: "Bearer".into(),
        expires_in: access_ttl,
        refresh_expires_in: refresh_ttl,
        subject: subject.to_owned(),
        kind,
    })
}

/// Exchange a one-time code, or rotate a refresh token, for a token pair.
#[utoipa::path(post, path = "/v1/auth/token", tag = "identity", request_body = TokenRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "Wrong or expired code", body = onego_protocol::api::Problem),
        (status = 401, description = "Refresh token unknown, used or expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn token(
    State(state): State<AppState>,
    Json(req): Json<TokenRequest>,
) -> Result<axum::Json<TokenResponse>, ApiError> {
    let now = state.now_ms() / 1000;
    let (access_ttl, refresh_ttl) = (state.config.access_ttl_secs, state.config.refresh_ttl_secs);
    let dev = state.config.dev_mode;
    let res = state
        .db(move |c| {
            let tx = c.transaction()?;
            let res = match req {
                TokenRequest::Otp { phone, code, kind } if dev && code.trim() == DEV_CODE => {
                    // The sandbox accepts its fixed code without an SMS round trip.
                    let subject = subject_for(&tx, &phone, kind)?.ok_or_else(|| {
                        ApiError::new(axum::http::StatusCode::BAD_REQUEST, ProblemCode::InvalidCode, "Wrong code")
                            .detail("no account may sign in with this phone")
                    })?;
                    tx.execute("DELETE FROM otp WHERE phone = ?1 AND kind = ?2", params![phone, kind_str(kind)])?;
                    issue_pair(&tx, &subject, kind, &random_token()?, now, access_ttl, refresh_ttl)?
                }
                TokenRequest::Otp { phone, code, kind } => {
                    let row: Option<(String, i64, i64)> = tx
                        .query_row(
                            "SELECT code_hash, expires_at, attempts FROM otp WHERE phone = ?1 AND kind = ?2",
                            params![phone, kind_str(kind)],
                            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                        )
                        .optional()?;
                    let bad_code =
                        || ApiError::new(axum::http::StatusCode::BAD_REQUEST, ProblemCode::InvalidCode, "Wrong code");
                    let Some((code_hash, expires_at, attempts)) = row else {
                        return Err(bad_code().detail("ask for a new code"));
                    };
                    if expires_at <= now || attempts >= MAX_ATTEMPTS {
                        tx.execute("DELETE FROM otp WHERE phone = ?1 AND kind = ?2", params![phone, kind_str(kind)])?;
                        tx.commit()?;
                        return Err(ApiError::new(
                            axum::http::StatusCode::BAD_REQUEST,
                            ProblemCode::CodeExpired,
                            "Code expired",
                        )
                        .detail("ask for a new code"));
                    }
                    if hash(code.trim()) != code_hash {
                        tx.execute(
                            "UPDATE otp SET attempts = attempts + 1 WHERE phone = ?1 AND kind = ?2",
                            params![phone, kind_str(kind)],
                        )?;
                        tx.commit()?;
                        let left = MAX_ATTEMPTS - attempts - 1;
                        return Err(bad_code().detail(format!("{left} tries left")));
                    }
                    tx.execute("DELETE FROM otp WHERE phone = ?1 AND kind = ?2", params![phone, kind_str(kind)])?;
                    let subject =
                        subject_for(&tx, &phone, kind)?.ok_or_else(|| bad_code().detail("ask for a new code"))?;
                    issue_pair(&tx, &subject, kind, &random_token()?, now, access_ttl, refresh_ttl)?
                }
                TokenRequest::RefreshToken { refresh_token } => {
                    let row: Option<(String, String, String, i64, bool)> = tx
                        .query_row(
                            "SELECT subject, account_kind, family, expires_at, used FROM token
                             WHERE hash = ?1 AND kind = 'refresh'",
                            [hash(&refresh_token)],
                            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                        )
                        .optional()?;
                    let Some((subject, kind, family, expires_at, used)) = row else {
                        return Err(ApiError::unauthorized(ProblemCode::InvalidToken, "sign in again"));
                    };
                    if used {
                        tx.execute("DELETE FROM token WHERE family = ?1", [&family])?;
                        tx.commit()?;
                        tracing::warn!("refresh token reused; its sign-in was revoked");
                        return Err(ApiError::unauthorized(ProblemCode::InvalidToken, "sign in again"));
                    }
                    if expires_at <= now {
                        return Err(ApiError::unauthorized(ProblemCode::TokenExpired, "sign in again"));
                    }
                    tx.execute("UPDATE token SET used = 1 WHERE hash = ?1", [hash(&refresh_token)])?;
                    issue_pair(&tx, &subject, parse_kind(&kind), &family, now, access_ttl, refresh_ttl)?
                }
            };
            tx.commit()?;
            Ok(res)
        })
        .await?;
    Ok(axum::Json(res))
}

/// The holder of a valid access token.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub subject: String,
    #[allow(dead_code, reason = "read by the enterprise endpoints of later issues")]
    pub kind: AccountKind,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| hash(t.trim()))
            .ok_or_else(|| ApiError::unauthorized(ProblemCode::Unauthenticated, "sign in first"))?;
        let now = state.now_ms() / 1000;
        let row = state
            .db(move |c| {
                Ok(c.query_row(
                    "SELECT subject, account_kind, expires_at FROM token WHERE hash = ?1 AND kind = 'access'",
                    [token],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)),
                )
                .optional()?)
            })
            .await?;
        match row {
            None => Err(ApiError::unauthorized(ProblemCode::InvalidToken, "sign in again")),
            Some((_, _, expires_at)) if expires_at <= now => {
                Err(ApiError::unauthorized(ProblemCode::TokenExpired, "refresh the token"))
            }
            Some((subject, kind, _)) => Ok(Self { subject, kind: parse_kind(&kind) }),
        }
    }
}
