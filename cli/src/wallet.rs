//! `onego app wallet …` and `onego verify …`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use onego_core::{Expectation, LicenceState, Locale, Onego, OnegoError, PresentRequest, Purpose, Verdict};

#[derive(Subcommand)]
pub(crate) enum WalletCommand {
    /// Fetches licences (bound to this device's key), the trust list and status lists.
    Refresh,
    /// The licences with their status and when it was checked.
    List,
    /// One licence with all its claims.
    Show { id: String },
    /// 亮证: a presentation for a purpose, printed as text and as a QR code.
    Present {
        id: String,
        /// age-check, identity-check, hotel-check-in, business-licence-check, driving-check (or 年龄核验 …).
        #[arg(long)]
        purpose: String,
        /// Changes to the purpose's claims: `+address,-gender`.
        #[arg(long, default_value = "")]
        claims: String,
        #[arg(long)]
        aud: Option<String>,
        #[arg(long)]
        nonce: Option<String>,
    },
    /// 用证记录: every use of a licence (checked for tampering).
    Log,
    /// Writes the cached trust list (a JWS) to a file, for `onego verify --trust`.
    ExportTrust { file: std::path::PathBuf },
}

/// The core's wording for a licence state, in both languages (the desktop shell is bilingual).
pub(crate) fn state_text(s: LicenceState) -> String {
    format!("{} {}", s.label(Locale::ZhCn), s.label(Locale::En).to_lowercase())
}

pub(crate) fn checked_text(ms: Option<i64>) -> String {
    ms.map_or_else(|| "从未核验 never checked".into(), |ms| format!("核验于 checked {}", time_text(ms)))
}

fn time_text(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let day = onego_protocol::time::date_from_unix_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!("{day} {:02}:{:02}:{:02} CST", t / 3600, t % 3600 / 60, t % 60)
}

