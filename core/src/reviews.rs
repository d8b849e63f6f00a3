//! 好差评 on the phone: rate a finished matter (or bundle) offline through the outbox, follow the closed loop a
//! bad review opens (callback → verification → rectification → feedback → one follow-up), withdraw a review
//! filed by mistake, and read each matter's satisfaction figures offline.
//!
//! A review's tags and comment are the citizen's own words: the cached review is sealed at rest, ids, its
//! delivery state and time stay in clear. Until the platform has it, a queued review is shown from a local
//! placeholder `queued-<key>`, as queued applications are.

use onego_protocol::api::{
    Application, FieldError, FollowUp, LoopState, LoopStepKind, MAX_COMMENT_CHARS, Problem, Review, ReviewLevel,
    ReviewList, ReviewSubmission, Satisfaction, SatisfactionList,
};
use onego_protocol::time::{cst_days, iso_days};
use rusqlite::{Connection, OptionalExtension, params};

use crate::apply::{OutboxKind, outbox, progress};
use crate::error::{CoreError, CoreResult};
use crate::store::seal::Sealer;
use crate::{Inner, OnegoError};

/// Where a review stands on this phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ReviewDelivery {
    /// Waiting in the outbox for the platform.
    Queued,
    /// The platform has it (its loop and appeal are as last synced).
    Filed,
    /// The platform refused it for good (`problem` says why in its words); a new review may replace it.
    NeedsAttention,
}

impl ReviewDelivery {
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Filed => "filed",
            Self::NeedsAttention => "needs_attention",
        }
    }

    fn parse(s: &str) -> CoreResult<Self> {
        Ok(match s {
            "queued" => Self::Queued,
            "filed" => Self::Filed,
            "needs_attention" => Self::NeedsAttention,
            other => return Err(CoreError::Integrity(format!("unknown review state {other}"))),
        })
    }
}

/// One of the citizen's reviews with its delivery state.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ReviewEntry {
    pub review: Review,
    pub delivery: ReviewDelivery,
    /// For `NeedsAttention`: why the platform refused it, in its own words.
    pub problem: Option<String>,
}

/// A review committed locally and waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct QueuedReview {
    /// The local placeholder's id (`queued-<key>`) until the platform has it.
    pub review_id: String,
    pub idempotency_key: String,
    /// The matter's or bundle's name.
    pub subject_name: String,
    pub level: ReviewLevel,
    pub queued_at: i64,
}

/// A result, or the platform's (or the local check's) refusal worded for the user. The platform's 409 and 422
/// explain themselves in Chinese; the generic wording of `CoreError::public` would lose that.
pub(crate) type Worded<T> = CoreResult<Result<T, OnegoError>>;

/// What the sealed body holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    review: Review,
    #[serde(default)]
    problem: Option<String>,
}

fn purpose(id: &str) -> String {
    format!("review:{id}")
}

fn placeholder_id(key: &str) -> String {
    format!("queued-{key}")
}

fn conflict<T>(message: &str) -> Worded<T> {
    Ok(Err(OnegoError::Conflict { message: message.to_owned() }))
}

/// Turns a platform refusal that explains itself (409, 422) into its own words; anything else stays an error.
pub(crate) fn worded<T>(e: CoreError) -> Worded<T> {
    match e {
        CoreError::Http { status: 409, problem: Some(p) } => Ok(Err(OnegoError::Conflict { message: detail(&p) })),
        CoreError::Http { status: 422, problem: Some(p) } => {
            let first = p.errors.first();
            let field = p.field.clone().or_else(|| first.map(|f| f.field.clone())).unwrap_or_default();
            let message = p.detail.clone().or_else(|| first.map(|f| f.detail.clone())).unwrap_or(p.title);
            Ok(Err(OnegoError::Validation { field, message }))
        }
        other => Err(other),
    }
}

fn detail(p: &Problem) -> String {
    p.detail.clone().unwrap_or_else(|| p.title.clone())
}

