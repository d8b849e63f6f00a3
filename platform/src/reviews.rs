//! 好差评: reviews of finished matters and bundles, the closed loop a bad review opens, appeals, and the
//! satisfaction figures each matter's guide shows.
//!
//! The loop's deadlines come from the jurisdiction rule table (`seed/review_rules.json`, loaded into
//! `review_rule`): the row whose region prefix is the longest prefix of the matter's service-hall region.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use onego_protocol::api::{
    Appeal, AppealDecision, AppealRequest, AppealState, FollowUp, LoopState, LoopStep, LoopStepKind, MAX_COMMENT_CHARS,
    MAX_IDEMPOTENCY_KEY, Review, ReviewFiled, ReviewLevel, ReviewList, ReviewLoop, ReviewSubmission, Satisfaction,
    SatisfactionList, StaffReviewItem, StaffReviewList, StepDone,
};
use onego_protocol::time::{add_working_days, cst_days, date_from_unix_days, iso_days};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::Json;
use crate::wallet::staff::StaffMember;
use crate::{ApiError, AppState, Staff};

const RULES_JSON: &str = include_str!("../seed/review_rules.json");

pub(crate) const SCHEMA: &str = "
-- The 好差评 rule table by jurisdiction (from seed/review_rules.json).
CREATE TABLE review_rule (region_prefix TEXT PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL);
-- One review per finished matter, or per bundle (matter_id ''), of an application.
CREATE TABLE review (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES application (id),
    matter_id TEXT NOT NULL,
    reviewer TEXT NOT NULL REFERENCES person (subject),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    department_id TEXT NOT NULL,
    level TEXT NOT NULL,
    tags TEXT NOT NULL,
    comment TEXT NOT NULL,
    at INTEGER NOT NULL,
    -- Set for bad reviews: the jurisdiction whose rule set the deadlines, and the loop's state.
    jurisdiction TEXT,
    loop_state TEXT,
    follow_up_level TEXT,
    follow_up_window INTEGER,
    unit TEXT,
    UNIQUE (application_id, matter_id),
    UNIQUE (reviewer, idempotency_key)
);
CREATE TABLE review_step (
    review_id TEXT NOT NULL REFERENCES review (id),
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    done_at INTEGER,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (review_id, kind)
);
CREATE TABLE review_appeal (
    review_id TEXT PRIMARY KEY REFERENCES review (id),
    by_whom TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    at INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Unit {
    Days,
    WorkingDays,
}

/// One row of the rule table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewRule {
    pub name: String,
    pub region_prefix: String,
    unit: Unit,
    /// Days allowed for each department step, counted from the day the review was filed.
    steps: BTreeMap<String, u32>,
    /// Follow-up reviews allowed (the rule says one).
    follow_ups: u32,
    /// Days after the feedback within which the citizen may follow up.
    follow_up_window: u32,
}

#[derive(Deserialize)]
struct RuleFile {
    jurisdictions: Vec<ReviewRule>,
}

fn check_rule(r: &ReviewRule) -> Result<(), String> {
    for k in &LoopStepKind::ALL[..4] {
        if !r.steps.contains_key(k.as_str()) {
            return Err(format!("{}: no deadline for {}", r.name, k.as_str()));
        }
    }
    if r.follow_ups > 1 {
        return Err(format!("{}: the sandbox models at most one follow-up review", r.name));
    }
    Ok(())
}

/// Loads the rule table into a new database.
pub(crate) fn seed_rules(tx: &Transaction<'_>) -> Result<(), String> {
    let file: RuleFile = serde_json::from_str(RULES_JSON).map_err(|e| format!("review_rules.json: {e}"))?;
    for r in &file.jurisdictions {
        check_rule(r)?;
        let body = serde_json::to_string(r).map_err(|e| e.to_string())?;
        tx.execute(
            "INSERT INTO review_rule (region_prefix, name, body) VALUES (?1, ?2, ?3)",
            params![r.region_prefix, r.name, body],
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The rule for a region: the longest matching prefix.
fn rule_for(conn: &Connection, region: &str) -> Result<ReviewRule, ApiError> {
    let mut stmt =
        conn.prepare_cached("SELECT region_prefix, body FROM review_rule ORDER BY length(region_prefix) DESC")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (prefix, body) = row?;
        if region.starts_with(&prefix) {
            return Ok(serde_json::from_str(&body)?);
        }
    }
    Err(ApiError::internal("the review rule table has no default row"))
}

fn level_str(l: ReviewLevel) -> String {
    serde_json::to_value(l).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn level_of(s: &str) -> Result<ReviewLevel, ApiError> {
    Ok(serde_json::from_value(serde_json::Value::String(s.to_owned()))?)
}

fn deadline(unit: Unit, from_day: i64, days: u32) -> i64 {
    match unit {
        Unit::Days => from_day + i64::from(days),
        Unit::WorkingDays => add_working_days(from_day, days),
    }
}

fn loop_state_str(s: LoopState) -> &'static str {
    match s {
        LoopState::Open => "open",
        LoopState::AwaitingFollowUp => "awaiting_follow_up",
        LoopState::Closed => "closed",
        LoopState::Withdrawn => "withdrawn",
    }
}

fn loop_state_of(s: &str) -> LoopState {
    match s {
        "awaiting_follow_up" => LoopState::AwaitingFollowUp,
        "closed" => LoopState::Closed,
        "withdrawn" => LoopState::Withdrawn,
        _ => LoopState::Open,
    }
}

/// The region of the first service hall of a matter (the jurisdiction that answers for it).
fn matter_region(conn: &Connection, matter_id: &str) -> Result<String, ApiError> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM catalog_item WHERE id = ?1 AND kind = 'matter'", [matter_id], |r| r.get(0))
        .optional()?
        .flatten();
    let hall = body
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| v["hall_ids"].get(0).and_then(|h| h.as_str().map(str::to_owned)));
    let Some(hall) = hall else { return Ok(String::new()) };
    let hall_body: Option<String> =
        conn.query_row("SELECT body FROM hall WHERE id = ?1", [hall], |r| r.get(0)).optional()?;
    Ok(hall_body
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| v["region"].as_str().map(str::to_owned))
        .unwrap_or_default())
}

