//! What an approval produces: licence rows (which become wallet credentials when the holder — or a guardian —
//! asks), new registry rows (a newborn, a company) and outputs later matters use.

use onego_protocol::api::IssuedLicence;
use onego_protocol::ids::{CreditCode, IdNumber, LicenceId, ric_check_char, uscc_check_char};
use onego_protocol::licence::{self, BIRTH_MEDICAL, BUSINESS, FOOD_BUSINESS, HOUSEHOLD_REGISTER, SOCIAL_SECURITY_CARD};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use crate::ApiError;
use crate::wallet::issuers::ISSUERS;
use crate::wallet::{NO_END, status};

/// The licence types a matter's approval issues; later matters of the same application that need one of them
/// wait for it.
pub(crate) fn issues(matter_id: &str) -> &'static [&'static str] {
    match matter_id {
        "zj-wjw-birth-cert" => &[BIRTH_MEDICAL],
        "zj-gaj-hukou-birth" => &[HOUSEHOLD_REGISTER],
        "zj-rsj-ssc-newborn" => &[SOCIAL_SECURITY_CARD],
        "zj-scjgj-business-licence" => &[BUSINESS],
        "zj-scjgj-food-business-permit" => &[FOOD_BUSINESS],
        _ => &[],
    }
}

/// Who holds a licence.
pub(crate) enum Holder<'a> {
    Person(&'a str),
    Company(&'a str),
}

/// Issues a licence of `vct` from `issuer` (a slug of [`ISSUERS`] that may issue it), with the next serial and
/// status index of that issuer.
pub(crate) fn issue(
    conn: &Connection,
    vct: &str,
    issuer: &str,
    holder: &Holder<'_>,
    valid: (&str, Option<&str>),
    claims: &Value,
) -> Result<IssuedLicence, ApiError> {
    let t = licence::by_vct(vct).ok_or_else(|| ApiError::internal(format!("unknown licence type {vct}")))?;
    let def = ISSUERS
        .iter()
        .find(|d| d.slug == issuer && d.types.contains(&vct))
        .ok_or_else(|| ApiError::internal(format!("{issuer} does not issue {vct}")))?;
    let code = def.credit_code().map_err(ApiError::internal)?;
    let serial: i64 =
        conn.query_row("SELECT count(*) FROM licence WHERE issuer = ?1 AND vct = ?2", params![issuer, vct], |r| {
            r.get(0)
        })?;
    // Serials continue after the seeded ones (same prefix), so identifiers never collide.
    let id = LicenceId::new(t.type_code, &code, &format!("{}{:07}", &code.as_str()[2..8], serial + 1), 1)
        .map_err(|e| ApiError::internal(format!("licence id: {e}")))?;
    let idx = status::next_index(conn, issuer)?;
    let (subject, company) = match holder {
        Holder::Person(s) => (Some(*s), None),
        Holder::Company(c) => (None, Some(*c)),
    };
    conn.execute(
        "INSERT INTO licence (licence_id, vct, holder_subject, holder_credit_code, issuer, status_idx, status,
                              valid_from, valid_until, claims)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
        params![
            id.as_str(),
            vct,
            subject,
            company,
            issuer,
            i64::try_from(idx).map_err(ApiError::internal)?,
            valid.0,
            valid.1.unwrap_or(NO_END),
            serde_json::to_string(claims)?,
        ],
    )?;
    tracing::info!(vct, issuer, "result licence issued");
    Ok(IssuedLicence { licence_id: id.as_str().to_owned(), vct: vct.to_owned(), name: t.name.to_owned() })
}

