//! The e-licences the seeded registries have issued, and the authorities that issued them.
//!
//! Read from the registries just seeded, so they agree with them:
//! - 居民身份证 for every adult, from the police of the province of their ID number (33 浙江, 32 江苏,
//!   31 上海, 34 安徽; 公安部 otherwise), so 王磊 (born in 南京) holds a 江苏-issued card;
//! - 居民户口簿 for everyone, from 浙江省公安厅 (everyone lives in 杭州);
//! - 结婚证 for both spouses of every registered marriage, from 浙江省民政厅;
//! - 机动车驾驶证 for about half the working adults (张伟 and 王磊 among them), from the police of their ID
//!   number's province when it issues driving licences, else 浙江;
//! - 社会保障卡 for everyone with a social security record, from 浙江省人力资源和社会保障厅;
//! - 营业执照 for every company and 食品经营许可证 for those selling food, from 浙江省市场监督管理局.
//!
//! Serials count up per issuer and type in registry order, so identifiers are the same on every run. Validity
//! periods follow the real rules (ID cards 10/20 years then long-term, driving licences 6/10 years then
//! long-term) and are placed so that every seeded licence is valid on the seeding day.

use std::collections::{BTreeMap, HashMap};

use onego_protocol::ids::{CreditCode, LicenceId};
use onego_protocol::licence::{
    self, BUSINESS, DRIVING, FOOD_BUSINESS, HOUSEHOLD_REGISTER, MARRIAGE, RESIDENT_ID, SOCIAL_SECURITY_CARD,
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Value, json};

use super::SeedError;
use crate::wallet::issuers::{self, ISSUERS};
use crate::wallet::{Date, NO_END, status};

enum Holder<'a> {
    Person(&'a str),
    Company(&'a str),
}

struct Seeder<'t, 'c> {
    tx: &'t Transaction<'c>,
    codes: HashMap<&'static str, CreditCode>,
    serials: HashMap<(&'static str, &'static str), u64>,
    counts: BTreeMap<(&'static str, &'static str), usize>,
}

impl Seeder<'_, '_> {
    fn add(
        &mut self,
        vct: &'static str,
        issuer: &'static str,
        holder: &Holder<'_>,
        valid: (Date, Option<Date>),
        claims: &Value,
    ) -> Result<(), SeedError> {
        let t = licence::by_vct(vct).ok_or_else(|| SeedError::Wallet(format!("unknown type {vct}")))?;
        let code = self.codes.get(issuer).ok_or_else(|| SeedError::Wallet(format!("unknown issuer {issuer}")))?;
        let serial = self.serials.entry((issuer, t.type_code)).or_insert(0);
        *serial += 1;
        let id = LicenceId::new(t.type_code, code, &format!("{}{:07}", &code.as_str()[2..8], *serial), 1)
            .map_err(|e| SeedError::Wallet(format!("licence id: {e}")))?;
        let idx = status::next_index(self.tx, issuer).map_err(|e| SeedError::Wallet(e.to_string()))?;
        let (subject, company) = match holder {
            Holder::Person(s) => (Some(*s), None),
            Holder::Company(c) => (None, Some(*c)),
        };
        self.tx.execute(
            "INSERT INTO licence (licence_id, vct, holder_subject, holder_credit_code, issuer, status_idx, status,
                                  valid_from, valid_until, claims)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
            params![
                id.as_str(),
                vct,
                subject,
                company,
                issuer,
                i64::try_from(idx).map_err(|e| SeedError::Wallet(e.to_string()))?,
                valid.0.to_string(),
                valid.1.map_or_else(|| NO_END.to_owned(), |d| d.to_string()),
                serde_json::to_string(claims)?,
            ],
        )?;
        *self.counts.entry((vct, issuer)).or_insert(0) += 1;
        Ok(())
    }
}

/// The police of the province where the ID number was first registered.
fn police_for(id_number: &str) -> &'static str {
    match id_number.get(..2) {
        Some("33") => "zj-gat",
        Some("32") => "js-gat",
        Some("31") => "sh-gaj",
        Some("34") => "ah-gat",
        _ => "mps",
    }
}

fn issues(slug: &str, vct: &str) -> bool {
    ISSUERS.iter().any(|d| d.slug == slug && d.types.contains(&vct))
}

/// Walks renewal periods from `first` (each `periods(k)` years, `None` for long-term) to the one covering `today`.
fn current_period(first: Date, today: Date, periods: impl Fn(usize, Date) -> Option<i64>) -> (Date, Option<Date>) {
    let mut start = first;
    for k in 0.. {
        let Some(years) = periods(k, start) else { return (start, None) };
        let end = start.add_years(years);
        if end > today {
            return (start, Some(end));
        }
        start = end;
    }
    (start, None)
}

