//! `POST /v1/applications` and `POST /v1/applications/{id}/supplement`: everything a submission must satisfy
//! is checked again here — a hostile client gains nothing by skipping the phone's checks — and every failing
//! part is reported at once (`422`, `errors`), before anything is written.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use onego_protocol::api::{
    AccountKind, Actor, Application, Bundle, FieldCheck, FieldError, LicencePresentation, MAX_IDEMPOTENCY_KEY,
    MAX_UPLOAD_BYTES, MaterialSource, MaterialUpload, Matter, MatterStatus, Problem, Submission, Submitted, Supplement,
};
use onego_protocol::plan::{self, HeldLicence, PlanInput, Truth, validate_fields};
use onego_protocol::sdjwt::{Header, SdJwtError, VerifyOptions};
use onego_protocol::trust::TrustList;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{event, last_cursor, load, load_for, results, rules, set_status};
use crate::auth::Caller;
use crate::delegation::{self, Principal};
use crate::error::Json;
use crate::{ApiError, AppState};

/// Largest request body of the submission endpoints (uploads travel inline, base64).
pub(crate) const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
const MAX_PRESENTATIONS: usize = 20;
const MAX_UPLOADS: usize = 20;
const MAX_COMMITMENTS: usize = 50;
const MAX_ANSWERS: usize = 50;
const MAX_PRESENTATION_BYTES: usize = 64 * 1024;
const MAX_FILE_NAME_CHARS: usize = 100;

/// A 422 problem naming every failing part; `field` is the first.
fn invalid(errors: Vec<FieldError>) -> ApiError {
    let first = errors.first().cloned().unwrap_or(FieldError { field: "body".into(), detail: "invalid".into() });
    let mut e = ApiError::validation(&first.field, first.detail);
    e.0.errors = errors;
    e
}

fn err(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), detail: detail.into() }
}

/// A bundle, or a single matter as a one-member bundle, with its member matters from the catalog.
pub(crate) struct Service {
    pub(crate) bundle: Bundle,
    pub(crate) matters: Vec<Matter>,
}

fn catalog_body(conn: &Connection, id: &str, kind: &str) -> Result<Option<String>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT body FROM catalog_item WHERE id = ?1 AND kind = ?2 AND deleted = 0 AND body IS NOT NULL",
            params![id, kind],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn load_service(conn: &Connection, id: &str) -> Result<Option<Service>, ApiError> {
    if let Some(body) = catalog_body(conn, id, "bundle")? {
        let bundle: Bundle = serde_json::from_str(&body)?;
        let mut matters = Vec::new();
        for m in &bundle.members {
            if let Some(body) = catalog_body(conn, &m.matter_id, "matter")? {
                matters.push(serde_json::from_str::<Matter>(&body)?);
            }
        }
        return Ok(Some(Service { bundle, matters }));
    }
    let Some(body) = catalog_body(conn, id, "matter")? else { return Ok(None) };
    let matter: Matter = serde_json::from_str(&body)?;
    let bundle = Bundle::of_matter(&matter);
    Ok(Some(Service { bundle, matters: vec![matter] }))
}

/// Valid licences the principal holds, as an enterprise account also their companies'.
fn held_licences(conn: &Connection, subject: &str, kind: AccountKind) -> Result<Vec<HeldLicence>, ApiError> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT l.vct, l.claims FROM licence l
             WHERE l.status = 0 AND (l.holder_subject = ?1 OR (?2 AND l.holder_credit_code IN
                 (SELECT credit_code FROM company_role WHERE subject = ?1)))
             ORDER BY l.licence_id",
        )?
        .query_map(params![subject, matches!(kind, AccountKind::Enterprise)], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(vct, claims)| {
            let claims: Map<String, Value> = serde_json::from_str(&claims)?;
            Ok(HeldLicence::from_claims(&vct, &claims))
        })
        .collect()
}

/// Earlier matters (of `earlier`) whose results `m` consumes: an `application:` output, or a licence type their
/// approval issues.
fn consumed<'a>(m: &Matter, earlier: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    earlier
        .into_iter()
        .filter(|e| {
            let issued = results::issues(e);
            let by_field = m.fields.iter().filter_map(|f| f.source.as_deref()).any(|s| {
                s.strip_prefix("application:").is_some_and(|r| r.split('#').next() == Some(*e))
                    || s.strip_prefix("licence:")
                        .and_then(|r| r.split_once('#'))
                        .is_some_and(|(vct, _)| issued.contains(&vct))
            });
            let by_material = m.materials.iter().any(|x| {
                x.sources.iter().any(|s| matches!(s, MaterialSource::Licence { vct } if issued.contains(&vct.as_str())))
            });
            by_field || by_material
        })
        .map(str::to_owned)
        .collect()
}

