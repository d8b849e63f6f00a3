//! `onego app apply|drafts|submit|outbox|status|watch|delegate …`: one thing, one go, driven as a phone shell
//! drives the core — a draft that saves itself, consent, an outbox that delivers exactly once, progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use onego_core::apply::{CoreEvent, Draft, DraftState, Observer, OutboxState};
use onego_core::{Onego, OnegoError};
use onego_protocol::api::{Application, ApplicationStatus, DelegationState};
use serde_json::Value;

use crate::app::print;

#[derive(Args)]
pub(crate) struct ApplyArgs {
    /// A bundle (`bundle-birth`) or a matter id.
    service_id: String,
    /// An answer, `question_id=value`; repeatable.
    #[arg(long = "answer", value_name = "QID=VALUE")]
    answers: Vec<String>,
    /// A JSON object of answers; `--answer` flags override it.
    #[arg(long)]
    answers_file: Option<PathBuf>,
    /// A field value, `key=value` (overrides the pre-filled value; empty clears it); repeatable.
    #[arg(long = "field", value_name = "KEY=VALUE")]
    fields: Vec<String>,
    /// A JSON object of field values.
    #[arg(long)]
    fields_file: Option<PathBuf>,
    /// Attach a scan to a material, `matter_id/material_id=PATH`; repeatable.
    #[arg(long = "file", value_name = "MATERIAL=PATH")]
    files: Vec<String>,
    /// Apply in a principal's name under this delegation (亲友代办).
    #[arg(long)]
    delegation: Option<String>,
}

#[derive(Args)]
pub(crate) struct SubmitArgs {
    draft_id: String,
    /// I have read what goes to whom and agree (告知同意); without it only the consent is shown.
    #[arg(long)]
    yes: bool,
    /// Queue only; do not try to deliver now.
    #[arg(long)]
    queue_only: bool,
}

#[derive(Subcommand)]
pub(crate) enum DelegateCommand {
    /// Lets a relative or friend apply in my name for some services, until a date.
    Grant {
        /// The delegate's registered phone number.
        #[arg(long)]
        phone: String,
        /// Bundle or matter ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        scope: Vec<String>,
        #[arg(long, default_value_t = 30)]
        days: i32,
    },
    /// Delegations I granted and received.
    List,
    /// Withdraws a delegation I granted.
    Revoke { id: String },
}

fn invalid(field: &str, message: String) -> OnegoError {
    OnegoError::Validation { field: field.to_owned(), message }
}

fn read_json_object(path: &PathBuf, field: &str) -> Result<serde_json::Map<String, Value>, OnegoError> {
    let text = std::fs::read_to_string(path).map_err(|e| invalid(field, e.to_string()))?;
    match serde_json::from_str(&text).map_err(|e| invalid(field, e.to_string()))? {
        Value::Object(m) => Ok(m),
        _ => Err(invalid(field, "expected a JSON object".into())),
    }
}

fn field_pairs(args: &ApplyArgs) -> Result<Vec<(String, String)>, OnegoError> {
    let mut out = Vec::new();
    if let Some(path) = &args.fields_file {
        for (k, v) in read_json_object(path, "fields_file")? {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.push((k, v));
        }
    }
    for f in &args.fields {
        let Some((k, v)) = f.split_once('=') else {
            return Err(invalid("field", format!("`{f}`: expected key=value")));
        };
        out.push((k.to_owned(), v.to_owned()));
    }
    Ok(out)
}

pub(crate) fn state_text(s: DraftState) -> &'static str {
    match s {
        DraftState::Editing => "填写中 editing",
        DraftState::Queued => "已提交，待发送 queued",
        DraftState::Delivered => "已送达 delivered",
        DraftState::NeedsAttention => "需要修改 needs attention",
    }
}

fn print_draft(d: &Draft) {
    println!("草稿 draft {} —「{}」{}", d.id, d.service_name, state_text(d.state));
    println!("  {} / {}", d.plan.summary, d.plan.summary_en);
    if let Some(a) = &d.application_id {
        println!("  办件号 application: {a}");
    }
    if d.plan_stale {
        println!("  （离线：显示的是上次由平台计算的方案）");
    }
    let applies: Vec<&str> =
        d.plan.matters.iter().filter(|m| m.applies == onego_core::Truth::True).map(|m| m.name.as_str()).collect();
    println!("  一次办 {} 个事项：{}", applies.len(), applies.join("、"));
    for a in &d.attachments {
        println!("  附件 / attached: {} ← {}（{} 字节）", a.material, a.file_name, a.bytes);
    }
    if d.errors.is_empty() {
        println!("  ✓ 表单完整，可以提交 / complete: ready to submit");
    } else {
        println!("  还需处理 / to fix ({}):", d.errors.len());
        for e in &d.errors {
            println!("    · {}: {}", e.field, e.detail);
        }
    }
}

