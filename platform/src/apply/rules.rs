//! Rules (秒批): matters the shared registries can decide at once, decided the moment they are received or
//! unblocked. A rule approves (issuing results) or asks for more in plain words — it never silently refuses;
//! a matter without a rule waits for staff.
//!
//! [`advance`] moves an application as far as it can go: waiting matters whose earlier matters were approved
//! enter review (or are decided by their rule), those whose earlier matters were refused are refused too.

use std::collections::BTreeMap;

use onego_protocol::api::{AccountKind, Actor, IssuedLicence, MatterStatus};
use onego_protocol::licence::{BIRTH_MEDICAL, BUSINESS, FOOD_BUSINESS, HOUSEHOLD_REGISTER, SOCIAL_SECURITY_CARD};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value, json};

use super::results::{self, Holder};
use super::{parse_status, set_status};
use crate::ApiError;
use crate::wallet::Date;

/// What an application holds that rules read: its parties and its form.
pub(crate) struct AppCtx {
    pub id: String,
    pub principal: String,
    pub company: Option<String>,
    pub child: Option<String>,
    pub fields: BTreeMap<String, String>,
    pub commitments: Vec<String>,
}

impl AppCtx {
    pub(crate) fn load(conn: &Connection, id: &str) -> Result<Self, ApiError> {
        let (principal, company, child, body): (String, Option<String>, Option<String>, String) =
            conn.query_row("SELECT principal, company, child, body FROM application WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        let body: Value = serde_json::from_str(&body)?;
        let fields = serde_json::from_value(body.get("fields").cloned().unwrap_or(Value::Null)).unwrap_or_default();
        let commitments =
            serde_json::from_value(body.get("commitments").cloned().unwrap_or(Value::Null)).unwrap_or_default();
        Ok(Self { id: id.to_owned(), principal, company, child, fields, commitments })
    }

    fn field(&self, key: &str) -> &str {
        self.fields.get(key).map_or("", |v| v.trim())
    }
}

/// What a rule decided.
pub(crate) enum Outcome {
    Approve { note: String, licences: Vec<IssuedLicence>, outputs: Vec<(String, String)> },
    MoreNeeded { note: String, needs: Vec<String> },
}

fn more(note: &str, needs: &[&str]) -> Result<Option<Outcome>, ApiError> {
    Ok(Some(Outcome::MoreNeeded { note: note.to_owned(), needs: needs.iter().map(|s| (*s).to_owned()).collect() }))
}

/// Whether a matter is decided by rules.
pub(crate) fn has_rule(matter_id: &str) -> bool {
    matches!(
        matter_id,
        "zj-wjw-birth-cert"
            | "zj-gaj-hukou-birth"
            | "zj-ybj-resident-enroll"
            | "zj-gjj-withdraw-rent"
            | "zj-gjj-withdraw-retire"
            | "zj-gjj-withdraw-purchase"
            | "zj-scjgj-business-licence"
            | "zj-scjgj-food-business-permit"
    )
}

/// Runs the rule of `matter_id`, if it has one.
fn decide(conn: &Connection, app: &AppCtx, matter_id: &str, now_ms: i64) -> Result<Option<Outcome>, ApiError> {
    let today = onego_protocol::time::cst_date(now_ms);
    match matter_id {
        "zj-wjw-birth-cert" => birth_cert(conn, app, now_ms),
        "zj-gaj-hukou-birth" => hukou_birth(conn, app, &today),
        "zj-ybj-resident-enroll" => resident_enroll(conn, app),
        "zj-gjj-withdraw-rent" | "zj-gjj-withdraw-retire" | "zj-gjj-withdraw-purchase" => gjj_withdraw(conn, app),
        "zj-scjgj-business-licence" => business_licence(conn, app, &today),
        "zj-scjgj-food-business-permit" => food_permit(conn, app, &today),
        _ => Ok(None),
    }
}

/// Applies a rule's outcome to the matter.
pub(crate) fn apply(
    conn: &Connection,
    app_id: &str,
    matter_id: &str,
    outcome: Outcome,
    actor: Actor,
    now_ms: i64,
) -> Result<(), ApiError> {
    match outcome {
        Outcome::Approve { note, licences, outputs } => {
            results::record(conn, app_id, matter_id, &licences, &outputs)?;
            let ids: Vec<String> = licences.into_iter().map(|l| l.licence_id).collect();
            set_status(conn, app_id, matter_id, MatterStatus::Approved, actor, &note, &ids, now_ms)
        }
        Outcome::MoreNeeded { note, needs } => {
            conn.execute(
                "UPDATE application_matter SET needs = ?3 WHERE application_id = ?1 AND matter_id = ?2",
                params![app_id, matter_id, serde_json::to_string(&needs)?],
            )?;
            set_status(conn, app_id, matter_id, MatterStatus::MoreNeeded, actor, &note, &[], now_ms)
        }
    }
}

/// Moves the application as far as rules and finished matters allow.
pub(crate) fn advance(conn: &Connection, app_id: &str, now_ms: i64) -> Result<(), ApiError> {
    // Each pass changes at least one matter, and a matter changes at most three times.
    for _ in 0..64 {
        let rows: Vec<(String, String, String)> = conn
            .prepare_cached(
                "SELECT matter_id, status, depends_on FROM application_matter WHERE application_id = ?1
                 ORDER BY position",
            )?
            .query_map([app_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let status_of: BTreeMap<&str, MatterStatus> =
            rows.iter().map(|(m, s, _)| (m.as_str(), parse_status(s))).collect();
        let mut changed = false;
        for (matter_id, status, deps) in &rows {
            match parse_status(status) {
                MatterStatus::Waiting => {
                    let deps: Vec<String> = serde_json::from_str(deps)?;
                    let states: Vec<MatterStatus> =
                        deps.iter().filter_map(|d| status_of.get(d.as_str()).copied()).collect();
                    if states.contains(&MatterStatus::Rejected) {
                        set_status(
                            conn,
                            app_id,
                            matter_id,
                            MatterStatus::Rejected,
                            Actor::Rules,
                            "前序事项未通过",
                            &[],
                            now_ms,
                        )?;
                        changed = true;
                    } else if states.iter().all(|s| *s == MatterStatus::Approved) {
                        let note = "前序事项已办结，转入审核";
                        set_status(conn, app_id, matter_id, MatterStatus::InReview, Actor::Rules, note, &[], now_ms)?;
                        changed = true;
                    }
                }
                MatterStatus::InReview if has_rule(matter_id) => {
                    let app = AppCtx::load(conn, app_id)?;
                    if let Some(outcome) = decide(conn, &app, matter_id, now_ms)? {
                        apply(conn, app_id, matter_id, outcome, Actor::Rules, now_ms)?;
                        changed = true;
                    }
                }
                _ => {}
            }
            if changed {
                break;
            }
        }
        if !changed {
            return Ok(());
        }
    }
    Err(ApiError::internal("application rules did not settle"))
}

/// An output an earlier matter of the application produced.
pub(crate) fn output_of(
    conn: &Connection,
    app_id: &str,
    matter_id: &str,
    key: &str,
) -> Result<Option<String>, ApiError> {
    let outputs: Option<String> = conn
        .query_row(
            "SELECT outputs FROM application_matter WHERE application_id = ?1 AND matter_id = ?2",
            params![app_id, matter_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(outputs) = outputs else { return Ok(None) };
    let outputs: BTreeMap<String, String> = serde_json::from_str(&outputs)?;
    Ok(outputs.get(key).cloned())
}

struct PersonRef {
    subject: String,
    name: String,
    id_number: String,
}

fn person_by_id(conn: &Connection, id_number: &str) -> Result<Option<PersonRef>, ApiError> {
    Ok(conn
        .query_row("SELECT subject, name, id_number FROM person WHERE id_number = ?1", [id_number], |r| {
            Ok(PersonRef { subject: r.get(0)?, name: r.get(1)?, id_number: r.get(2)? })
        })
        .optional()?)
}

fn text(v: &Value, path: &[&str]) -> String {
    let mut cur = Some(v);
    for p in path {
        cur = cur.and_then(|c| c.get(*p));
    }
    cur.and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// 出生医学证明: the maternal-health registry must hold the mother's delivery of a child of that gender on that
/// day; the certificate is held by the child, a new person in the applicant's household, whose guardians are
/// both parents.
fn birth_cert(conn: &Connection, app: &AppCtx, now_ms: i64) -> Result<Option<Outcome>, ApiError> {
    if app.child.is_some() {
        return more("本次申请已签发过出生医学证明", &[]);
    }
    let profile = crate::profile::load(conn, &app.principal, AccountKind::Citizen, now_ms)?;
    let view = onego_protocol::plan::profile_view(&serde_json::to_value(&profile)?);
    let (mother_id, father_id) =
        (text(&view, &["couple", "mother", "id_number"]), text(&view, &["couple", "father", "id_number"]));
    let (Some(mother), Some(father)) = (person_by_id(conn, &mother_id)?, person_by_id(conn, &father_id)?) else {
        return more("户籍系统中没有查到孩子父母双方的登记信息，请到助产机构核实", &[]);
    };
    let (gender, birth) = (app.field("child.gender"), app.field("child.birth_date"));
    let delivery: Option<(String, String)> = conn
        .query_row(
            "SELECT birth_place, (SELECT ethnicity FROM person WHERE subject = mother) FROM delivery_record
             WHERE mother = ?1 AND child_gender = ?2 AND birth_date = ?3 ORDER BY reported_at DESC LIMIT 1",
            params![mother.subject, gender, birth],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((birth_place, ethnicity)) = delivery else {
        return more(
            "妇幼保健系统中没有与所填孩子性别、出生日期一致的分娩记录，请核对后补正，或联系助产医院",
            &["child.gender", "child.birth_date"],
        );
    };
    let (address, region, household): (String, String, String) =
        conn.query_row("SELECT address, region, household_id FROM person WHERE subject = ?1", [&app.principal], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let child = results::new_subject(conn)?;
    let name = app.field("child.name").to_owned();
    conn.execute(
        "INSERT INTO person (subject, phone, id_number, name, gender, birth_date, ethnicity, address, region,
                             marital_status, household_id, expecting_due_date)
         VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '未婚', ?9, NULL)",
        params![child, results::pending_id(&child), name, gender, birth, ethnicity, address, region, household],
    )?;
    for (parent, call) in [(&mother.subject, "母亲"), (&father.subject, "父亲")] {
        conn.execute(
            "INSERT OR IGNORE INTO relation (subject, relative, relation) VALUES (?1, ?2, '子女')",
            params![parent, child],
        )?;
        conn.execute(
            "INSERT OR IGNORE INTO relation (subject, relative, relation) VALUES (?1, ?2, ?3)",
            params![child, parent, call],
        )?;
        conn.execute("INSERT OR IGNORE INTO guardianship (guardian, ward) VALUES (?1, ?2)", params![parent, child])?;
    }
    conn.execute("UPDATE application SET child = ?2 WHERE id = ?1", params![app.id, child])?;
    let claims = json!({
        "child_name": name, "child_gender": gender, "birth_date": birth, "birth_place": birth_place,
        "mother_name": mother.name, "mother_id_number": mother.id_number,
        "father_name": father.name, "father_id_number": father.id_number,
    });
    let licence = results::issue(conn, BIRTH_MEDICAL, "zj-wsjkw", &Holder::Person(&child), (birth, None), &claims)?;
    Ok(Some(Outcome::Approve {
        note: "出生医学证明已签发，电子证照已放入父母的证照夹".into(),
        licences: vec![licence],
        outputs: Vec::new(),
    }))
}

/// A licence's face claims.
type Claims = Map<String, Value>;
/// What a staff approval issues and outputs.
type Results = (Vec<IssuedLicence>, Vec<(String, String)>);

/// The child's birth-medical certificate: issued in this application, or held by one of the applicant's wards
/// with the name and birth date of the form. Returns the child's subject and the certificate's claims.
fn birth_certificate(conn: &Connection, app: &AppCtx) -> Result<Option<(String, Claims)>, ApiError> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT l.holder_subject, l.claims FROM licence l
             WHERE l.vct = ?1 AND l.status = 0 AND (l.holder_subject = ?2
                OR l.holder_subject IN (SELECT ward FROM guardianship WHERE guardian = ?3))
             ORDER BY l.licence_id DESC",
        )?
        .query_map(params![BIRTH_MEDICAL, app.child, app.principal], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (subject, claims) in rows {
        let claims: Map<String, Value> = serde_json::from_str(&claims)?;
        let own = app.child.as_deref() == Some(subject.as_str());
        let named = claims.get("child_name").and_then(Value::as_str) == Some(app.field("child.name"))
            && claims.get("birth_date").and_then(Value::as_str) == Some(app.field("child.birth_date"));
        if own || named {
            return Ok(Some((subject, claims)));
        }
    }
    Ok(None)
}

/// 出生登记: the certificate's parents must be the registered persons it names, married to each other; the
/// child gets an ID number in the applicant's household region and a household register page.
fn hukou_birth(conn: &Connection, app: &AppCtx, today: &str) -> Result<Option<Outcome>, ApiError> {
    let Some((child, cert)) = birth_certificate(conn, app)? else {
        return more("没有查到孩子的出生医学证明，请先办理出生医学证明或上传", &["zj-gaj-hukou-birth/birth-medical"]);
    };
    let claim = |k: &str| cert.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut parents = Vec::new();
    for (who, name, id) in [("母亲", "mother_name", "mother_id_number"), ("父亲", "father_name", "father_id_number")]
    {
        match person_by_id(conn, &claim(id))? {
            Some(p) if p.name == claim(name) => parents.push(p.subject),
            _ => return more(&format!("出生医学证明上的{who}信息与户籍登记不一致，请核对"), &[]),
        }
    }
    let married: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM marriage WHERE wife = ?1 AND husband = ?2)",
        params![parents[0], parents[1]],
        |r| r.get(0),
    )?;
    if !married {
        return more("没有查到父母的婚姻登记记录，请补充结婚证", &["zj-gaj-hukou-birth/marriage-cert"]);
    }
    let (current_id, region, gender, birth, name, address): (String, String, String, String, String, String) = conn
        .query_row(
            "SELECT c.id_number, p.region, c.gender, c.birth_date, c.name, c.address
             FROM person c, person p WHERE c.subject = ?1 AND p.subject = ?2",
            params![child, app.principal],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
    if current_id != results::pending_id(&child) {
        return more("孩子已经登记过户口", &[]);
    }
    let id = results::assign_id_number(conn, &region, &birth, gender == "男")?;
    conn.execute("UPDATE person SET id_number = ?2 WHERE subject = ?1", params![child, id.as_str()])?;
    let (head, relation) = results::household_relation(conn, &child)?;
    let page = json!({
        "name": name, "id_number": id.as_str(), "relation": relation, "household_head": head,
        "address": address, "marital_status": "未婚",
    });
    let licence = results::issue(conn, HOUSEHOLD_REGISTER, "zj-gat", &Holder::Person(&child), (today, None), &page)?;
    Ok(Some(Outcome::Approve {
        note: "已登记户口并分配公民身份号码，户口簿页已放入父母的证照夹".into(),
        licences: vec![licence],
        outputs: vec![("child.id_number".into(), id.as_str().to_owned())],
    }))
}

/// The child's ID number: the output of 出生登记 in this application, or the form's.
fn child_id(conn: &Connection, app: &AppCtx) -> Result<Option<PersonRef>, ApiError> {
    let id = match output_of(conn, &app.id, "zj-gaj-hukou-birth", "child.id_number")? {
        Some(id) => id,
        None => app.field("child.id_number").to_owned(),
    };
    if id.is_empty() {
        return Ok(None);
    }
    person_by_id(conn, &id)
}

/// 城乡居民医保参保: any registered child can be enrolled at once.
fn resident_enroll(conn: &Connection, app: &AppCtx) -> Result<Option<Outcome>, ApiError> {
    if child_id(conn, app)?.is_none() {
        return more("没有查到孩子的户籍登记，请填写孩子的公民身份号码", &["child.id_number"]);
    }
    Ok(Some(Outcome::Approve {
        note: "已参加城乡居民基本医疗保险，即日起可以报销".into(),
        licences: Vec::new(),
        outputs: vec![("medical_insurance.enrolled".into(), "true".into())],
    }))
}

/// 公积金提取: an account in normal standing equal to the form's, and a bank account in the applicant's name.
fn gjj_withdraw(conn: &Connection, app: &AppCtx) -> Result<Option<Outcome>, ApiError> {
    let fund: Option<(String, String)> = conn
        .query_row("SELECT account, status FROM provident_fund WHERE subject = ?1", [&app.principal], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((account, standing)) = fund else {
        return more("没有查到您名下的住房公积金账户", &["applicant.provident_fund_account"]);
    };
    if account != app.field("applicant.provident_fund_account") {
        return more("所填公积金账号与您名下的账户不一致，请核对", &["applicant.provident_fund_account"]);
    }
    if standing != "正常缴存" {
        return more(&format!("公积金账户状态为“{standing}”，请联系公积金中心"), &[]);
    }
    let owned: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM bank_account WHERE account = ?1 AND holder = ?2)",
        params![app.field("bank.account"), app.principal],
        |r| r.get(0),
    )?;
    if !owned {
        return more("收款银行账户不在您本人名下，请更换为本人账户", &["bank.account"]);
    }
    Ok(Some(Outcome::Approve {
        note: "提取已核准，资金将在 1 个工作日内转入您的银行账户".into(),
        licences: Vec::new(),
        outputs: Vec::new(),
    }))
}

/// 企业设立登记 (智能审批): a free name and the applicant as legal representative.
fn business_licence(conn: &Connection, app: &AppCtx, today: &str) -> Result<Option<Outcome>, ApiError> {
    let name = app.field("company.name");
    let taken: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM company WHERE name = ?1)", [name], |r| r.get(0))?;
    if taken {
        return more("企业名称已被登记，请换一个名称", &["company.name"]);
    }
    let (rep_name, rep_id): (String, String) =
        conn.query_row("SELECT name, id_number FROM person WHERE subject = ?1", [&app.principal], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if app.field("legal_rep.id_number") != rep_id {
        return more("法定代表人须为申请人本人", &["legal_rep.id_number"]);
    }
    let code = results::assign_credit_code(conn, "330106")?;
    let capital = format!("{}万元", app.field("company.registered_capital"));
    let (kind, address, scope) =
        (app.field("company.type"), app.field("company.address"), app.field("company.business_scope"));
    conn.execute(
        "INSERT INTO company (credit_code, name, address, kind, registered_capital, scope, established_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![code.as_str(), name, address, kind, capital, scope, today],
    )?;
    conn.execute(
        "INSERT INTO company_role (subject, credit_code, role) VALUES (?1, ?2, '法定代表人')",
        params![app.principal, code.as_str()],
    )?;
    conn.execute(
        "UPDATE application SET company = ?2 WHERE id = ?1 AND company IS NULL",
        params![app.id, code.as_str()],
    )?;
    let claims = json!({
        "company_name": name, "credit_code": code.as_str(), "company_type": kind, "legal_rep": rep_name,
        "registered_capital": capital, "established_on": today, "address": address, "business_scope": scope,
    });
    let licence = results::issue(conn, BUSINESS, "zj-scjgj", &Holder::Company(code.as_str()), (today, None), &claims)?;
    Ok(Some(Outcome::Approve {
        note: "营业执照已核发，电子营业执照已放入企业证照夹".into(),
        licences: vec![licence],
        outputs: vec![("company.credit_code".into(), code.as_str().to_owned())],
    }))
}

/// 食品经营许可 (告知承诺): the company's valid business licence and the signed commitment suffice.
fn food_permit(conn: &Connection, app: &AppCtx, today: &str) -> Result<Option<Outcome>, ApiError> {
    let company = match &app.company {
        Some(c) => Some(c.clone()),
        None => output_of(conn, &app.id, "zj-scjgj-business-licence", "company.credit_code")?,
    };
    let Some(company) = company else {
        return more("请以企业身份申请，或先办理营业执照", &["zj-scjgj-food-business-permit/business-licence"]);
    };
    let licence: Option<String> = conn
        .query_row(
            "SELECT claims FROM licence WHERE holder_credit_code = ?1 AND vct = ?2 AND status = 0
             ORDER BY licence_id DESC LIMIT 1",
            params![company, BUSINESS],
            |r| r.get(0),
        )
        .optional()?;
    let Some(licence) = licence else {
        return more("没有查到企业有效的营业执照", &["zj-scjgj-food-business-permit/business-licence"]);
    };
    if !app.commitments.iter().any(|c| c == "zj-scjgj-food-business-permit/commitment") {
        return more("请签署食品经营许可告知承诺书", &["zj-scjgj-food-business-permit/commitment"]);
    }
    let bl: Map<String, Value> = serde_json::from_str(&licence)?;
    let claim = |k: &str| bl.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let premises = match app.field("food.premises") {
        "" => claim("address"),
        p => p.to_owned(),
    };
    let n: i64 = conn.query_row("SELECT count(*) FROM licence WHERE vct = ?1", [FOOD_BUSINESS], |r| r.get(0))?;
    let permit = json!({
        "company_name": claim("company_name"), "credit_code": company, "legal_rep": claim("legal_rep"),
        "address": premises, "business_items": app.field("food.items"),
        "permit_number": format!("JY1{}{:06}{}", company.get(2..8).unwrap_or("330106"), 500 + n, n % 10),
    });
    let from = Date::parse(today).ok_or_else(|| ApiError::internal("bad date"))?;
    let until = from.add_years(5).to_string();
    let licence =
        results::issue(conn, FOOD_BUSINESS, "zj-scjgj", &Holder::Company(&company), (today, Some(&until)), &permit)?;
    Ok(Some(Outcome::Approve {
        note: "已按告知承诺制核发食品经营许可证，请在 3 个月内接受现场核查".into(),
        licences: vec![licence],
        outputs: Vec::new(),
    }))
}

/// Staff approval results: 新生儿社保卡 issues the child's social security card; other matters issue nothing.
pub(crate) fn staff_results(
    conn: &Connection,
    app: &AppCtx,
    matter_id: &str,
    today: &str,
) -> Result<Results, ApiError> {
    if matter_id != "zj-rsj-ssc-newborn" {
        return Ok((Vec::new(), Vec::new()));
    }
    let Some(child) = child_id(conn, app)? else {
        return Err(ApiError::conflict("孩子尚未登记户口，不能办理社保卡"));
    };
    let n: i64 = conn.query_row("SELECT count(*) FROM licence WHERE vct = ?1", [SOCIAL_SECURITY_CARD], |r| r.get(0))?;
    let card_no = format!("B{:08}", 50_000_000 + n);
    let card = json!({ "name": child.name, "id_number": child.id_number, "card_no": card_no, "issued_on": today });
    let from = Date::parse(today).ok_or_else(|| ApiError::internal("bad date"))?;
    let until = from.add_years(10).to_string();
    let licence = results::issue(
        conn,
        SOCIAL_SECURITY_CARD,
        "zj-rlsbt",
        &Holder::Person(&child.subject),
        (today, Some(&until)),
        &card,
    )?;
    Ok((vec![licence], Vec::new()))
}