/// A comment or reason as the platform will take it: trimmed, at most `MAX_COMMENT_CHARS`, no control characters.
pub(crate) fn bounded_text(field: &str, text: &str) -> CoreResult<String> {
    let t = text.trim();
    if t.chars().count() > MAX_COMMENT_CHARS {
        return Err(CoreError::Validation {
            field: field.into(), detail: format!("至多 {MAX_COMMENT_CHARS} 个字")
        });
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(CoreError::Validation { field: field.into(), detail: "含有不可见的控制字符".into() });
    }
    Ok(t.to_owned())
}

/// An id as the platform issues them (letters, digits, `-`, `_`), before it goes into a path.
pub(crate) fn check_id(field: &str, id: &str) -> CoreResult<()> {
    if id.is_empty() || id.len() > 80 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(CoreError::Validation { field: field.into(), detail: "不是有效的编号".into() });
    }
    Ok(())
}

/// The tags a citizen may pick at `level`.
#[must_use]
pub fn options(level: ReviewLevel) -> Vec<String> {
    level.tags().iter().map(|t| (*t).to_owned()).collect()
}

/// What a review is about, once the local checks pass: (subject name, department id).
pub(crate) fn check(
    app: &Application,
    matter_id: Option<&str>,
    level: ReviewLevel,
    tags: &[String],
) -> CoreResult<(String, String)> {
    if app.id.starts_with("queued-") {
        return Err(CoreError::Validation {
            field: "application_id".into(),
            detail: "办件还没有送达，办结后才能评价".into(),
        });
    }
    let allowed = level.tags();
    if let Some(t) = tags.iter().find(|t| !allowed.contains(&t.as_str())) {
        let shown: String = t.chars().take(20).collect();
        return Err(CoreError::Validation {
            field: "tags".into(),
            detail: format!("“{shown}”不是“{}”可选的标签", level.label_zh()),
        });
    }
    match matter_id {
        Some(m) => {
            let Some(mp) = app.matters.iter().find(|x| x.matter_id == m) else {
                return Err(CoreError::Validation {
                    field: "matter_id".into(), detail: "这个申请没有这一事项".into()
                });
            };
            if !mp.status.is_final() {
                return Err(CoreError::Validation {
                    field: "matter_id".into(), detail: "事项办结后才能评价".into()
                });
            }
            Ok((mp.name.clone(), mp.department_id.clone()))
        }
        None => {
            if app.matters.iter().any(|m| !m.status.is_final()) {
                return Err(CoreError::Validation {
                    field: "matter_id".into(), detail: "整件事办结后才能评价".into()
                });
            }
            Ok((app.service_name.clone(), String::new()))
        }
    }
}

fn put(
    conn: &Connection,
    sealer: &Sealer,
    review: &Review,
    key: Option<&str>,
    delivery: ReviewDelivery,
    problem: Option<String>,
) -> CoreResult<()> {
    let stored = Stored { review: review.clone(), problem };
    let blob = sealer.seal(&purpose(&review.id), &serde_json::to_vec(&stored)?)?;
    conn.execute(
        "INSERT INTO review (id, idempotency_key, application_id, matter_id, state, body, at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body, at_ms = excluded.at_ms,
             idempotency_key = coalesce(excluded.idempotency_key, review.idempotency_key)",
        params![
            review.id,
            key,
            review.application_id,
            review.matter_id.as_deref().unwrap_or(""),
            delivery.as_str(),
            blob,
            review.at
        ],
    )?;
    Ok(())
}

/// Stores a review as the platform returned it.
pub(crate) fn store_filed(conn: &Connection, sealer: &Sealer, review: &Review) -> CoreResult<()> {
    put(conn, sealer, review, None, ReviewDelivery::Filed, None)
}

