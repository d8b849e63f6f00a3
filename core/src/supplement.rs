//! 补正: answering a department's request for more on one matter of an application. Online.
//!
//! The citizen sends the fields asked for; where the department names a material (`matter_id/material_id`) that a
//! licence in the wallet satisfies, that licence is presented again, bound like the submission's presentations
//! (audience the platform, nonce the application's idempotency key). Uploads stay with the submission flow.

use std::collections::{BTreeMap, HashMap};

use onego_protocol::api::{Application, MaterialSource, Matter, MatterProgress, MatterStatus, Supplement};
use rusqlite::{Connection, OptionalExtension};

use crate::Inner;
use crate::apply::consent::{self, Attachment, Sharing};
use crate::apply::progress;
use crate::error::{CoreError, CoreResult};
use crate::reviews::{Worded, check_id, worded};
use crate::store::seal::Sealer;
use crate::wallet::{self, LicenceState, present};

/// Holder claims a re-presented licence discloses: enough for the department to check it is the applicant's.
const HOLDER_IDENTITY: [&str; 2] = ["licence_id", "holder_code"];
/// More fields than any matter has.
const MAX_FIELDS: usize = 100;

/// Licences in the wallet that satisfy the materials the department asks for.
fn needed_licences(
    conn: &Connection,
    sealer: &Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    m: &MatterProgress,
    now_ms: i64,
) -> CoreResult<Sharing> {
    let usable: Vec<_> = wallet::list(conn, anchor, now_ms)?
        .into_iter()
        .filter(|l| !matches!(l.state, LicenceState::Revoked | LicenceState::Suspended | LicenceState::Expired))
        .collect();
    let mut by_vct: BTreeMap<String, Attachment> = BTreeMap::new();
    for need in &m.needs {
        let Some((matter_id, material_id)) = need.split_once('/') else { continue };
        let body: Option<String> = conn
            .query_row("SELECT body FROM catalog_item WHERE id = ?1 AND kind = 'matter'", [matter_id], |r| r.get(0))
            .optional()?;
        let Some(matter) = body.map(|b| serde_json::from_str::<Matter>(&b)).transpose()? else { continue };
        let Some(material) = matter.materials.iter().find(|x| x.id == material_id) else { continue };
        for source in &material.sources {
            let MaterialSource::Licence { vct } = source else { continue };
            let Some(l) = usable.iter().find(|l| &l.vct == vct) else { continue };
            let a = by_vct.entry(vct.clone()).or_insert_with(|| Attachment {
                vct: vct.clone(),
                licence_id: l.id.clone(),
                licence_name: l.name.clone(),
                claims: Vec::new(),
                matters: vec![matter.id.clone()],
                department_ids: vec![matter.department_id.clone()],
                materials: Vec::new(),
            });
            if !a.materials.contains(need) {
                a.materials.push(need.clone());
            }
            break;
        }
    }
    for a in by_vct.values_mut() {
        let available = present::available_claims(&wallet::credential(conn, sealer, &a.licence_id)?)?;
        a.claims =
            HOLDER_IDENTITY.iter().filter(|c| available.iter().any(|x| x == *c)).map(|c| (*c).to_owned()).collect();
    }
    Ok(Sharing { attachments: by_vct.into_values().collect(), ..Sharing::default() })
}

/// Sends the supplement and caches the application the platform returns.
pub(crate) async fn supplement(
    i: &Inner,
    application_id: String,
    matter_id: String,
    fields: HashMap<String, String>,
) -> Worded<Application> {
    check_id("application_id", &application_id)?;
    check_id("matter_id", &matter_id)?;
    if fields.len() > MAX_FIELDS {
        return Err(CoreError::Validation { field: "fields".into(), detail: "条目过多".into() });
    }
    let now = i.clock.now_ms();
    let wallet = std::sync::Arc::clone(&i.wallet);
    let secrets = std::sync::Arc::clone(&i.secrets);
    let audience = i.api.base_url();
    let (app_id, mid) = (application_id.clone(), matter_id.clone());
    let prepared = i
        .store
        .run(move |c, s| {
            let tx = c.transaction()?;
            let app = progress::get(&tx, s, &app_id, now)?;
            let Some(m) = app.matters.iter().find(|m| m.matter_id == mid) else {
                return Err(CoreError::Validation {
                    field: "matter_id".into(), detail: "这个申请没有这一事项".into()
                });
            };
            if m.status != MatterStatus::MoreNeeded {
                return Ok(Err(crate::OnegoError::Conflict { message: "这个事项现在不需要补正".into() }));
            }
            let sharing = needed_licences(&tx, s, &wallet.anchor, m, now)?;
            let names = consent::department_names(&tx, &sharing)?;
            let presentations = consent::present_all(
                &tx,
                s,
                secrets.as_ref(),
                &wallet.signer,
                &sharing,
                &names,
                &app.service_name,
                &audience,
                &app.idempotency_key,
                now,
            )?;
            // The usage log records the presentation once it is built, whether or not the platform takes it.
            tx.commit()?;
            Ok(Ok(Supplement {
                matter_id: mid,
                fields: fields.into_iter().collect(),
                presentations,
                uploads: Vec::new(),
            }))
        })
        .await?;
    let body = match prepared {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    let presented = body.presentations.len();
    let app: Application = match i.session.post(&format!("v1/applications/{application_id}/supplement"), &body).await {
        Ok(a) => a,
        Err(e) => return worded(e),
    };
    let cached = app.clone();
    i.store.run(move |c, s| progress::store_application(c, s, &cached).map(|_| ())).await?;
    tracing::info!(presented, "supplement sent");
    Ok(Ok(app))
}