/// Reads one review with its loop and appeal, flags computed for `today` (days since 1970, China time).
fn load(conn: &Connection, id: &str, today: i64) -> Result<Option<Review>, ApiError> {
    type Row = (String, String, String, String, String, String, String, String, i64, Option<String>, Option<String>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT application_id, matter_id, subject_name, department_id, level, tags, comment, jurisdiction,
                    at, loop_state, follow_up_level
             FROM review WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            },
        )
        .optional()?;
    let Some((
        application_id,
        matter_id,
        subject_name,
        department_id,
        level,
        tags,
        comment,
        jurisdiction,
        at,
        state,
        fu,
    )) = row
    else {
        return Ok(None);
    };
    let closed_loop = match state {
        None => None,
        Some(state) => {
            let mut stmt = conn.prepare_cached(
                "SELECT kind, deadline, done_at, note FROM review_step WHERE review_id = ?1 ORDER BY position",
            )?;
            let steps = stmt
                .query_map([id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?, r.get(3)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut state = loop_state_of(&state);
            let steps: Vec<LoopStep> = steps
                .into_iter()
                .filter_map(|(kind, deadline, done_at, note)| {
                    let kind = LoopStepKind::parse(&kind)?;
                    let overdue = done_at.is_none()
                        && state != LoopState::Withdrawn
                        && iso_days(&deadline).is_some_and(|d| today > d);
                    Some(LoopStep { kind, deadline, done_at, note, overdue })
                })
                .collect();
            // A follow-up window that passed closes the loop.
            if state == LoopState::AwaitingFollowUp
                && steps.iter().any(|s| s.kind == LoopStepKind::FollowUp && s.overdue)
            {
                state = LoopState::Closed;
            }
            let steps = steps
                .into_iter()
                .map(|mut s| {
                    if s.kind == LoopStepKind::FollowUp && state == LoopState::Closed {
                        s.overdue = false;
                    }
                    s
                })
                .collect();
            Some(ReviewLoop { state, jurisdiction, steps, follow_up_level: fu.as_deref().map(level_of).transpose()? })
        }
    };
    let appeal = conn
        .query_row("SELECT by_whom, reason, state, at FROM review_appeal WHERE review_id = ?1", [id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
        })
        .optional()?
        .map(|(by, reason, state, at)| Appeal {
            by,
            reason,
            state: match state.as_str() {
                "upheld" => AppealState::Upheld,
                "dismissed" => AppealState::Dismissed,
                _ => AppealState::Pending,
            },
            at,
        });
    Ok(Some(Review {
        id: id.to_owned(),
        application_id,
        matter_id: (!matter_id.is_empty()).then_some(matter_id),
        subject_name,
        department_id,
        level: level_of(&level)?,
        tags: serde_json::from_str(&tags)?,
        comment,
        at,
        closed_loop,
        appeal,
    }))
}

fn bounded_text(field: &str, text: &str, max: usize) -> Result<String, ApiError> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(ApiError::validation(field, format!("至多 {max} 个字")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::validation(field, "含有不可见的控制字符"));
    }
    Ok(t.to_owned())
}

fn new_id(conn: &Connection, prefix: &str, now_ms: i64) -> Result<String, ApiError> {
    let n: i64 = conn.query_row("SELECT count(*) + 1 FROM review", [], |r| r.get(0))?;
    Ok(format!("{prefix}{}{n:06}", date_from_unix_days(cst_days(now_ms)).replace('-', "")))
}

