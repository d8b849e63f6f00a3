//! Application budgets (DESIGN §10): plan and pre-fill 出生一件事 offline; submit → 秒批 → licence in the wallet
//! over loopback; draining an outbox of 1,000 queued submissions.
//!
//! The sandbox platform runs in-process on the bench's tokio runtime (loopback HTTP). Run with
//! `cargo bench -p onego-core --bench applications` (about a minute and a half on two cores). Criterion measures
//! the offline part; the two end-to-end figures are timed by hand (50 runs, median and p95; one drain) and
//! printed with `eprintln!`.
//!
//! - Submit → licence: each run is a new application of 出生一件事 for 陈静 (the platform allows one child per
//!   application and does not refuse a second birth for the same mother, so one platform serves all 50 runs;
//!   her wallet grows by the new licences each run). Timed from `submit` to the run's 出生医学证明 being in the
//!   wallet: submit (local commit, signed presentations), `deliver_outbox`, then `sync_applications` until the
//!   licence has arrived.
//! - Drain: 1,000 住房公积金租房提取 (a single matter decided by rules on arrival) queued while the platform is
//!   unreachable, then one `deliver_outbox` with the platform back.

// A benchmark cannot do anything useful when its setup fails; `expect` with a reason is the clearest exit.
#![allow(clippy::expect_used)]

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use onego_core::{AccountKind, AnswerValue, Config, MemorySecretStore, Onego, SecretStore};
use onego_platform::{PlatformConfig, RunningPlatform};
use tokio::runtime::Runtime;

const JING: &str = "13800000001";
const RUNS: usize = 50;
const QUEUED: usize = 1_000;
const BIRTH_LICENCE: &str = "出生医学证明";

fn answers() -> Vec<(&'static str, AnswerValue)> {
    vec![
        ("born", AnswerValue::Bool(true)),
        ("hukou_with", AnswerValue::Text("随母亲".into())),
        ("mother_insured", AnswerValue::Bool(false)),
        ("need_ssc", AnswerValue::Bool(true)),
        ("birth_registered", AnswerValue::Bool(true)),
    ]
}

const FIELDS: [(&str, &str); 5] = [
    ("child.name", "王小满"),
    ("vaccination.clinic", "西湖区北山街道社区卫生服务中心"),
    ("insured.category", "新生儿"),
    ("ssc.bank", "杭州银行"),
    ("bank.account", "6222330000000007919"),
];

struct Env {
    rt: Runtime,
    platform: RunningPlatform,
    dir: tempfile::TempDir,
    secrets: Arc<MemorySecretStore>,
}

impl Env {
    fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("bench runtime");
        let platform = rt.block_on(RunningPlatform::start(PlatformConfig::default())).expect("platform starts");
        let env = Self { rt, platform, dir: tempfile::tempdir().expect("temp dir"), secrets: Arc::default() };
        let app = env.open(&env.platform.url());
        env.rt.block_on(async {
            app.sign_in(JING.into(), "123456".into(), AccountKind::Citizen).await.expect("sign in");
            app.sync_catalog().await.expect("catalog");
            app.refresh_wallet().await.expect("wallet");
        });
        env
    }

    fn open(&self, url: &str) -> Onego {
        let secrets: Arc<dyn SecretStore> = Arc::<MemorySecretStore>::clone(&self.secrets);
        let mut config = Config::new(self.dir.path(), url);
        config.request_timeout = Duration::from_secs(10);
        Onego::open(config, secrets).expect("core opens")
    }

    /// The same data directory against a port nothing listens on: proof the work needs no network.
    fn open_offline(&self) -> Onego {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", l.local_addr().expect("addr"));
        drop(l);
        self.open(&url)
    }
}

async fn birth_draft(app: &Onego) -> String {
    let mut d = app.start_draft("bundle-birth".into(), None).await.expect("draft");
    for (q, v) in answers() {
        d = app.answer(d.id.clone(), q.into(), v).await.expect("answer");
    }
    for (k, v) in FIELDS {
        d = app.set_field(d.id.clone(), k.into(), v.into()).await.expect("field");
    }
    assert!(d.errors.is_empty(), "complete: {:?}", d.errors);
    d.id
}

