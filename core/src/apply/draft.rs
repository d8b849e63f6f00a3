//! Drafts: saved after every change (answers and field values sealed), recomputed into a plan and a list of
//! what is still wrong.

use std::collections::{BTreeMap, HashMap, HashSet};

use onego_protocol::api::MAX_UPLOAD_BYTES;
use onego_protocol::api::{FieldError, Matter};
use onego_protocol::plan::{self, AnswerValue, MaterialPlan, Plan, PlanRequest, Truth};
use onego_protocol::time::cst_date;
use rusqlite::{Connection, OptionalExtension, params};

use super::{AttachedFile, Draft, DraftState, DraftSummary};
use crate::Inner;
use crate::error::{CoreError, CoreResult};
use crate::plan_api;
use crate::store::seal::Sealer;

/// The sealed part of a draft.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Body {
    pub service_name: String,
    pub answers: BTreeMap<String, AnswerValue>,
    /// The citizen's own values; a key absent means "use the plan's pre-filled value".
    pub overrides: BTreeMap<String, String>,
    /// What the platform refused at the last delivery, until the field concerned changes.
    pub platform_errors: Vec<FieldError>,
    /// A delegated draft's plan as the platform last computed it.
    pub online_plan: Option<Plan>,
    /// Scans and photos attached to materials (`matter_id/material_id`), sent with the submission.
    #[serde(default)]
    pub files: BTreeMap<String, File>,
}

/// A file attached to a material.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct File {
    pub file_name: String,
    pub content_base64: String,
    pub bytes: i64,
}

/// Most files one draft may carry (each at most [`MAX_UPLOAD_BYTES`]).
pub(crate) const MAX_FILES: usize = 20;

/// A draft row, unsealed.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub id: String,
    pub service_id: String,
    pub delegation_id: Option<String>,
    pub state: DraftState,
    pub application_id: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub body: Body,
}

fn purpose(id: &str) -> String {
    format!("draft:{id}")
}

pub(crate) fn load(conn: &Connection, sealer: &Sealer, id: &str) -> CoreResult<Row> {
    let row = conn
        .query_row(
            "SELECT service_id, delegation_id, state, application_id, created_ms, updated_ms, body
             FROM draft WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((service_id, delegation_id, state, application_id, created_ms, updated_ms, blob)) = row else {
        return Err(CoreError::NotFound(format!("draft {id}")));
    };
    let body: Body = serde_json::from_slice(&sealer.open(&purpose(id), &blob)?)?;
    Ok(Row {
        id: id.to_owned(),
        service_id,
        delegation_id,
        state: DraftState::parse(&state)?,
        application_id,
        created_ms,
        updated_ms,
        body,
    })
}

/// Writes the row back (body sealed); the caller holds the transaction.
pub(crate) fn save(conn: &Connection, sealer: &Sealer, row: &Row) -> CoreResult<()> {
    let blob = sealer.seal(&purpose(&row.id), &serde_json::to_vec(&row.body)?)?;
    conn.execute(
        "INSERT INTO draft (id, service_id, delegation_id, state, body, application_id, created_ms, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body,
             application_id = excluded.application_id, updated_ms = excluded.updated_ms",
        params![
            row.id,
            row.service_id,
            row.delegation_id,
            row.state.as_str(),
            blob,
            row.application_id,
            row.created_ms,
            row.updated_ms
        ],
    )?;
    Ok(())
}

/// Effective values: the citizen's own where set, else the plan's pre-filled value.
pub(crate) fn effective_values(plan: &Plan, overrides: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in &plan.fields {
        if let Some(v) = overrides.get(&f.key).or(f.value.as_ref()) {
            out.insert(f.key.clone(), v.clone());
        }
    }
    out
}

/// The matters that apply for certain, as catalog definitions.
pub(crate) fn applicable<'a>(plan: &Plan, matters: &'a [Matter]) -> Vec<&'a Matter> {
    let ids = plan::applicable_matters(plan);
    matters.iter().filter(|m| ids.contains(&m.id.as_str())).collect()
}

/// The values a submission carries: those of fields the applicable matters have.
pub(crate) fn submitted_values(
    plan: &Plan,
    matters: &[Matter],
    overrides: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let ms = applicable(plan, matters);
    let keys: HashSet<&str> = ms.iter().flat_map(|m| m.fields.iter().map(|f| f.key.as_str())).collect();
    effective_values(plan, overrides).into_iter().filter(|(k, _)| keys.contains(k.as_str())).collect()
}