/// `m` as the form validator should see it: fields taken from a licence an earlier matter of the same
/// application issues are filled later, like `application:` outputs.
fn with_later_fields(m: &Matter, deps: &[String]) -> Matter {
    let mut m = m.clone();
    for f in &mut m.fields {
        let Some((vct, _)) =
            f.source.as_deref().and_then(|s| s.strip_prefix("licence:")).and_then(|r| r.split_once('#'))
        else {
            continue;
        };
        if let Some(dep) = deps.iter().find(|d| results::issues(d).contains(&vct)) {
            f.source = Some(format!("application:{dep}#{}", f.key));
        }
    }
    m
}

/// The form's errors for `matters`, including the registry checks only the platform can make.
fn check_fields(
    conn: &Connection,
    principal: &str,
    matters: &[Matter],
    values: &BTreeMap<String, String>,
    today: &str,
) -> Result<Vec<FieldError>, ApiError> {
    let refs: Vec<&Matter> = matters.iter().collect();
    let mut errors = validate_fields(&refs, values, today);
    let mut checked = Vec::new();
    for f in matters.iter().flat_map(|m| &m.fields) {
        let bank =
            f.checks.iter().any(|c| matches!(c, FieldCheck::OwnedByApplicant { registry } if registry == "bank"));
        let field = format!("fields.{}", f.key);
        if !bank || checked.contains(&f.key) || errors.iter().any(|e| e.field == field) {
            continue;
        }
        checked.push(f.key.clone());
        let Some(value) = values.get(&f.key).map(|v| v.trim()).filter(|v| !v.is_empty()) else { continue };
        let owned: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM bank_account WHERE account = ?1 AND holder = ?2)",
            params![value, principal],
            |r| r.get(0),
        )?;
        if !owned {
            errors.push(err(field, format!("{}不在申请人本人名下，请填写本人的银行账户", f.label)));
        }
    }
    Ok(errors)
}

/// A presented licence that verified.
struct Presented {
    vct: String,
    licence_id: String,
    materials: Vec<String>,
}

/// Whose licences a principal may present: their own, their companies' and their wards'.
fn may_present(
    conn: &Connection,
    principal: &str,
    holder_subject: Option<&str>,
    holder_code: Option<&str>,
) -> Result<bool, ApiError> {
    Ok(conn.query_row(
        "SELECT ?2 = ?1 OR ?2 IN (SELECT ward FROM guardianship WHERE guardian = ?1)
             OR ?3 IN (SELECT credit_code FROM company_role WHERE subject = ?1)",
        params![principal, holder_subject, holder_code],
        |r| Ok(r.get::<_, Option<bool>>(0)?.unwrap_or(false)),
    )?)
}

