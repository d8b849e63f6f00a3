//! The e-licence wallet (电子证照): licences fetched bound to the device key, stored sealed, checked offline
//! against the national trust list and the issuers' status lists, shown with selective disclosure, verified
//! in verifier mode, and every use written to a hash-chained log.

pub(crate) mod device_key;
pub(crate) mod present;
pub(crate) mod trust;
pub(crate) mod usage;
pub(crate) mod verifier;

use std::sync::Arc;

use onego_protocol::api::{
    CredentialRequest, CredentialResponse, CredentialVariant, LicenceOffer, NonceResponse, PROOF_TYP, Proof,
};
use onego_protocol::licence;
use onego_protocol::sdjwt::jws::{Jwk, sign_compact};
use onego_protocol::sdjwt::{SdJwtError, VerifiedSdJwt, VerifyOptions, verify};
use onego_protocol::status_list::TokenStatus;
use onego_protocol::time::{cst_date, date_from_unix_days};
use onego_protocol::trust::TrustList;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::api::Api;
use crate::error::{CoreError, CoreResult};
use crate::session::Session;
use crate::store::Store;
use crate::store::seal::Sealer;
use device_key::DeviceSigner;
pub use device_key::{DeviceKey, DeviceKeyError, SoftwareDeviceKey};

/// The sandbox's national trust anchor (a published test key; production builds pin the real anchor).
pub const SANDBOX_TRUST_ANCHOR: &str = r#"{"kty":"EC","crv":"P-256","x":"yYc-fDOL3yMpYWqBrhf3VwX0nDl5B-pn4U5iHeBi5wE","y":"f5yghDo3HMJuxhKj6DbOM0H2gZcXED_S8YFhUYgJXTk"}"#;

/// A licence is "expiring soon" this many days before it ends.
const EXPIRING_DAYS: i64 = 30;

/// Where a licence stands, as every licence view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum LicenceState {
    Valid,
    ExpiringSoon,
    Expired,
    Revoked,
    Suspended,
    /// No status list has been checked yet, or the issuer is no longer trusted.
    Unknown,
}

/// One line of the wallet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct LicenceSummary {
    /// Local id (not the licence number, which is personal).
    pub id: String,
    pub vct: String,
    pub name: String,
    pub issuer_name: String,
    pub province: String,
    pub valid_until: String,
    pub state: LicenceState,
    /// When the status was last checked against the issuer's status list.
    pub checked_at_ms: Option<i64>,
    /// The last check is older than the list's time-to-live.
    pub check_due: bool,
}

/// One claim with its label, as a screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ClaimView {
    pub name: String,
    pub label: String,
    pub value: String,
}

/// A licence opened on its own screen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct LicenceView {
    pub summary: LicenceSummary,
    pub claims: Vec<ClaimView>,
    /// The issuer's `iss` URL.
    pub issuer: String,
    /// Why the licence cannot be trusted now, if so (issuer, key and reason named).
    pub trust_problem: Option<String>,
}

/// What a wallet refresh did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct WalletRefresh {
    pub added: i32,
    pub renewed: i32,
    pub trust_list_sequence: i64,
    pub status_lists_checked: i32,
}

/// The wallet's parts that outlive one call.
pub(crate) struct Wallet {
    pub(crate) signer: DeviceSigner,
    pub(crate) anchor: Jwk,
}

impl Wallet {
    pub(crate) fn new(device: Arc<dyn DeviceKey>, anchor_jwk: &str) -> CoreResult<Self> {
        let value: serde_json::Value = serde_json::from_str(anchor_jwk)
            .map_err(|e| CoreError::Validation { field: "trust_anchor".into(), detail: e.to_string() })?;
        let anchor = Jwk::from_json(&value)
            .map_err(|e| CoreError::Validation { field: "trust_anchor".into(), detail: e.to_string() })?;
        Ok(Self { signer: DeviceSigner::new(device)?, anchor })
    }
}

/// The local id of a licence: not its number, which would identify the holder.
pub(crate) fn local_id(licence_id: &str) -> String {
    let d = Sha256::digest(licence_id.as_bytes());
    d.iter().take(10).map(|b| format!("{b:02x}")).collect()
}