/// Records issued licences and outputs on the matter.
pub(crate) fn record(
    conn: &Connection,
    app_id: &str,
    matter_id: &str,
    licences: &[IssuedLicence],
    outputs: &[(String, String)],
) -> Result<(), ApiError> {
    let (old_l, old_o): (String, String) = conn.query_row(
        "SELECT licences, outputs FROM application_matter WHERE application_id = ?1 AND matter_id = ?2",
        params![app_id, matter_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut all: Vec<IssuedLicence> = serde_json::from_str(&old_l)?;
    all.extend(licences.iter().cloned());
    let mut out: std::collections::BTreeMap<String, String> = serde_json::from_str(&old_o)?;
    out.extend(outputs.iter().cloned());
    conn.execute(
        "UPDATE application_matter SET licences = ?3, outputs = ?4 WHERE application_id = ?1 AND matter_id = ?2",
        params![app_id, matter_id, serde_json::to_string(&all)?, serde_json::to_string(&out)?],
    )?;
    Ok(())
}

/// A fresh person subject (`p` and a number, like the seeded ones).
pub(crate) fn new_subject(conn: &Connection) -> Result<String, ApiError> {
    let mut n: i64 = conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?;
    loop {
        n += 1;
        let subject = format!("p{n:04}");
        let taken: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM person WHERE subject = ?1)", [&subject], |r| r.get(0))?;
        if !taken {
            return Ok(subject);
        }
    }
}

/// The newborn's ID number until 出生登记 assigns the real one: unique (the column is), and plainly not an ID.
pub(crate) fn pending_id(subject: &str) -> String {
    format!("待落户-{subject}")
}

/// A GB 11643 number for someone born on `birth` (`YYYY-MM-DD`) and registered in `region`: the first free
/// sequence, odd for men and even for women.
pub(crate) fn assign_id_number(conn: &Connection, region: &str, birth: &str, male: bool) -> Result<IdNumber, ApiError> {
    let date: String = birth.chars().filter(char::is_ascii_digit).collect();
    for seq in (1..1000u32).filter(|s| (s % 2 == 1) == male) {
        let first17 = format!("{region}{date}{seq:03}");
        let Some(check) = ric_check_char(&first17) else { break };
        let candidate = format!("{first17}{check}");
        let taken: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM person WHERE id_number = ?1)", [&candidate], |r| r.get(0))?;
        if !taken {
            return IdNumber::parse(&candidate).map_err(|e| ApiError::internal(format!("assigned id number: {e}")));
        }
    }
    Err(ApiError::internal("no free ID number sequence for that day and region"))
}

/// A GB 32100 code for a new enterprise registered by market regulation (91) in `region`.
pub(crate) fn assign_credit_code(conn: &Connection, region: &str) -> Result<CreditCode, ApiError> {
    let mut n: i64 = conn.query_row("SELECT count(*) FROM company", [], |r| r.get(0))?;
    loop {
        n += 1;
        let first17 = format!("91{region}MA5{n:06}");
        let check = uscc_check_char(&first17).ok_or_else(|| ApiError::internal("credit code"))?;
        let code = CreditCode::parse(&format!("{first17}{check}")).map_err(ApiError::internal)?;
        let taken: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM company WHERE credit_code = ?1)", [code.as_str()], |r| {
                r.get(0)
            })?;
        if !taken {
            return Ok(code);
        }
    }
}

/// The household head's name and how they call `subject` (户主 for the head).
pub(crate) fn household_relation(conn: &Connection, subject: &str) -> Result<(String, String), ApiError> {
    let head: Option<(String, String)> = conn
        .query_row(
            "SELECT h.subject, h.name FROM person p JOIN person h ON h.household_id = p.household_id
             WHERE p.subject = ?1 ORDER BY h.subject LIMIT 1",
            [subject],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((head, head_name)) = head else { return Err(ApiError::internal("person without household")) };
    if head == subject {
        return Ok((head_name, "户主".into()));
    }
    let relation: Option<String> = conn
        .query_row("SELECT relation FROM relation WHERE subject = ?1 AND relative = ?2", params![head, subject], |r| {
            r.get(0)
        })
        .optional()?;
    Ok((head_name, relation.unwrap_or_else(|| "其他".into())))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalog_declares_what_the_rules_issue() {
        let catalog = crate::seed::seed_catalog().expect("catalog");
        for m in &catalog.matters {
            let declared: Vec<&str> = m.issues.iter().map(String::as_str).collect();
            assert_eq!(declared, super::issues(&m.id), "{}: the catalog's `issues` and the results disagree", m.id);
        }
    }
}