pub(crate) fn file(
    conn: &mut Connection,
    caller: &Caller,
    req: &ReviewSubmission,
    now_ms: i64,
) -> Result<(Review, bool), ApiError> {
    if req.idempotency_key.is_empty() || req.idempotency_key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(ApiError::validation("idempotency_key", format!("1 to {MAX_IDEMPOTENCY_KEY} characters")));
    }
    let comment = bounded_text("comment", &req.comment, MAX_COMMENT_CHARS)?;
    let allowed = req.level.tags();
    if let Some(t) = req.tags.iter().find(|t| !allowed.contains(&t.as_str())) {
        let shown: String = t.chars().take(20).collect();
        return Err(ApiError::validation("tags", format!("“{shown}”不是“{}”可选的标签", req.level.label_zh())));
    }
    let hash = URL_SAFE_NO_PAD.encode(Sha256::digest(serde_json::to_vec(req)?));
    let today = cst_days(now_ms);
    let tx = conn.transaction()?;
    let earlier: Option<(String, String)> = tx
        .query_row(
            "SELECT id, request_hash FROM review WHERE reviewer = ?1 AND idempotency_key = ?2",
            params![caller.subject, req.idempotency_key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, earlier_hash)) = earlier {
        if earlier_hash != hash {
            return Err(ApiError::conflict("this idempotency key was used for another review"));
        }
        let review = load(&tx, &id, today)?.ok_or_else(|| ApiError::internal("review vanished"))?;
        return Ok((review, true));
    }
    let app: Option<(String, String)> = tx
        .query_row("SELECT principal, service_name FROM application WHERE id = ?1", [&req.application_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((principal, service_name)) = app.filter(|(p, _)| p == &caller.subject) else {
        return Err(ApiError::not_found("no such application of yours"));
    };
    let mut stmt = tx.prepare_cached(
        "SELECT matter_id, name, department_id, status FROM application_matter WHERE application_id = ?1
         ORDER BY position",
    )?;
    let matters = stmt
        .query_map([&req.application_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    let finished = |s: &str| matches!(s, "approved" | "rejected");
    let (matter_key, subject_name, department_id, region_matter) = match &req.matter_id {
        Some(m) => {
            let Some((id, name, dept, status)) = matters.iter().find(|(id, ..)| id == m) else {
                return Err(ApiError::validation("matter_id", "这个申请没有这一事项"));
            };
            if !finished(status) {
                return Err(ApiError::validation("matter_id", "事项办结后才能评价"));
            }
            (id.clone(), name.clone(), dept.clone(), id.clone())
        }
        None => {
            if matters.iter().any(|(.., s)| !finished(s)) {
                return Err(ApiError::validation("matter_id", "整件事办结后才能评价"));
            }
            let first = matters.first().map(|(id, ..)| id.clone()).unwrap_or_default();
            (String::new(), service_name, String::new(), first)
        }
    };
    let already: bool = tx
        .query_row(
            "SELECT 1 FROM review WHERE application_id = ?1 AND matter_id = ?2",
            params![req.application_id, matter_key],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if already {
        return Err(ApiError::conflict("已评价过：每个办结事项只能评价一次，之后可以追评"));
    }
    let id = new_id(&tx, "PJ", now_ms)?;
    tx.execute(
        "INSERT INTO review (id, application_id, matter_id, reviewer, idempotency_key, request_hash, subject_name,
                             department_id, level, tags, comment, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            req.application_id,
            matter_key,
            principal,
            req.idempotency_key,
            hash,
            subject_name,
            department_id,
            level_str(req.level),
            serde_json::to_string(&req.tags)?,
            comment,
            now_ms
        ],
    )?;
    if req.level.is_bad() {
        let rule = rule_for(&tx, &matter_region(&tx, &region_matter)?)?;
        tx.execute(
            "UPDATE review SET jurisdiction = ?2, loop_state = 'open', follow_up_window = ?3, unit = ?4 WHERE id = ?1",
            params![id, rule.name, rule.follow_up_window, serde_json::to_value(rule.unit)?.as_str()],
        )?;
        for (position, kind) in LoopStepKind::ALL.iter().enumerate() {
            // The follow-up's deadline is set when the feedback is given.
            let due = rule
                .steps
                .get(kind.as_str())
                .map(|d| date_from_unix_days(deadline(rule.unit, today, *d)))
                .unwrap_or_default();
            if *kind == LoopStepKind::FollowUp && rule.follow_ups == 0 {
                continue;
            }
            tx.execute(
                "INSERT INTO review_step (review_id, kind, position, deadline) VALUES (?1, ?2, ?3, ?4)",
                params![id, kind.as_str(), i64::try_from(position).unwrap_or(0), due],
            )?;
        }
    }
    let review = load(&tx, &id, today)?.ok_or_else(|| ApiError::internal("review vanished"))?;
    tx.commit()?;
    Ok((review, false))
}

fn own_review(conn: &Connection, caller: &Caller, id: &str) -> Result<(), ApiError> {
    let reviewer: Option<String> =
        conn.query_row("SELECT reviewer FROM review WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    match reviewer {
        Some(r) if r == caller.subject => Ok(()),
        _ => Err(ApiError::not_found("no such review of yours")),
    }
}

fn follow_up(
    conn: &mut Connection,
    caller: &Caller,
    id: &str,
    req: &FollowUp,
    now_ms: i64,
) -> Result<Review, ApiError> {
    let comment = bounded_text("comment", &req.comment, MAX_COMMENT_CHARS)?;
    let today = cst_days(now_ms);
    let tx = conn.transaction()?;
    own_review(&tx, caller, id)?;
    let review = load(&tx, id, today)?.ok_or_else(|| ApiError::not_found("no such review"))?;
    let Some(lp) = review.closed_loop else {
        return Err(ApiError::conflict("只有差评在整改反馈后才能追评"));
    };
    match lp.state {
        LoopState::AwaitingFollowUp => {}
        LoopState::Open => return Err(ApiError::conflict("部门反馈整改结果后才能追评")),
        LoopState::Closed if lp.follow_up_level.is_some() => return Err(ApiError::conflict("已追评过：只能追评一次")),
        LoopState::Closed => return Err(ApiError::conflict("追评期限已过")),
        LoopState::Withdrawn => return Err(ApiError::conflict("这条评价已撤回")),
    }
    tx.execute(
        "UPDATE review SET loop_state = 'closed', follow_up_level = ?2 WHERE id = ?1",
        params![id, level_str(req.level)],
    )?;
    tx.execute(
        "UPDATE review_step SET done_at = ?2, note = ?3 WHERE review_id = ?1 AND kind = 'follow_up'",
        params![id, now_ms, comment],
    )?;
    let review = load(&tx, id, today)?.ok_or_else(|| ApiError::internal("review vanished"))?;
    tx.commit()?;
    Ok(review)
}

fn staff_step(conn: &mut Connection, id: &str, req: &StepDone, now_ms: i64) -> Result<Review, ApiError> {
    let note = bounded_text("note", &req.note, MAX_COMMENT_CHARS)?;
    if note.is_empty() {
        return Err(ApiError::validation("note", "写明做了什么"));
    }
    let today = cst_days(now_ms);
    let tx = conn.transaction()?;
    let review = load(&tx, id, today)?.ok_or_else(|| ApiError::not_found("no such review"))?;
    let Some(lp) = review.closed_loop else { return Err(ApiError::conflict("只有差评有整改闭环")) };
    if lp.state != LoopState::Open {
        return Err(ApiError::conflict("这条差评的部门环节已经完成或已撤回"));
    }
    let next = lp.steps.iter().find(|s| s.done_at.is_none()).map(|s| s.kind);
    if next != Some(req.step) || req.step == LoopStepKind::FollowUp {
        let want = next.map_or("无", LoopStepKind::label_zh);
        return Err(ApiError::validation("step", format!("下一步应是“{want}”")));
    }
    tx.execute(
        "UPDATE review_step SET done_at = ?3, note = ?4 WHERE review_id = ?1 AND kind = ?2",
        params![id, req.step.as_str(), now_ms, note],
    )?;
    if req.step == LoopStepKind::Feedback {
        let (window, unit): (Option<u32>, Option<String>) =
            tx.query_row("SELECT follow_up_window, unit FROM review WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let unit = if unit.as_deref() == Some("days") { Unit::Days } else { Unit::WorkingDays };
        let due = date_from_unix_days(deadline(unit, today, window.unwrap_or(15)));
        let has_follow_up = tx.execute(
            "UPDATE review_step SET deadline = ?2 WHERE review_id = ?1 AND kind = 'follow_up'",
            params![id, due],
        )? > 0;
        let state = if has_follow_up { LoopState::AwaitingFollowUp } else { LoopState::Closed };
        tx.execute("UPDATE review SET loop_state = ?2 WHERE id = ?1", params![id, loop_state_str(state)])?;
    }
    let review = load(&tx, id, today)?.ok_or_else(|| ApiError::internal("review vanished"))?;
    tx.commit()?;
    Ok(review)
}

fn appeal(conn: &mut Connection, id: &str, by: &str, reason: &str, now_ms: i64) -> Result<Review, ApiError> {
    let reason = bounded_text("reason", reason, MAX_COMMENT_CHARS)?;
    if reason.is_empty() {
        return Err(ApiError::validation("reason", "写明申诉理由"));
    }
    let today = cst_days(now_ms);
    let tx = conn.transaction()?;
    let review = load(&tx, id, today)?.ok_or_else(|| ApiError::not_found("no such review"))?;
    if review.appeal.is_some() {
        return Err(ApiError::conflict("这条评价已经申诉过"));
    }
    if review.closed_loop.as_ref().is_some_and(|l| l.state == LoopState::Closed) {
        return Err(ApiError::conflict("闭环已结束，不能再申诉"));
    }
    // The citizen withdrawing their own mistaken review is upheld at once; a department's appeal waits for a
    // supervisor.
    let state = if by == "citizen" { "upheld" } else { "pending" };
    tx.execute(
        "INSERT INTO review_appeal (review_id, by_whom, reason, state, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, by, reason, state, now_ms],
    )?;
    if state == "upheld" {
        tx.execute("UPDATE review SET loop_state = 'withdrawn' WHERE id = ?1 AND loop_state IS NOT NULL", [id])?;
    }
    let review = load(&tx, id, today)?.ok_or_else(|| ApiError::internal("review vanished"))?;
    tx.commit()?;
    Ok(review)
}

fn decide_appeal(conn: &mut Connection, id: &str, req: &AppealDecision, now_ms: i64) -> Result<Review, ApiError> {
    let note = bounded_text("note", &req.note, MAX_COMMENT_CHARS)?;
    let tx = conn.transaction()?;
    let pending: bool = tx
        .query_row("SELECT state = 'pending' FROM review_appeal WHERE review_id = ?1", [id], |r| r.get(0))
        .optional()?
        .unwrap_or(false);
    if !pending {
        return Err(ApiError::conflict("没有待裁定的申诉"));
    }
    let state = if req.uphold { "upheld" } else { "dismissed" };
    tx.execute("UPDATE review_appeal SET state = ?2, note = ?3 WHERE review_id = ?1", params![id, state, note])?;
    if req.uphold {
        tx.execute("UPDATE review SET loop_state = 'withdrawn' WHERE id = ?1 AND loop_state IS NOT NULL", [id])?;
    }
    let review = load(&tx, id, cst_days(now_ms))?.ok_or_else(|| ApiError::internal("review vanished"))?;
    tx.commit()?;
    Ok(review)
}

fn list_mine(conn: &Connection, caller: &Caller, now_ms: i64) -> Result<ReviewList, ApiError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM review WHERE reviewer = ?1 ORDER BY at DESC, id DESC")?;
    let ids = stmt.query_map([&caller.subject], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    let today = cst_days(now_ms);
    let reviews = ids.iter().filter_map(|id| load(conn, id, today).transpose()).collect::<Result<_, _>>()?;
    Ok(ReviewList { reviews })
}

pub(crate) fn staff_list(conn: &Connection, now_ms: i64) -> Result<StaffReviewList, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM review WHERE loop_state = 'open' OR id IN
             (SELECT review_id FROM review_appeal WHERE state = 'pending') ORDER BY at",
    )?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    let today = cst_days(now_ms);
    let mut items: Vec<StaffReviewItem> = Vec::new();
    for id in ids {
        let Some(review) = load(conn, &id, today)? else { continue };
        let (next_step, overdue) = review.closed_loop.as_ref().map_or((None, false), |l| {
            let next = l.steps.iter().find(|s| s.done_at.is_none() && s.kind != LoopStepKind::FollowUp);
            (next.map(|s| s.kind), next.is_some_and(|s| s.overdue))
        });
        items.push(StaffReviewItem { review, next_step, overdue });
    }
    // Overdue first, then by the next deadline.
    items.sort_by_cached_key(|i| {
        let due = i
            .review
            .closed_loop
            .as_ref()
            .and_then(|l| l.steps.iter().find(|s| s.done_at.is_none()).map(|s| s.deadline.clone()))
            .unwrap_or_default();
        (!i.overdue, due)
    });
    Ok(StaffReviewList { items })
}

/// Satisfaction per matter (and per bundle, under its id), leaving out reviews withdrawn on appeal.
pub(crate) fn satisfaction(conn: &Connection) -> Result<SatisfactionList, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT CASE r.matter_id WHEN '' THEN a.service_id ELSE r.matter_id END AS subject, r.level, count(*)
         FROM review r JOIN application a ON a.id = r.application_id
         WHERE NOT EXISTS (SELECT 1 FROM review_appeal p WHERE p.review_id = r.id AND p.state = 'upheld')
         GROUP BY subject, r.level ORDER BY subject",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut by: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for (subject, level, n) in rows {
        let level = level_of(&level)?;
        let idx = ReviewLevel::ALL.iter().position(|l| *l == level).unwrap_or(0);
        by.entry(subject).or_default()[idx] += n;
    }
    let matters = by
        .into_iter()
        .map(|(matter_id, counts)| {
            let total: i64 = counts.iter().sum();
            let share = |pick: fn(ReviewLevel) -> bool| {
                let n: i64 = ReviewLevel::ALL.iter().zip(counts).filter(|(l, _)| pick(**l)).map(|(_, c)| c).sum();
                #[allow(clippy::cast_precision_loss, reason = "review counts are far below 2^52")]
                let rate = if total == 0 { 0.0 } else { n as f64 / total as f64 };
                rate
            };
            Satisfaction {
                matter_id,
                reviews: total,
                good_rate: share(ReviewLevel::is_good),
                bad_rate: share(ReviewLevel::is_bad),
                by_level: counts.to_vec(),
            }
        })
        .collect();
    Ok(SatisfactionList { matters })
}

