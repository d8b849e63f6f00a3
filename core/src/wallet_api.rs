//! The wallet's part of the `Onego` façade.

use std::sync::Arc;

use crate::error::CoreError;
use crate::wallet::present::{self, OnlinePresentation, PresentRequest, Presentation};
use crate::wallet::usage::{self, UsageEntry};
use crate::wallet::verifier::{self, Expectation, Verdict};
use crate::wallet::{self, LicenceSummary, LicenceView, WalletRefresh, trust};
use crate::{Onego, OnegoError};

fn random_nonce() -> Result<String, CoreError> {
    // 96 bits: unguessable within a static QR's 30-second window, and short in the QR.
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// Fetches the trust list, the signed-in person's licences (bound to this device's key) and their status.
    pub async fn refresh_wallet(&self) -> Result<WalletRefresh, OnegoError> {
        self.run(|i| async move { wallet::refresh(&i.api, &i.session, &i.store, &i.wallet, i.clock.now_ms()).await })
            .await
    }

    /// Re-checks the trust list and status lists (cheap; also what a verifier does before going offline).
    /// Needs no sign-in.
    pub async fn refresh_licence_status(&self) -> Result<i32, OnegoError> {
        self.run(|i| async move {
            let jws = i.api.get_text("v1/trust-list").await?;
            let w = Arc::clone(&i.wallet);
            let now_ms = i.clock.now_ms();
            let list = i.store.run(move |c, _| trust::accept_trust_list(c, &jws, &w.anchor, now_ms)).await?;
            wallet::refresh_status_lists(&i.api, &i.store, &list, now_ms).await
        })
        .await
    }

    /// The wallet's licences with their status and when it was checked. Offline.
    pub async fn licences(&self) -> Result<Vec<LicenceSummary>, OnegoError> {
        self.run(|i| async move {
            let w = Arc::clone(&i.wallet);
            let now = i.clock.now_ms();
            i.store.run(move |c, _| wallet::list(c, &w.anchor, now)).await
        })
        .await
    }

    /// One licence with all its claims. Offline.
    pub async fn licence(&self, id: String) -> Result<LicenceView, OnegoError> {
        self.run(move |i| async move {
            let w = Arc::clone(&i.wallet);
            let now = i.clock.now_ms();
            i.store.run(move |c, s| wallet::show(c, s, &w.anchor, &id, now)).await
        })
        .await
    }

    /// 亮证: builds a presentation for a purpose and logs the use. Offline.
    pub async fn present(&self, request: PresentRequest) -> Result<Presentation, OnegoError> {
        self.build_presentation(request, true).await
    }

    /// 亮证 on screen: a presentation that renews itself before its window ends. The use is logged once.
    pub async fn start_presenting(&self, request: PresentRequest) -> Result<Arc<PresentingSession>, OnegoError> {
        let first = self.build_presentation(request.clone(), true).await?;
        Ok(Arc::new(PresentingSession { app: self.clone(), request, current: tokio::sync::Mutex::new(first) }))
    }

    async fn build_presentation(&self, request: PresentRequest, log: bool) -> Result<Presentation, OnegoError> {
        self.run(move |i| async move {
            let now = i.clock.now_ms();
            let wallet = Arc::clone(&i.wallet);
            let secrets = Arc::clone(&i.secrets);
            i.store
                .run(move |c, s| {
                    let id = request.licence_id.clone();
                    let (vct, name): (String, String) = c
                        .query_row("SELECT vct, name FROM licence WHERE id = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .map_err(|_| CoreError::NotFound(format!("licence {id}")))?;
                    let full = wallet::credential(c, s, &id)?;
                    let available = present::available_claims(&full)?;
                    let chosen = present::choose_claims(&request, &vct, &available)?;
                    // An age check that needs nothing more uses the ID card's small age-only form.
                    let only_age = |claims: &[String]| claims.iter().all(|c| c.starts_with("age_over_"));
                    let credential = match wallet::age_credential(c, s, &id)? {
                        Some(age) if only_age(&chosen) && only_age(&present::available_claims(&age)?) => age,
                        _ => full,
                    };
                    let p = present::build(&credential, &chosen, &request, &wallet.signer, now, random_nonce)?;
                    if !log {
                        return Ok(p);
                    }
                    let tx = c.transaction()?;
                    usage::append(
                        &tx,
                        s,
                        secrets.as_ref(),
                        UsageEntry {
                            seq: 0,
                            at_ms: now,
                            licence_id: id,
                            licence_name: name,
                            kind: "shown".into(),
                            purpose: request.purpose.names().0.into(),
                            recipient: p.aud.clone(),
                            claims: p.disclosed.clone(),
                        },
                    )?;
                    tx.commit()?;
                    Ok(p)
                })
                .await
        })
        .await
    }

    /// Verifier mode: checks a scanned presentation offline against the cached trust and status lists.
    pub async fn verify_presentation(
        &self,
        text: String,
        aud: Option<String>,
        nonce: Option<String>,
    ) -> Result<Verdict, OnegoError> {
        self.run(move |i| async move {
            let w = Arc::clone(&i.wallet);
            let now = i.clock.now_ms();
            i.store
                .run(move |c, _| {
                    let list = trust::cached_trust_list(c, &w.anchor)?;
                    let trust = list.as_deref().map(verifier::Trust::List);
                    verifier::verify_presentation(Some(c), trust, &text, &Expectation { aud, nonce }, now)
                })
                .await
        })
        .await
    }

    /// Online QR mode: the presentation is parked on the platform and the QR carries only a one-time code.
    pub async fn present_online(&self, request: PresentRequest) -> Result<OnlinePresentation, OnegoError> {
        let shown = self.present(request).await?;
        self.run(move |i| async move {
            let upload = onego_protocol::api::PresentationUpload { presentation: shown.text };
            let parked: onego_protocol::api::PresentationCode = i.session.post("v1/presentations", &upload).await?;
            let qr_text = format!("{}{}", present::ONLINE_PREFIX, parked.code);
            let expires = i.clock.now_ms() + i64::try_from(parked.expires_in).unwrap_or(0) * 1000;
            Ok(OnlinePresentation {
                qr: present::qr(&qr_text).ok(),
                code: parked.code,
                qr_text,
                disclosed: shown.disclosed,
                expires_at_ms: expires.min(shown.expires_at_ms),
            })
        })
        .await
    }

    /// Verifier mode for an online QR (`ONEGO-P:<code>`): fetches the presentation once, then checks it as
    /// an offline one.
    pub async fn verify_code(&self, qr_text: String) -> Result<Verdict, OnegoError> {
        let code = qr_text.trim().trim_start_matches(present::ONLINE_PREFIX).to_ascii_uppercase();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CoreError::Validation { field: "code".into(), detail: "not a onego QR code".into() }
                .public(self.locale()));
        }
        let resolved: onego_protocol::api::ResolvedPresentation =
            self.run(move |i| async move { i.api.get(&format!("v1/presentations/{code}"), None).await }).await?;
        self.verify_presentation(resolved.presentation, None, None).await
    }

    /// The cached trust list as signed by the national anchor (a JWS), for stand-alone verifiers.
    pub async fn trust_list_jws(&self) -> Result<Option<String>, OnegoError> {
        self.run(|i| async move { i.store.run(|c, _| Ok(crate::store::kv_get(c, "trust_list")?)).await }).await
    }

    /// 用证记录: every use of a licence, oldest first; fails if the log was tampered with. Offline.
    pub async fn usage_log(&self) -> Result<Vec<UsageEntry>, OnegoError> {
        self.run(|i| async move {
            let secrets = Arc::clone(&i.secrets);
            i.store.run(move |c, s| usage::read(c, s, secrets.as_ref())).await
        })
        .await
    }
}

/// Renew a shown QR this long before its window ends, so a scanner never reads an expired one.
const RENEW_BEFORE_MS: i64 = 5_000;

/// A licence being shown: [`PresentingSession::current`] always returns a presentation a verifier will accept.
#[cfg_attr(feature = "ffi", derive(uniffi::Object))]
pub struct PresentingSession {
    app: Onego,
    request: PresentRequest,
    current: tokio::sync::Mutex<Presentation>,
}

impl std::fmt::Debug for PresentingSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PresentingSession(..)")
    }
}

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl PresentingSession {
    /// The presentation to show now; a new one (new KB-JWT, same claims) when the old is about to expire.
    pub async fn current(&self) -> Result<Presentation, OnegoError> {
        let mut current = self.current.lock().await;
        let now = self.app.inner.clock.now_ms();
        if now + RENEW_BEFORE_MS >= current.expires_at_ms && self.request.nonce.is_none() {
            *current = self.app.build_presentation(self.request.clone(), false).await?;
        }
        Ok(current.clone())
    }
}
