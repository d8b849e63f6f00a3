//! Department staff: the queue of matters under review or waiting for the applicant, and decisions (approve,
//! reject, request more), authorised by the staff key like the licence status endpoint.

use axum::extract::{Path, State};
use onego_protocol::api::{
    Actor, Application, Decision, MatterStatus, Problem, QueueItem, StaffDecision, StaffQueue, mask_name,
};
use rusqlite::{Connection, OptionalExtension, params};

use super::rules::{self, AppCtx, Outcome};
use super::{last_cursor, load, parse_status, set_status};
use crate::error::{Json, Query};
use crate::wallet::staff::StaffMember;
use crate::{ApiError, AppState};

/// Longest note kept on record.
const MAX_NOTE_CHARS: usize = 500;
const MAX_NEEDS: usize = 50;

/// `?department=gaj`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QueueQuery {
    /// Only this department's matters.
    #[serde(default)]
    pub department: Option<String>,
}

pub(crate) fn queue(conn: &Connection, department: Option<&str>, now_ms: i64) -> Result<StaffQueue, ApiError> {
    let today = onego_protocol::time::cst_date(now_ms);
    let items = conn
        .prepare_cached(
            "SELECT m.application_id, m.matter_id, m.name, m.department_id, p.name, m.received_at, m.due_date, m.status
             FROM application_matter m JOIN application a ON a.id = m.application_id
             JOIN person p ON p.subject = a.principal
             WHERE m.status IN ('in_review', 'more_needed') AND (?1 IS NULL OR m.department_id = ?1)
             ORDER BY m.received_at, m.application_id, m.position LIMIT 1000",
        )?
        .query_map([department], |r| {
            let due_date: String = r.get(6)?;
            Ok(QueueItem {
                application_id: r.get(0)?,
                matter_id: r.get(1)?,
                matter_name: r.get(2)?,
                department_id: r.get(3)?,
                applicant_name: mask_name(&r.get::<_, String>(4)?),
                received_at: r.get(5)?,
                overdue: today > due_date,
                due_date,
                status: parse_status(&r.get::<_, String>(7)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(StaffQueue { items })
}

/// Applies a staff decision in one transaction; returns the application and the newest event cursor.
pub(crate) fn decide(
    conn: &mut Connection,
    app_id: &str,
    matter_id: &str,
    d: &StaffDecision,
    now_ms: i64,
) -> Result<(Application, i64), ApiError> {
    let note = d.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::validation("note", format!("说明不能超过 {MAX_NOTE_CHARS} 个字")));
    }
    if d.needs.len() > MAX_NEEDS || d.needs.iter().any(|n| n.chars().count() > 120) {
        return Err(ApiError::validation("needs", "所需材料条目过多或过长"));
    }
    if note.is_empty() && d.decision != Decision::Approve {
        return Err(ApiError::validation("note", "不予办理或要求补正时须说明原因"));
    }
    let tx = conn.transaction()?;
    let status: Option<String> = tx
        .query_row(
            "SELECT status FROM application_matter WHERE application_id = ?1 AND matter_id = ?2",
            params![app_id, matter_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(status) = status else { return Err(ApiError::not_found("no such matter in that application")) };
    if parse_status(&status) != MatterStatus::InReview {
        return Err(ApiError::conflict("only a matter under review can be decided"));
    }
    match d.decision {
        Decision::Approve => {
            let app = AppCtx::load(&tx, app_id)?;
            let today = onego_protocol::time::cst_date(now_ms);
            let (licences, outputs) = rules::staff_results(&tx, &app, matter_id, &today)?;
            let note = if note.is_empty() { "审核通过，已办结" } else { note };
            let outcome = Outcome::Approve { note: note.to_owned(), licences, outputs };
            rules::apply(&tx, app_id, matter_id, outcome, Actor::Staff, now_ms)?;
        }
        Decision::Reject => {
            set_status(&tx, app_id, matter_id, MatterStatus::Rejected, Actor::Staff, note, &[], now_ms)?;
        }
        Decision::RequestMore => {
            let outcome = Outcome::MoreNeeded { note: note.to_owned(), needs: d.needs.clone() };
            rules::apply(&tx, app_id, matter_id, outcome, Actor::Staff, now_ms)?;
        }
    }
    rules::advance(&tx, app_id, now_ms)?;
    tx.commit()?;
    tracing::info!(decision = ?d.decision, "staff decided a matter");
    let app = load(conn, app_id, now_ms)?.ok_or_else(|| ApiError::internal("application vanished"))?;
    Ok((app, last_cursor(conn)?))
}

/// Staff: matters under review or waiting for the applicant (补正), oldest first; applicants' names masked.
#[utoipa::path(get, path = "/v1/staff/queue", tag = "staff", security(("staff" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "The queue", body = StaffQueue),
        (status = 401, description = "No staff key", body = Problem),
        (status = 403, description = "Not the staff key, or staff actions are disabled", body = Problem),
    ))]
pub(crate) async fn get_queue(
    State(state): State<AppState>,
    _staff: StaffMember,
    Query(q): Query<QueueQuery>,
) -> Result<axum::Json<StaffQueue>, ApiError> {
    let now = state.now_ms();
    let department = q.department.filter(|d| !d.trim().is_empty());
    let queue = state.db(move |c| queue(c, department.as_deref(), now)).await?;
    Ok(axum::Json(queue))
}

/// Staff: decide one matter under review. Approval issues the matter's result licences (新生儿社保卡: the
/// child's social security card) and unblocks the matters waiting for it; rejection refuses those too;
/// request_more asks the applicant for `needs`. Reject and request_more need a note.
#[utoipa::path(post, path = "/v1/staff/applications/{id}/matters/{matter_id}", tag = "staff",
    security(("staff" = [])),
    params(
        ("id" = String, Path, description = "The application id"),
        ("matter_id" = String, Path, description = "The matter to decide"),
    ),
    request_body = StaffDecision,
    responses(
        (status = 200, description = "The application after the decision", body = Application),
        (status = 400, description = "Malformed body", body = Problem),
        (status = 401, description = "No staff key", body = Problem),
        (status = 403, description = "Not the staff key, or staff actions are disabled", body = Problem),
        (status = 404, description = "No such application or matter", body = Problem),
        (status = 409, description = "The matter is not under review", body = Problem),
        (status = 422, description = "A note is missing or too long", body = Problem),
    ))]
pub(crate) async fn post_decision(
    State(state): State<AppState>,
    _staff: StaffMember,
    Path((id, matter_id)): Path<(String, String)>,
    Json(d): Json<StaffDecision>,
) -> Result<axum::Json<Application>, ApiError> {
    let now = state.now_ms();
    let (app, cursor) = state.db(move |c| decide(c, &id, &matter_id, &d, now)).await?;
    state.events.send_replace(cursor);
    Ok(axum::Json(app))
}
