//! `onego demo`: the sandbox platform and a citizen's phone, side by side, in one transcript.

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use onego_core::{
    AccountKind, Config, Guide, LicenceState, MemorySecretStore, Onego, OnegoError, PresentRequest, Purpose, SearchHit,
};
use onego_platform::{PlatformConfig, RunningPlatform};

use crate::relay::Relay;

pub(crate) struct Transcript {
    steps: Vec<(String, bool, f64)>,
}

impl Transcript {
    /// Runs one step, prints its story and records ✔/✘ with its time.
    pub(crate) async fn step<T, F>(&mut self, title: &str, work: F) -> Option<T>
    where
        F: Future<Output = Result<T, String>>,
    {
        println!("\n── {} ──", title);
        let start = Instant::now();
        let result = work.await;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok(v) => {
                self.steps.push((title.to_owned(), true, ms));
                Some(v)
            }
            Err(e) => {
                println!("   ✘ {e}");
                self.steps.push((title.to_owned(), false, ms));
                None
            }
        }
    }

    fn finish(&self) -> ExitCode {
        println!("\n══ 小结 / Summary ══");
        for (title, ok, ms) in &self.steps {
            println!("{} {title}  ({ms:.1} ms)", if *ok { "✔" } else { "✘" });
        }
        let failed = self.steps.iter().filter(|s| !s.1).count();
        if failed == 0 {
            println!("全部 {} 步成功 / all {} steps passed", self.steps.len(), self.steps.len());
            ExitCode::SUCCESS
        } else {
            println!("{failed} 步失败 / {failed} step(s) failed");
            ExitCode::FAILURE
        }
    }
}

fn show_hits(hits: &[SearchHit], n: usize) {
    if hits.is_empty() {
        println!("   （没有结果 / no results）");
    }
    for (i, h) in hits.iter().take(n).enumerate() {
        let tag = if h.kind == "bundle" { "一件事" } else { "事项" };
        println!("   {}. [{tag}] {}  — {}  (matched by {})", i + 1, h.name, h.name_en, h.matched_by);
    }
}

pub(crate) fn e2s(e: OnegoError) -> String {
    e.to_string()
}

async fn search_step(t: &mut Transcript, app: &Onego, phrase: &str, expect: &str) {
    let title = format!("搜索「{phrase}」/ search “{phrase}”");
    t.step(&title, async {
        let hits = app.search(phrase.to_owned(), 10).await.map_err(e2s)?;
        show_hits(&hits, 3);
        match hits.first() {
            Some(h) if h.name.contains(expect) || h.id.starts_with(expect) => Ok(()),
            _ => Err(format!("expected “{expect}” first")),
        }
    })
    .await;
}