struct PersonRow {
    subject: String,
    phone: Option<String>,
    id_number: String,
    name: String,
    gender: String,
    birth: Date,
    ethnicity: String,
    address: String,
    marital: String,
    household: String,
    working: bool,
}

fn bad_date(s: &str) -> SeedError {
    SeedError::Wallet(format!("not a date: {s}"))
}

fn people(tx: &Transaction<'_>) -> Result<Vec<PersonRow>, SeedError> {
    let mut stmt = tx.prepare(
        "SELECT p.subject, p.phone, p.id_number, p.name, p.gender, p.birth_date, p.ethnicity, p.address,
                p.marital_status, p.household_id, f.subject IS NOT NULL
         FROM person p LEFT JOIN provident_fund f ON f.subject = p.subject ORDER BY p.subject",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            PersonRow {
                subject: r.get(0)?,
                phone: r.get(1)?,
                id_number: r.get(2)?,
                name: r.get(3)?,
                gender: r.get(4)?,
                birth: Date { y: 0, m: 1, d: 1 },
                ethnicity: r.get(6)?,
                address: r.get(7)?,
                marital: r.get(8)?,
                household: r.get(9)?,
                working: r.get(10)?,
            },
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut p, birth) = row?;
        p.birth = Date::parse(&birth).ok_or_else(|| bad_date(&birth))?;
        out.push(p);
    }
    Ok(out)
}

/// Seeds the issuers (with new keys) and every licence; `now_ms` is the platform clock.
pub(crate) fn seed(tx: &Transaction<'_>, now_ms: i64) -> Result<(), SeedError> {
    issuers::seed(tx, now_ms.div_euclid(1000))?;
    let today = Date::today(now_ms).ok_or_else(|| SeedError::Wallet("no date for the clock".into()))?;
    let mut codes = HashMap::new();
    for def in ISSUERS {
        codes.insert(def.slug, def.credit_code()?);
    }
    let mut s = Seeder { tx, codes, serials: HashMap::new(), counts: BTreeMap::new() };
    let people = people(tx)?;
    let by_subject: HashMap<&str, &PersonRow> = people.iter().map(|p| (p.subject.as_str(), p)).collect();
    seed_people(&mut s, &people, today)?;
    seed_household_register(&mut s, &people, today)?;
    seed_marriages(&mut s, &by_subject)?;
    seed_social_security(&mut s, &by_subject, today)?;
    seed_companies(&mut s, today)?;
    let total: usize = s.counts.values().sum();
    for ((vct, issuer), n) in &s.counts {
        tracing::debug!(vct, issuer, count = n, "seeded licences");
    }
    tracing::info!(total, "seeded licences");
    Ok(())
}

/// 居民身份证 and 机动车驾驶证.
fn seed_people(s: &mut Seeder<'_, '_>, people: &[PersonRow], today: Date) -> Result<(), SeedError> {
    for (n, p) in people.iter().enumerate() {
        if p.birth.age_on(today) < 18 {
            continue;
        }
        let police = police_for(&p.id_number);
        // First card at 16; 10 years until 26, 20 years until 46, then long-term (居民身份证法 §5).
        let period = current_period(p.birth.add_years(16), today, |_, start| match p.birth.age_on(start) {
            ..16 => Some(5),
            16..=25 => Some(10),
            26..=45 => Some(20),
            _ => None,
        });
        let card = json!({
            "name": p.name, "gender": p.gender, "ethnicity": p.ethnicity, "birth_date": p.birth.to_string(),
            "address": p.address, "id_number": p.id_number,
        });
        s.add(RESIDENT_ID, police, &Holder::Person(&p.subject), period, &card)?;

        let number: usize = p.subject.trim_start_matches('p').parse().unwrap_or(1);
        let drives = p.working && (number.is_multiple_of(2) || p.phone.as_deref() == Some("13800000002"));
        let first = p.birth.add_years(19 + i64::try_from(n % 6).unwrap_or(0));
        if drives && first <= today {
            let issuer = if issues(police, DRIVING) { police } else { "zj-gat" };
            // 6 years, then 10, then long-term.
            let period = current_period(first, today, |k, _| [Some(6), Some(10)].get(k).copied().flatten());
            let until = period.1.map_or_else(|| "长期".to_owned(), |d| d.to_string());
            let licence = json!({
                "name": p.name, "id_number": p.id_number, "vehicle_class": if n % 3 == 0 { "C2" } else { "C1" },
                "first_issue_date": first.to_string(), "valid": format!("{}至{until}", period.0),
            });
            s.add(DRIVING, issuer, &Holder::Person(&p.subject), period, &licence)?;
        }
    }
    Ok(())
}

