//! Submitting: the draft, its outbox row and a local placeholder of the application are written in one
//! transaction (offline too); delivery sends each row under its idempotency key until the platform has it.
//! Reviews ride the same outbox (`kind = 'review'`): one delivery loop, one backoff, one refusal rule.

use std::sync::Arc;

use onego_protocol::api::{
    Application, ApplicationStatus, FieldError, MaterialUpload, MatterProgress, MatterStatus, Problem, ReviewFiled,
    Submission, Submitted,
};
use onego_protocol::time::cst_date;
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    DeliveryReport, DraftState, OutboxItem, OutboxKind, OutboxState, QueuedSubmission, consent, crash_point, draft,
};
use crate::Inner;
use crate::error::{CoreError, CoreResult};
use crate::plan_api;
use crate::store::seal::Sealer;

/// First retry after about 2 s, doubling, at most 10 minutes apart.
const BACKOFF_BASE_MS: i64 = 2_000;
const BACKOFF_CAP_MS: i64 = 600_000;
const BACKOFF_FLOOR_MS: i64 = 1_000;

fn purpose(key: &str) -> String {
    format!("outbox:{key}")
}

/// The id of a queued application's local placeholder.
pub(crate) fn placeholder_id(key: &str) -> String {
    format!("queued-{key}")
}

/// Submits a draft: checks consent and the form, signs the presentations, and commits draft, outbox row and
/// placeholder together. Needs no network.
pub(crate) async fn submit(i: &Inner, draft_id: String, consent_given: bool) -> CoreResult<QueuedSubmission> {
    if !consent_given {
        return Err(CoreError::Validation {
            field: "consent".into(), detail: "请先阅读并同意共享的信息".into()
        });
    }
    let now = i.clock.now_ms();
    let wallet = Arc::clone(&i.wallet);
    let secrets = Arc::clone(&i.secrets);
    let audience = i.api.base_url();
    let key = super::new_uuid()?;
    let queued = i
        .store
        .run(move |c, s| {
            let tx = c.transaction()?;
            let mut row = draft::load(&tx, s, &draft_id)?;
            if !row.state.editable() {
                return Err(CoreError::Conflict(format!("draft {draft_id} was already submitted")));
            }
            let plan = draft::plan_of(&tx, s, &wallet.anchor, &row, now)?;
            let (_, matters) = plan_api::service(&tx, &row.service_id)?;
            let errors = draft::local_errors(&plan, &matters, &row.body.overrides, &row.body.files, &cst_date(now));
            if let Some(first) = errors.first() {
                // The draft shows every error; the call names the first.
                let first = first.clone();
                drop(tx);
                return Err(CoreError::Validation { field: first.field, detail: first.detail });
            }
            let sharing = consent::sharing(&tx, s, &wallet.anchor, &plan, &matters, row.delegation_id.is_some(), now)?;
            let names = consent::department_names(&tx, &sharing)?;
            let service_name = row.body.service_name.clone();
            let presentations = consent::present_all(
                &tx,
                s,
                secrets.as_ref(),
                &wallet.signer,
                &sharing,
                &names,
                &service_name,
                &audience,
                &key,
                now,
            )?;
            let submission = Submission {
                idempotency_key: key.clone(),
                service_id: row.service_id.clone(),
                answers: row.body.answers.clone(),
                fields: draft::submitted_values(&plan, &matters, &row.body.overrides),
                presentations,
                commitments: sharing.commitments.iter().map(|(k, _)| k.clone()).collect(),
                uploads: row
                    .body
                    .files
                    .iter()
                    .map(|(material, f)| MaterialUpload {
                        material: material.clone(),
                        file_name: f.file_name.clone(),
                        content_base64: f.content_base64.clone(),
                    })
                    .collect(),
                delegation_id: row.delegation_id.clone(),
            };
            let body = s.seal(&purpose(&key), &serde_json::to_vec(&submission)?)?;
            tx.execute(
                "INSERT INTO outbox (key, draft_id, service_name, body, state, attempts, next_attempt_ms, queued_ms)
                 VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
                params![key, row.id, service_name, body, now],
            )?;
            let applicable = draft::applicable(&plan, &matters);
            let placeholder = Application {
                id: placeholder_id(&key),
                service_id: row.service_id.clone(),
                service_name: service_name.clone(),
                principal: String::new(),
                submitted_by: String::new(),
                delegate_name: None,
                delegation_id: row.delegation_id.clone(),
                idempotency_key: key.clone(),
                submitted_at: now,
                status: ApplicationStatus::InProgress,
                matters: applicable
                    .iter()
                    .map(|m| MatterProgress {
                        matter_id: m.id.clone(),
                        name: m.name.clone(),
                        department_id: m.department_id.clone(),
                        status: MatterStatus::Waiting,
                        due_date: String::new(),
                        overdue: false,
                        history: Vec::new(),
                        licences: Vec::new(),
                        outputs: Vec::new(),
                        needs: Vec::new(),
                    })
                    .collect(),
            };
            super::progress::store_application(&tx, s, &placeholder)?;
            row.state = DraftState::Queued;
            row.body.platform_errors.clear();
            row.updated_ms = now;
            draft::save(&tx, s, &row)?;
            tx.commit()?;
            Ok(QueuedSubmission { draft_id: row.id, idempotency_key: key, service_name, queued_at: now })
        })
        .await?;
    crash_point("submit:after_commit");
    tracing::info!(draft = %queued.draft_id, "submission queued");
    i.apply.queued.notify_waiters();
    Ok(queued)
}

