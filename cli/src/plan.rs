//! `onego app plan BUNDLE_ID [--answer qid=value …] [--answers-file F]`: the bundle's plan, computed offline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use onego_core::{AnswerValue, Guide, MaterialPlan, Onego, OnegoError, Plan, Provenance, Truth};
use onego_protocol::api::{AnswerKind, FieldKind, Question};
use serde_json::Value;

#[derive(Args)]
pub(crate) struct PlanArgs {
    /// The bundle, e.g. `bundle-birth`, or a single matter.
    bundle_id: String,
    /// An answer, `question_id=value` (true/false, a number, a date YYYY-MM-DD, or an option's text); repeatable.
    #[arg(long = "answer", value_name = "QID=VALUE")]
    answers: Vec<String>,
    /// A JSON object of answers: `{"born": true, "hukou_with": "随母亲"}`; `--answer` flags override it.
    #[arg(long)]
    answers_file: Option<PathBuf>,
}

fn invalid(field: &str, message: String) -> OnegoError {
    OnegoError::Validation { field: field.to_owned(), message }
}

/// Reads a value as the question's kind asks; the core checks it against the question.
fn from_text(q: Option<&Question>, raw: &str) -> AnswerValue {
    match q.map(|q| &q.kind) {
        Some(AnswerKind::Bool) => match raw {
            "true" | "yes" | "是" | "y" | "1" => AnswerValue::Bool(true),
            "false" | "no" | "否" | "n" | "0" => AnswerValue::Bool(false),
            other => AnswerValue::Text(other.to_owned()),
        },
        Some(AnswerKind::Number) => raw.parse().map_or_else(|_| AnswerValue::Text(raw.to_owned()), AnswerValue::Number),
        Some(AnswerKind::Date) => AnswerValue::Date(raw.to_owned()),
        _ => AnswerValue::Text(raw.to_owned()),
    }
}

fn from_json(q: Option<&Question>, v: &Value) -> Result<AnswerValue, String> {
    match v {
        Value::Bool(b) => Ok(AnswerValue::Bool(*b)),
        Value::Number(n) => n.as_f64().map(AnswerValue::Number).ok_or_else(|| "not a number".to_owned()),
        Value::String(s) => Ok(from_text(q, s)),
        Value::Object(_) => serde_json::from_value(v.clone()).map_err(|e| e.to_string()),
        _ => Err("expected true/false, a number or text".to_owned()),
    }
}

/// Answers from a JSON file and `question_id=value` flags (flags win), read as each question's kind asks. A
/// matter has no guided questions, so it takes none.
pub(crate) async fn collect_answers(
    app: &Onego,
    service_id: &str,
    flags: &[String],
    file: Option<&Path>,
) -> Result<BTreeMap<String, AnswerValue>, OnegoError> {
    let questions = match app.guide(service_id.to_owned()).await? {
        Guide::Bundle(b) => b.bundle.questions,
        Guide::Matter(_) => Vec::new(),
    };
    let find = |id: &str| questions.iter().find(|q| q.id == id);
    let mut out = BTreeMap::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| invalid("answers_file", e.to_string()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| invalid("answers_file", e.to_string()))?;
        let Value::Object(map) = v else { return Err(invalid("answers_file", "expected a JSON object".into())) };
        for (id, v) in &map {
            out.insert(id.clone(), from_json(find(id), v).map_err(|e| invalid(&format!("answers.{id}"), e))?);
        }
    }
    for a in flags {
        let Some((id, raw)) = a.split_once('=') else {
            return Err(invalid("answer", format!("`{a}`: expected question_id=value")));
        };
        out.insert(id.to_owned(), from_text(find(id), raw));
    }
    Ok(out)
}

fn truth(t: Truth) -> &'static str {
    match t {
        Truth::True => "✓ 适用",
        Truth::False => "✗ 不适用",
        Truth::Unknown => "? 待定",
    }
}

fn provenance(p: &Provenance) -> String {
    match p {
        Provenance::Profile { path } => format!("共享数据 {path}"),
        Provenance::Licence { vct, claim } => {
            let name = onego_protocol::licence::by_vct(vct).map_or(vct.as_str(), |t| t.name);
            format!("电子证照 {name}#{claim}")
        }
        Provenance::Answer { question } => format!("回答 {question}"),
        Provenance::Application { matter_id, output } => format!("由前序事项 {matter_id} 办结后填入 {output}"),
        Provenance::Applicant => "待填写".to_owned(),
    }
}

/// Personal numbers are shown only by their ends, as the app does on screen.
fn shown(kind: &FieldKind, v: &str) -> String {
    match kind {
        FieldKind::IdNumber => crate::app::mask(v),
        FieldKind::Phone | FieldKind::BankAccount if v.chars().count() > 7 => {
            let c: Vec<char> = v.chars().collect();
            let head: String = c.iter().take(3).collect();
            let tail: String = c.iter().skip(c.len() - 4).collect();
            format!("{head}****{tail}")
        }
        _ => v.to_owned(),
    }
}

pub(crate) fn print_plan(p: &Plan) {
    println!("【{}】{} / {}", p.bundle_id, p.summary, p.summary_en);
    println!("引导问题 / questions:");
    for q in &p.questions {
        let state = if q.answered {
            "已答"
        } else if q.applies == Truth::False {
            "不需回答"
        } else {
            "未答"
        };
        println!("  · {} [{}] ({state})", q.text, q.id);
    }
    println!("事项 / matters:");
    for m in &p.matters {
        println!("  {} {}（{}）— {}", truth(m.applies), m.name, m.department_id, m.why);
    }
    println!("表单 / one form ({} fields, {} pre-filled):", p.spared.fields_total, p.spared.fields_prefilled);
    for f in &p.fields {
        let value = f.value.as_deref().map_or_else(|| "—".to_owned(), |v| shown(&f.kind, v));
        let req = if f.required { "*" } else { " " };
        println!("  {req}{}: {value}  ← {}  (用于 {} 个事项)", f.label, provenance(&f.provenance), f.used_by.len());
    }
    println!("材料 / materials ({} total, {} spared):", p.spared.materials_total, p.spared.materials_spared);
    for m in &p.materials {
        let how = match &m.satisfied_by {
            MaterialPlan::Licence { name, .. } => format!("免交：电子证照「{name}」"),
            MaterialPlan::SharedData { registry } => format!("免交：部门共享获取（{registry}）"),
            MaterialPlan::Commitment => "告知承诺".to_owned(),
            MaterialPlan::Upload => "需上传".to_owned(),
        };
        println!("  · {}（{}）: {how}", m.name, m.matter_id);
    }
    if !p.to_do.is_empty() {
        println!("还需 / still to do:");
        for t in &p.to_do {
            println!("  · {t}");
        }
    }
}

pub(crate) async fn run(app: &Onego, args: PlanArgs, json: bool) -> Result<(), OnegoError> {
    let answers = collect_answers(app, &args.bundle_id, &args.answers, args.answers_file.as_deref()).await?;
    let plan = app.plan(args.bundle_id, answers.into_iter().collect()).await?;
    crate::app::print(json, &plan, print_plan);
    Ok(())
}
