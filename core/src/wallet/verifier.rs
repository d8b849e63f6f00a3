//! Verifier mode: a scanned presentation checked offline — signature, trust, disclosures, key binding,
//! freshness and status — and a verdict a counter clerk can act on.

use onego_protocol::sdjwt::{
    KbExpectations, KeyBindingPolicy, SdJwtError, TimeCheck, TypPolicy, VerifyOptions, verify,
};
use onego_protocol::trust::{Jwks, TrustList};
use rusqlite::Connection;

use crate::error::CoreResult;
use crate::wallet::present::QR_WINDOW_SECS;
use crate::wallet::{ClaimView, LicenceState, claim_views, trust};

/// The verdict on a scanned licence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Verdict {
    /// Trustworthy and currently valid.
    pub valid: bool,
    /// Why not, in a sentence; names the issuer and key for trust failures.
    pub reason: Option<String>,
    /// A stable code for the reason (the SD-JWT rule broken, `revoked`, `suspended`, `status_unknown` …).
    pub reason_code: Option<String>,
    pub licence_name: String,
    pub vct: String,
    pub issuer: String,
    pub issuer_name: String,
    pub province: String,
    pub claims: Vec<ClaimView>,
    pub state: LicenceState,
    /// When the issuer's status list was fetched by this device.
    pub status_checked_at_ms: Option<i64>,
    pub status_check_due: bool,
    /// The holder proved possession of the key the licence is bound to.
    pub key_bound: bool,
}

/// What the verifier expects: its own audience and nonce when it issued a challenge, else a static QR's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expectation {
    pub aud: Option<String>,
    pub nonce: Option<String>,
}

fn refused(reason: String, code: &str) -> Verdict {
    Verdict {
        valid: false,
        reason: Some(reason),
        reason_code: Some(code.to_owned()),
        licence_name: String::new(),
        vct: String::new(),
        issuer: String::new(),
        issuer_name: String::new(),
        province: String::new(),
        claims: Vec::new(),
        state: LicenceState::Unknown,
        status_checked_at_ms: None,
        status_check_due: false,
        key_bound: false,
    }
}