/// Verifies one presentation against the platform's own trust list, bound to `aud` and `nonce`, and checks
/// that the licence is valid today, of the stated type and the principal's to present.
fn verify_presentation(
    conn: &Connection,
    trust: &TrustList,
    base: &str,
    nonce: &str,
    now: i64,
    principal: &str,
    p: &LicencePresentation,
) -> Result<Presented, String> {
    if p.presentation.len() > MAX_PRESENTATION_BYTES {
        return Err("证照出示过长".into());
    }
    let resolver = |header: &Header, claims: &Map<String, Value>| {
        let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
        let vct = claims.get("vct").and_then(Value::as_str).unwrap_or_default();
        trust.key_for(iss, vct, header.kid(), now).cloned().map_err(|e| SdJwtError::IssuerKey(e.to_string()))
    };
    let options = VerifyOptions::sd_jwt_vc(now).with_key_binding(base, nonce);
    let verified = onego_protocol::sdjwt::verify(&p.presentation, &resolver, &options)
        .map_err(|e| format!("证照核验未通过：{e}"))?;
    if verified.vct() != Some(p.vct.as_str()) {
        return Err("证照类型与所述不符".into());
    }
    let slug = verified.issuer().and_then(|i| i.strip_prefix(&format!("{base}/issuers/"))).unwrap_or_default();
    let idx = verified.payload.pointer("/status/status_list/idx").and_then(Value::as_i64);
    // licence_id, vct, holder subject, holder credit code, status.
    type Row = (String, String, Option<String>, Option<String>, i64);
    let row: Option<Row> = match idx {
        Some(idx) => conn
            .query_row(
                "SELECT licence_id, vct, holder_subject, holder_credit_code, status FROM licence
                 WHERE issuer = ?1 AND status_idx = ?2",
                params![slug, idx],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(|_| "证照状态无法查询".to_owned())?,
        None => None,
    };
    let Some((licence_id, vct, holder, code, status)) = row else {
        return Err("查不到这份证照".into());
    };
    if vct != p.vct {
        return Err("证照类型与所述不符".into());
    }
    if status != 0 {
        return Err("证照已被吊销或暂停使用".into());
    }
    if !may_present(conn, principal, holder.as_deref(), code.as_deref()).map_err(|_| "证照持有人无法核实".to_owned())?
    {
        return Err("这份证照不属于申请人、其企业或被监护人".into());
    }
    Ok(Presented { vct, licence_id, materials: p.materials.clone() })
}

/// An upload that decoded: only its digest and size are kept.
struct Stored {
    material: String,
    file_name: String,
    sha256: String,
    size: usize,
}

fn check_upload(u: &MaterialUpload) -> Result<Stored, String> {
    let name_ok = !u.file_name.trim().is_empty()
        && u.file_name.chars().count() <= MAX_FILE_NAME_CHARS
        && !u.file_name.chars().any(char::is_control);
    if !name_ok {
        return Err(format!("文件名应为 1 到 {MAX_FILE_NAME_CHARS} 个字，不含控制字符"));
    }
    // A quick bound before decoding: base64 grows by 4/3.
    if u.content_base64.len() > MAX_UPLOAD_BYTES / 3 * 4 + 8 {
        return Err(format!("文件不能超过 {} MB", MAX_UPLOAD_BYTES / 1024 / 1024));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(u.content_base64.trim())
        .map_err(|_| "文件内容不是有效的 base64".to_owned())?;
    if bytes.is_empty() || bytes.len() > MAX_UPLOAD_BYTES {
        return Err(format!("文件应为 1 字节到 {} MB", MAX_UPLOAD_BYTES / 1024 / 1024));
    }
    let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Stored { material: u.material.clone(), file_name: u.file_name.trim().to_owned(), sha256, size: bytes.len() })
}

/// Presentations, uploads and commitments checked against the matters they claim to serve.
struct Evidence {
    presented: Vec<Presented>,
    uploads: Vec<Stored>,
}

#[allow(clippy::too_many_arguments, reason = "the parts of one submission")]
fn check_evidence(
    conn: &Connection,
    base: &str,
    nonce: &str,
    now: i64,
    principal: &str,
    matters: &[(Matter, Vec<String>)],
    presentations: &[LicencePresentation],
    uploads: &[MaterialUpload],
    commitments: &[String],
    require_all: bool,
    errors: &mut Vec<FieldError>,
) -> Result<Evidence, ApiError> {
    let material = |key: &str| {
        let (m, x) = key.split_once('/')?;
        let (matter, _) = matters.iter().find(|(mm, _)| mm.id == m)?;
        matter.materials.iter().find(|mat| mat.id == x)
    };
    let trust = crate::wallet::issuers::trust_list_at(conn, base, now)?;
    let mut presented = Vec::new();
    for (i, p) in presentations.iter().enumerate() {
        let unknown = p.materials.iter().find(|k| {
            material(k).is_none_or(|x| {
                !x.sources.iter().any(|s| matches!(s, MaterialSource::Licence { vct } if *vct == p.vct))
            })
        });
        if p.materials.is_empty() || unknown.is_some() {
            errors.push(err(format!("presentations[{i}]"), "所列材料不存在，或不能由这类证照提供"));
            continue;
        }
        match verify_presentation(conn, &trust, base, nonce, now, principal, p) {
            Ok(v) => presented.push(v),
            Err(detail) => errors.push(err(format!("presentations[{i}]"), detail)),
        }
    }
    for c in commitments {
        if material(c).is_none_or(|x| !x.sources.contains(&MaterialSource::Commitment)) {
            let shown: String = c.chars().take(60).collect();
            errors.push(err("commitments", format!("{shown} 不能以告知承诺代替")));
        }
    }
    let mut stored = Vec::new();
    for (i, u) in uploads.iter().enumerate() {
        if material(&u.material).is_none_or(|x| !x.sources.contains(&MaterialSource::Upload)) {
            errors.push(err(format!("uploads[{i}]"), "此申请没有需要上传的这项材料"));
            continue;
        }
        match check_upload(u) {
            Ok(s) => stored.push(s),
            Err(detail) => errors.push(err(format!("uploads[{i}]"), detail)),
        }
    }
    if require_all {
        for (m, deps) in matters {
            let later: Vec<&str> = deps.iter().flat_map(|d| results::issues(d).iter().copied()).collect();
            for x in m.materials.iter().filter(|x| x.required) {
                let key = format!("{}/{}", m.id, x.id);
                let ok = x.sources.iter().any(|s| match s {
                    MaterialSource::SharedData { .. } => true,
                    MaterialSource::Licence { vct } => {
                        later.contains(&vct.as_str())
                            || presented.iter().any(|p| p.vct == *vct && p.materials.contains(&key))
                    }
                    MaterialSource::Commitment => commitments.contains(&key),
                    MaterialSource::Upload => stored.iter().any(|u| u.material == key),
                });
                if !ok {
                    errors.push(err(format!("materials.{key}"), format!("请提供：{}", x.name)));
                }
            }
        }
    }
    Ok(Evidence { presented, uploads: stored })
}

/// What a valid submission will insert.
struct Prepared {
    principal: Principal,
    company: Option<String>,
    service_name: String,
    matters: Vec<(Matter, Vec<String>)>,
    evidence: Evidence,
}

fn prepare(
    conn: &Connection,
    caller: &Caller,
    sub: &Submission,
    base: &str,
    now_ms: i64,
) -> Result<Prepared, ApiError> {
    let Some(service) = load_service(conn, &sub.service_id)? else {
        return Err(ApiError::validation("service_id", "没有这项服务"));
    };
    let audience = match caller.kind {
        AccountKind::Citizen => "citizen",
        AccountKind::Enterprise => "enterprise",
    };
    if !service.bundle.audience.iter().any(|a| a == audience) {
        let detail = if audience == "citizen" {
            "此服务须以企业身份登录办理"
        } else {
            "此服务须以个人身份登录办理"
        };
        return Err(ApiError::validation("service_id", detail));
    }
    let principal = delegation::check(conn, caller, sub.delegation_id.as_deref(), &sub.service_id, now_ms)?;
    let company: Option<String> = match principal.kind {
        AccountKind::Enterprise => conn
            .query_row(
                "SELECT credit_code FROM company_role WHERE subject = ?1 ORDER BY credit_code LIMIT 1",
                [&principal.subject],
                |r| r.get(0),
            )
            .optional()?,
        AccountKind::Citizen => None,
    };
    if let Err((q, detail)) = plan::validate_answers(&service.bundle, &sub.answers) {
        let q: String = q.chars().take(40).collect();
        return Err(invalid(vec![err(format!("answers.{q}"), detail)]));
    }
    let profile = serde_json::to_value(crate::profile::load(conn, &principal.subject, principal.kind, now_ms)?)?;
    let held = held_licences(conn, &principal.subject, principal.kind)?;
    let planned = plan::plan(&PlanInput {
        bundle: &service.bundle,
        matters: &service.matters,
        answers: &sub.answers,
        profile: &profile,
        held: &held,
    });
    let mut errors = Vec::new();
    let mut matters: Vec<(Matter, Vec<String>)> = Vec::new();
    for pm in &planned.matters {
        match pm.applies {
            Truth::True => {
                let Some(m) = service.matters.iter().find(|m| m.id == pm.matter_id) else { continue };
                let deps = consumed(m, matters.iter().map(|(e, _)| e.id.as_str()));
                matters.push((m.clone(), deps));
            }
            Truth::False => {}
            Truth::Unknown => {
                for q in &pm.depends_on {
                    let text = service.bundle.questions.iter().find(|x| &x.id == q).map_or(q.as_str(), |x| &x.text);
                    let e = err(format!("answers.{q}"), format!("请先回答：{text}"));
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
                if pm.depends_on.is_empty() {
                    errors.push(err("service_id", format!("暂时无法判断“{}”是否需要办理", pm.name)));
                }
            }
        }
    }
    if matters.is_empty() && errors.is_empty() {
        errors.push(err("answers", "按您的回答，没有需要办理的事项"));
    }
    let today = onego_protocol::time::cst_date(now_ms);
    // The same view of later-filled fields the phone validated with.
    let in_order: Vec<&Matter> = matters.iter().map(|(m, _)| m).collect();
    let for_form = plan::with_later_sources(&in_order);
    errors.extend(check_fields(conn, &principal.subject, &for_form, &sub.fields, &today)?);
    let evidence = check_evidence(
        conn,
        base,
        &sub.idempotency_key,
        now_ms.div_euclid(1000),
        &principal.subject,
        &matters,
        &sub.presentations,
        &sub.uploads,
        &sub.commitments,
        true,
        &mut errors,
    )?;
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(Prepared { principal, company, service_name: service.bundle.name, matters, evidence })
}

fn store_uploads(conn: &Connection, app_id: &str, uploads: &[Stored], now_ms: i64) -> Result<(), ApiError> {
    for u in uploads {
        conn.execute(
            "INSERT INTO application_upload (application_id, material, file_name, sha256, size, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![app_id, u.material, u.file_name, u.sha256, i64::try_from(u.size).unwrap_or(i64::MAX), now_ms],
        )?;
    }
    Ok(())
}

fn presented_json(p: &[Presented]) -> Value {
    p.iter().map(|p| json!({"vct": p.vct, "licence_id": p.licence_id, "materials": p.materials})).collect()
}

/// Inserts a prepared submission and runs the rules; returns the new id, or `None` when the same account and
/// key were inserted meanwhile (the UNIQUE constraint: the caller answers with that one).
fn insert(
    conn: &Connection,
    caller: &Caller,
    sub: &Submission,
    hash: &str,
    p: Prepared,
    now_ms: i64,
) -> Result<Option<String>, ApiError> {
    let today = onego_protocol::time::cst_date(now_ms);
    let prefix = format!("BJ{}", today.replace('-', ""));
    let seq: i64 =
        conn.query_row("SELECT count(*) FROM application WHERE id LIKE ?1 || '%'", [&prefix], |r| r.get(0))?;
    let id = format!("{prefix}{:06}", seq + 1);
    // The form and what was checked, not the presentations themselves (they carry more personal data).
    let body = json!({
        "answers": sub.answers,
        "fields": sub.fields,
        "commitments": sub.commitments,
        "presentations": presented_json(&p.evidence.presented),
    });
    let inserted = conn.execute(
        "INSERT INTO application (id, service_id, service_name, principal, company, submitted_by, delegation_id,
                                  idempotency_key, request_hash, submitted_at, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            sub.service_id,
            p.service_name,
            p.principal.subject,
            p.company,
            caller.subject,
            p.principal.delegation_id,
            sub.idempotency_key,
            hash,
            now_ms,
            serde_json::to_string(&body)?
        ],
    );
    match inserted {
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            return Ok(None);
        }
        other => other?,
    };
    for (position, (m, deps)) in p.matters.iter().enumerate() {
        let status = if deps.is_empty() { MatterStatus::InReview } else { MatterStatus::Waiting };
        conn.execute(
            "INSERT INTO application_matter (application_id, matter_id, position, name, department_id, status,
                                             received_at, due_date, depends_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                m.id,
                i64::try_from(position).unwrap_or(i64::MAX),
                m.name,
                m.department_id,
                super::status_str(status),
                now_ms,
                super::add_working_days(&today, m.promised_limit_days),
                serde_json::to_string(deps)?
            ],
        )?;
        let note = if deps.is_empty() { "已提交" } else { "已提交，等待前序事项办结" };
        event(conn, &id, &m.id, status, Actor::Applicant, note, &[], now_ms)?;
    }
    store_uploads(conn, &id, &p.evidence.uploads, now_ms)?;
    rules::advance(conn, &id, now_ms)?;
    Ok(Some(id))
}

