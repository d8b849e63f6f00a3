//! Planning a bundle on the phone, offline: the same pure planner the platform runs, over the cached catalog,
//! the cached profile and the wallet's licences, so both sides agree.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use onego_protocol::api::{Bundle, Matter};
use onego_protocol::plan::{self, AnswerValue, HeldLicence, Plan, PlanInput};
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use crate::error::{CoreError, CoreResult};
use crate::store::{self, seal::Sealer};
use crate::wallet::{self, LicenceState, trust};
use crate::{Onego, OnegoError};

fn body(conn: &Connection, id: &str, kind: &str) -> CoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT body FROM catalog_item WHERE id = ?1 AND kind = ?2", [id, kind], |r| r.get(0))
        .optional()?)
}

/// The wallet's licences that still hold (not revoked or suspended), with their face claims.
pub(crate) fn held(
    conn: &Connection,
    sealer: &Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    now_ms: i64,
) -> CoreResult<Vec<HeldLicence>> {
    let Some(list) = trust::cached_trust_list(conn, anchor).ok().flatten() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for l in wallet::list(conn, anchor, now_ms)? {
        if matches!(l.state, LicenceState::Revoked | LicenceState::Suspended) {
            continue;
        }
        let credential = wallet::credential(conn, sealer, &l.id)?;
        let Ok(v) = wallet::verify_credential(&list, &credential, now_ms.div_euclid(1000)) else { continue };
        let Some(claims) = v.payload.as_object() else { continue };
        out.push(HeldLicence::from_claims(&l.vct, claims));
    }
    Ok(out)
}

/// A bundle with its member matters, or a single matter as a one-member bundle (no questions, always applies),
/// so one planner serves both. From the cached catalog.
pub(crate) fn service(conn: &Connection, service_id: &str) -> CoreResult<(Bundle, Vec<Matter>)> {
    if let Some(b) = body(conn, service_id, "bundle")? {
        let bundle: Bundle = serde_json::from_str(&b)?;
        let mut matters = Vec::new();
        for m in &bundle.members {
            if let Some(b) = body(conn, &m.matter_id, "matter")? {
                matters.push(serde_json::from_str::<Matter>(&b)?);
            }
        }
        return Ok((bundle, matters));
    }
    let Some(m) = body(conn, service_id, "matter")? else {
        return Err(CoreError::NotFound(format!("service {service_id}")));
    };
    let matter: Matter = serde_json::from_str(&m)?;
    let bundle = Bundle::of_matter(&matter);
    Ok((bundle, vec![matter]))
}

/// Plans a bundle or a single matter for the signed-in person from the cache.
pub(crate) fn compute(
    conn: &Connection,
    sealer: &Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    service_id: &str,
    answers: &BTreeMap<String, AnswerValue>,
    now_ms: i64,
) -> CoreResult<Plan> {
    let (bundle, matters) = service(conn, service_id)?;
    plan::validate_answers(&bundle, answers)
        .map_err(|(field, detail)| CoreError::Validation { field: format!("answers.{field}"), detail })?;
    let profile = store::get_sealed(conn, sealer, "profile")?.ok_or(CoreError::NotSignedIn)?;
    let profile: Value = serde_json::from_slice(&profile)?;
    let held = held(conn, sealer, anchor, now_ms)?;
    Ok(plan::plan(&PlanInput { bundle: &bundle, matters: &matters, answers, profile: &profile, held: &held }))
}

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// Plans a bundle (一件事), or a single matter, offline: which matters apply and why, each field pre-filled
    /// with its provenance or left to fill, how each material is provided, and what is spared (少填/免交). The
    /// platform's `POST /v1/plan` computes the same plan from the same inputs.
    pub async fn plan(&self, bundle_id: String, answers: HashMap<String, AnswerValue>) -> Result<Plan, OnegoError> {
        self.run(move |i| async move {
            let w = Arc::clone(&i.wallet);
            let now = i.clock.now_ms();
            let answers: BTreeMap<String, AnswerValue> = answers.into_iter().collect();
            i.store.run(move |c, s| compute(c, s, &w.anchor, &bundle_id, &answers, now)).await
        })
        .await
    }
}
