//! Applications (办件): a citizen or a company submits a bundle (一件事) or a single matter once; each member
//! matter then moves through its department — decided at once by rules over shared data (秒批, [`rules`]) or
//! by staff ([`staff`]) — and its approval issues result licences and outputs ([`results`]).
//!
//! - `POST /v1/applications`: submit (idempotent per account and `Idempotency-Key`), see [`submit`].
//! - `GET /v1/applications`, `GET /v1/applications/{id}`: what the caller applied for or had applied for them.
//! - `POST /v1/applications/{id}/supplement`: answer a request for more (补正).
//!
//! Every status change is one `application_event` row written in the same transaction as the change, so the
//! event stream never misses or invents a step.

pub(crate) mod events;
pub(crate) mod results;
pub(crate) mod rules;
pub(crate) mod staff;
pub(crate) mod submit;

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use onego_protocol::api::{
    Actor, Application, ApplicationList, ApplicationStatus, IssuedLicence, MatterEvent, MatterProgress, MatterStatus,
    Output, mask_name,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::auth::Caller;
use crate::{ApiError, AppState};

pub(crate) fn status_str(s: MatterStatus) -> &'static str {
    match s {
        MatterStatus::Waiting => "waiting",
        MatterStatus::InReview => "in_review",
        MatterStatus::MoreNeeded => "more_needed",
        MatterStatus::Approved => "approved",
        MatterStatus::Rejected => "rejected",
    }
}

pub(crate) fn parse_status(s: &str) -> MatterStatus {
    match s {
        "waiting" => MatterStatus::Waiting,
        "more_needed" => MatterStatus::MoreNeeded,
        "approved" => MatterStatus::Approved,
        "rejected" => MatterStatus::Rejected,
        _ => MatterStatus::InReview,
    }
}

fn actor_str(a: Actor) -> &'static str {
    match a {
        Actor::Applicant => "applicant",
        Actor::Rules => "rules",
        Actor::Staff => "staff",
    }
}

fn parse_actor(s: &str) -> Actor {
    match s {
        "rules" => Actor::Rules,
        "staff" => Actor::Staff,
        _ => Actor::Applicant,
    }
}

/// Moves a matter to `status` and records the step; `licences` are those the step issued.
pub(crate) fn set_status(
    conn: &Connection,
    app_id: &str,
    matter_id: &str,
    status: MatterStatus,
    actor: Actor,
    note: &str,
    licences: &[String],
    now_ms: i64,
) -> Result<(), ApiError> {
    conn.execute(
        "UPDATE application_matter SET status = ?3 WHERE application_id = ?1 AND matter_id = ?2",
        params![app_id, matter_id, status_str(status)],
    )?;
    event(conn, app_id, matter_id, status, actor, note, licences, now_ms)
}

/// Records one step of a matter in its history and the event stream.
pub(crate) fn event(
    conn: &Connection,
    app_id: &str,
    matter_id: &str,
    status: MatterStatus,
    actor: Actor,
    note: &str,
    licences: &[String],
    now_ms: i64,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO application_event (application_id, matter_id, status, actor, note, at, licence_ids)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            app_id,
            matter_id,
            status_str(status),
            actor_str(actor),
            note,
            now_ms,
            serde_json::to_string(licences)?
        ],
    )?;
    Ok(())
}

/// The newest event cursor, to wake the event streams after a commit.
pub(crate) fn last_cursor(conn: &Connection) -> Result<i64, ApiError> {
    Ok(conn.query_row("SELECT coalesce(max(cursor), 0) FROM application_event", [], |r| r.get(0))?)
}

/// The date `days` working days (Monday to Friday) after `start` (`YYYY-MM-DD`); 0 is the same day.
pub(crate) fn add_working_days(start: &str, days: u32) -> String {
    let Some(mut d) = onego_protocol::time::iso_days(start) else { return start.to_owned() };
    let mut left = days;
    while left > 0 {
        d += 1;
        if onego_protocol::time::is_working_day(d) {
            left -= 1;
        }
    }
    onego_protocol::time::date_from_unix_days(d)
}

