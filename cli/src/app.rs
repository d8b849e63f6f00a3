//! `onego app …`: the core driven as a phone shell would drive it, for scripts and support staff.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use onego_core::{AccountKind, Config, Guide, Locale, Onego, OnegoError};
use serde::Serialize;

use crate::file_secrets::FileSecretStore;

#[derive(Args)]
pub(crate) struct AppArgs {
    /// The app's data directory (database and desktop secret file).
    #[arg(long)]
    data: PathBuf,
    /// The platform's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    platform: String,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    /// zh-CN or en.
    #[arg(long, global = true, default_value = "zh-CN")]
    lang: String,
    #[command(subcommand)]
    command: AppCommand,
}

#[derive(Subcommand)]
enum AppCommand {
    /// Asks for a one-time code by text message.
    Code {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        enterprise: bool,
    },
    /// Signs in with phone and one-time code.
    Login {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        code: String,
        /// Sign in as a legal person's user (法人).
        #[arg(long)]
        enterprise: bool,
    },
    /// Signs out and forgets cached personal data.
    Logout,
    /// Brings the catalog up to date.
    Sync,
    /// Searches the cached catalog (works offline).
    Search {
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
    /// Shows a matter's or bundle's guide (works offline).
    Guide { id: String },
    /// Shows the signed-in person's profile (cached; `--refresh` fetches it again).
    Profile {
        #[arg(long)]
        refresh: bool,
    },
    /// Sign-in, catalog and applications; with an id, one application's progress (`--sync` asks the platform).
    Status {
        id: Option<String>,
        #[arg(long)]
        sync: bool,
    },
    /// Starts or resumes the draft of a bundle or matter, with answers and field values (saved at once).
    Apply(crate::apply::ApplyArgs),
    /// Drafts, newest first.
    Drafts {
        /// Discards this draft first.
        #[arg(long)]
        discard: Option<String>,
        /// Purges editing drafts untouched for more than this many days first.
        #[arg(long)]
        purge_days: Option<i32>,
    },
    /// Shows what goes to whom; with `--yes`, submits (queued in the outbox, then delivered).
    Submit(crate::apply::SubmitArgs),
    /// The outbox; `--deliver` sends what is due.
    Outbox {
        #[arg(long)]
        deliver: bool,
    },
    /// Listens for progress (event stream, polling as fallback) and delivers the outbox, for N seconds.
    Watch {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Family proxy (亲友代办): grant, list or revoke delegations.
    Delegate {
        #[command(subcommand)]
        command: crate::apply::DelegateCommand,
    },
    /// The e-licence wallet (电子证照).
    Wallet {
        #[command(subcommand)]
        command: crate::wallet::WalletCommand,
    },
    /// Plans a bundle (一件事) offline: what applies and why, pre-filled fields, materials, what is spared.
    Plan(crate::plan::PlanArgs),
    /// A screen's view model as a phone shell receives it, with its ageing-friendly (适老化) audit.
    Screen(crate::screen::ScreenArgs),
    /// Rates a finished matter or bundle (好差评): queued in the outbox, then delivered.
    Review(crate::reviews::ReviewArgs),
    /// My reviews with their closed loops (steps, deadlines, overdue); `--sync` fetches them again.
    Reviews {
        #[arg(long)]
        sync: bool,
    },
    /// The one follow-up review (追评) after the department's feedback.
    FollowUp(crate::reviews::FollowUpArgs),
    /// Withdraws a review filed by mistake (误评申诉).
    Appeal {
        review_id: String,
        #[arg(long)]
        reason: String,
    },
    /// A matter's satisfaction figures (cached); `--sync` fetches every matter's.
    Satisfaction {
        id: Option<String>,
        #[arg(long)]
        sync: bool,
    },
    /// Answers a department's request for more (补正) on one matter.
    Supplement(crate::reviews::SupplementArgs),
    /// Asks the assistant (智能客服) a question in everyday Chinese, offline.
    Ask { question: String },
    /// Reminders (results, requests, reviews, licences); `--dismiss ID` dismisses one first.
    Notifications {
        #[arg(long)]
        dismiss: Option<String>,
    },
}

pub(crate) fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T)) {
    if json {
        match serde_json::to_string_pretty(value) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("onego: {e}"),
        }
    } else {
        human(value);
    }
}