pub(crate) async fn run(app: &Onego, cmd: WalletCommand, json: bool) -> Result<(), OnegoError> {
    match cmd {
        WalletCommand::Refresh => {
            let r = app.refresh_wallet().await?;
            crate::app::print(json, &r, |r| {
                println!(
                    "证照已更新 / wallet refreshed: {} new, {} renewed, trust list #{}, {} status lists checked",
                    r.added, r.renewed, r.trust_list_sequence, r.status_lists_checked
                );
            });
        }
        WalletCommand::List => {
            let list = app.licences().await?;
            crate::app::print(json, &list, |list| {
                for l in list {
                    println!(
                        "{}  {}  [{}·{}]  {}，{}  (id {})",
                        l.name,
                        state_text(l.state),
                        l.province,
                        l.issuer_name,
                        checked_text(l.checked_at_ms),
                        if l.valid_until.is_empty() {
                            "长期".into()
                        } else {
                            format!("有效期至 {}", l.valid_until)
                        },
                        l.id
                    );
                }
            });
        }
        WalletCommand::Show { id } => {
            let v = app.licence(id).await?;
            crate::app::print(json, &v, |v| {
                println!(
                    "{}  {}  {}",
                    v.summary.name,
                    state_text(v.summary.state),
                    checked_text(v.summary.checked_at_ms)
                );
                if let Some(p) = &v.trust_problem {
                    println!("⚠ {p}");
                }
                for c in &v.claims {
                    println!("  {}: {}", c.label, c.value);
                }
            });
        }
        WalletCommand::Present { id, purpose, claims, aud, nonce } => {
            let purpose = Purpose::parse(&purpose).ok_or_else(|| OnegoError::Validation {
                field: "purpose".into(),
                message: "未知用途 / unknown purpose: age-check, identity-check, hotel-check-in, business-licence-check, driving-check".into(),
            })?;
            let (mut add, mut remove) = (Vec::new(), Vec::new());
            for c in claims.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                match c.strip_prefix('-') {
                    Some(r) => remove.push(r.to_owned()),
                    None => add.push(c.trim_start_matches('+').to_owned()),
                }
            }
            let p = app.present(PresentRequest { licence_id: id, purpose, add, remove, aud, nonce }).await?;
            crate::app::print(json, &p, |p| {
                println!("出示 / disclosing: {}", p.disclosed.join(", "));
                println!("有效至 / valid until {}", time_text(p.expires_at_ms));
                match &p.qr {
                    Some(q) => {
                        println!("QR version {} (level {}), {} bytes:", q.version, q.ec_level, p.bytes);
                        print!("{}", q.to_unicode());
                    }
                    None => println!("(too long for one QR code: {} bytes)", p.bytes),
                }
                println!("{}", p.text);
            });
        }
        WalletCommand::ExportTrust { file } => {
            let jws = app.trust_list_jws().await?.ok_or_else(|| OnegoError::NotFound {
                message: "还没有信任列表，请先刷新证照 / no trust list yet: run wallet refresh first".into(),
            })?;
            std::fs::write(&file, jws).map_err(|e| OnegoError::Storage { message: e.to_string() })?;
            crate::app::print(json, &serde_json::json!({ "written": file }), |_| {
                println!("written {}", file.display())
            });
        }
        WalletCommand::Log => {
            let log = app.usage_log().await?;
            crate::app::print(json, &log, |log| {
                if log.is_empty() {
                    println!("暂无用证记录 / no uses yet");
                }
                for e in log {
                    println!(
                        "#{} {} {} {}（{}）→ {}: {}",
                        e.seq,
                        time_text(e.at_ms),
                        e.licence_name,
                        e.kind,
                        e.purpose,
                        e.recipient,
                        e.claims.join(", ")
                    );
                }
                println!("记录完整，未被篡改 / the log's hash chain is intact");
            });
        }
    }
    Ok(())
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The presentation text (or use --file).
    text: Option<String>,
    #[arg(long)]
    file: Option<std::path::PathBuf>,
    /// A trust list (JWS) file; it must verify with the pinned national anchor.
    #[arg(long)]
    trust: Option<std::path::PathBuf>,
    /// Trust an issuer's JWKS explicitly (a credential from outside the trust list).
    #[arg(long)]
    issuer_jwks: Option<std::path::PathBuf>,
    #[arg(long)]
    aud: Option<String>,
    #[arg(long)]
    nonce: Option<String>,
    /// Verify as of this Unix time (seconds).
    #[arg(long)]
    at: Option<i64>,
    #[arg(long)]
    json: bool,
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map(|s| s.trim().to_owned()).map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn print_verdict(v: &Verdict) {
    if v.valid {
        println!("✔ 核验通过 / VALID — {}（{}·{}）", v.licence_name, v.province, v.issuer_name);
    } else {
        println!("✘ 核验不通过 / INVALID — {}", v.reason.as_deref().unwrap_or("unknown reason"));
    }
    if v.valid
        && let Some(r) = &v.reason
    {
        println!("  ⚠ {r}");
    }
    println!("  状态 / status: {}，{}", state_text(v.state), checked_text(v.status_checked_at_ms));
    for c in &v.claims {
        println!("  {}: {}", c.label, c.value);
    }
}

pub(crate) fn verify_cmd(args: VerifyArgs) -> ExitCode {
    let outcome = (|| -> Result<Verdict, String> {
        let text = match (&args.text, &args.file) {
            (Some(t), _) => t.trim().to_owned(),
            (None, Some(f)) => read(f)?,
            (None, None) => return Err("give the presentation text or --file".into()),
        };
        let trust = args.trust.as_deref().map(read).transpose()?;
        let jwks = match &args.issuer_jwks {
            Some(p) => {
                let raw = read(p)?;
                let value: serde_json::Value = serde_json::from_str(&raw).map_err(|e| format!("issuer JWKS: {e}"))?;
                // Accept a bare JWKS or issuer metadata that carries one.
                let jwks = value.get("jwks").cloned().unwrap_or(value);
                Some(serde_json::from_value(jwks).map_err(|e| format!("issuer JWKS: {e}"))?)
            }
            None => None,
        };
        let anchor_json: serde_json::Value =
            serde_json::from_str(onego_core::SANDBOX_TRUST_ANCHOR).map_err(|e| e.to_string())?;
        let anchor = onego_protocol::sdjwt::Jwk::from_json(&anchor_json).map_err(|e| e.to_string())?;
        let now_ms = args.at.map_or_else(
            || {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
            },
            |at| at * 1000,
        );
        let expect = Expectation { aud: args.aud.clone(), nonce: args.nonce.clone() };
        onego_core::verify_standalone(&text, trust.as_deref(), &anchor, jwks.as_ref(), &expect, now_ms)
    })();
    match outcome {
        Ok(v) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                print_verdict(&v);
            }
            if v.valid { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("onego verify: {e}");
            ExitCode::from(2)
        }
    }
}