pub(crate) async fn run() -> ExitCode {
    println!("onego demo — 浙里办式「一次办」沙箱演示 / a citizen's phone against the sandbox platform");
    let mut t = Transcript { steps: Vec::new() };
    let Ok(platform_dir) = tempfile::tempdir() else {
        eprintln!("onego demo: cannot create a temporary directory");
        return ExitCode::FAILURE;
    };
    let Ok(phone_dir) = tempfile::tempdir() else {
        eprintln!("onego demo: cannot create a temporary directory");
        return ExitCode::FAILURE;
    };

    let started = t
        .step("启动沙箱平台 / start the sandbox platform", async {
            // The phone reaches the platform through a relay the demo can switch off (airplane mode).
            let (listener, relay_addr) = Relay::bind().await.map_err(|e| e.to_string())?;
            let config = PlatformConfig {
                data_dir: Some(platform_dir.path().to_owned()),
                public_url: Some(format!("http://{relay_addr}")),
                ..Default::default()
            };
            let p = RunningPlatform::start(config).await.map_err(|e| e.to_string())?;
            let relay = Relay::start(listener, p.addr()).await.map_err(|e| e.to_string())?;
            println!("   platform on {} (its own SQLite database, real HTTP)", p.url());
            println!("   the phone's network: {} → platform", relay.url());
            Ok((p, relay))
        })
        .await;
    let Some((platform, relay)) = started else { return t.finish() };

    let app = t
        .step("打开手机端核心 / open the phone's core", async {
            let config = Config::new(phone_dir.path(), relay.url());
            let app = Onego::open(config, Arc::new(MemorySecretStore::default())).map_err(e2s)?;
            println!("   database at {}", phone_dir.path().join("onego.db").display());
            Ok(app)
        })
        .await;
    let Some(app) = app else { return t.finish() };

    t.step("登录（市民 13800000001，验证码 123456）/ sign in as the citizen test account", async {
        app.request_code("13800000001".into(), AccountKind::Citizen).await.map_err(e2s)?;
        app.sign_in("13800000001".into(), "123456".into(), AccountKind::Citizen).await.map_err(e2s)?;
        let p = app.profile().await.map_err(e2s)?;
        println!("   欢迎，{}（{}）", p.name, crate::app::mask(&p.id_number));
        println!(
            "   家庭成员 / family: {}",
            p.family.iter().map(|r| format!("{} {}", r.relation, r.name)).collect::<Vec<_>>().join("，")
        );
        if let Some(due) = &p.expecting_due_date {
            println!("   孕情记录：预产期 {due} —— 出生一件事 will be offered");
        }
        Ok(())
    })
    .await;

    t.step("同步事项目录 / sync the service catalog", async {
        let r = app.sync_catalog().await.map_err(e2s)?;
        let s = app.catalog_state().await.map_err(e2s)?;
        println!(
            "   version {}, {} matters and bundles cached ({})",
            r.version,
            s.items,
            if r.full { "full snapshot" } else { "delta" }
        );
        Ok(())
    })
    .await;

    t.step("再次同步：无变化 / sync again: nothing new (ETag, 304)", async {
        let r = app.sync_catalog().await.map_err(e2s)?;
        println!("   not modified: {}", r.not_modified);
        if r.not_modified { Ok(()) } else { Err("expected 304 Not Modified".into()) }
    })
    .await;

    search_step(&mut t, &app, "生孩子", "出生一件事").await;
    search_step(&mut t, &app, "社保", "社").await;
    search_step(&mut t, &app, "开公司", "企业开办").await;

    t.step("查看办事指南：出生一件事 / the guide of 出生一件事", async {
        let hits = app.search("出生一件事".into(), 1).await.map_err(e2s)?;
        let id = hits.first().map(|h| h.id.clone()).ok_or("出生一件事 not in the catalog")?;
        let guide = app.guide(id).await.map_err(e2s)?;
        match &guide {
            Guide::Bundle(b) => {
                println!("   {}：{}", b.bundle.name, b.bundle.summary);
                for member in &b.members {
                    let m = &member.matter;
                    println!("   · {}（{}，承诺 {} 个工作日）", m.name, member.department_name, m.promised_limit_days);
                }
                Ok(())
            }
            Guide::Matter(_) => Err("expected a bundle".into()),
        }
    })
    .await;

    let shown_elsewhere = wallet_steps(&mut t, &app, &relay).await;

    plan_step(&mut t, &app).await;
    crate::demo_apply::birth_steps(&mut t, &app, &platform, &relay).await;
    crate::demo_apply::review_steps(&mut t, &app, &platform).await;
    crate::demo_apply::business_steps(&mut t, &platform, &relay).await;
    elder_steps(&mut t, &app).await;
    platform.shutdown().await;
    // The platform is gone and so is the network: the phone works from what it holds.
    if let Err(e) = relay.set_online(false).await {
        eprintln!("onego demo: {e}");
    }
    if let Some(text) = shown_elsewhere {
        t.step(
            "断网核验外省证照：江苏签发的身份证 / offline: verify a 江苏-issued ID card in a 浙江 wallet",
            async {
                let v = app.verify_presentation(text, None, None).await.map_err(e2s)?;
                crate::wallet::print_verdict(&v);
                if v.key_bound && v.province == "江苏" && v.valid && v.state == LicenceState::Valid {
                    Ok(())
                } else {
                    Err("the 江苏 licence did not verify offline".into())
                }
            },
        )
        .await;
    }
    t.step("断网后：同步提示离线 / offline: sync says so plainly", async {
        match app.sync_catalog().await {
            Err(e @ OnegoError::Offline { .. }) => {
                println!("   {e}");
                Ok(())
            }
            Err(e) => Err(format!("expected an offline error, got: {e}")),
            Ok(_) => Err("the platform is stopped, yet sync succeeded".into()),
        }
    })
    .await;
    search_step(&mut t, &app, "医保", "zj-ybj-").await;
    crate::demo_apply::assistant_steps(&mut t, &app).await;
    t.step("断网后：办事指南照常 / offline: the guide still opens", async {
        let hits = app.search("公积金提取".into(), 1).await.map_err(e2s)?;
        let id = hits.first().map(|h| h.id.clone()).ok_or("公积金提取 not found offline")?;
        let guide = app.guide(id).await.map_err(e2s)?;
        if let Guide::Matter(g) = &guide {
            println!("   {}：{} 份材料，{} 个办事大厅", g.matter.name, g.matter.materials.len(), g.halls.len());
        }
        Ok(())
    })
    .await;
    t.finish()
}