fn fail(json: bool, e: &OnegoError) -> ExitCode {
    if json {
        let (kind, field) = match e {
            OnegoError::Offline { .. } => ("offline", None),
            OnegoError::Network { .. } => ("network", None),
            OnegoError::Unauthorized { .. } => ("unauthorized", None),
            OnegoError::Validation { field, .. } => ("validation", Some(field.as_str())),
            OnegoError::Integrity { .. } => ("integrity", None),
            OnegoError::NotFound { .. } => ("not_found", None),
            OnegoError::Conflict { .. } => ("conflict", None),
            OnegoError::Storage { .. } => ("storage", None),
            OnegoError::Internal { .. } => ("internal", None),
        };
        println!("{}", serde_json::json!({ "error": kind, "field": field, "message": e.to_string() }));
    } else {
        eprintln!("{e}");
    }
    ExitCode::from(2)
}

pub(crate) fn open(data: PathBuf, platform: String, locale: Locale) -> Result<Onego, OnegoError> {
    let secrets = Arc::new(FileSecretStore::new(data.join("secrets.json")));
    let mut config = Config::new(data, platform);
    config.locale = locale;
    Onego::open(config, secrets)
}

pub(crate) async fn run(args: AppArgs) -> ExitCode {
    let json = args.json;
    let app = match open(args.data, args.platform, Locale::from_tag(&args.lang)) {
        Ok(a) => a,
        Err(e) => return fail(json, &e),
    };
    match command(&app, args.command, json).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(json, &e),
    }
}

fn kind(enterprise: bool) -> AccountKind {
    if enterprise { AccountKind::Enterprise } else { AccountKind::Citizen }
}

async fn command(app: &Onego, command: AppCommand, json: bool) -> Result<(), OnegoError> {
    match command {
        AppCommand::Code { phone, enterprise } => {
            app.request_code(phone, kind(enterprise)).await?;
            print(json, &serde_json::json!({ "sent": true }), |_| println!("验证码已发送 / code sent"));
        }
        AppCommand::Login { phone, code, enterprise } => {
            let who = app.sign_in(phone, code, kind(enterprise)).await?;
            let profile = app.profile().await?;
            let shown = serde_json::json!({ "subject": who.subject, "kind": who.kind, "name": profile.name });
            print(json, &shown, |_| println!("已登录 / signed in: {}", profile.name));
        }
        AppCommand::Logout => {
            app.sign_out().await?;
            print(json, &serde_json::json!({ "signed_out": true }), |_| println!("已退出 / signed out"));
        }
        AppCommand::Sync => {
            let r = app.sync_catalog().await?;
            print(json, &r, |r| {
                if r.not_modified {
                    println!("目录已是最新 / catalog up to date (version {})", r.version);
                } else {
                    println!(
                        "目录已更新 / catalog updated: version {}, {} {} items, {} removed",
                        r.version,
                        if r.full { "full snapshot," } else { "delta," },
                        r.upserted,
                        r.deleted
                    );
                }
            });
        }
        AppCommand::Search { query, limit } => {
            let hits = app.search(query, i32::try_from(limit).unwrap_or(i32::MAX)).await?;
            print(json, &hits, |hits| {
                if hits.is_empty() {
                    println!("没有找到相关事项 / nothing found");
                }
                for (i, h) in hits.iter().enumerate() {
                    let tag = if h.kind == "bundle" { "一件事" } else { "事项" };
                    println!("{:>2}. [{tag}] {}  ({})  — {}  [{}]", i + 1, h.name, h.name_en, h.id, h.matched_by);
                }
            });
        }
        AppCommand::Guide { id } => {
            let guide = app.guide(id).await?;
            print(json, &guide, print_guide);
        }
        AppCommand::Profile { refresh } => {
            let p = if refresh { app.refresh_profile().await? } else { app.profile().await? };
            print(json, &p, |p| {
                println!("{}  {}  {}", p.name, p.gender, mask(&p.id_number));
                println!("户籍地址 / address: {}", p.address);
                println!("婚姻状况 / marital status: {}", p.marital_status);
                for r in &p.family {
                    println!("  {}: {}", r.relation, r.name);
                }
                for c in &p.companies {
                    println!("  {}: {} ({})", c.role, c.name, c.credit_code);
                }
            });
        }
        AppCommand::Wallet { command } => crate::wallet::run(app, command, json).await?,
        AppCommand::Screen(args) => crate::screen::run(app, args, json).await?,
        AppCommand::Plan(args) => crate::plan::run(app, args, json).await?,
        AppCommand::Status { id, sync } => crate::apply::status(app, id, sync, json).await?,
        AppCommand::Apply(args) => crate::apply::apply(app, args, json).await?,
        AppCommand::Drafts { discard, purge_days } => crate::apply::drafts(app, discard, purge_days, json).await?,
        AppCommand::Submit(args) => crate::apply::submit(app, args, json).await?,
        AppCommand::Outbox { deliver } => crate::apply::outbox(app, deliver, json).await?,
        AppCommand::Watch { seconds } => crate::apply::watch(app, seconds).await?,
        AppCommand::Delegate { command } => crate::apply::delegate(app, command, json).await?,
        AppCommand::Review(args) => crate::reviews::review(app, args, json).await?,
        AppCommand::Reviews { sync } => crate::reviews::reviews(app, sync, json).await?,
        AppCommand::FollowUp(args) => crate::reviews::follow_up(app, args, json).await?,
        AppCommand::Appeal { review_id, reason } => crate::reviews::appeal(app, review_id, reason, json).await?,
        AppCommand::Satisfaction { id, sync } => crate::reviews::satisfaction(app, id, sync, json).await?,
        AppCommand::Supplement(args) => crate::reviews::supplement(app, args, json).await?,
        AppCommand::Ask { question } => crate::reviews::ask(app, question, json).await?,
        AppCommand::Notifications { dismiss } => crate::reviews::notifications(app, dismiss, json).await?,
    }
    Ok(())
}