enum Outcome {
    Created(String),
    Replayed(String),
}

/// The application already submitted under this key by this account: `Ok(Some(id))` for the same body, a
/// conflict for another.
fn existing(conn: &Connection, subject: &str, key: &str, hash: &str) -> Result<Option<String>, ApiError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT id, request_hash FROM application WHERE submitted_by = ?1 AND idempotency_key = ?2",
            params![subject, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((id, h)) if h == hash => Ok(Some(id)),
        Some(_) => Err(ApiError::conflict("这个幂等键已用于另一份申请，请为新的申请生成新的键")),
        None => Ok(None),
    }
}

/// Submit a bundle (一件事) or a single matter.
///
/// Deduplicated by (account, `idempotency_key`): a repeat with the same body answers `200` with the original
/// application as it stands now (`replayed: true`); the same key with another body is `409`. The first time
/// answers `201`. The `Idempotency-Key` header, when sent, must equal `idempotency_key`.
///
/// Licence presentations must carry key binding with `aud` = the platform's public base URL and `nonce` = the
/// idempotency key. Every failing part is listed in the problem's `errors` (`fields.<key>`, `answers.<q>`,
/// `materials.<matter>/<material>`, `presentations[i]`, `uploads[i]`, `commitments`).
#[utoipa::path(post, path = "/v1/applications", tag = "applications", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Equal to the body's idempotency_key")),
    request_body = Submission,
    responses(
        (status = 201, description = "Submitted", body = Submitted),
        (status = 200, description = "A repeat of an earlier submission: the original application", body = Submitted),
        (status = 400, description = "Malformed body", body = Problem),
        (status = 401, description = "Not signed in, or the token expired", body = Problem),
        (status = 403, description = "The delegation does not allow it", body = Problem),
        (status = 409, description = "The idempotency key was used for another submission", body = Problem),
        (status = 413, description = "The body is too large", body = Problem),
        (status = 422, description = "Something to correct; `errors` lists every part", body = Problem),
    ))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Json(sub): Json<Submission>,
) -> Result<(StatusCode, axum::Json<Submitted>), ApiError> {
    let key = sub.idempotency_key.trim();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::validation(
            "idempotency_key",
            format!("幂等键应为 1 到 {MAX_IDEMPOTENCY_KEY} 个可见 ASCII 字符"),
        ));
    }
    if let Some(h) = headers.get("idempotency-key")
        && h.to_str().ok().map(str::trim) != Some(key)
    {
        return Err(ApiError::validation("Idempotency-Key", "请求头 Idempotency-Key 须与 idempotency_key 相同"));
    }
    let too_many = [
        ("presentations", sub.presentations.len() > MAX_PRESENTATIONS),
        ("uploads", sub.uploads.len() > MAX_UPLOADS),
        ("commitments", sub.commitments.len() > MAX_COMMITMENTS),
        ("answers", sub.answers.len() > MAX_ANSWERS),
    ];
    if let Some((field, _)) = too_many.iter().find(|(_, over)| *over) {
        return Err(ApiError::validation(field, "条目过多"));
    }
    let hash: String = Sha256::digest(serde_json::to_vec(&sub)?).iter().map(|b| format!("{b:02x}")).collect();
    let now_ms = state.now_ms();
    let base = state.public_url();
    let (outcome, app, cursor) = state
        .db(move |c| {
            let subject = caller.subject.clone();
            let key = sub.idempotency_key.clone();
            let outcome = {
                let tx = c.transaction()?;
                if let Some(id) = existing(&tx, &subject, &key, &hash)? {
                    Outcome::Replayed(id)
                } else {
                    let prepared = prepare(&tx, &caller, &sub, &base, now_ms)?;
                    if let Some(id) = insert(&tx, &caller, &sub, &hash, prepared, now_ms)? {
                        tx.commit()?;
                        Outcome::Created(id)
                    } else {
                        drop(tx);
                        let again = existing(c, &subject, &key, &hash)?;
                        Outcome::Replayed(again.ok_or_else(|| ApiError::internal("duplicate without original"))?)
                    }
                }
            };
            let id = match &outcome {
                Outcome::Created(id) | Outcome::Replayed(id) => id.clone(),
            };
            let app = load(c, &id, now_ms)?.ok_or_else(|| ApiError::internal("application vanished"))?;
            Ok((outcome, app, last_cursor(c)?))
        })
        .await?;
    Ok(match outcome {
        Outcome::Created(_) => {
            state.events.send_replace(cursor);
            tracing::info!(matters = app.matters.len(), "application submitted");
            (StatusCode::CREATED, axum::Json(Submitted { application: app, replayed: false }))
        }
        Outcome::Replayed(_) => (StatusCode::OK, axum::Json(Submitted { application: app, replayed: true })),
    })
}