/// Flags steps past their deadline for `today` (days since 1970, China time), so the flags hold offline.
fn with_local_overdue(mut review: Review, today: i64) -> Review {
    let Some(lp) = review.closed_loop.as_mut() else { return review };
    if lp.state == LoopState::Withdrawn {
        return review;
    }
    for s in &mut lp.steps {
        if s.done_at.is_none() && iso_days(&s.deadline).is_some_and(|d| today > d) {
            s.overdue = true;
        }
    }
    // A follow-up window that passed closes the loop (as the platform rules).
    if lp.state == LoopState::AwaitingFollowUp && lp.steps.iter().any(|s| s.kind == LoopStepKind::FollowUp && s.overdue)
    {
        lp.state = LoopState::Closed;
    }
    if lp.state == LoopState::Closed {
        for s in lp.steps.iter_mut().filter(|s| s.kind == LoopStepKind::FollowUp) {
            s.overdue = false;
        }
    }
    review
}

/// Every review on this phone, newest first, with overdue flags for `now_ms`.
pub(crate) fn list(conn: &Connection, sealer: &Sealer, now_ms: i64) -> CoreResult<Vec<ReviewEntry>> {
    let today = cst_days(now_ms);
    let mut stmt = conn.prepare("SELECT id, state, body FROM review ORDER BY at_ms DESC, id DESC")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, state, blob)| {
            let stored: Stored = serde_json::from_slice(&sealer.open(&purpose(&id), &blob)?)?;
            Ok(ReviewEntry {
                review: with_local_overdue(stored.review, today),
                delivery: ReviewDelivery::parse(&state)?,
                problem: stored.problem,
            })
        })
        .collect()
}