/// The wallet part of the demo; returns a presentation made on another (江苏-born) citizen's phone.
async fn wallet_steps(t: &mut Transcript, app: &Onego, relay: &Relay) -> Option<String> {
    let ok = t
        .step("领取电子证照 / fetch e-licences (bound to this phone's key)", async {
            let r = app.refresh_wallet().await.map_err(e2s)?;
            println!(
                "   {} licences added; trust list #{}; {} status lists checked",
                r.added, r.trust_list_sequence, r.status_lists_checked
            );
            for l in app.licences().await.map_err(e2s)? {
                println!(
                    "   · {}  {}  [{}·{}]  {}",
                    l.name,
                    crate::wallet::state_text(l.state),
                    l.province,
                    l.issuer_name,
                    crate::wallet::checked_text(l.checked_at_ms)
                );
            }
            Ok(())
        })
        .await;
    ok?;
    let card = app.licences().await.ok()?.into_iter().find(|l| l.vct == onego_protocol::licence::RESIDENT_ID)?;
    let shown = t
        .step(
            "亮证：年龄核验，只出示「年满18周岁」/ show the ID card for an age check, one claim only",
            async {
                let req = PresentRequest {
                    licence_id: card.id.clone(),
                    purpose: Purpose::AgeCheck,
                    add: vec![],
                    remove: vec![],
                    aud: None,
                    nonce: None,
                };
                let p = app.present(req).await.map_err(e2s)?;
                println!("   disclosing only: {}  ({} bytes, valid 30 s)", p.disclosed.join(", "), p.bytes);
                match &p.qr {
                    // Wider than a terminal past version 20; the shells draw the module matrix instead.
                    Some(q) if q.version <= 20 => {
                        println!(
                            "   QR version {} at level {} ({}×{} modules):",
                            q.version, q.ec_level, q.size, q.size
                        );
                        print!("{}", q.to_unicode());
                    }
                    Some(q) => println!(
                        "   QR version {} at level {} ({}×{} modules): over the version-20 target for offline QR; \
                     the compact transport encoding is still to come (see the wallet issue)",
                        q.version, q.ec_level, q.size, q.size
                    ),
                    None => println!("   too long for one QR code"),
                }
                Ok(p.text)
            },
        )
        .await?;
    t.step("核验方扫码（离线）/ verifier mode, offline checks", async {
        let v = app.verify_presentation(shown.clone(), None, None).await.map_err(e2s)?;
        crate::wallet::print_verdict(&v);
        let name_hidden = v.claims.iter().all(|c| c.name != "name" && c.name != "id_number");
        if v.valid && v.state == LicenceState::Valid && name_hidden {
            Ok(())
        } else {
            Err("verdict not as expected".into())
        }
    })
    .await;
    t.step("用证记录（哈希链）/ the usage log, hash-chained", async {
        let log = app.usage_log().await.map_err(e2s)?;
        for e in &log {
            println!("   #{} {}（{}）→ {}: {}", e.seq, e.licence_name, e.purpose, e.recipient, e.claims.join(", "));
        }
        if log.is_empty() { Err("no entry".into()) } else { Ok(()) }
    })
    .await;
    let husband_dir = tempfile::tempdir().ok()?;
    t.step("王磊（南京出生）亮出江苏签发的身份证 / a 江苏-born citizen shows his ID card", async {
        let config = Config::new(husband_dir.path(), relay.url());
        let phone = Onego::open(config, Arc::new(MemorySecretStore::default())).map_err(e2s)?;
        phone.sign_in("13800000011".into(), "123456".into(), AccountKind::Citizen).await.map_err(e2s)?;
        phone.refresh_wallet().await.map_err(e2s)?;
        let card = phone
            .licences()
            .await
            .map_err(e2s)?
            .into_iter()
            .find(|l| l.vct == onego_protocol::licence::RESIDENT_ID)
            .ok_or("no ID card")?;
        println!("   his ID card: {}·{}", card.province, card.issuer_name);
        let req = PresentRequest {
            licence_id: card.id,
            purpose: Purpose::IdentityCheck,
            add: vec![],
            remove: vec![],
            aud: None,
            nonce: None,
        };
        Ok(phone.present(req).await.map_err(e2s)?.text)
    })
    .await
}