/// Answer a request for more (补正) on one matter: fields, licence presentations (bound like a submission's,
/// `nonce` = the application's idempotency key) and uploads. The matter goes back to review, or is decided at
/// once when rules decide it.
#[utoipa::path(post, path = "/v1/applications/{id}/supplement", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application id")),
    request_body = Supplement,
    responses(
        (status = 200, description = "The application after the supplement", body = Application),
        (status = 400, description = "Malformed body", body = Problem),
        (status = 401, description = "Not signed in, or the token expired", body = Problem),
        (status = 404, description = "No such application or matter of the caller's", body = Problem),
        (status = 409, description = "The matter does not wait for a supplement", body = Problem),
        (status = 422, description = "Something to correct; `errors` lists every part", body = Problem),
    ))]
pub(crate) async fn supplement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(sup): Json<Supplement>,
) -> Result<axum::Json<Application>, ApiError> {
    if sup.presentations.len() > MAX_PRESENTATIONS || sup.uploads.len() > MAX_UPLOADS {
        return Err(ApiError::validation("uploads", "条目过多"));
    }
    let now_ms = state.now_ms();
    let base = state.public_url();
    let (app, cursor) = state
        .db(move |c| {
            load_for(c, &id, &caller.subject, now_ms)?;
            let tx = c.transaction()?;
            supplement_in(&tx, &id, &sup, &base, now_ms)?;
            tx.commit()?;
            let app = load(c, &id, now_ms)?.ok_or_else(|| ApiError::internal("application vanished"))?;
            Ok((app, last_cursor(c)?))
        })
        .await?;
    state.events.send_replace(cursor);
    Ok(axum::Json(app))
}