fn kind_str(kind: OutboxKind) -> &'static str {
    match kind {
        OutboxKind::Submission => "submission",
        OutboxKind::Review => "review",
    }
}

fn kind_of(s: &str) -> OutboxKind {
    if s == "review" { OutboxKind::Review } else { OutboxKind::Submission }
}

/// Queues another kind of write (a review) under `key`, inside the caller's transaction: the body is sealed like
/// a submission's, and the same delivery loop sends it. `label` names what it is about (never personal data).
pub(crate) fn enqueue(
    conn: &Connection,
    sealer: &Sealer,
    kind: OutboxKind,
    key: &str,
    label: &str,
    body: &[u8],
    now_ms: i64,
) -> CoreResult<()> {
    let blob = sealer.seal(&purpose(key), body)?;
    conn.execute(
        "INSERT INTO outbox (key, kind, draft_id, service_name, body, state, attempts, next_attempt_ms, queued_ms)
         VALUES (?1, ?2, '', ?3, ?4, 'pending', 0, ?5, ?5)",
        params![key, kind_str(kind), label, blob, now_ms],
    )?;
    Ok(())
}

/// The oldest pending item that is due.
fn next_due(conn: &Connection, sealer: &Sealer, now_ms: i64) -> CoreResult<Option<(String, OutboxKind, Vec<u8>)>> {
    let row: Option<(String, String, Vec<u8>)> = conn
        .query_row(
            "SELECT key, kind, body FROM outbox WHERE state = 'pending' AND next_attempt_ms <= ?1
             ORDER BY queued_ms, key LIMIT 1",
            [now_ms],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(key, kind, blob)| Ok((key.clone(), kind_of(&kind), sealer.open(&purpose(&key), &blob)?))).transpose()
}