/// Whom the verifier trusts.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// The national trust list (the normal case).
    List(&'a TrustList),
    /// Keys trusted explicitly, for a credential from an issuer outside the list.
    Keys(&'a Jwks),
}

/// Verifies without a wallet database: for `onego verify` and other stand-alone checkers. The trust list (a
/// JWS) must verify with `anchor`; status lists are not consulted, so the state is `unknown` unless invalid.
pub fn verify_standalone(
    text: &str,
    trust_list_jws: Option<&str>,
    anchor: &onego_protocol::sdjwt::Jwk,
    issuer_jwks: Option<&Jwks>,
    expect: &Expectation,
    now_ms: i64,
) -> Result<Verdict, String> {
    let list = match trust_list_jws {
        Some(jws) => Some(TrustList::verify(jws, anchor).map_err(|e| e.to_string())?),
        None => None,
    };
    let trust = match (&list, issuer_jwks) {
        (_, Some(k)) => Some(Trust::Keys(k)),
        (Some(l), None) => Some(Trust::List(l)),
        (None, None) => None,
    };
    verify_presentation(None, trust, text, expect, now_ms).map_err(|e| e.to_string())
}

/// Verifies a presentation, offline. Never fails on bad input: that is a refusal with a reason.
pub(crate) fn verify_presentation(
    conn: Option<&Connection>,
    trust: Option<Trust<'_>>,
    text: &str,
    expect: &Expectation,
    now_ms: i64,
) -> CoreResult<Verdict> {
    let Some(trust) = trust else {
        return Ok(refused("no trust list on this device yet: connect once to fetch it".into(), "no_trust_list"));
    };
    let decoded;
    let text = if text.trim().starts_with(onego_protocol::transport::PREFIX) {
        match onego_protocol::transport::decode(text) {
            Ok(t) => {
                decoded = t;
                decoded.as_str()
            }
            Err(e) => return Ok(refused(format!("the QR code could not be read: {e}"), "transport")),
        }
    } else {
        text
    };
    let now = now_ms.div_euclid(1000);
    let resolve = |h: &onego_protocol::sdjwt::Header, claims: &serde_json::Map<String, serde_json::Value>| {
        let iss = claims.get("iss").and_then(|v| v.as_str()).unwrap_or_default();
        let vct = claims.get("vct").and_then(|v| v.as_str()).unwrap_or_default();
        match trust {
            Trust::List(list) => {
                list.key_for(iss, vct, h.kid(), now).cloned().map_err(|e| SdJwtError::IssuerKey(e.to_string()))
            }
            Trust::Keys(jwks) => {
                let key = match h.kid() {
                    Some(kid) => jwks.keys.iter().find(|k| k.thumbprint() == kid),
                    None => jwks.keys.first(),
                };
                key.cloned().ok_or_else(|| {
                    SdJwtError::IssuerKey(format!(
                        "none of the trusted keys matches kid {}",
                        h.kid().unwrap_or("(none)")
                    ))
                })
            }
        }
    };
    let list = match trust {
        Trust::List(l) => Some(l),
        Trust::Keys(_) => None,
    };
    // The leeway for clock skew is part of the window, so a static QR is refused once its 30 seconds are over.
    let leeway = 5;
    let max_age = if expect.nonce.is_some() { 300 } else { QR_WINDOW_SECS } - leeway;
    let options = VerifyOptions {
        typ: TypPolicy::SdJwtVc,
        time: TimeCheck::At { now, leeway: std::time::Duration::from_secs(leeway.unsigned_abs()) },
        key_binding: KeyBindingPolicy::Required(KbExpectations {
            aud: Some(expect.aud.as_deref().unwrap_or(crate::wallet::present::OFFLINE_AUDIENCE)),
            nonce: expect.nonce.as_deref(),
            max_age: std::time::Duration::from_secs(max_age.unsigned_abs()),
        }),
        require_exp: true,
    };
    let verified = match verify(text.trim(), &resolve, &options) {
        Ok(v) => v,
        Err(e) => return Ok(refused(e.to_string(), e.reason_code())),
    };
    let p = &verified.payload;
    let s = |n: &str| p.get(n).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let (vct, issuer) = (s("vct"), s("iss"));
    let entry = list.and_then(|l| l.issuer(&issuer));
    let mut verdict = Verdict {
        valid: true,
        reason: None,
        reason_code: None,
        licence_name: onego_protocol::licence::by_vct(&vct).map_or_else(|| s("licence_name"), |t| t.name.to_owned()),
        claims: claim_views(&vct, p, &verified.disclosed),
        vct,
        issuer_name: entry.map(|e| e.name.clone()).unwrap_or_default(),
        province: entry.map(|e| e.province.clone()).unwrap_or_default(),
        issuer: issuer.clone(),
        state: LicenceState::Unknown,
        status_checked_at_ms: None,
        status_check_due: false,
        key_bound: verified.key_binding.is_verified(),
    };
    let uri = p.pointer("/status/status_list/uri").and_then(|u| u.as_str());
    let idx = p.pointer("/status/status_list/idx").and_then(serde_json::Value::as_u64);
    let cached = match (conn, list, uri, idx) {
        (Some(c), Some(list), Some(uri), Some(idx)) => {
            trust::cached_status(c, list, &issuer, uri, idx, now_ms).ok().flatten()
        }
        _ => None,
    };
    match cached {
        None => {
            verdict.reason = Some(
                "signature and issuer check out, but this device has no status list for the \
                issuer: revocation could not be checked"
                    .into(),
            );
            verdict.reason_code = Some("status_unknown".into());
        }
        Some(c) => {
            use onego_protocol::status_list::TokenStatus;
            verdict.status_checked_at_ms = Some(c.fetched_ms);
            verdict.status_check_due = c.stale;
            verdict.state = match c.status {
                TokenStatus::Valid => LicenceState::Valid,
                TokenStatus::Invalid => LicenceState::Revoked,
                TokenStatus::Suspended => LicenceState::Suspended,
                TokenStatus::Other(_) => LicenceState::Unknown,
            };
            if verdict.state != LicenceState::Valid {
                verdict.valid = false;
                let (reason, code) = match verdict.state {
                    LicenceState::Revoked => ("the issuer has revoked this licence", "revoked"),
                    LicenceState::Suspended => ("the issuer has suspended this licence", "suspended"),
                    _ => ("the licence's status is not valid", "status"),
                };
                verdict.reason = Some(reason.into());
                verdict.reason_code = Some(code.into());
            }
        }
    }
    Ok(verdict)
}