/// Rate a finished matter (with `matter_id`) or a finished bundle (without). A bad review opens the loop.
#[utoipa::path(post, path = "/v1/reviews", tag = "reviews", security(("bearer" = [])),
    request_body = ReviewSubmission,
    responses(
        (status = 201, description = "Filed", body = ReviewFiled),
        (status = 200, description = "A repeat of the same idempotency key: the original review", body = ReviewFiled),
        (status = 400, description = "The body is not a review", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in", body = onego_protocol::api::Problem),
        (status = 404, description = "No such application of the caller's", body = onego_protocol::api::Problem),
        (status = 409, description = "Already reviewed, or the key was used for another review",
            body = onego_protocol::api::Problem),
        (status = 422, description = "Not finished yet, a tag not of this level, or a comment too long",
            body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn file_review(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<ReviewSubmission>,
) -> Result<(StatusCode, axum::Json<ReviewFiled>), ApiError> {
    let now = state.now_ms();
    let (review, replayed) = state.db(move |c| file(c, &caller, &req, now)).await?;
    let status = if replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, axum::Json(ReviewFiled { review, replayed })))
}

/// The caller's reviews, with their loops' steps, deadlines and overdue flags.
#[utoipa::path(get, path = "/v1/reviews", tag = "reviews", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's reviews, newest first", body = ReviewList),
        (status = 401, description = "Not signed in", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn my_reviews(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<ReviewList>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(state.db(move |c| list_mine(c, &caller, now)).await?))
}

/// The one follow-up review (追评), after the department's feedback.
#[utoipa::path(post, path = "/v1/reviews/{id}/follow-up", tag = "reviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "The review")),
    request_body = FollowUp,
    responses(
        (status = 200, description = "Filed; the loop is closed", body = Review),
        (status = 400, description = "Malformed body", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or no staff key", body = onego_protocol::api::Problem),
        (status = 404, description = "No such review of the caller's", body = onego_protocol::api::Problem),
        (status = 409, description = "No feedback yet, already followed up, or the window passed",
            body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn file_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<FollowUp>,
) -> Result<axum::Json<Review>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(state.db(move |c| follow_up(c, &caller, &id, &req, now)).await?))
}

/// The citizen withdraws a review filed by mistake (误评申诉): upheld at once, left out of the figures.
#[utoipa::path(post, path = "/v1/reviews/{id}/appeal", tag = "reviews", security(("bearer" = [])),
    params(("id" = String, Path, description = "The review")),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "Withdrawn", body = Review),
        (status = 400, description = "Malformed body", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or no staff key", body = onego_protocol::api::Problem),
        (status = 404, description = "No such review of the caller's", body = onego_protocol::api::Problem),
        (status = 409, description = "Already appealed, or the loop is closed", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn citizen_appeal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<AppealRequest>,
) -> Result<axum::Json<Review>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(
        state
            .db(move |c| {
                own_review(c, &caller, &id)?;
                appeal(c, &id, "citizen", &req.reason, now)
            })
            .await?,
    ))
}