/// Local checks: questions still to answer, then every field of the applicable matters (the platform runs the
/// same `validate_fields` on arrival).
pub(crate) fn local_errors(
    plan: &Plan,
    matters: &[Matter],
    overrides: &BTreeMap<String, String>,
    files: &BTreeMap<String, File>,
    today: &str,
) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = plan
        .questions
        .iter()
        .filter(|q| !q.answered && q.applies != Truth::False)
        .map(|q| FieldError { field: format!("answers.{}", q.id), detail: format!("请回答：{}", q.text) })
        .collect();
    let values = submitted_values(plan, matters, overrides);
    let applicable = applicable(plan, matters);
    // Values an earlier matter's licence brings (the new company's credit code) are not asked for.
    let as_applied = plan::with_later_sources(&applicable);
    let as_applied: Vec<&Matter> = as_applied.iter().collect();
    errors.extend(plan::validate_fields(&as_applied, &values, today));
    // A required material only a scan can provide must be attached before submitting.
    for m in &plan.materials {
        let key = format!("{}/{}", m.matter_id, m.material_id);
        if m.required
            && m.satisfied_by == MaterialPlan::Upload
            && applicable.iter().any(|a| a.id == m.matter_id)
            && !files.contains_key(&key)
        {
            errors.push(FieldError { field: format!("materials.{key}"), detail: format!("请上传{}", m.name) });
        }
    }
    errors
}

/// Recomputes the draft's view: plan, effective values and errors.
pub(crate) fn view(
    conn: &Connection,
    sealer: &Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    id: &str,
    now_ms: i64,
    plan_stale: bool,
) -> CoreResult<Draft> {
    let row = load(conn, sealer, id)?;
    let plan = plan_of(conn, sealer, anchor, &row, now_ms)?;
    let (_, matters) = plan_api::service(conn, &row.service_id)?;
    let mut errors = local_errors(&plan, &matters, &row.body.overrides, &row.body.files, &cst_date(now_ms));
    for e in &row.body.platform_errors {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e.clone());
        }
    }
    let values: HashMap<String, String> = effective_values(&plan, &row.body.overrides).into_iter().collect();
    let attachments = row
        .body
        .files
        .iter()
        .map(|(material, f)| AttachedFile {
            material: material.clone(),
            file_name: f.file_name.clone(),
            bytes: f.bytes,
        })
        .collect();
    Ok(Draft {
        id: row.id,
        service_id: row.service_id,
        service_name: row.body.service_name,
        answers: row.body.answers.into_iter().collect(),
        values,
        plan,
        errors,
        attachments,
        state: row.state,
        application_id: row.application_id,
        delegation_id: row.delegation_id,
        created_at: row.created_ms,
        updated_at: row.updated_ms,
        plan_stale,
    })
}

/// The draft's plan: offline from the cache for one's own, the platform's last answer for a delegated one.
pub(crate) fn plan_of(
    conn: &Connection,
    sealer: &Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    row: &Row,
    now_ms: i64,
) -> CoreResult<Plan> {
    match &row.delegation_id {
        None => plan_api::compute(conn, sealer, anchor, &row.service_id, &row.body.answers, now_ms),
        Some(_) => row
            .body
            .online_plan
            .clone()
            .ok_or_else(|| CoreError::Offline("a delegated draft is planned by the platform".into())),
    }
}

async fn load_view(i: &Inner, id: String, plan_stale: bool) -> CoreResult<Draft> {
    let anchor = i.wallet.anchor.clone();
    let now = i.clock.now_ms();
    i.store.run(move |c, s| view(c, s, &anchor, &id, now, plan_stale)).await
}