pub(crate) async fn apply(app: &Onego, args: ApplyArgs, json: bool) -> Result<(), OnegoError> {
    let answers =
        crate::plan::collect_answers(app, &args.service_id, &args.answers, args.answers_file.as_deref()).await?;
    let fields = field_pairs(&args)?;
    let mut draft = app.start_draft(args.service_id.clone(), args.delegation.clone()).await?;
    for (q, v) in answers {
        draft = app.answer(draft.id.clone(), q, v).await?;
    }
    for (k, v) in fields {
        draft = app.set_field(draft.id.clone(), k, v).await?;
    }
    for f in &args.files {
        let Some((material, path)) = f.split_once('=') else {
            return Err(invalid("file", format!("`{f}`: expected matter_id/material_id=PATH")));
        };
        let content = std::fs::read(path).map_err(|e| invalid("file", format!("{path}: {e}")))?;
        let name = std::path::Path::new(path)
            .file_name()
            .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
        draft = app.attach_file(draft.id.clone(), material.to_owned(), name, content).await?;
    }
    print(json, &draft, print_draft);
    Ok(())
}

pub(crate) async fn drafts(
    app: &Onego,
    discard: Option<String>,
    purge_days: Option<i32>,
    json: bool,
) -> Result<(), OnegoError> {
    if let Some(id) = discard {
        app.discard_draft(id).await?;
    }
    if let Some(days) = purge_days {
        let n = app.purge_drafts(days).await?;
        if !json {
            println!("清理了 {n} 份超过 {days} 天未动的草稿 / purged {n} drafts");
        }
    }
    let list = app.drafts().await?;
    print(json, &list, |list| {
        if list.is_empty() {
            println!("没有草稿 / no drafts");
        }
        for d in list {
            let app_id = d.application_id.as_deref().unwrap_or("");
            println!("  {}  「{}」 {}  {app_id}", d.id, d.service_name, state_text(d.state));
        }
    });
    Ok(())
}

pub(crate) async fn submit(app: &Onego, args: SubmitArgs, json: bool) -> Result<(), OnegoError> {
    let consent = app.consent(args.draft_id.clone()).await?;
    if !args.yes {
        print(json, &consent, |c| {
            println!("提交前请确认 / before you submit:");
            println!("  {}", c.summary);
            for l in &c.licences {
                println!(
                    "  · 电子{}：{} → {}（用于 {}）",
                    l.licence_name,
                    l.claims.join("、"),
                    l.departments.join("、"),
                    l.matters.join("、")
                );
            }
            for s in &c.shared_data {
                println!("  · 部门共享获取 / fetched by the department: {s}");
            }
            for s in &c.commitments {
                println!("  · 告知承诺 / by commitment: {s}");
            }
            for s in &c.uploads {
                println!("  · 需上传 / to upload: {s}");
            }
            println!("同意后加 --yes 再提交 / add --yes to agree and submit");
        });
        return Ok(());
    }
    let queued = app.submit(args.draft_id.clone(), true).await?;
    let report = if args.queue_only { None } else { Some(app.deliver_outbox().await?) };
    let draft = app.draft(args.draft_id).await?;
    let out = serde_json::json!({ "queued": queued, "delivery": report, "draft": draft });
    print(json, &out, |_| {
        println!("已提交「{}」，写入待发送队列 / queued (key {})", queued.service_name, queued.idempotency_key);
        match &report {
            Some(r) if r.delivered + r.replayed > 0 => {
                println!("已送达平台 / delivered: 办件号 {}", draft.application_id.as_deref().unwrap_or("?"));
            }
            Some(r) if r.rejected > 0 => print_draft(&draft),
            Some(_) => println!("暂时无法送达，联网后会自动发送 / offline: will be sent when the connection is back"),
            None => {}
        }
    });
    Ok(())
}

pub(crate) async fn outbox(app: &Onego, deliver: bool, json: bool) -> Result<(), OnegoError> {
    let report = if deliver { Some(app.deliver_outbox().await?) } else { None };
    let items = app.outbox().await?;
    let out = serde_json::json!({ "delivery": report, "items": items });
    print(json, &out, |_| {
        if let Some(r) = &report {
            println!(
                "送达 delivered {}，重放 replayed {}，被退回 rejected {}，稍后重试 retry later {}",
                r.delivered, r.replayed, r.rejected, r.retry_later
            );
        }
        for i in &items {
            let state = match i.state {
                OutboxState::Pending => "待发送 pending",
                OutboxState::Delivered => "已送达 delivered",
                OutboxState::Rejected => "被退回 rejected",
            };
            println!("  「{}」 {state}  尝试 attempts {}", i.service_name, i.attempts);
        }
    });
    Ok(())
}