/// Per-matter satisfaction figures (好评率, 差评率, counts), for the matters' guides.
#[utoipa::path(get, path = "/v1/satisfaction", tag = "reviews",
    responses((status = 200, description = "Figures of every matter with reviews", body = SatisfactionList)))]
pub(crate) async fn satisfaction_list(State(state): State<AppState>) -> Result<axum::Json<SatisfactionList>, ApiError> {
    Ok(axum::Json(state.db(|c| satisfaction(c)).await?))
}

/// Staff: bad reviews whose loop is open, or whose appeal waits, overdue first.
#[utoipa::path(get, path = "/v1/staff/reviews", tag = "staff", security(("staff" = [])),
    responses(
        (status = 200, description = "The work list", body = StaffReviewList),
        (status = 401, description = "No staff key", body = onego_protocol::api::Problem),
        (status = 403, description = "Not the staff key", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn staff_reviews(
    State(state): State<AppState>,
    _staff: StaffMember,
) -> Result<axum::Json<StaffReviewList>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(state.db(move |c| staff_list(c, now)).await?))
}

/// Staff: complete the next step of a loop (回访, 核实, 整改, 反馈 — in that order).
#[utoipa::path(post, path = "/v1/staff/reviews/{id}/steps", tag = "staff", security(("staff" = [])),
    params(("id" = String, Path, description = "The review")),
    request_body = StepDone,
    responses(
        (status = 200, description = "Done", body = Review),
        (status = 400, description = "Malformed body", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or no staff key", body = onego_protocol::api::Problem),
        (status = 403, description = "Not the staff key", body = onego_protocol::api::Problem),
        (status = 404, description = "No such review", body = onego_protocol::api::Problem),
        (status = 409, description = "No open loop", body = onego_protocol::api::Problem),
        (status = 422, description = "Not the next step, or no note", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn staff_step_done(
    State(state): State<AppState>,
    _staff: StaffMember,
    Path(id): Path<String>,
    Json(req): Json<StepDone>,
) -> Result<axum::Json<Review>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(state.db(move |c| staff_step(c, &id, &req, now)).await?))
}

/// Staff: the department appeals a review as filed by mistake or not about the service; a supervisor decides.
#[utoipa::path(post, path = "/v1/staff/reviews/{id}/appeal", tag = "staff", security(("staff" = [])),
    params(("id" = String, Path, description = "The review")),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "Appeal pending", body = Review),
        (status = 400, description = "Malformed body", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or no staff key", body = onego_protocol::api::Problem),
        (status = 403, description = "Not the staff key", body = onego_protocol::api::Problem),
        (status = 404, description = "No such review", body = onego_protocol::api::Problem),
        (status = 409, description = "Already appealed, or the loop is closed", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn staff_appeal(
    State(state): State<AppState>,
    _staff: StaffMember,
    Path(id): Path<String>,
    Json(req): Json<AppealRequest>,
) -> Result<axum::Json<Review>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(state.db(move |c| appeal(c, &id, "department", &req.reason, now)).await?))
}