/// The application as its applicant sees it, `overdue` computed for `now_ms`.
pub(crate) fn load(conn: &Connection, id: &str, now_ms: i64) -> Result<Option<Application>, ApiError> {
    let row = conn
        .query_row(
            "SELECT a.service_id, a.service_name, a.principal, a.submitted_by, a.delegation_id, a.idempotency_key,
                    a.submitted_at, d.name
             FROM application a JOIN person d ON d.subject = a.submitted_by WHERE a.id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((service_id, service_name, principal, submitted_by, delegation_id, key, submitted_at, by_name)) = row
    else {
        return Ok(None);
    };
    let today = onego_protocol::time::cst_date(now_ms);
    let mut stmt = conn.prepare_cached(
        "SELECT matter_id, name, department_id, status, due_date, outputs, needs, licences
         FROM application_matter WHERE application_id = ?1 ORDER BY position",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut events = conn.prepare_cached(
        "SELECT cursor, at, status, actor, note FROM application_event
         WHERE application_id = ?1 AND matter_id = ?2 ORDER BY cursor",
    )?;
    let mut matters = Vec::with_capacity(rows.len());
    for (matter_id, name, department_id, status, due_date, outputs, needs, licences) in rows {
        let history = events
            .query_map(params![id, matter_id], |r| {
                Ok(MatterEvent {
                    cursor: r.get(0)?,
                    at: r.get(1)?,
                    status: parse_status(&r.get::<_, String>(2)?),
                    actor: parse_actor(&r.get::<_, String>(3)?),
                    note: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let status = parse_status(&status);
        let outputs: BTreeMap<String, String> = serde_json::from_str(&outputs)?;
        let licences: Vec<IssuedLicence> = serde_json::from_str(&licences)?;
        matters.push(MatterProgress {
            overdue: !status.is_final() && today > due_date,
            matter_id,
            name,
            department_id,
            status,
            due_date,
            history,
            licences,
            outputs: outputs.into_iter().map(|(key, value)| Output { key, value }).collect(),
            needs: serde_json::from_str(&needs)?,
        });
    }
    let delegated = submitted_by != principal;
    Ok(Some(Application {
        id: id.to_owned(),
        service_id,
        service_name,
        principal,
        submitted_by,
        delegate_name: delegated.then(|| mask_name(&by_name)),
        delegation_id,
        idempotency_key: key,
        submitted_at,
        status: ApplicationStatus::of(matters.iter().map(|m| m.status)),
        matters,
    }))
}

/// The application, if `subject` may read it: its principal, or whoever submitted it.
pub(crate) fn load_for(conn: &Connection, id: &str, subject: &str, now_ms: i64) -> Result<Application, ApiError> {
    let readable: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM application WHERE id = ?1 AND (principal = ?2 OR submitted_by = ?2))",
        params![id, subject],
        |r| r.get(0),
    )?;
    // The same answer whether the application is someone else's or does not exist.
    let not_found = || ApiError::not_found("no such application");
    if !readable {
        return Err(not_found());
    }
    load(conn, id, now_ms)?.ok_or_else(not_found)
}

/// The caller's applications: their own, those made in their name, and those they made as a delegate.
#[utoipa::path(get, operation_id = "list_applications", path = "/v1/applications", tag = "applications", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = ApplicationList),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<ApplicationList>, ApiError> {
    let now = state.now_ms();
    let applications = state
        .db(move |c| {
            let ids: Vec<String> = c
                .prepare_cached(
                    "SELECT id FROM application WHERE principal = ?1 OR submitted_by = ?1
                     ORDER BY submitted_at DESC, id DESC LIMIT 500",
                )?
                .query_map([&caller.subject], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.extend(load(c, &id, now)?);
            }
            Ok(out)
        })
        .await?;
    Ok(axum::Json(ApplicationList { applications }))
}

/// One application with every matter's progress and history.
///
/// A principal reads everything done in their name; a delegate reads what they submitted; anyone else gets 404.
#[utoipa::path(get, path = "/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application id, e.g. BJ20261127000001")),
    responses(
        (status = 200, description = "The application", body = Application),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
        (status = 404, description = "No such application of the caller's", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Application>, ApiError> {
    let now = state.now_ms();
    let app = state.db(move |c| load_for(c, &id, &caller.subject, now)).await?;
    Ok(axum::Json(app))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends() {
        // 2026-11-27 is a Friday.
        assert_eq!(add_working_days("2026-11-27", 0), "2026-11-27");
        assert_eq!(add_working_days("2026-11-27", 1), "2026-11-30");
        assert_eq!(add_working_days("2026-11-27", 5), "2026-12-04");
        assert_eq!(add_working_days("2026-11-28", 1), "2026-11-30");
        assert_eq!(add_working_days("2026-11-30", 10), "2026-12-14");
    }
}