/// Asks the platform for a delegated draft's plan and keeps it. `Ok(false)`: offline, the last plan stands.
async fn refresh_online_plan(i: &Inner, id: &str) -> CoreResult<bool> {
    let id_owned = id.to_owned();
    let row = i.store.run(move |c, s| load(c, s, &id_owned)).await?;
    let Some(delegation_id) = row.delegation_id.clone() else { return Ok(true) };
    let req = PlanRequest {
        bundle_id: row.service_id.clone(),
        answers: row.body.answers.clone(),
        delegation_id: Some(delegation_id),
    };
    let plan: Plan = match i.session.post("v1/plan", &req).await {
        Ok(p) => p,
        Err(CoreError::Offline(_) | CoreError::Timeout | CoreError::Transport(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    let id = id.to_owned();
    i.store
        .run(move |c, s| {
            let tx = c.transaction()?;
            let mut row = load(&tx, s, &id)?;
            row.body.online_plan = Some(plan);
            save(&tx, s, &row)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(true)
}

/// Replans a delegated draft if it is one, then returns its view.
async fn finish(i: &Inner, id: String, delegated: bool) -> CoreResult<Draft> {
    let fresh = if delegated { refresh_online_plan(i, &id).await? } else { true };
    load_view(i, id, !fresh).await
}

/// Starts a draft, or resumes the newest unfinished one of the same service and delegation.
pub(crate) async fn start(i: &Inner, service_id: String, delegation_id: Option<String>) -> CoreResult<Draft> {
    let now = i.clock.now_ms();
    let delegated = delegation_id.is_some();
    let id = i
        .store
        .run(move |c, s| {
            let existing: Option<String> = c
                .query_row(
                    "SELECT id FROM draft WHERE service_id = ?1 AND delegation_id IS ?2
                     AND state IN ('editing', 'needs_attention') ORDER BY updated_ms DESC LIMIT 1",
                    params![service_id, delegation_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return Ok(id);
            }
            let (bundle, _) = plan_api::service(c, &service_id)?;
            let row = Row {
                id: format!("d-{}", super::random_hex(12)?),
                service_id,
                delegation_id,
                state: DraftState::Editing,
                application_id: None,
                created_ms: now,
                updated_ms: now,
                body: Body { service_name: bundle.name, ..Body::default() },
            };
            let tx = c.transaction()?;
            save(&tx, s, &row)?;
            tx.commit()?;
            Ok(row.id)
        })
        .await?;
    tracing::debug!(draft = %id, "draft opened");
    finish(i, id, delegated).await
}

/// Loads an editable draft, changes it with `change` and saves it, all in one transaction.
async fn edit(
    i: &Inner,
    id: String,
    change: impl FnOnce(&Connection, &mut Row) -> CoreResult<()> + Send + 'static,
) -> CoreResult<Draft> {
    let now = i.clock.now_ms();
    let id2 = id.clone();
    let delegated = i
        .store
        .run(move |c, s| {
            let tx = c.transaction()?;
            let mut row = load(&tx, s, &id2)?;
            if !row.state.editable() {
                return Err(CoreError::Conflict(format!("draft {id2} was already submitted")));
            }
            change(&tx, &mut row)?;
            row.updated_ms = now;
            save(&tx, s, &row)?;
            tx.commit()?;
            Ok(row.delegation_id.is_some())
        })
        .await?;
    finish(i, id, delegated).await
}

pub(crate) async fn answer(i: &Inner, id: String, question_id: String, value: AnswerValue) -> CoreResult<Draft> {
    edit(i, id, move |c, row| {
        let (bundle, _) = plan_api::service(c, &row.service_id)?;
        let one: BTreeMap<String, AnswerValue> = [(question_id.clone(), value.clone())].into_iter().collect();
        plan::validate_answers(&bundle, &one)
            .map_err(|(field, detail)| CoreError::Validation { field: format!("answers.{field}"), detail })?;
        row.body.answers.insert(question_id.clone(), value);
        let field = format!("answers.{question_id}");
        row.body.platform_errors.retain(|e| e.field != field);
        Ok(())
    })
    .await
}

pub(crate) async fn set_field(i: &Inner, id: String, key: String, value: String) -> CoreResult<Draft> {
    edit(i, id, move |c, row| {
        let (_, matters) = plan_api::service(c, &row.service_id)?;
        if !matters.iter().any(|m| m.fields.iter().any(|f| f.key == key)) {
            return Err(CoreError::Validation {
                field: format!("fields.{key}"), detail: "此申请没有这一项".into()
            });
        }
        if value.trim().is_empty() {
            row.body.overrides.remove(&key);
        } else {
            row.body.overrides.insert(key.clone(), value);
        }
        let field = format!("fields.{key}");
        row.body.platform_errors.retain(|e| e.field != field);
        Ok(())
    })
    .await
}

/// Attaches a scan or photo to a material that takes uploads (empty `content` removes it).
pub(crate) async fn attach(
    i: &Inner,
    id: String,
    material: String,
    file_name: String,
    content: Vec<u8>,
) -> CoreResult<Draft> {
    use base64::Engine as _;
    edit(i, id, move |c, row| {
        let (_, matters) = plan_api::service(c, &row.service_id)?;
        let field = format!("materials.{material}");
        let takes_uploads = material.split_once('/').is_some_and(|(m, mat)| {
            matters.iter().any(|x| {
                x.id == m
                    && x.materials.iter().any(|d| {
                        d.id == mat
                            && d.sources.iter().any(|s| matches!(s, onego_protocol::api::MaterialSource::Upload))
                    })
            })
        });
        if !takes_uploads {
            return Err(CoreError::Validation { field, detail: "此申请没有可上传的这份材料".into() });
        }
        if content.is_empty() {
            row.body.files.remove(&material);
        } else {
            let name = file_name.trim();
            if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
                return Err(CoreError::Validation { field, detail: "文件名应为 1 到 100 个字".into() });
            }
            if content.len() > MAX_UPLOAD_BYTES {
                return Err(CoreError::Validation {
                    field, detail: "文件不能超过 2 MB，请压缩后再上传".into()
                });
            }
            if row.body.files.len() >= MAX_FILES && !row.body.files.contains_key(&material) {
                return Err(CoreError::Validation { field, detail: format!("最多上传 {MAX_FILES} 份文件") });
            }
            let bytes = i64::try_from(content.len()).unwrap_or(i64::MAX);
            let content_base64 = base64::engine::general_purpose::STANDARD.encode(&content);
            row.body.files.insert(material.clone(), File { file_name: name.to_owned(), content_base64, bytes });
        }
        row.body.platform_errors.retain(|e| e.field != field);
        Ok(())
    })
    .await
}

pub(crate) async fn get(i: &Inner, id: String) -> CoreResult<Draft> {
    let delegated = {
        let id = id.clone();
        i.store
            .run(move |c, _| {
                Ok(c.query_row("SELECT delegation_id FROM draft WHERE id = ?1", [&id], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional()?)
            })
            .await?
    };
    match delegated {
        None => Err(CoreError::NotFound(format!("draft {id}"))),
        // Reading does not replan a delegated draft: that needs the network, and the shell may be offline.
        Some(_) => load_view(i, id, false).await,
    }
}

pub(crate) fn list(conn: &Connection, sealer: &Sealer) -> CoreResult<Vec<DraftSummary>> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM draft ORDER BY updated_ms DESC, id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter()
        .map(|id| {
            let row = load(conn, sealer, id)?;
            Ok(DraftSummary {
                id: row.id,
                service_id: row.service_id,
                service_name: row.body.service_name,
                state: row.state,
                application_id: row.application_id,
                delegation_id: row.delegation_id,
                created_at: row.created_ms,
                updated_at: row.updated_ms,
            })
        })
        .collect()
}

/// Discards a draft that is not on its way (a queued one is in the outbox and will be delivered).
pub(crate) fn discard(conn: &mut Connection, id: &str) -> CoreResult<()> {
    let tx = conn.transaction()?;
    let state: Option<String> = tx.query_row("SELECT state FROM draft WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    match state.as_deref().map(DraftState::parse).transpose()? {
        None => return Err(CoreError::NotFound(format!("draft {id}"))),
        Some(DraftState::Queued) => return Err(CoreError::Conflict(format!("draft {id} is being delivered"))),
        Some(_) => {}
    }
    tx.execute("DELETE FROM outbox WHERE draft_id = ?1 AND state != 'pending'", [id])?;
    tx.execute("DELETE FROM draft WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(())
}

/// Deletes editing drafts untouched for more than `max_age_days`; returns how many.
pub(crate) fn purge(conn: &Connection, max_age_days: i32, now_ms: i64) -> CoreResult<i32> {
    if max_age_days < 0 {
        return Err(CoreError::Validation { field: "max_age_days".into(), detail: "不能为负数".into() });
    }
    let cutoff = now_ms - i64::from(max_age_days) * 86_400_000;
    let n = conn.execute("DELETE FROM draft WHERE state = 'editing' AND updated_ms < ?1", [cutoff])?;
    if n > 0 {
        tracing::info!(purged = n, "old drafts purged");
    }
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}