/// 居民户口簿: one page per person, the head being the household's first registered member.
fn seed_household_register(s: &mut Seeder<'_, '_>, people: &[PersonRow], today: Date) -> Result<(), SeedError> {
    let mut heads: HashMap<&str, &PersonRow> = HashMap::new();
    for p in people {
        heads.entry(p.household.as_str()).or_insert(p);
    }
    for p in people {
        let head = heads.get(p.household.as_str()).copied().unwrap_or(p);
        let relation: String = if head.subject == p.subject {
            "户主".into()
        } else {
            s.tx.query_row(
                "SELECT relation FROM relation WHERE subject = ?1 AND relative = ?2",
                params![head.subject, p.subject],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| "其他".into())
        };
        let hh: i64 = p.household.trim_start_matches("hh").parse().unwrap_or(0);
        let booklet = Date { y: today.y - 2 - hh % 6, m: u32::try_from(1 + hh % 12).unwrap_or(1), d: 8 };
        let page = json!({
            "name": p.name, "id_number": p.id_number, "relation": relation, "household_head": head.name,
            "address": p.address, "marital_status": p.marital,
        });
        s.add(HOUSEHOLD_REGISTER, "zj-gat", &Holder::Person(&p.subject), (booklet.max(p.birth), None), &page)?;
    }
    Ok(())
}

/// 结婚证: one for each spouse, with the same certificate number.
fn seed_marriages(s: &mut Seeder<'_, '_>, people: &HashMap<&str, &PersonRow>) -> Result<(), SeedError> {
    let mut stmt = s.tx.prepare("SELECT husband, wife, registered_on FROM marriage ORDER BY id")?;
    let marriages =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let marriages = marriages.collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    for (n, (husband, wife, on)) in marriages.iter().enumerate() {
        let (Some(h), Some(w)) = (people.get(husband.as_str()), people.get(wife.as_str())) else { continue };
        let date = Date::parse(on).ok_or_else(|| bad_date(on))?;
        let number = format!("J330106-{}-{:06}", date.y, n + 1);
        for (me, spouse) in [(h, w), (w, h)] {
            let cert = json!({
                "name": me.name, "id_number": me.id_number, "spouse_name": spouse.name,
                "spouse_id_number": spouse.id_number, "registration_date": on, "certificate_number": number,
            });
            s.add(MARRIAGE, "zj-mzt", &Holder::Person(&me.subject), (date, None), &cert)?;
        }
    }
    Ok(())
}

/// 社会保障卡: valid ten years from issue.
fn seed_social_security(
    s: &mut Seeder<'_, '_>,
    people: &HashMap<&str, &PersonRow>,
    today: Date,
) -> Result<(), SeedError> {
    let mut stmt = s.tx.prepare("SELECT subject, card_no FROM social_security ORDER BY subject")?;
    let cards = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let cards = cards.collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    for (n, (subject, card_no)) in cards.iter().enumerate() {
        let Some(p) = people.get(subject.as_str()) else { continue };
        let k = i64::try_from(n).unwrap_or(0);
        let issued = Date {
            y: (today.y - 1 - k % 8).max(p.birth.y + 16),
            m: u32::try_from(1 + k % 12).unwrap_or(1),
            d: u32::try_from(1 + k % 28).unwrap_or(1),
        };
        let card = json!({
            "name": p.name, "id_number": p.id_number, "card_no": card_no, "issued_on": issued.to_string(),
        });
        s.add(SOCIAL_SECURITY_CARD, "zj-rlsbt", &Holder::Person(subject), (issued, Some(issued.add_years(10))), &card)?;
    }
    Ok(())
}

