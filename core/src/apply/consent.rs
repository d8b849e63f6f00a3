//! Consent and presentations: exactly which claims of which licences go to which departments.
//!
//! The claims disclosed for a licence are (a) those the applicable matters' fields take from it
//! (`licence:<vct>#<claim>`) and (b) two holder claims — `licence_id` (so the department can check the licence
//! against its issuer's register and status list) and `holder_code` (so it can see the licence is the
//! applicant's). The holder's name, the licence's other face fields and its metadata stay undisclosed: the form
//! already carries the name where a matter needs it.

use std::collections::BTreeMap;

use onego_protocol::api::{LicencePresentation, Matter};
use onego_protocol::licence;
use onego_protocol::plan::{MaterialPlan, Plan};
use rusqlite::{Connection, OptionalExtension};

use super::{Consent, ConsentLicence};
use crate::error::CoreResult;
use crate::store::seal::Sealer;
use crate::wallet::present::{self, PresentRequest, Purpose};
use crate::wallet::usage::{self, UsageEntry};
use crate::wallet::{self, LicenceState};

/// Holder claims every attached licence discloses (see the module documentation).
const HOLDER_IDENTITY: [&str; 2] = ["licence_id", "holder_code"];

/// One licence to attach.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub vct: String,
    /// Local wallet id.
    pub licence_id: String,
    pub licence_name: String,
    /// Claim names, in the licence type's order.
    pub claims: Vec<String>,
    /// Matter ids it serves (materials it satisfies, fields it fills).
    pub matters: Vec<String>,
    pub department_ids: Vec<String>,
    /// `matter_id/material_id` it satisfies.
    pub materials: Vec<String>,
}

/// What a submission shares, before anything is signed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sharing {
    pub attachments: Vec<Attachment>,
    /// (material name, department id, registry) fetched from shared data.
    pub shared: Vec<(String, String, String)>,
    /// `matter_id/material_id` and name.
    pub commitments: Vec<(String, String)>,
    /// Names of materials to upload, with whether they are required.
    pub uploads: Vec<(String, bool)>,
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

/// A usable wallet licence of type `vct` (not revoked, suspended or expired).
fn wallet_licence(
    conn: &Connection,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    vct: &str,
    now_ms: i64,
) -> CoreResult<Option<(String, String)>> {
    Ok(wallet::list(conn, anchor, now_ms)?
        .into_iter()
        .find(|l| {
            l.vct == vct && !matches!(l.state, LicenceState::Revoked | LicenceState::Suspended | LicenceState::Expired)
        })
        .map(|l| (l.id, l.name)))
}

