//! The signed-in person's profile, assembled from the shared registries.

use axum::extract::{Path, State};
use onego_protocol::api::{CompanyRole, NewbornRecord, Profile, Relative};
use rusqlite::{Connection, OptionalExtension};

use crate::auth::Caller;
use crate::{ApiError, AppState};

pub(crate) fn load(
    conn: &Connection,
    subject: &str,
    kind: onego_protocol::api::AccountKind,
    now_ms: i64,
) -> Result<Profile, ApiError> {
    let row = conn
        .query_row(
            "SELECT p.name, p.id_number, coalesce(p.phone, ''), p.gender, p.birth_date, p.ethnicity, p.address,
                    p.region, p.marital_status, p.expecting_due_date, s.card_no, f.account
             FROM person p
             LEFT JOIN social_security s ON s.subject = p.subject
             LEFT JOIN provident_fund f ON f.subject = p.subject
             WHERE p.subject = ?1",
            [subject],
            |r| {
                Ok(Profile {
                    subject: subject.to_owned(),
                    kind,
                    name: r.get(0)?,
                    id_number: r.get(1)?,
                    phone: r.get(2)?,
                    gender: r.get(3)?,
                    birth_date: r.get(4)?,
                    ethnicity: r.get(5)?,
                    address: r.get(6)?,
                    region: r.get(7)?,
                    marital_status: r.get(8)?,
                    expecting_due_date: r.get(9)?,
                    newborn: None,
                    social_security_no: r.get(10)?,
                    provident_fund_account: r.get(11)?,
                    family: Vec::new(),
                    companies: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut profile) = row else { return Err(ApiError::not_found("no such person")) };
    let mut stmt = conn.prepare_cached(
        "SELECT r.relation, p.subject, p.name, p.id_number, p.birth_date
         FROM relation r JOIN person p ON p.subject = r.relative WHERE r.subject = ?1 ORDER BY p.birth_date",
    )?;
    profile.family = stmt
        .query_map([subject], |r| {
            Ok(Relative {
                relation: r.get(0)?,
                subject: r.get(1)?,
                name: r.get(2)?,
                id_number: r.get(3)?,
                birth_date: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.credit_code, c.name, cr.role FROM company_role cr JOIN company c ON c.credit_code = cr.credit_code
         WHERE cr.subject = ?1 ORDER BY c.credit_code",
    )?;
    profile.companies = stmt
        .query_map([subject], |r| Ok(CompanyRole { credit_code: r.get(0)?, name: r.get(1)?, role: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    // The couple's latest delivery within a year (the record is the mother's; a father sees it through the
    // marriage registry).
    let today = onego_protocol::time::cst_days(now_ms);
    let since = onego_protocol::time::date_from_unix_days(today - 366);
    profile.newborn = conn
        .query_row(
            "SELECT child_gender, birth_date, birth_place, hospital FROM delivery_record
             WHERE birth_date >= ?2 AND (mother = ?1 OR mother IN
                 (SELECT wife FROM marriage WHERE husband = ?1 UNION SELECT husband FROM marriage WHERE wife = ?1))
             ORDER BY birth_date DESC LIMIT 1",
            rusqlite::params![subject, since],
            |r| {
                Ok(NewbornRecord {
                    gender: r.get(0)?,
                    birth_date: r.get(1)?,
                    birth_place: r.get(2)?,
                    hospital: r.get(3)?,
                })
            },
        )
        .optional()?;
    Ok(profile)
}

/// The signed-in person's profile.
#[utoipa::path(get, path = "/v1/me", tag = "identity", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = Profile),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn me(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<Profile>, ApiError> {
    let now = state.now_ms();
    let profile = state.db(move |c| load(c, &caller.subject, caller.kind, now)).await?;
    Ok(axum::Json(profile))
}

/// A person's profile; only the person themself may read it.
#[utoipa::path(get, path = "/v1/profiles/{subject}", tag = "identity", security(("bearer" = [])),
    params(("subject" = String, Path, description = "The person's opaque id")),
    responses(
        (status = 200, description = "The profile", body = Profile),
        (status = 401, description = "Not signed in", body = onego_protocol::api::Problem),
        (status = 403, description = "Someone else's profile", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn profile_of(
    State(state): State<AppState>,
    caller: Caller,
    Path(subject): Path<String>,
) -> Result<axum::Json<Profile>, ApiError> {
    // The same answer whether or not the other person exists.
    if subject != caller.subject {
        return Err(ApiError::forbidden("a profile can only be read by its owner"));
    }
    let now = state.now_ms();
    let profile = state.db(move |c| load(c, &subject, caller.kind, now)).await?;
    Ok(axum::Json(profile))
}