pub(crate) fn overall_text(s: ApplicationStatus) -> &'static str {
    match s {
        ApplicationStatus::InProgress => "办理中 in progress",
        ApplicationStatus::NeedsAttention => "需要补正 needs attention",
        ApplicationStatus::Finished => "已办结 finished",
    }
}

pub(crate) fn print_application(a: &Application) {
    let by = a.delegate_name.as_deref().map(|n| format!("（{n} 代办）")).unwrap_or_default();
    println!("{}「{}」{}{by}", a.id, a.service_name, overall_text(a.status));
    for m in &a.matters {
        let overdue = if m.overdue { " ⚠ 已超期 overdue" } else { "" };
        let licences: Vec<&str> = m.licences.iter().map(|l| l.name.as_str()).collect();
        let issued =
            if licences.is_empty() { String::new() } else { format!(" → 已发证：{}", licences.join("、")) };
        println!("  · {}：{}（承诺 {} 前）{overdue}{issued}", m.name, m.status.label_zh(), m.due_date);
        if let Some(last) = m.history.last() {
            println!("      {}", last.note);
        }
    }
}

pub(crate) async fn status(app: &Onego, id: Option<String>, sync: bool, json: bool) -> Result<(), OnegoError> {
    if sync {
        app.sync_applications().await?;
    }
    match id {
        Some(id) => {
            let a = app.application(id).await?;
            print(json, &a, print_application);
        }
        None => {
            let who = app.signed_in()?;
            let state = app.catalog_state().await?;
            let apps = app.applications().await?;
            let out = serde_json::json!({ "signed_in": who, "catalog": state, "applications": apps });
            print(json, &out, |_| {
                match &who {
                    Some(w) => println!("已登录 / signed in ({:?})", w.kind),
                    None => println!("未登录 / not signed in"),
                }
                println!("目录版本 / catalog version: {:?}, {} items", state.version, state.items);
                println!("办件 / applications: {}", apps.len());
                for a in &apps {
                    print_application(a);
                }
            });
        }
    }
    Ok(())
}

/// Prints what the core reports while watching.
struct PrintingObserver;

impl Observer for PrintingObserver {
    fn on_event(&self, event: CoreEvent) {
        match event {
            CoreEvent::ApplicationChanged { application_id, status, note, .. } => {
                println!("  ⟳ {application_id}: {}（{note}）", status.label_zh());
            }
            CoreEvent::LicenceReceived { name, .. } => println!("  ＋ 卡包新增 / new in the wallet: {name}"),
            CoreEvent::OutboxChanged { pending } => println!("  ⇡ 待发送 / pending: {pending}"),
            CoreEvent::Connection { online } => {
                println!("  {}", if online { "● 已连接 / online" } else { "○ 离线 / offline" });
            }
        }
    }
}

pub(crate) async fn watch(app: &Onego, seconds: u64) -> Result<(), OnegoError> {
    let handle = app.watch(Arc::new(PrintingObserver))?;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    handle.cancel();
    Ok(())
}

pub(crate) async fn delegate(app: &Onego, command: DelegateCommand, json: bool) -> Result<(), OnegoError> {
    match command {
        DelegateCommand::Grant { phone, scope, days } => {
            let d = app.grant_delegation(phone, scope, days).await?;
            print(json, &d, |d| {
                println!(
                    "已授权 {} 代办：{}（至 {}）id {}",
                    d.delegate_name,
                    d.scope.join("、"),
                    date(d.expires_at),
                    d.id
                );
            });
        }
        DelegateCommand::List => {
            let list = app.delegations().await?;
            print(json, &list, |l| {
                let state = |s: DelegationState| match s {
                    DelegationState::Active => "有效",
                    DelegationState::Expired => "已过期",
                    DelegationState::Revoked => "已撤销",
                };
                println!("我授权的 / granted:");
                for d in &l.granted {
                    println!(
                        "  {} → {}：{} [{}] 至 {}",
                        d.id,
                        d.delegate_name,
                        d.scope.join("、"),
                        state(d.state),
                        date(d.expires_at)
                    );
                }
                println!("授权给我的 / received:");
                for d in &l.received {
                    println!(
                        "  {} ← {}：{} [{}] 至 {}",
                        d.id,
                        d.principal_name,
                        d.scope.join("、"),
                        state(d.state),
                        date(d.expires_at)
                    );
                }
            });
        }
        DelegateCommand::Revoke { id } => {
            app.revoke_delegation(id.clone()).await?;
            print(json, &serde_json::json!({ "revoked": id }), |_| println!("已撤销 / revoked"));
        }
    }
    Ok(())
}

fn date(ms: i64) -> String {
    onego_protocol::time::cst_date(ms)
}