/// 营业执照 for every company; 食品经营许可证 (five years, renewed) for those selling food.
fn seed_companies(s: &mut Seeder<'_, '_>, today: Date) -> Result<(), SeedError> {
    let mut stmt = s.tx.prepare(
        "SELECT c.credit_code, c.name, c.address, c.kind, c.registered_capital, c.scope, c.established_on, p.name
         FROM company c
         LEFT JOIN company_role r ON r.credit_code = c.credit_code AND r.role = '法定代表人'
         LEFT JOIN person p ON p.subject = r.subject
         ORDER BY c.credit_code",
    )?;
    let companies = stmt.query_map([], |r| {
        Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?])
    })?;
    let companies: Vec<[String; 8]> = companies.collect::<Result<_, _>>()?;
    drop(stmt);
    for (n, [code, name, address, kind, capital, scope, established, rep]) in companies.iter().enumerate() {
        let since = Date::parse(established).ok_or_else(|| bad_date(established))?;
        let licence = json!({
            "company_name": name, "credit_code": code, "company_type": kind, "legal_rep": rep,
            "registered_capital": capital, "established_on": established, "address": address,
            "business_scope": scope,
        });
        s.add(BUSINESS, "zj-scjgj", &Holder::Company(code), (since, None), &licence)?;
        let food: Vec<&str> = scope.split('；').filter(|item| item.contains("食品") || item.contains("餐饮")).collect();
        if !food.is_empty() {
            let period = current_period(since, today, |_, _| Some(5));
            let permit = json!({
                "company_name": name, "credit_code": code, "legal_rep": rep, "address": address,
                "business_items": food.join("；"),
                "permit_number": format!("JY1{}{:06}{}", &code[2..8], 100 + n, n % 10),
            });
            s.add(FOOD_BUSINESS, "zj-scjgj", &Holder::Company(code), period, &permit)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(now_ms: i64) -> rusqlite::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        crate::db::init(&mut conn).expect("schema");
        let config = crate::PlatformConfig {
            clock: std::sync::Arc::new(onego_protocol::time::ManualClock::new(now_ms)),
            ..Default::default()
        };
        crate::seed::seed_if_empty(&mut conn, &config).expect("seed");
        conn
    }

    fn licences_of(conn: &rusqlite::Connection, phone: &str) -> Vec<(String, String, String)> {
        conn.prepare(
            "SELECT l.vct, l.issuer, l.licence_id FROM licence l JOIN person p ON p.subject = l.holder_subject
             WHERE p.phone = ?1 ORDER BY l.vct",
        )
        .expect("q")
        .query_map([phone], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("licences")
    }

    #[test]
    fn registries_issue_valid_licences_from_the_right_provinces() {
        // 2026-11-27 09:00 CST.
        let now_ms = 1_795_741_200_000;
        let conn = seeded(now_ms);
        let today = Date::today(now_ms).expect("today");
        let rows: Vec<(String, String, String, String, i64)> = conn
            .prepare("SELECT licence_id, vct, valid_from, valid_until, status_idx FROM licence")
            .expect("q")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("licences");
        assert!(rows.len() > 150, "{} licences", rows.len());
        for (id, vct, from, until, _) in &rows {
            let parsed = LicenceId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(parsed.type_code(), licence::by_vct(vct).expect("type").type_code);
            let (from, until) = (Date::parse(from).expect("from"), Date::parse(until).expect("until"));
            assert!(from <= today && today < until, "{id} valid today");
        }

        let jing = licences_of(&conn, "13800000001");
        let kinds: Vec<&str> = jing.iter().map(|(v, _, _)| v.as_str()).collect();
        for vct in [RESIDENT_ID, HOUSEHOLD_REGISTER, MARRIAGE, SOCIAL_SECURITY_CARD] {
            assert!(kinds.contains(&vct), "陈静 holds {vct}");
        }
        let lei = licences_of(&conn, "13800000011");
        assert!(lei.iter().any(|(v, i, _)| v == RESIDENT_ID && i == "js-gat"), "王磊's card is from 江苏");
        assert!(lei.iter().any(|(v, _, _)| v == DRIVING));
        assert!(licences_of(&conn, "13800000002").iter().any(|(v, _, _)| v == DRIVING), "张伟 drives");
        let shanghai: i64 = conn
            .query_row("SELECT count(*) FROM licence WHERE issuer = 'sh-gaj' AND vct = ?1", [RESIDENT_ID], |r| r.get(0))
            .expect("count");
        assert!(shanghai >= 1, "周雅琴's card is from 上海");
        let businesses: i64 = conn
            .query_row(
                "SELECT count(*) FROM licence WHERE vct = ?1 AND holder_credit_code IS NOT NULL",
                [BUSINESS],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(businesses, 10);

        // Every issuer's indices are distinct (the table's UNIQUE constraint) and the same on every run.
        let again = seeded(now_ms);
        let ids = |c: &rusqlite::Connection| -> Vec<String> {
            c.prepare("SELECT licence_id FROM licence ORDER BY licence_id")
                .expect("q")
                .query_map([], |r| r.get(0))
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("ids")
        };
        assert_eq!(ids(&conn), ids(&again), "deterministic identifiers");
    }
}