async fn rent_draft(app: &Onego) -> String {
    let mut d = app.start_draft("zj-gjj-withdraw-rent".into(), None).await.expect("draft");
    for (k, v) in
        [("withdraw.frequency", "按月提取"), ("bank.account", "6222330000000007919"), ("bank.name", "杭州银行")]
    {
        d = app.set_field(d.id.clone(), k.into(), v.into()).await.expect("field");
    }
    assert!(d.errors.is_empty(), "complete: {:?}", d.errors);
    d.id
}

/// (a) Offline: the plan alone, and a fresh draft pre-filled and completed (start + 5 answers + 5 fields, each
/// saved in its own transaction and replanned, as a phone does on every tap).
fn offline(c: &mut Criterion, env: &Env) {
    let app = env.open_offline();
    let plan_answers: HashMap<String, AnswerValue> = answers().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let mut group = c.benchmark_group("applications");
    group.sample_size(50).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    group.bench_function("plan_birth_offline", |b| {
        b.iter(|| {
            let plan = env.rt.block_on(app.plan("bundle-birth".into(), plan_answers.clone())).expect("plan");
            black_box(plan)
        });
    });
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    group.bench_function("prefill_birth_draft_offline", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let id = env.rt.block_on(birth_draft(&app));
                total += start.elapsed();
                env.rt.block_on(app.discard_draft(id)).expect("discard");
            }
            total
        });
    });
    group.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    // Nearest rank.
    let rank = (p * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// (b) Submit → 秒批 → the new 出生医学证明 in the wallet, over loopback, 50 runs.
fn submit_to_licence(env: &Env) {
    let app = env.open(&env.platform.url());
    let mut times = Vec::with_capacity(RUNS);
    let mut polls = 0_usize;
    for run in 0..RUNS {
        let id = env.rt.block_on(birth_draft(&app));
        let before =
            env.rt.block_on(app.licences()).expect("licences").iter().filter(|l| l.name == BIRTH_LICENCE).count();
        let start = Instant::now();
        env.rt.block_on(async {
            app.submit(id.clone(), true).await.expect("submit");
            let report = app.deliver_outbox().await.expect("deliver");
            assert_eq!(report.delivered, 1, "run {run}: {report:?}");
            loop {
                polls += 1;
                app.sync_applications().await.expect("sync");
                let now = app.licences().await.expect("licences").iter().filter(|l| l.name == BIRTH_LICENCE).count();
                if now > before {
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(30), "run {run}: no licence");
            }
        });
        times.push(start.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len()).expect("runs");
    eprintln!(
        "submit → 秒批 → licence in wallet ({RUNS} runs, {polls} syncs): median {:.1?}, p95 {:.1?}, min {:.1?}, \
         max {:.1?}, mean {mean:.1?}",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[0],
        times[times.len() - 1],
    );
}

/// (c) 1,000 submissions queued offline, then drained in one delivery.
fn drain(env: &Env) {
    let offline = env.open_offline();
    let start = Instant::now();
    env.rt.block_on(async {
        for _ in 0..QUEUED {
            let id = rent_draft(&offline).await;
            offline.submit(id, true).await.expect("queued offline");
        }
    });
    let queued_in = start.elapsed();
    drop(offline);
    let app = env.open(&env.platform.url());
    let start = Instant::now();
    let report = env.rt.block_on(app.deliver_outbox()).expect("drain");
    let drained_in = start.elapsed();
    assert_eq!(report.delivered, i32::try_from(QUEUED).expect("count"), "{report:?}");
    let pending = env
        .rt
        .block_on(app.outbox())
        .expect("outbox")
        .iter()
        .filter(|i| i.state == onego_core::OutboxState::Pending)
        .count();
    assert_eq!(pending, 0);
    let per = drained_in / u32::try_from(QUEUED).expect("count");
    eprintln!(
        "outbox: {QUEUED} 住房公积金租房提取 drafted+queued offline in {queued_in:.1?}; drained in {drained_in:.2?} \
         ({per:.2?} per submission, {:.0} per second)",
        QUEUED as f64 / drained_in.as_secs_f64()
    );
}

fn main() {
    let env = Env::start();
    let mut c = Criterion::default().configure_from_args();
    offline(&mut c, &env);
    submit_to_licence(&env);
    drain(&env);
    c.final_summary();
}