/// Checks a review against the cached application and queues it with its placeholder, in one transaction.
pub(crate) async fn queue(
    i: &Inner,
    application_id: String,
    matter_id: Option<String>,
    level: ReviewLevel,
    mut tags: Vec<String>,
    comment: String,
) -> Worded<QueuedReview> {
    check_id("application_id", &application_id)?;
    if let Some(m) = &matter_id {
        check_id("matter_id", m)?;
    }
    let comment = bounded_text("comment", &comment)?;
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    let now = i.clock.now_ms();
    let key = crate::apply::new_uuid()?;
    let queued = i
        .store
        .run(move |c, s| {
            let tx = c.transaction()?;
            let app = progress::get(&tx, s, &application_id, now)?;
            let (subject_name, department_id) = check(&app, matter_id.as_deref(), level, &tags)?;
            let subject = matter_id.clone().unwrap_or_default();
            let taken: bool = tx
                .query_row(
                    "SELECT 1 FROM review WHERE application_id = ?1 AND matter_id = ?2 AND state != 'needs_attention'",
                    params![application_id, subject],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if taken {
                return conflict("已评价过：每个办结事项只能评价一次，之后可以追评");
            }
            // A refused review of the same subject is replaced by this one.
            tx.execute(
                "DELETE FROM review WHERE application_id = ?1 AND matter_id = ?2 AND state = 'needs_attention'",
                params![application_id, subject],
            )?;
            let submission = ReviewSubmission {
                idempotency_key: key.clone(),
                application_id: application_id.clone(),
                matter_id: matter_id.clone(),
                level,
                tags: tags.clone(),
                comment: comment.clone(),
            };
            outbox::enqueue(&tx, s, OutboxKind::Review, &key, &subject_name, &serde_json::to_vec(&submission)?, now)?;
            let placeholder = Review {
                id: placeholder_id(&key),
                application_id,
                matter_id,
                subject_name: subject_name.clone(),
                department_id,
                level,
                tags,
                comment,
                at: now,
                closed_loop: None,
                appeal: None,
            };
            put(&tx, s, &placeholder, Some(&key), ReviewDelivery::Queued, None)?;
            tx.commit()?;
            Ok(Ok(QueuedReview {
                review_id: placeholder.id,
                idempotency_key: key,
                subject_name,
                level,
                queued_at: now,
            }))
        })
        .await?;
    if let Ok(q) = &queued {
        tracing::info!(review = %q.review_id, "review queued");
        i.apply.queued.notify_waiters();
    }
    Ok(queued)
}

/// The outbox delivered a review: the placeholder gives way to the platform's review.
pub(crate) fn mark_filed(conn: &mut Connection, sealer: &Sealer, key: &str, review: &Review) -> CoreResult<()> {
    let tx = conn.transaction()?;
    tx.execute("UPDATE outbox SET state = 'delivered', last_error = NULL WHERE key = ?1", [key])?;
    tx.execute("DELETE FROM review WHERE idempotency_key = ?1 AND id != ?2", params![key, review.id])?;
    put(&tx, sealer, review, Some(key), ReviewDelivery::Filed, None)?;
    tx.commit()?;
    Ok(())
}

/// The platform refused a review for good (already reviewed, not finished, a wrong tag): it stays, flagged.
pub(crate) fn mark_refused(
    conn: &mut Connection,
    sealer: &Sealer,
    key: &str,
    errors: &[FieldError],
    why: &str,
) -> CoreResult<()> {
    let tx = conn.transaction()?;
    tx.execute("UPDATE outbox SET state = 'rejected', last_error = ?2 WHERE key = ?1", params![key, why])?;
    let row: Option<(String, Vec<u8>)> = tx
        .query_row("SELECT id, body FROM review WHERE idempotency_key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, blob)) = row {
        let stored: Stored = serde_json::from_slice(&sealer.open(&purpose(&id), &blob)?)?;
        let problem = errors.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>().join("；");
        put(&tx, sealer, &stored.review, Some(key), ReviewDelivery::NeedsAttention, Some(problem))?;
    }
    tx.commit()?;
    Ok(())
}

/// Replaces the filed reviews with the platform's list; queued and refused ones stay as they are.
pub(crate) async fn sync(i: &Inner) -> CoreResult<i32> {
    let list: ReviewList = i.session.get("v1/reviews").await?;
    let n = i32::try_from(list.reviews.len()).unwrap_or(i32::MAX);
    i.store
        .run(move |c, s| {
            let tx = c.transaction()?;
            for r in &list.reviews {
                store_filed(&tx, s, r)?;
            }
            let ids: Vec<String> = tx
                .prepare("SELECT id FROM review WHERE state = 'filed'")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids.iter().filter(|id| !list.reviews.iter().any(|r| &&r.id == id)) {
                tx.execute("DELETE FROM review WHERE id = ?1", [id])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!(reviews = n, "reviews synced");
    Ok(n)
}

async fn post_review<B: serde::Serialize + Sync>(i: &Inner, path: String, body: B) -> Worded<Review> {
    let review: Review = match i.session.post(&path, &body).await {
        Ok(r) => r,
        Err(e) => return worded(e),
    };
    let r = review.clone();
    i.store.run(move |c, s| store_filed(c, s, &r)).await?;
    Ok(Ok(review))
}

/// The one follow-up review (追评), after the department's feedback. Online.
pub(crate) async fn follow_up(i: &Inner, review_id: String, level: ReviewLevel, comment: String) -> Worded<Review> {
    check_id("review_id", &review_id)?;
    let comment = bounded_text("comment", &comment)?;
    post_review(i, format!("v1/reviews/{review_id}/follow-up"), FollowUp { level, comment }).await
}

/// Withdraws a review filed by mistake (误评申诉). Online.
pub(crate) async fn appeal(i: &Inner, review_id: String, reason: String) -> Worded<Review> {
    check_id("review_id", &review_id)?;
    let reason = bounded_text("reason", &reason)?;
    if reason.is_empty() {
        return Err(CoreError::Validation { field: "reason".into(), detail: "写明申诉理由".into() });
    }
    let body = onego_protocol::api::AppealRequest { reason };
    post_review(i, format!("v1/reviews/{review_id}/appeal"), body).await
}

/// Caches the public satisfaction figures (replacing the old ones).
pub(crate) async fn sync_satisfaction(i: &Inner) -> CoreResult<Vec<Satisfaction>> {
    let list: SatisfactionList = i.api.get("v1/satisfaction", None).await?;
    let matters = list.matters.clone();
    i.store
        .run(move |c, _| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM satisfaction", [])?;
            for m in &matters {
                tx.execute(
                    "INSERT INTO satisfaction (matter_id, body) VALUES (?1, ?2)",
                    params![m.matter_id, serde_json::to_string(m)?],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(list.matters)
}

/// A matter's (or bundle's) figures as last synced.
pub(crate) fn satisfaction(conn: &Connection, matter_id: &str) -> CoreResult<Option<Satisfaction>> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM satisfaction WHERE matter_id = ?1", [matter_id], |r| r.get(0)).optional()?;
    body.map(|b| serde_json::from_str(&b).map_err(CoreError::from)).transpose()
}

#[cfg(test)]
mod tests {
    use onego_protocol::api::{ApplicationStatus, LoopStep, MatterProgress, MatterStatus, ReviewLoop};

    use super::*;

    fn app(status: MatterStatus) -> Application {
        Application {
            id: "BJ1".into(),
            service_id: "bundle-birth".into(),
            service_name: "出生一件事".into(),
            principal: "s".into(),
            submitted_by: "s".into(),
            delegate_name: None,
            delegation_id: None,
            idempotency_key: "k".into(),
            submitted_at: 1,
            status: ApplicationStatus::InProgress,
            matters: vec![MatterProgress {
                matter_id: "m".into(),
                name: "出生登记".into(),
                department_id: "gaj".into(),
                status,
                due_date: String::new(),
                overdue: false,
                history: Vec::new(),
                licences: Vec::new(),
                outputs: Vec::new(),
                needs: Vec::new(),
            }],
        }
    }

    #[test]
    fn local_checks() {
        let done = app(MatterStatus::Approved);
        let (name, dept) = check(&done, Some("m"), ReviewLevel::Dissatisfied, &["办理超时".into()]).expect("ok");
        assert_eq!((name.as_str(), dept.as_str()), ("出生登记", "gaj"));
        assert!(check(&done, None, ReviewLevel::Satisfied, &[]).is_ok(), "the whole bundle is finished");
        assert!(check(&done, Some("m"), ReviewLevel::Satisfied, &["办理超时".into()]).is_err(), "wrong level's tag");
        assert!(check(&done, Some("x"), ReviewLevel::Satisfied, &[]).is_err());
        let open = app(MatterStatus::InReview);
        assert!(check(&open, Some("m"), ReviewLevel::Satisfied, &[]).is_err(), "not finished");
        assert!(check(&open, None, ReviewLevel::Satisfied, &[]).is_err());
        assert!(bounded_text("comment", &"好".repeat(MAX_COMMENT_CHARS + 1)).is_err());
        assert_eq!(bounded_text("comment", "  很快 ").expect("ok"), "很快");
        assert!(bounded_text("comment", "a\u{7}b").is_err());
        assert_eq!(options(ReviewLevel::VerySatisfied).len(), ReviewLevel::VerySatisfied.tags().len());
    }

    #[test]
    fn overdue_flags_hold_offline() {
        let step = |kind, deadline: &str| LoopStep {
            kind,
            deadline: deadline.into(),
            done_at: None,
            note: String::new(),
            overdue: false,
        };
        let r = Review {
            id: "PJ1".into(),
            application_id: "BJ1".into(),
            matter_id: Some("m".into()),
            subject_name: "出生登记".into(),
            department_id: "gaj".into(),
            level: ReviewLevel::Dissatisfied,
            tags: Vec::new(),
            comment: String::new(),
            at: 0,
            closed_loop: Some(ReviewLoop {
                state: LoopState::Open,
                jurisdiction: "浙江省".into(),
                steps: vec![step(LoopStepKind::Callback, "2026-11-30"), step(LoopStepKind::FollowUp, "")],
                follow_up_level: None,
            }),
            appeal: None,
        };
        let day = |s: &str| iso_days(s).expect("date");
        let before = with_local_overdue(r.clone(), day("2026-11-30"));
        assert!(!before.closed_loop.expect("loop").steps[0].overdue, "due by the end of the day");
        let after = with_local_overdue(r, day("2026-12-01"));
        let steps = after.closed_loop.expect("loop").steps;
        assert!(steps[0].overdue);
        assert!(!steps[1].overdue, "no deadline yet");
    }
}
