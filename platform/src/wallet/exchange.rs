//! Online QR mode: the holder parks a presentation under a short one-time code; a verifier whose scanner or
//! screen cannot take a dense QR resolves the code once, within the presentation's window.

use axum::extract::{Path, State};
use onego_protocol::api::{PresentationCode, PresentationUpload, ResolvedPresentation};
use rusqlite::{OptionalExtension, params};

use crate::auth::Caller;
use crate::error::Json;
use crate::{ApiError, AppState};

/// As long as a static QR lives.
const CODE_TTL_SECS: i64 = 30;
/// A presentation is a few kilobytes; anything much larger is not one.
const MAX_PRESENTATION: usize = 16 * 1024;
/// Upper-case letters and digits without look-alikes (0/O, 1/I): part of the QR alphanumeric set.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn new_code() -> Result<String, ApiError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(b.iter().map(|x| char::from(ALPHABET[usize::from(*x) % ALPHABET.len()])).collect())
}

/// Park a presentation under a one-time code.
#[utoipa::path(post, path = "/v1/presentations", tag = "wallet", security(("bearer" = [])),
    request_body = PresentationUpload,
    responses(
        (status = 200, description = "The one-time code", body = PresentationCode),
        (status = 400, description = "Malformed request", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in", body = onego_protocol::api::Problem),
        (status = 422, description = "Not a presentation", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    _caller: Caller,
    Json(req): Json<PresentationUpload>,
) -> Result<axum::Json<PresentationCode>, ApiError> {
    let p = req.presentation.trim().to_owned();
    if p.is_empty() || p.len() > MAX_PRESENTATION || !p.contains('~') {
        return Err(ApiError::validation("presentation", "an SD-JWT presentation is expected"));
    }
    let now = state.now_ms().div_euclid(1000);
    let code = new_code()?;
    let stored = code.clone();
    state
        .db(move |c| {
            c.execute("DELETE FROM presentation_code WHERE expires_at <= ?1", [now])?;
            c.execute(
                "INSERT INTO presentation_code (code, presentation, expires_at) VALUES (?1, ?2, ?3)",
                params![stored, p, now + CODE_TTL_SECS],
            )?;
            Ok(())
        })
        .await?;
    Ok(axum::Json(PresentationCode { code, expires_in: CODE_TTL_SECS.unsigned_abs() }))
}

/// Resolve a one-time code to its presentation; the code is then spent.
#[utoipa::path(get, path = "/v1/presentations/{code}", tag = "wallet",
    params(("code" = String, Path, description = "The code from the holder's QR")),
    responses(
        (status = 200, description = "The presentation", body = ResolvedPresentation),
        (status = 404, description = "Unknown, used or expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<axum::Json<ResolvedPresentation>, ApiError> {
    let now = state.now_ms().div_euclid(1000);
    let code = code.trim().to_ascii_uppercase();
    let presentation = state
        .db(move |c| {
            let tx = c.transaction()?;
            let row: Option<(String, i64)> = tx
                .query_row("SELECT presentation, expires_at FROM presentation_code WHERE code = ?1", [&code], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            tx.execute("DELETE FROM presentation_code WHERE code = ?1", [&code])?;
            tx.commit()?;
            match row {
                Some((p, expires_at)) if expires_at > now => Ok(p),
                _ => Err(ApiError::not_found("the code is unknown, used or expired")),
            }
        })
        .await?;
    Ok(axum::Json(ResolvedPresentation { presentation }))
}