fn trust_failure(e: &SdJwtError) -> CoreError {
    CoreError::Integrity(e.to_string())
}

/// Verifies an issued credential (no key binding) against the trust list at `now`.
pub(crate) fn verify_credential(list: &TrustList, credential: &str, now: i64) -> Result<VerifiedSdJwt, SdJwtError> {
    let resolve = |h: &onego_protocol::sdjwt::Header, claims: &serde_json::Map<String, serde_json::Value>| {
        let iss = claims.get("iss").and_then(|v| v.as_str()).unwrap_or_default();
        let vct = claims.get("vct").and_then(|v| v.as_str()).unwrap_or_default();
        list.key_for(iss, vct, h.kid(), now).cloned().map_err(|e| SdJwtError::IssuerKey(e.to_string()))
    };
    verify(credential, &resolve, &VerifyOptions::sd_jwt_vc(now))
}

/// The proof of possession of the device key for one issuance (OpenID4VCI §8.2.1.1).
fn proof_jwt(signer: &DeviceSigner, aud: &str, nonce: &str, now: i64) -> CoreResult<String> {
    let header = serde_json::json!({ "alg": "ES256", "typ": PROOF_TYP, "jwk": signer.jwk().to_json() });
    let payload = serde_json::json!({ "aud": aud, "nonce": nonce, "iat": now });
    sign_compact(&serde_json::to_vec(&header)?, &serde_json::to_vec(&payload)?, |input| signer.sign_raw(input))
        .map_err(|e| CoreError::Secret(format!("device key: {e}")))
}

fn str_claim<'a>(payload: &'a serde_json::Value, name: &str) -> &'a str {
    payload.get(name).and_then(|v| v.as_str()).unwrap_or_default()
}