/// Staff (supervisor): uphold or dismiss a department's appeal.
#[utoipa::path(post, path = "/v1/staff/reviews/{id}/appeal/decision", tag = "staff", security(("staff" = [])),
    params(("id" = String, Path, description = "The review")),
    request_body = AppealDecision,
    responses(
        (status = 200, description = "Decided", body = Review),
        (status = 400, description = "Malformed body", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or no staff key", body = onego_protocol::api::Problem),
        (status = 403, description = "Not the staff key", body = onego_protocol::api::Problem),
        (status = 422, description = "The note is too long", body = onego_protocol::api::Problem),
        (status = 409, description = "No pending appeal", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn staff_appeal_decision(
    State(state): State<AppState>,
    _staff: StaffMember,
    Path(id): Path<String>,
    Json(req): Json<AppealDecision>,
) -> Result<axum::Json<Review>, ApiError> {
    let now = state.now_ms();
    Ok(axum::Json(state.db(move |c| decide_appeal(c, &id, &req, now)).await?))
}

/// In-process staff actions on reviews (tests, the demo).
impl Staff {
    pub async fn reviews(&self) -> Result<StaffReviewList, ApiError> {
        let now = self.state.now_ms();
        self.state.db(move |c| staff_list(c, now)).await
    }

    pub async fn review_step(&self, id: String, step: LoopStepKind, note: String) -> Result<Review, ApiError> {
        let now = self.state.now_ms();
        self.state.db(move |c| staff_step(c, &id, &StepDone { step, note }, now)).await
    }

    /// Replaces the rule table row for `region_prefix` (tests show deadlines follow the data).
    pub async fn set_review_rule(&self, rule_json: String) -> Result<(), ApiError> {
        self.state
            .db(move |c| {
                let rule: ReviewRule =
                    serde_json::from_str(&rule_json).map_err(|e| ApiError::validation("rule", e.to_string()))?;
                check_rule(&rule).map_err(|e| ApiError::validation("rule", e))?;
                c.execute(
                    "INSERT OR REPLACE INTO review_rule (region_prefix, name, body) VALUES (?1, ?2, ?3)",
                    params![rule.region_prefix, rule.name, serde_json::to_string(&rule)?],
                )?;
                Ok(())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_table_parses_and_has_a_default() {
        let file: RuleFile = serde_json::from_str(RULES_JSON).expect("rules parse");
        assert!(file.jurisdictions.iter().any(|r| r.region_prefix.is_empty()));
        let zj = file.jurisdictions.iter().find(|r| r.region_prefix == "33").expect("浙江");
        assert_eq!(zj.steps["callback"], 1);
        assert_eq!(zj.steps["feedback"], 15);
        assert_eq!(zj.follow_ups, 1);
        for r in &file.jurisdictions {
            check_rule(r).expect("complete rule");
        }
    }

    /// 2026-11-27 09:00 CST, a Friday.
    const T0: i64 = 1_795_741_200_000;
    const DAY: i64 = 86_400_000;

    /// A database with one citizen and one application whose two matters are finished (or not).
    fn db(second_finished: bool) -> Connection {
        let mut c = Connection::open_in_memory().expect("db");
        crate::db::init(&mut c).expect("schema");
        c.execute_batch(
            "INSERT INTO person (subject, phone, id_number, name, gender, birth_date, ethnicity, address, region,
                                 marital_status, household_id)
             VALUES ('p1', '13800000001', '330106199001011234', '陈静', '女', '1990-01-01', '汉族', '杭州', '330106',
                     '已婚', 'h1'), ('p2', '13800000002', '330106199001011235', '张伟', '男', '1990-01-01', '汉族',
                     '杭州', '330106', '已婚', 'h2');
             INSERT INTO hall (id, body) VALUES ('hz', '{\"region\": \"330106\"}');
             INSERT INTO catalog_item (id, kind, version, body) VALUES ('m1', 'matter', 1, '{\"hall_ids\": [\"hz\"]}');
             INSERT INTO application (id, service_id, service_name, principal, submitted_by, idempotency_key,
                                      request_hash, submitted_at, body)
             VALUES ('A1', 'b1', '某一件事', 'p1', 'p1', 'k', 'h', 0, '{}');",
        )
        .expect("rows");
        for (m, status) in [("m1", "approved"), ("m2", if second_finished { "rejected" } else { "in_review" })] {
            c.execute(
                "INSERT INTO application_matter (application_id, matter_id, position, name, department_id, status,
                                                 received_at, due_date)
                 VALUES ('A1', ?1, 0, ?1, 'gaj', ?2, 0, '2026-11-27')",
                params![m, status],
            )
            .expect("matter");
        }
        c
    }

    fn caller(subject: &str) -> Caller {
        Caller { subject: subject.into(), kind: onego_protocol::api::AccountKind::Citizen }
    }

    fn review(key: &str, matter: Option<&str>, level: ReviewLevel) -> ReviewSubmission {
        ReviewSubmission {
            idempotency_key: key.into(),
            application_id: "A1".into(),
            matter_id: matter.map(Into::into),
            level,
            tags: level.tags().iter().take(1).map(|t| (*t).to_owned()).collect(),
            comment: "等了很久".into(),
        }
    }

    #[test]
    fn a_bad_review_runs_the_loop_with_deadlines_from_the_table() {
        let mut c = db(false);
        let me = caller("p1");
        // The bundle is not finished, the second matter neither: only m1 can be rated.
        assert!(file(&mut c, &me, &review("k0", None, ReviewLevel::Satisfied), T0).is_err());
        assert!(file(&mut c, &me, &review("k0", Some("m2"), ReviewLevel::Satisfied), T0).is_err());
        assert_eq!(
            file(&mut c, &caller("p2"), &review("k0", Some("m1"), ReviewLevel::Satisfied), T0).unwrap_err().0.status,
            404
        );
        let (r, replayed) = file(&mut c, &me, &review("k1", Some("m1"), ReviewLevel::Dissatisfied), T0).expect("filed");
        assert!(!replayed);
        let lp = r.closed_loop.clone().expect("a bad review opens the loop");
        assert_eq!(lp.jurisdiction, "浙江省");
        let due: Vec<&str> = lp.steps.iter().map(|s| s.deadline.as_str()).collect();
        // Filed on Friday 2026-11-27: callback by Monday, rectification and feedback within 15 working days.
        assert_eq!(due, ["2026-11-30", "2026-12-04", "2026-12-18", "2026-12-18", ""]);
        // The same key replays; another key for the same matter is refused: one review per matter.
        let (again, replayed) =
            file(&mut c, &me, &review("k1", Some("m1"), ReviewLevel::Dissatisfied), T0).expect("replay");
        assert!(replayed && again.id == r.id);
        assert_eq!(file(&mut c, &me, &review("k2", Some("m1"), ReviewLevel::Satisfied), T0).unwrap_err().0.status, 409);
        // A tag of another level is refused.
        let mut wrong = review("k3", Some("m1"), ReviewLevel::Dissatisfied);
        wrong.tags = vec!["办事快捷".into()];
        assert_eq!(file(&mut c, &me, &wrong, T0).unwrap_err().0.status, 422);

        // Four days later (Tuesday) nothing was done: the callback is overdue.
        let later = T0 + 4 * DAY;
        let r = load(&c, &r.id, cst_days(later)).expect("load").expect("review");
        let lp = r.closed_loop.expect("loop");
        assert!(lp.steps[0].overdue && !lp.steps[1].overdue);
        // No follow-up before the feedback; steps only in order.
        assert_eq!(
            follow_up(&mut c, &me, &r.id, &FollowUp { level: ReviewLevel::Fair, comment: String::new() }, later)
                .unwrap_err()
                .0
                .status,
            409
        );
        let step = |k, n: &str| StepDone { step: k, note: n.into() };
        assert_eq!(
            staff_step(&mut c, &r.id, &step(LoopStepKind::Rectification, "改"), later).unwrap_err().0.status,
            422
        );
        for k in [LoopStepKind::Callback, LoopStepKind::Verification, LoopStepKind::Rectification] {
            staff_step(&mut c, &r.id, &step(k, "已处理"), later).expect("step");
        }
        let fed = staff_step(&mut c, &r.id, &step(LoopStepKind::Feedback, "已增加窗口"), later).expect("feedback");
        let lp = fed.closed_loop.expect("loop");
        assert_eq!(lp.state, LoopState::AwaitingFollowUp);
        assert!(!lp.steps[0].overdue, "a done step is not overdue");
        let closed =
            follow_up(&mut c, &me, &r.id, &FollowUp { level: ReviewLevel::Satisfied, comment: "改进了".into() }, later)
                .expect("follow-up");
        let lp = closed.closed_loop.expect("loop");
        assert_eq!((lp.state, lp.follow_up_level), (LoopState::Closed, Some(ReviewLevel::Satisfied)));
        assert_eq!(
            follow_up(&mut c, &me, &r.id, &FollowUp { level: ReviewLevel::Fair, comment: String::new() }, later)
                .unwrap_err()
                .0
                .status,
            409,
            "one follow-up only"
        );

        let figures = satisfaction(&c).expect("figures");
        let m1 = figures.matters.iter().find(|s| s.matter_id == "m1").expect("m1");
        assert_eq!((m1.reviews, m1.bad_rate, m1.by_level[3]), (1, 1.0, 1));
    }

    #[test]
    fn deadlines_follow_the_table_and_appeals_withdraw() {
        let mut c = db(true);
        let me = caller("p1");
        // Another province's rule, by data alone: callback within 2 natural days.
        let rule = r#"{"name": "测试省", "region_prefix": "3301", "unit": "days",
            "steps": {"callback": 2, "verification": 3, "rectification": 10, "feedback": 10},
            "follow_ups": 1, "follow_up_window": 5}"#;
        let rule: ReviewRule = serde_json::from_str(rule).expect("rule");
        c.execute(
            "INSERT INTO review_rule (region_prefix, name, body) VALUES (?1, ?2, ?3)",
            params![rule.region_prefix, rule.name, serde_json::to_string(&rule).expect("json")],
        )
        .expect("rule");
        let (r, _) = file(&mut c, &me, &review("k1", Some("m1"), ReviewLevel::VeryDissatisfied), T0).expect("filed");
        let lp = r.closed_loop.expect("loop");
        assert_eq!(lp.jurisdiction, "测试省");
        assert_eq!(lp.steps[0].deadline, "2026-11-29");
        // The whole bundle may be rated too, once.
        let (b, _) = file(&mut c, &me, &review("k2", None, ReviewLevel::VerySatisfied), T0).expect("bundle");
        assert!(b.closed_loop.is_none() && b.matter_id.is_none());
        // The citizen withdraws the mistaken review: out of the figures, loop withdrawn, no second appeal.
        let w = appeal(&mut c, &r.id, "citizen", "点错了", T0).expect("appeal");
        assert_eq!(w.closed_loop.expect("loop").state, LoopState::Withdrawn);
        assert_eq!(appeal(&mut c, &r.id, "citizen", "again", T0).unwrap_err().0.status, 409);
        let figures = satisfaction(&c).expect("figures");
        assert!(figures.matters.iter().all(|s| s.matter_id != "m1"));
        assert_eq!(figures.matters.iter().find(|s| s.matter_id == "b1").expect("bundle").good_rate, 1.0);
        // A department's appeal waits for a supervisor; dismissed, the loop goes on.
        let (r3, _) = file(&mut c, &me, &review("k3", Some("m2"), ReviewLevel::Dissatisfied), T0).expect("filed");
        assert_eq!(r3.closed_loop.as_ref().expect("loop").jurisdiction, "全国（默认）", "no hall: the default row");
        let pending = appeal(&mut c, &r3.id, "department", "与本事项无关", T0).expect("appeal");
        assert_eq!(pending.appeal.expect("appeal").state, AppealState::Pending);
        assert!(staff_list(&c, T0).expect("list").items.iter().any(|i| i.review.id == r3.id));
        let kept = decide_appeal(&mut c, &r3.id, &AppealDecision { uphold: false, note: "评价属实".into() }, T0)
            .expect("decided");
        assert_eq!(kept.closed_loop.expect("loop").state, LoopState::Open);
    }

    #[test]
    fn deadlines_count_working_days() {
        let fri = iso_days("2026-11-27").expect("date");
        assert_eq!(date_from_unix_days(deadline(Unit::WorkingDays, fri, 1)), "2026-11-30");
        assert_eq!(date_from_unix_days(deadline(Unit::Days, fri, 1)), "2026-11-28");
    }
}