/// 长辈版: the phone switched to elder mode, its home screen, and the ageing-friendly audit of every screen as
/// this citizen's data fills it. A step fails on any violation.
async fn elder_steps(t: &mut Transcript, app: &Onego) {
    use onego_core::{ScreenName, ScreenOptions, Setting, audit};
    t.step("切换到长辈版：首页与适老化检查 / elder mode: the home screen and its audit", async {
        let settings = app.set_setting(Setting::ElderMode { on: true }).await.map_err(e2s)?;
        println!("   长辈版已开启 / elder mode on (voice read-out: {})", settings.voice_read_out);
        let home = app.screen(ScreenName::Home, ScreenOptions::default()).await.map_err(e2s)?;
        let violations = audit(&home);
        crate::screen::print_screen(&home, &violations);
        if violations.is_empty() { Ok(()) } else { Err(format!("{} violation(s) on the elder home", violations.len())) }
    })
    .await;
    t.step("长辈版每个页面都通过适老化检查 / every screen passes the audit in elder mode", async {
        let card = app.licences().await.map_err(e2s)?.into_iter().next().map(|l| l.id);
        let (mut failed, mut count, mut total) = (Vec::new(), 0, 0);
        for name in ScreenName::ALL {
            let id = match name {
                ScreenName::Guide | ScreenName::BundleWizard | ScreenName::Plan => Some("bundle-birth".to_owned()),
                ScreenName::Licence | ScreenName::Present => card.clone(),
                _ => None,
            };
            let opts = ScreenOptions { id, query: Some("退休".into()), step: 1, ..ScreenOptions::default() };
            let screen = app.screen(name, opts).await.map_err(e2s)?;
            let v = audit(&screen);
            count += 1;
            total += v.len();
            if !v.is_empty() {
                failed.push(format!("{}: {} violation(s)", name.key(), v.len()));
            }
        }
        println!("   {count} screens built from this phone's data in 长辈版: {total} violation(s)");
        if failed.is_empty() { Ok(()) } else { Err(failed.join("; ")) }
    })
    .await;
}

/// 出生一件事 planned on the phone, offline: what applies, what is pre-filled and what the wallet spares.
async fn plan_step(t: &mut Transcript, app: &Onego) {
    use onego_core::{AnswerValue, Truth};
    t.step("出生一件事：引导问题、免填、免交 / the newborn bundle planned from profile and wallet", async {
        let answers = [
            ("born", AnswerValue::Bool(true)),
            ("hukou_with", AnswerValue::Text("随母亲".into())),
            ("mother_insured", AnswerValue::Bool(true)),
            ("need_ssc", AnswerValue::Bool(true)),
            ("birth_registered", AnswerValue::Bool(true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let plan = app.plan("bundle-birth".into(), answers).await.map_err(e2s)?;
        for m in &plan.matters {
            let mark = match m.applies {
                Truth::True => "✓",
                Truth::False => "✗",
                Truth::Unknown => "?",
            };
            println!("   {mark} {}（{}）", m.name, m.why);
        }
        let prefilled: Vec<&str> = plan.fields.iter().filter(|f| f.value.is_some()).map(|f| f.label.as_str()).collect();
        println!("   免填 / pre-filled: {}", prefilled.join("、"));
        println!("   {}  ({})", plan.summary, plan.summary_en);
        if plan.spared.fields_prefilled > 0 && plan.spared.materials_spared > 0 {
            Ok(())
        } else {
            Err("nothing was spared".into())
        }
    })
    .await;
}
