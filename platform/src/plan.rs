//! `POST /v1/plan`: the platform's side of planning a bundle. It runs the same pure planner as the phone, over
//! its own catalog, the shared registries' profile and the licences the registries issued to the caller.

use axum::extract::State;
use onego_protocol::api::AccountKind;
use onego_protocol::plan::{self, HeldLicence, Plan, PlanInput, PlanRequest};
use rusqlite::{Connection, params};
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::delegation::{self, Principal};
use crate::error::Json;
use crate::{ApiError, AppState};

/// Valid licences the caller holds — as a guardian also their wards', as an enterprise account also their
/// companies' — with their face claims, as the phone's wallet holds them.
fn held_licences(conn: &Connection, subject: &str, kind: AccountKind) -> Result<Vec<HeldLicence>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.vct, l.claims FROM licence l
         WHERE l.status = 0 AND (l.holder_subject = ?1
             OR l.holder_subject IN (SELECT ward FROM guardianship WHERE guardian = ?1)
             OR (?2 AND l.holder_credit_code IN (SELECT credit_code FROM company_role WHERE subject = ?1)))
         ORDER BY l.licence_id",
    )?;
    let rows = stmt
        .query_map(params![subject, matches!(kind, AccountKind::Enterprise)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(vct, claims)| {
            let claims: Map<String, Value> = serde_json::from_str(&claims)?;
            Ok(HeldLicence::from_claims(&vct, &claims))
        })
        .collect()
}

/// The plan of `request.bundle_id` for whoever the caller acts for: themselves, or with `request.delegation_id`
/// the grant's principal (their profile and licences) once [`delegation::check`] allows it.
pub(crate) fn compute(
    conn: &Connection,
    caller: &Caller,
    request: &PlanRequest,
    now_ms: i64,
) -> Result<Plan, ApiError> {
    let principal = delegation::check(conn, caller, request.delegation_id.as_deref(), &request.bundle_id, now_ms)?;
    compute_for(conn, &principal, request, now_ms)
}

/// The plan for `principal`, already checked (submissions plan again under the grant they checked).
pub(crate) fn compute_for(
    conn: &Connection,
    principal: &Principal,
    request: &PlanRequest,
    now_ms: i64,
) -> Result<Plan, ApiError> {
    // A single matter plans as a one-member bundle, as the phone and `POST /v1/applications` treat it (a
    // delegate's draft of a matter is planned here).
    let Some(crate::apply::submit::Service { bundle, matters }) =
        crate::apply::submit::load_service(conn, &request.bundle_id)?
    else {
        return Err(ApiError::not_found("no such bundle or matter"));
    };
    plan::validate_answers(&bundle, &request.answers)
        .map_err(|(field, detail)| ApiError::validation(&format!("answers.{field}"), detail))?;
    let profile = serde_json::to_value(crate::profile::load(conn, &principal.subject, principal.kind, now_ms)?)?;
    let held = held_licences(conn, &principal.subject, principal.kind)?;
    Ok(plan::plan(&PlanInput {
        bundle: &bundle,
        matters: &matters,
        answers: &request.answers,
        profile: &profile,
        held: &held,
    }))
}

/// Plans a bundle for the caller: which matters apply and why, pre-filled fields with their provenance, how each
/// material is provided, and what is spared. The phone computes the same plan offline.
///
/// With `delegation_id` a delegate plans for the grant's principal (亲友代办): their profile and licences.
#[utoipa::path(post, path = "/v1/plan", tag = "services", security(("bearer" = [])),
    request_body = PlanRequest,
    responses(
        (status = 200, description = "The plan", body = Plan),
        (status = 400, description = "The body is not a plan request", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
        (status = 403, description = "The delegation is not the caller's, is expired or revoked, or does not cover \
                                      the bundle", body = onego_protocol::api::Problem),
        (status = 404, description = "No such bundle or matter", body = onego_protocol::api::Problem),
        (status = 422, description = "An answer does not fit its question", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn plan_bundle(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<PlanRequest>,
) -> Result<axum::Json<Plan>, ApiError> {
    let now = state.now_ms();
    let plan = state.db(move |c| compute(c, &caller, &request, now)).await?;
    Ok(axum::Json(plan))
}