fn supplement_in(conn: &Connection, id: &str, sup: &Supplement, base: &str, now_ms: i64) -> Result<(), ApiError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT status, depends_on FROM application_matter WHERE application_id = ?1 AND matter_id = ?2",
            params![id, sup.matter_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((status, deps)) = row else { return Err(ApiError::not_found("no such matter in the application")) };
    if super::parse_status(&status) != MatterStatus::MoreNeeded {
        return Err(ApiError::conflict("这个事项现在不需要补正"));
    }
    let deps: Vec<String> = serde_json::from_str(&deps)?;
    let Some(body) = catalog_body(conn, &sup.matter_id, "matter")? else {
        return Err(ApiError::not_found("the matter is no longer in the catalog"));
    };
    let matter: Matter = serde_json::from_str(&body)?;
    let (principal, key, body): (String, String, String) =
        conn.query_row("SELECT principal, idempotency_key, body FROM application WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let mut body: Value = serde_json::from_str(&body)?;
    let mut fields: BTreeMap<String, String> =
        serde_json::from_value(body.get("fields").cloned().unwrap_or(Value::Null)).unwrap_or_default();
    let mut errors = Vec::new();
    for k in sup.fields.keys() {
        if !matter.fields.iter().any(|f| &f.key == k) {
            let shown: String = k.chars().take(40).collect();
            errors.push(err(format!("fields.{shown}"), "这个事项没有这一项"));
        }
    }
    fields.extend(sup.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mine: BTreeMap<String, String> = fields
        .iter()
        .filter(|(k, _)| matter.fields.iter().any(|f| &f.key == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if errors.is_empty() {
        let today = onego_protocol::time::cst_date(now_ms);
        errors.extend(check_fields(conn, &principal, &[with_later_fields(&matter, &deps)], &mine, &today)?);
    }
    let matters = vec![(matter, deps)];
    let commitments: Vec<String> = Vec::new();
    let evidence = check_evidence(
        conn,
        base,
        &key,
        now_ms.div_euclid(1000),
        &principal,
        &matters,
        &sup.presentations,
        &sup.uploads,
        &commitments,
        false,
        &mut errors,
    )?;
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    body["fields"] = serde_json::to_value(&fields)?;
    if let Some(list) = body.get_mut("presentations").and_then(Value::as_array_mut) {
        list.extend(presented_json(&evidence.presented).as_array().into_iter().flatten().cloned());
    }
    conn.execute("UPDATE application SET body = ?2 WHERE id = ?1", params![id, serde_json::to_string(&body)?])?;
    store_uploads(conn, id, &evidence.uploads, now_ms)?;
    conn.execute(
        "UPDATE application_matter SET needs = '[]' WHERE application_id = ?1 AND matter_id = ?2",
        params![id, sup.matter_id],
    )?;
    set_status(conn, id, &sup.matter_id, MatterStatus::InReview, Actor::Applicant, "已补正", &[], now_ms)?;
    rules::advance(conn, id, now_ms)
}