/// Fetches the trust list, the licences the platform holds for the signed-in person, and their status lists.
pub(crate) async fn refresh(
    api: &Api,
    session: &Session,
    store: &Store,
    wallet: &Arc<Wallet>,
    now_ms: i64,
) -> CoreResult<WalletRefresh> {
    let now = now_ms.div_euclid(1000);
    let jws = api.get_text("v1/trust-list").await?;
    let w = Arc::clone(wallet);
    let list = store.run(move |c, _| trust::accept_trust_list(c, &jws, &w.anchor, now_ms)).await?;
    let offers: Vec<LicenceOffer> = session.get("v1/licences").await?;
    let held: Vec<(String, Option<i64>)> = store
        .run(|c, _| {
            let mut stmt = c.prepare("SELECT id, exp FROM licence")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await?;
    let (mut added, mut renewed) = (0, 0);
    for offer in &offers {
        let id = local_id(&offer.licence_id);
        let existing = held.iter().find(|(h, _)| *h == id);
        // Renew a month before the credential itself runs out.
        if let Some((_, Some(exp))) = existing
            && *exp > now + EXPIRING_DAYS * 86_400
        {
            continue;
        }
        let (credential, verified) = obtain(api, session, wallet, &list, &offer.licence_id, None, now).await?;
        let mut row = StoredLicence::from_verified(&id, &verified, &list, &credential, now_ms);
        if offer.vct == licence::RESIDENT_ID {
            let variant = Some(CredentialVariant::Age);
            row.age_credential = Some(obtain(api, session, wallet, &list, &offer.licence_id, variant, now).await?.0);
        }
        store.run(move |c, s| row.save(c, s)).await?;
        if existing.is_some() {
            renewed += 1;
        } else {
            added += 1;
        }
    }
    let checked = refresh_status_lists(api, store, &list, now_ms).await?;
    tracing::info!(added, renewed, status_lists = checked, "wallet refreshed");
    Ok(WalletRefresh { added, renewed, trust_list_sequence: list.sequence, status_lists_checked: checked })
}

/// Obtains one credential bound to the device key (proof of possession over a fresh nonce) and checks it
/// against the trust list before anything is stored.
async fn obtain(
    api: &Api,
    session: &Session,
    wallet: &Wallet,
    list: &TrustList,
    licence_id: &str,
    variant: Option<CredentialVariant>,
    now: i64,
) -> CoreResult<(String, VerifiedSdJwt)> {
    let nonce: NonceResponse = session.post("v1/credentials/nonce", &serde_json::json!({})).await?;
    let jwt = proof_jwt(&wallet.signer, &api.base_url(), &nonce.c_nonce, now)?;
    let req = CredentialRequest {
        licence_id: licence_id.to_owned(),
        proof: Proof { proof_type: "jwt".into(), jwt },
        variant,
    };
    let res: CredentialResponse = session.post("v1/credentials", &req).await?;
    let verified = verify_credential(list, &res.credential, now).map_err(|e| trust_failure(&e))?;
    let bound = verified.payload.pointer("/cnf/jwk").and_then(|j| Jwk::from_json(j).ok());
    if bound.as_ref() != Some(wallet.signer.jwk()) {
        return Err(CoreError::Integrity("a licence arrived bound to another key".into()));
    }
    Ok((res.credential, verified))
}

/// Fetches the status lists of every trusted issuer (so verifier mode can check any licence offline) and
/// any other list a held licence points to.
pub(crate) async fn refresh_status_lists(api: &Api, store: &Store, list: &TrustList, now_ms: i64) -> CoreResult<i32> {
    let mut uris: Vec<(String, String)> = store
        .run(|c, _| {
            let mut stmt = c.prepare(
                "SELECT DISTINCT status_uri, issuer FROM licence WHERE status_uri IS NOT NULL ORDER BY status_uri",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await?;
    for issuer in &list.issuers {
        for uri in &issuer.status_lists {
            if !uris.iter().any(|(u, _)| u == uri) {
                uris.push((uri.clone(), issuer.id.clone()));
            }
        }
    }
    let mut checked = 0;
    for (uri, issuer) in uris {
        if !fetchable(api, &uri) {
            tracing::warn!("status list on an untrusted origin skipped");
            continue;
        }
        let token = api.get_text(&uri).await?;
        let list = list.clone();
        store.run(move |c, _| trust::accept_status_list(c, &list, &issuer, &uri, &token, now_ms)).await?;
        checked += 1;
    }
    Ok(checked)
}

/// Status lists are fetched over HTTPS, or from the platform itself (plain HTTP on loopback in the sandbox).
fn fetchable(api: &Api, uri: &str) -> bool {
    uri.starts_with("https://") || uri.starts_with(&format!("{}/", api.base_url()))
}

/// A licence row as stored: metadata in clear, the credential sealed.
pub(crate) struct StoredLicence {
    id: String,
    vct: String,
    name: String,
    issuer: String,
    issuer_name: String,
    province: String,
    valid_until: String,
    exp: Option<i64>,
    status_uri: Option<String>,
    status_idx: Option<i64>,
    credential: String,
    age_credential: Option<String>,
    fetched_ms: i64,
}

impl StoredLicence {
    fn from_verified(id: &str, v: &VerifiedSdJwt, list: &TrustList, credential: &str, now_ms: i64) -> Self {
        let p = &v.payload;
        let vct = str_claim(p, "vct").to_owned();
        let issuer = str_claim(p, "iss").to_owned();
        let entry = list.issuer(&issuer);
        Self {
            id: id.to_owned(),
            name: licence::by_vct(&vct).map_or_else(|| str_claim(p, "licence_name").to_owned(), |t| t.name.to_owned()),
            vct,
            issuer_name: entry.map_or_else(|| str_claim(p, "issuer_name").to_owned(), |e| e.name.clone()),
            province: entry.map(|e| e.province.clone()).unwrap_or_default(),
            issuer,
            valid_until: str_claim(p, "valid_until").to_owned(),
            exp: p.get("exp").and_then(serde_json::Value::as_i64),
            status_uri: p.pointer("/status/status_list/uri").and_then(|u| u.as_str()).map(str::to_owned),
            status_idx: p.pointer("/status/status_list/idx").and_then(serde_json::Value::as_i64),
            credential: credential.to_owned(),
            age_credential: None,
            fetched_ms: now_ms,
        }
    }

    fn save(&self, conn: &Connection, sealer: &Sealer) -> CoreResult<()> {
        let sealed = sealer.seal(&format!("licence:{}", self.id), self.credential.as_bytes())?;
        let age = self
            .age_credential
            .as_ref()
            .map(|a| sealer.seal(&format!("licence-age:{}", self.id), a.as_bytes()))
            .transpose()?;
        conn.execute(
            "INSERT INTO licence (id, vct, name, issuer, issuer_name, province, valid_until, exp, status_uri, status_idx,
                                  credential, fetched_ms, age_credential)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (id) DO UPDATE SET vct = excluded.vct, name = excluded.name, issuer = excluded.issuer,
               issuer_name = excluded.issuer_name, province = excluded.province, valid_until = excluded.valid_until,
               exp = excluded.exp, status_uri = excluded.status_uri, status_idx = excluded.status_idx,
               credential = excluded.credential, fetched_ms = excluded.fetched_ms,
               age_credential = excluded.age_credential",
            params![
                self.id,
                self.vct,
                self.name,
                self.issuer,
                self.issuer_name,
                self.province,
                self.valid_until,
                self.exp,
                self.status_uri,
                self.status_idx,
                sealed,
                self.fetched_ms,
                age
            ],
        )?;
        Ok(())
    }
}

/// The state of one licence from its validity and the cached status list.
fn state_of(
    conn: &Connection,
    list: Option<&TrustList>,
    row: &SummaryRow,
    now_ms: i64,
) -> CoreResult<(LicenceState, Option<i64>, bool)> {
    let today = cst_date(now_ms);
    if !row.valid_until.is_empty() && row.valid_until.as_str() < today.as_str() {
        return Ok((LicenceState::Expired, None, false));
    }
    let (Some(list), Some(uri), Some(idx)) = (list, &row.status_uri, row.status_idx) else {
        return Ok((LicenceState::Unknown, None, false));
    };
    let cached = match trust::cached_status(conn, list, &row.issuer, uri, u64::try_from(idx).unwrap_or(0), now_ms) {
        Ok(c) => c,
        // An issuer dropped from the trust list, or a list that no longer verifies: unknown, not valid.
        Err(CoreError::Integrity(_)) => return Ok((LicenceState::Unknown, None, false)),
        Err(e) => return Err(e),
    };
    let Some(c) = cached else { return Ok((LicenceState::Unknown, None, false)) };
    let soon = date_from_unix_days((now_ms + 8 * 3_600_000).div_euclid(86_400_000) + EXPIRING_DAYS);
    let state = match c.status {
        TokenStatus::Valid if !row.valid_until.is_empty() && row.valid_until <= soon => LicenceState::ExpiringSoon,
        TokenStatus::Valid => LicenceState::Valid,
        TokenStatus::Invalid => LicenceState::Revoked,
        TokenStatus::Suspended => LicenceState::Suspended,
        TokenStatus::Other(_) => LicenceState::Unknown,
    };
    Ok((state, Some(c.fetched_ms), c.stale))
}

struct SummaryRow {
    id: String,
    vct: String,
    name: String,
    issuer: String,
    issuer_name: String,
    province: String,
    valid_until: String,
    status_uri: Option<String>,
    status_idx: Option<i64>,
}

const SUMMARY_COLUMNS: &str = "id, vct, name, issuer, issuer_name, province, valid_until, status_uri, status_idx";

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SummaryRow> {
    Ok(SummaryRow {
        id: r.get(0)?,
        vct: r.get(1)?,
        name: r.get(2)?,
        issuer: r.get(3)?,
        issuer_name: r.get(4)?,
        province: r.get(5)?,
        valid_until: r.get(6)?,
        status_uri: r.get(7)?,
        status_idx: r.get(8)?,
    })
}

fn summarize(conn: &Connection, list: Option<&TrustList>, row: SummaryRow, now_ms: i64) -> CoreResult<LicenceSummary> {
    let (state, checked_at_ms, check_due) = state_of(conn, list, &row, now_ms)?;
    Ok(LicenceSummary {
        id: row.id,
        vct: row.vct,
        name: row.name,
        issuer_name: row.issuer_name,
        province: row.province,
        valid_until: row.valid_until,
        state,
        checked_at_ms,
        check_due,
    })
}

/// Every licence in the wallet, offline.
pub(crate) fn list(conn: &Connection, anchor: &Jwk, now_ms: i64) -> CoreResult<Vec<LicenceSummary>> {
    let trust = trust::cached_trust_list(conn, anchor).ok().flatten();
    let trust = trust.as_deref();
    let mut stmt = conn.prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM licence ORDER BY vct, id"))?;
    let rows = stmt.query_map([], summary_row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|r| summarize(conn, trust, r, now_ms)).collect()
}

/// The stored credential of a licence, unsealed.
pub(crate) fn credential(conn: &Connection, sealer: &Sealer, id: &str) -> CoreResult<String> {
    let blob: Vec<u8> = conn
        .query_row("SELECT credential FROM licence WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| CoreError::NotFound(format!("licence {id}")))?;
    String::from_utf8(sealer.open(&format!("licence:{id}"), &blob)?)
        .map_err(|_| CoreError::Integrity("stored licence is not text".into()))
}

/// The ID card's age-only form, when the wallet holds one.
pub(crate) fn age_credential(conn: &Connection, sealer: &Sealer, id: &str) -> CoreResult<Option<String>> {
    let blob: Option<Vec<u8>> =
        conn.query_row("SELECT age_credential FROM licence WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten();
    blob.map(|b| {
        String::from_utf8(sealer.open(&format!("licence-age:{id}"), &b)?)
            .map_err(|_| CoreError::Integrity("stored licence is not text".into()))
    })
    .transpose()
}

/// One licence with every claim, offline; a licence that no longer verifies says why.
pub(crate) fn show(conn: &Connection, sealer: &Sealer, anchor: &Jwk, id: &str, now_ms: i64) -> CoreResult<LicenceView> {
    let row = conn
        .query_row(&format!("SELECT {SUMMARY_COLUMNS} FROM licence WHERE id = ?1"), [id], summary_row)
        .optional()?
        .ok_or_else(|| CoreError::NotFound(format!("licence {id}")))?;
    let trust = trust::cached_trust_list(conn, anchor).ok().flatten();
    let credential = credential(conn, sealer, id)?;
    let issuer = row.issuer.clone();
    let vct = row.vct.clone();
    let summary = summarize(conn, trust.as_deref(), row, now_ms)?;
    let (claims, trust_problem) = match &trust {
        None => (Vec::new(), Some("no trust list has been fetched yet".to_owned())),
        Some(list) => match verify_credential(list, &credential, now_ms.div_euclid(1000)) {
            Ok(v) => (claim_views(&vct, &v.payload, &v.disclosed), None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        },
    };
    Ok(LicenceView { summary, claims, issuer, trust_problem })
}

/// Labelled claims: GB/T 36903 metadata first, then the disclosed ones in the licence type's order.
pub(crate) fn claim_views(vct: &str, payload: &serde_json::Value, disclosed: &[String]) -> Vec<ClaimView> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "是".into(),
        serde_json::Value::Bool(false) => "否".into(),
        other => other.to_string(),
    };
    let mut names: Vec<&str> = licence::METADATA_CLAIMS.iter().map(|(n, _)| *n).collect();
    names.extend(licence::HOLDER_CLAIMS.iter().map(|(n, _)| *n));
    if let Some(t) = licence::by_vct(vct) {
        names.extend(t.claims.iter().map(|(n, _)| *n));
    }
    let extra: Vec<&str> = disclosed.iter().map(String::as_str).filter(|d| !names.contains(d)).collect();
    names
        .into_iter()
        .chain(extra)
        .filter_map(|n| {
            let v = payload.get(n)?;
            Some(ClaimView {
                name: n.to_owned(),
                label: licence::label(vct, n).unwrap_or(n).to_owned(),
                value: text(v),
            })
        })
        .collect()
}