/// Works out what the draft shares. A delegate's wallet holds the delegate's licences, not the principal's, so
/// a delegated submission attaches none: the departments check the principal's licences in their registers.
pub(crate) fn sharing(
    conn: &Connection,
    sealer: &Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    plan: &Plan,
    matters: &[Matter],
    delegated: bool,
    now_ms: i64,
) -> CoreResult<Sharing> {
    let applicable = super::draft::applicable(plan, matters);
    let mut out = Sharing::default();
    let mut by_vct: BTreeMap<String, Attachment> = BTreeMap::new();
    for m in plan.materials.iter().filter(|m| applicable.iter().any(|a| a.id == m.matter_id)) {
        let dept = applicable.iter().find(|a| a.id == m.matter_id).map(|a| a.department_id.clone()).unwrap_or_default();
        let key = format!("{}/{}", m.matter_id, m.material_id);
        match &m.satisfied_by {
            MaterialPlan::Licence { vct, name } => {
                let found = if delegated { None } else { wallet_licence(conn, anchor, vct, now_ms)? };
                let Some((licence_id, licence_name)) = found else {
                    out.shared.push((m.name.clone(), dept, format!("{name}（委托人的电子证照）")));
                    continue;
                };
                let a = by_vct.entry(vct.clone()).or_insert_with(|| Attachment {
                    vct: vct.clone(),
                    licence_id,
                    licence_name,
                    claims: Vec::new(),
                    matters: Vec::new(),
                    department_ids: Vec::new(),
                    materials: Vec::new(),
                });
                push_unique(&mut a.matters, &m.matter_id);
                push_unique(&mut a.department_ids, &dept);
                a.materials.push(key);
            }
            MaterialPlan::SharedData { registry } => out.shared.push((m.name.clone(), dept, registry.clone())),
            MaterialPlan::Commitment => out.commitments.push((key, m.name.clone())),
            MaterialPlan::Upload => out.uploads.push((m.name.clone(), m.required)),
        }
    }
    for a in by_vct.values_mut() {
        let mut wanted: Vec<&str> = Vec::new();
        for m in &applicable {
            for f in &m.fields {
                let Some(rest) = f.source.as_deref().and_then(|s| s.strip_prefix("licence:")) else { continue };
                let Some((vct, claim)) = rest.rsplit_once('#') else { continue };
                if vct == a.vct {
                    wanted.push(claim);
                    push_unique(&mut a.matters, &m.id);
                    push_unique(&mut a.department_ids, &m.department_id);
                }
            }
        }
        wanted.extend(HOLDER_IDENTITY);
        let credential = wallet::credential(conn, sealer, &a.licence_id)?;
        let available = present::available_claims(&credential)?;
        // In the licence type's order, each once, and only what the credential can disclose.
        let order: Vec<&str> = licence::by_vct(&a.vct)
            .map(|t| t.claims.iter().map(|(n, _)| *n).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .chain(HOLDER_IDENTITY)
            .collect();
        a.claims = order
            .into_iter()
            .filter(|c| wanted.contains(c) && available.iter().any(|x| x == c))
            .map(str::to_owned)
            .collect();
        a.claims.dedup();
    }
    out.attachments = by_vct.into_values().collect();
    Ok(out)
}

fn department_name(conn: &Connection, id: &str) -> CoreResult<String> {
    Ok(conn
        .query_row("SELECT name FROM department WHERE id = ?1", [id], |r| r.get::<_, String>(0))
        .optional()?
        .unwrap_or_else(|| id.to_owned()))
}

fn matter_name(matters: &[Matter], id: &str) -> String {
    matters.iter().find(|m| m.id == id).map_or_else(|| id.to_owned(), |m| m.name.clone())
}

/// Words the sharing for the citizen.
pub(crate) fn describe(conn: &Connection, sharing: &Sharing, matters: &[Matter]) -> CoreResult<Consent> {
    let mut licences = Vec::new();
    let mut all_departments: Vec<String> = Vec::new();
    let mut claim_count = 0;
    for a in &sharing.attachments {
        let departments: Vec<String> =
            a.department_ids.iter().map(|d| department_name(conn, d)).collect::<CoreResult<_>>()?;
        for d in &departments {
            push_unique(&mut all_departments, d);
        }
        claim_count += a.claims.len();
        licences.push(ConsentLicence {
            vct: a.vct.clone(),
            licence_name: a.licence_name.clone(),
            licence_id: a.licence_id.clone(),
            claims: a.claims.iter().map(|c| licence::label(&a.vct, c).unwrap_or(c).to_owned()).collect(),
            departments,
            matters: a.matters.iter().map(|m| matter_name(matters, m)).collect(),
        });
    }
    // One line per material, however many departments check it.
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (name, dept, _) in &sharing.shared {
        let dept = department_name(conn, dept)?;
        match grouped.iter_mut().find(|(n, _)| n == name) {
            Some((_, depts)) => push_unique(depts, &dept),
            None => grouped.push((name.clone(), vec![dept])),
        }
    }
    let shared_data: Vec<String> =
        grouped.iter().map(|(name, depts)| format!("{name}：由{}通过数据共享核验", depts.join("、"))).collect();
    let commitments: Vec<String> = sharing.commitments.iter().map(|(_, n)| n.clone()).collect();
    let uploads: Vec<String> = sharing
        .uploads
        .iter()
        .map(|(n, required)| if *required { n.clone() } else { format!("{n}（如有）") })
        .collect();
    let summary = if licences.is_empty() {
        format!("不提交电子证照；{} 份材料由部门通过数据共享核验", shared_data.len())
    } else {
        format!(
            "向{}提供 {} 张电子证照中的 {} 项信息；{} 份材料由部门通过数据共享核验",
            all_departments.join("、"),
            licences.len(),
            claim_count,
            shared_data.len()
        )
    };
    Ok(Consent { licences, shared_data, commitments, uploads, summary })
}

/// Builds one presentation per attached licence (audience the platform, nonce the idempotency key) and writes
/// each use to the usage log, inside the caller's transaction.
#[allow(clippy::too_many_arguments, reason = "one call site, each input distinct")]
pub(crate) fn present_all(
    conn: &Connection,
    sealer: &Sealer,
    secrets: &dyn crate::SecretStore,
    signer: &wallet::device_key::DeviceSigner,
    sharing: &Sharing,
    department_names: &[(String, String)],
    service_name: &str,
    audience: &str,
    key: &str,
    now_ms: i64,
) -> CoreResult<Vec<LicencePresentation>> {
    let mut out = Vec::new();
    for a in &sharing.attachments {
        let credential = wallet::credential(conn, sealer, &a.licence_id)?;
        let request = PresentRequest {
            licence_id: a.licence_id.clone(),
            purpose: Purpose::Application,
            add: Vec::new(),
            remove: Vec::new(),
            aud: Some(audience.to_owned()),
            nonce: Some(key.to_owned()),
        };
        let p = present::build(&credential, &a.claims, &request, signer, now_ms, || Ok(key.to_owned()))?;
        let recipients: Vec<&str> = a
            .department_ids
            .iter()
            .map(|d| department_names.iter().find(|(id, _)| id == d).map_or(d.as_str(), |(_, n)| n.as_str()))
            .collect();
        usage::append(
            conn,
            sealer,
            secrets,
            UsageEntry {
                seq: 0,
                at_ms: now_ms,
                licence_id: a.licence_id.clone(),
                licence_name: a.licence_name.clone(),
                kind: "application".into(),
                purpose: format!("申请 {service_name}"),
                recipient: recipients.join("、"),
                claims: a.claims.clone(),
            },
        )?;
        out.push(LicencePresentation { vct: a.vct.clone(), presentation: p.text, materials: a.materials.clone() });
    }
    Ok(out)
}

/// Department names of the attachments, read once.
pub(crate) fn department_names(conn: &Connection, sharing: &Sharing) -> CoreResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for a in &sharing.attachments {
        for d in &a.department_ids {
            if !out.iter().any(|(id, _)| id == d) {
                out.push((d.clone(), department_name(conn, d)?));
            }
        }
    }
    Ok(out)
}