/// Shows only the ends of an ID number, as the app does on screen.
pub(crate) fn mask(id: &str) -> String {
    onego_protocol::ids::IdNumber::parse(id).map_or_else(|_| "****".into(), |i| i.masked())
}

pub(crate) fn print_guide(guide: &Guide) {
    match guide {
        Guide::Bundle(b) => {
            println!("【一件事】{}  ({})", b.bundle.name, b.bundle.name_en);
            println!("{}", b.bundle.summary);
            println!("承诺办结 / promised: {} 个工作日", b.bundle.promised_limit_days);
            println!("引导问题 / questions:");
            for q in &b.bundle.questions {
                println!("  · {}", q.text);
            }
            println!("包含事项 / matters:");
            for member in &b.members {
                println!("  · {}（{}）", member.matter.name, member.department_name);
            }
        }
        Guide::Matter(g) => {
            let m = &g.matter;
            println!("【事项】{}  ({})", m.name, m.name_en);
            println!("{}", m.summary);
            if let Some(d) = &g.department {
                println!("实施部门 / department: {}  电话 {}", d.name, d.phone);
            }
            if let Some(s) = g.satisfaction.as_ref().filter(|s| s.reviews > 0) {
                println!(
                    "好差评 / reviews: 好评率 {:.0}%，差评率 {:.0}%（{} 条）",
                    s.good_rate * 100.0,
                    s.bad_rate * 100.0,
                    s.reviews
                );
            }
            println!(
                "法定时限 {} 个工作日，承诺时限 {}，跑动次数 {}，{}",
                m.legal_limit_days,
                if m.promised_limit_days == 0 {
                    "即办".to_owned()
                } else {
                    format!("{} 个工作日", m.promised_limit_days)
                },
                m.visits,
                m.fee
            );
            println!("设定依据 / legal basis: {}", m.legal_basis);
            println!(
                "办理情形 / situations: {}",
                m.situations.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("、")
            );
            println!("申请材料 / materials:");
            for mat in &m.materials {
                let how: Vec<String> = mat
                    .sources
                    .iter()
                    .map(|s| match s {
                        onego_protocol::api::MaterialSource::Licence { .. } => "电子证照免交".to_owned(),
                        onego_protocol::api::MaterialSource::SharedData { .. } => "部门共享获取".to_owned(),
                        onego_protocol::api::MaterialSource::Upload => "上传".to_owned(),
                        onego_protocol::api::MaterialSource::Commitment => "告知承诺".to_owned(),
                    })
                    .collect();
                println!("  · {}（{}）", mat.name, how.join(" / "));
            }
            println!("线下办理 / in person:");
            for h in &g.halls {
                println!("  · {}，{}，{}，电话 {}", h.name, h.address, h.opening_hours, h.phone);
            }
            for bundle in &g.in_bundles {
                println!("也可在「{}」中一次办理 ({})", bundle.name, bundle.id);
            }
        }
    }
}