/// When the next pending item is due.
pub(crate) fn next_attempt(conn: &Connection) -> CoreResult<Option<i64>> {
    Ok(conn.query_row("SELECT min(next_attempt_ms) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?)
}

pub(crate) fn pending_count(conn: &Connection) -> CoreResult<i32> {
    Ok(conn.query_row("SELECT count(*) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?)
}

/// What the platform accepted, by kind.
enum Accepted {
    Submission(Box<Submitted>),
    Review(Box<ReviewFiled>),
}

enum Outcome {
    Accepted(Accepted),
    Refused(Vec<FieldError>, String),
    Transient(String),
}

/// Sends one item under its idempotency key to the endpoint of its kind.
async fn send(i: &Inner, kind: OutboxKind, key: &str, body: &[u8]) -> CoreResult<Accepted> {
    async fn post<T: serde::de::DeserializeOwned>(i: &Inner, path: &str, key: &str, body: &[u8]) -> CoreResult<T> {
        i.session
            .authed(|token| {
                let (body, key) = (body.to_vec(), key.to_owned());
                async move { i.api.post_idempotent::<T>(path, &token, body, &key).await }
            })
            .await
    }
    Ok(match kind {
        OutboxKind::Submission => Accepted::Submission(Box::new(post(i, "v1/applications", key, body).await?)),
        OutboxKind::Review => Accepted::Review(Box::new(post(i, "v1/reviews", key, body).await?)),
    })
}

fn refusal(status: u16, problem: Option<&Problem>) -> Vec<FieldError> {
    let Some(p) = problem else {
        return vec![FieldError {
            field: "submission".into(), detail: format!("平台拒绝了此申请（{status}）")
        }];
    };
    if !p.errors.is_empty() {
        return p.errors.clone();
    }
    let field =
        p.field.clone().unwrap_or_else(|| if status == 403 { "delegation_id".into() } else { "submission".into() });
    vec![FieldError { field, detail: p.detail.clone().unwrap_or_else(|| p.title.clone()) }]
}

/// Delivers due items one at a time, oldest first. A refusal (422, 409, 403, other 4xx) is final; a failure
/// of the network or the platform (5xx, timeout, dropped connection) is retried later with backoff.
pub(crate) async fn deliver(i: &Inner) -> CoreResult<DeliveryReport> {
    let _single = i.apply.deliver.lock().await;
    let mut report = DeliveryReport::default();
    loop {
        let now = i.clock.now_ms();
        let Some((key, kind, body)) = i.store.run(move |c, s| next_due(c, s, now)).await? else { break };
        crash_point("deliver:before_send");
        let sent = send(i, kind, &key, &body).await;
        let outcome = match sent {
            Ok(a) => Outcome::Accepted(a),
            Err(CoreError::Http { status, problem })
                if (400..500).contains(&status) && status != 408 && status != 429 =>
            {
                Outcome::Refused(refusal(status, problem.as_deref()), format!("http {status}"))
            }
            Err(CoreError::Http { status, .. }) => Outcome::Transient(format!("http {status}")),
            Err(CoreError::Offline(_)) => Outcome::Transient("offline".into()),
            Err(CoreError::Timeout) => Outcome::Transient("timeout".into()),
            Err(CoreError::Transport(_)) => Outcome::Transient("connection broke".into()),
            Err(CoreError::Malformed(_)) => Outcome::Transient("unreadable answer".into()),
            // Signed out: nothing is lost; the item waits for the next sign-in.
            Err(e) => return Err(e),
        };
        crash_point("deliver:after_response");
        let now = i.clock.now_ms();
        match outcome {
            Outcome::Accepted(accepted) => {
                let k = key.clone();
                let replayed = match accepted {
                    Accepted::Submission(submitted) => {
                        let replayed = submitted.replayed;
                        i.store.run(move |c, s| mark_delivered(c, s, &k, &submitted.application)).await?;
                        replayed
                    }
                    Accepted::Review(filed) => {
                        let replayed = filed.replayed;
                        i.store.run(move |c, s| crate::reviews::mark_filed(c, s, &k, &filed.review)).await?;
                        replayed
                    }
                };
                crash_point("deliver:after_mark");
                if replayed {
                    report.replayed += 1;
                } else {
                    report.delivered += 1;
                }
                tracing::info!(kind = kind_str(kind), replayed, "outbox item delivered");
            }
            Outcome::Refused(errors, why) => {
                let k = key.clone();
                match kind {
                    OutboxKind::Submission => {
                        i.store.run(move |c, s| mark_rejected(c, s, &k, errors, &why, now)).await?;
                    }
                    OutboxKind::Review => {
                        i.store.run(move |c, s| crate::reviews::mark_refused(c, s, &k, &errors, &why)).await?;
                    }
                }
                report.rejected += 1;
                tracing::info!(kind = kind_str(kind), "outbox item refused by the platform");
            }
            Outcome::Transient(why) => {
                let k = key.clone();
                i.store.run(move |c, _| mark_retry(c, &k, &why, now)).await?;
                report.retry_later += 1;
                tracing::info!(kind = kind_str(kind), "outbox item will be retried");
                // The platform is unreachable or failing: later items would fare no better now.
                break;
            }
        }
    }
    report.next_attempt_at = i.store.run(|c, _| next_attempt(c)).await?;
    Ok(report)
}

fn mark_delivered(conn: &mut Connection, sealer: &Sealer, key: &str, app: &Application) -> CoreResult<()> {
    let tx = conn.transaction()?;
    tx.execute("UPDATE outbox SET state = 'delivered', last_error = NULL WHERE key = ?1", [key])?;
    super::progress::store_application(&tx, sealer, app)?;
    let draft_id: Option<String> =
        tx.query_row("SELECT draft_id FROM outbox WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    if let Some(id) = draft_id {
        tx.execute(
            "UPDATE draft SET state = 'delivered', application_id = ?2 WHERE id = ?1 AND state = 'queued'",
            params![id, app.id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn mark_rejected(
    conn: &mut Connection,
    sealer: &Sealer,
    key: &str,
    errors: Vec<FieldError>,
    why: &str,
    now_ms: i64,
) -> CoreResult<()> {
    let tx = conn.transaction()?;
    tx.execute("UPDATE outbox SET state = 'rejected', last_error = ?2 WHERE key = ?1", params![key, why])?;
    tx.execute("DELETE FROM application WHERE id = ?1", [placeholder_id(key)])?;
    let draft_id: Option<String> =
        tx.query_row("SELECT draft_id FROM outbox WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    if let Some(id) = draft_id {
        let mut row = draft::load(&tx, sealer, &id)?;
        row.state = DraftState::NeedsAttention;
        row.body.platform_errors = errors;
        row.updated_ms = now_ms;
        draft::save(&tx, sealer, &row)?;
    }
    tx.commit()?;
    Ok(())
}

fn mark_retry(conn: &Connection, key: &str, why: &str, now_ms: i64) -> CoreResult<()> {
    let attempts: i64 = conn.query_row("SELECT attempts FROM outbox WHERE key = ?1", [key], |r| r.get(0))?;
    let delay =
        super::backoff_ms(u32::try_from(attempts).unwrap_or(30), BACKOFF_BASE_MS, BACKOFF_CAP_MS, BACKOFF_FLOOR_MS);
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?2, last_error = ?3 WHERE key = ?1",
        params![key, now_ms + delay, why],
    )?;
    Ok(())
}

pub(crate) fn list(conn: &Connection) -> CoreResult<Vec<OutboxItem>> {
    let mut stmt = conn.prepare(
        "SELECT key, draft_id, service_name, state, attempts, next_attempt_ms, queued_ms, last_error, kind
         FROM outbox ORDER BY queued_ms, key",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|(key, draft_id, service_name, state, attempts, next, queued, last_error, kind)| OutboxItem {
            idempotency_key: key,
            kind: kind_of(&kind),
            draft_id,
            service_name,
            state: match state.as_str() {
                "delivered" => OutboxState::Delivered,
                "rejected" => OutboxState::Rejected,
                _ => OutboxState::Pending,
            },
            attempts: i32::try_from(attempts).unwrap_or(i32::MAX),
            next_attempt_at: next,
            queued_at: queued,
            last_error,
        })
        .collect())
}
