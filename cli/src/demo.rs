//! `onego demo`: the sandbox platform and a citizen's phone, side by side, in one transcript.

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use onego_core::{AccountKind, Config, Guide, MemorySecretStore, Onego, OnegoError, SearchHit};
use onego_platform::{PlatformConfig, RunningPlatform};

struct Transcript {
    steps: Vec<(String, bool, u128)>,
}

impl Transcript {
    /// Runs one step, prints its story and records ✔/✘ with its time.
    async fn step<T, F>(&mut self, title: &str, work: F) -> Option<T>
    where
        F: Future<Output = Result<T, String>>,
    {
        println!("\n── {} ──", title);
        let start = Instant::now();
        let result = work.await;
        let ms = start.elapsed().as_millis();
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
            println!("{} {title}  ({ms} ms)", if *ok { "✔" } else { "✘" });
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

fn e2s(e: OnegoError) -> String {
    e.to_string()
}

async fn search_step(t: &mut Transcript, app: &Onego, phrase: &str, expect: &str) {
    let title = format!("搜索「{phrase}」/ search “{phrase}”");
    t.step(&title, async {
        let hits = app.search(phrase.to_owned(), 10).await.map_err(e2s)?;
        show_hits(&hits, 3);
        match hits.first() {
            Some(h) if h.name.contains(expect) || h.id == expect => Ok(()),
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

    let platform = t
        .step("启动沙箱平台 / start the sandbox platform", async {
            let config = PlatformConfig { data_dir: Some(platform_dir.path().to_owned()), ..Default::default() };
            let p = RunningPlatform::start(config).await.map_err(|e| e.to_string())?;
            println!("   platform on {} (its own SQLite database, real HTTP)", p.url());
            Ok(p)
        })
        .await;
    let Some(platform) = platform else { return t.finish() };

    let app = t
        .step("打开手机端核心 / open the phone's core", async {
            let config = Config::new(phone_dir.path(), platform.url());
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
                for (m, dept) in &b.members {
                    println!("   · {}（{}，承诺 {} 个工作日）", m.name, dept, m.promised_limit_days);
                }
                Ok(())
            }
            Guide::Matter(_) => Err("expected a bundle".into()),
        }
    })
    .await;

    platform.shutdown().await;
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
    search_step(&mut t, &app, "医保", "医保").await;
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
