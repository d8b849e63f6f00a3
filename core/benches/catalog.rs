//! Catalog budgets (DESIGN §10) on a 10,000-matter synthetic catalog: full sync, 100-change delta, search, and
//! cold open to the first search result.
//!
//! The sandbox platform runs in-process on the bench's own tokio runtime; the core runs on its own runtime, as
//! it does in the apps. Run with
//! `cargo bench -p onego-core --bench catalog -- --warm-up-time 1 --measurement-time 3` (about 2–3 minutes on
//! two cores). Besides criterion's estimates it prints a search p95 over all queries (`eprintln!`), which is
//! the number the budget is about.

// A benchmark cannot do anything useful when its setup fails; `expect` with a reason is the clearest exit.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode};
use onego_core::{Config, MemorySecretStore, Onego, SecretStore};
use onego_platform::{PlatformConfig, RunningPlatform};
use tokio::runtime::Runtime;

/// Synthetic matters on top of the ~80 seeded ones.
const SCALE: usize = 10_000;
/// Matters changed per delta.
const DELTA: usize = 100;
/// Rounds of the non-criterion p95 loop over all queries.
const P95_ROUNDS: usize = 50;

/// What citizens type: 1 to 6 Chinese characters, and English.
const QUERIES: [&str; 20] = [
    "证",
    "社保",
    "医保",
    "公积金",
    "生孩子",
    "营业执照",
    "出生一件事",
    "居民身份证换领",
    "取公积金",
    "开公司",
    "驾驶证",
    "户口",
    "退休",
    "结婚登记",
    "social security",
    "business licence",
    "birth",
    "passport",
    "审批",
    "提取",
];

struct Env {
    rt: Runtime,
    platform: RunningPlatform,
    matter_ids: Vec<String>,
}

impl Env {
    fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("bench runtime");
        let started = Instant::now();
        let platform = rt
            .block_on(RunningPlatform::start(PlatformConfig { catalog_scale: SCALE, ..Default::default() }))
            .expect("sandbox platform starts");
        let matter_ids = rt.block_on(platform.staff().matter_ids()).expect("matter ids");
        eprintln!(
            "platform seeded with {} matters in {:.1?} at {}",
            matter_ids.len(),
            started.elapsed(),
            platform.url()
        );
        assert!(matter_ids.len() >= SCALE, "the synthetic catalog is there");
        Self { rt, platform, matter_ids }
    }

    fn open(&self, dir: &std::path::Path, secrets: &Arc<MemorySecretStore>) -> Onego {
        let secrets: Arc<dyn SecretStore> = Arc::<MemorySecretStore>::clone(secrets);
        Onego::open(Config::new(dir, self.platform.url()), secrets).expect("core opens")
    }

    fn sync(&self, app: &Onego) -> onego_core::SyncReport {
        self.rt.block_on(app.sync_catalog()).expect("catalog syncs")
    }

    fn search(&self, app: &Onego, query: &str) -> usize {
        self.rt.block_on(app.search(query.to_owned(), 10)).expect("search").len()
    }
}

/// Fresh data dir, open, first full sync: HTTP fetch + JSON decode + import + FTS rebuild.
fn full_sync(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, env: &Env) {
    group.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(12));
    group.bench_function("full_sync_10k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().expect("temp dir");
                let secrets = Arc::new(MemorySecretStore::default());
                let start = Instant::now();
                let app = env.open(dir.path(), &secrets);
                let report = env.sync(&app);
                total += start.elapsed();
                assert!(report.full && report.upserted as usize >= SCALE, "a full sync: {report:?}");
                drop(app);
                drop(dir);
            }
            total
        });
    });
}

/// The current catalog epoch, from the ETag (`"<epoch>.<version>"`) of one full fetch.
fn catalog_epoch(env: &Env, http: &reqwest::Client) -> String {
    let res = env.rt.block_on(http.get(format!("{}/v1/catalog", env.platform.url())).send()).expect("catalog fetch");
    let tag = res.headers().get("etag").and_then(|v| v.to_str().ok()).expect("an ETag").trim_matches('"').to_owned();
    tag.rsplit_once('.').map(|(epoch, _)| epoch.to_owned()).expect("ETag is epoch.version")
}

/// Where a delta's time goes, outside criterion: the platform building and sending the 100 changes (a raw
/// GET, not decoded) against the whole `sync_catalog` (the same GET + decode + apply + commit).
fn delta_breakdown(env: &Env, app: &Onego, round: &mut usize) {
    let http = reqwest::Client::new();
    let epoch = catalog_epoch(env, &http);
    let staff = env.platform.staff();
    let (mut fetch_t, mut sync_t) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        *round += 1;
        let from = (*round * DELTA) % (env.matter_ids.len() - DELTA);
        let ids = env.matter_ids[from..from + DELTA].to_vec();
        let version = env.rt.block_on(staff.edit_matters(ids, format!("bench edit {round}"))).expect("staff edit") - 1;
        let url = format!("{}/v1/catalog", env.platform.url());
        let query = [("since", version.to_string()), ("epoch", epoch.clone())];
        let start = Instant::now();
        let body = env.rt.block_on(async {
            let res = http.get(&url).query(&query).send().await.expect("delta fetch");
            res.bytes().await.expect("delta body")
        });
        fetch_t.push(start.elapsed());
        let start = Instant::now();
        let report = env.sync(app);
        sync_t.push(start.elapsed());
        assert!(!report.full && report.upserted as usize == DELTA, "a 100-change delta: {report:?}");
        black_box(body);
    }
    eprintln!("delta rounds right after a full sync, sync_catalog each: {sync_t:.1?}");
    eprintln!(
        "delta breakdown (median of 15): platform builds + sends the delta (raw GET) {:.2?}; whole sync_catalog {:.2?}",
        median(&mut fetch_t),
        median(&mut sync_t)
    );
}

/// The platform edits 100 matters (not timed), then the synced core pulls the delta (timed).
fn delta(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, env: &Env, app: &Onego) {
    let staff = env.platform.staff();
    let mut round = 0usize;
    delta_breakdown(env, app, &mut round);
    group.sample_size(20).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(3));
    group.bench_function("delta_100", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let from = (round * DELTA) % (env.matter_ids.len() - DELTA);
                let ids = env.matter_ids[from..from + DELTA].to_vec();
                env.rt.block_on(staff.edit_matters(ids, format!("bench edit {round}"))).expect("staff edit");
                let start = Instant::now();
                let report = env.sync(app);
                total += start.elapsed();
                assert!(!report.full && report.upserted as usize == DELTA, "a 100-change delta: {report:?}");
            }
            total
        });
    });
}

/// A synced database on disk; a new core opens it and answers its first search.
fn cold_open(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    env: &Env,
    dir: &std::path::Path,
    secrets: &Arc<MemorySecretStore>,
) {
    // Where the time goes, outside criterion: open alone, then the first search.
    let (mut open_t, mut search_t) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let start = Instant::now();
        let app = env.open(dir, secrets);
        let opened = start.elapsed();
        let hits = env.search(&app, "社保");
        let total = start.elapsed();
        assert!(hits > 0, "社保 finds something");
        open_t.push(opened);
        search_t.push(total - opened);
    }
    eprintln!(
        "cold open breakdown (median of 20): Onego::open {:.2?}, first search(\"社保\") {:.2?}",
        median(&mut open_t),
        median(&mut search_t)
    );

    group.sample_size(30).sampling_mode(SamplingMode::Auto).measurement_time(Duration::from_secs(3));
    group.bench_function("cold_open_to_first_result", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let app = env.open(dir, secrets);
                let hits = env.search(&app, "社保");
                total += start.elapsed();
                black_box(hits);
                drop(app);
            }
            total
        });
    });
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    // Nearest-rank percentile.
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Every query `P95_ROUNDS` times, each call timed on its own; prints the overall and per-query p95.
fn search_p95(env: &Env, app: &Onego, label: &str) {
    let state = env.rt.block_on(app.catalog_state()).expect("catalog state");
    eprintln!("search p95, {label}: {} items, catalog version {:?}", state.items, state.version);
    for q in QUERIES {
        black_box(env.search(app, q));
    }
    let mut all = Vec::with_capacity(QUERIES.len() * P95_ROUNDS);
    let mut per_query: Vec<(&str, Vec<Duration>, usize)> = QUERIES.iter().map(|q| (*q, Vec::new(), 0)).collect();
    for _ in 0..P95_ROUNDS {
        for (q, times, hits) in &mut per_query {
            let start = Instant::now();
            *hits = env.search(app, q);
            let t = start.elapsed();
            times.push(t);
            all.push(t);
        }
    }
    all.sort_unstable();
    eprintln!(
        "search over {} calls ({} queries x {P95_ROUNDS} rounds): p50 {:.2?}, p95 {:.2?}, p99 {:.2?}, max {:.2?}",
        all.len(),
        QUERIES.len(),
        percentile(&all, 50.0),
        percentile(&all, 95.0),
        percentile(&all, 99.0),
        all[all.len() - 1]
    );
    for (_, times, _) in &mut per_query {
        times.sort_unstable();
    }
    per_query.sort_by_key(|(_, times, _)| std::cmp::Reverse(percentile(times, 95.0)));
    eprintln!("per query, slowest first (p50 / p95, hits):");
    for (q, times, hits) in &per_query {
        eprintln!("  {q:<16} {:>9.2?} / {:>9.2?}  {hits} hits", percentile(times, 50.0), percentile(times, 95.0));
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let env = Env::start();

    // One synced data dir for the delta, cold-open and search benches.
    let dir = tempfile::tempdir().expect("temp dir");
    let secrets = Arc::new(MemorySecretStore::default());
    {
        let mut group = c.benchmark_group("catalog");
        full_sync(&mut group, &env);

        let app = env.open(dir.path(), &secrets);
        let started = Instant::now();
        let report = env.sync(&app);
        eprintln!("setup full sync: {report:?} in {:.2?}", started.elapsed());
        search_p95(&env, &app, "right after a full sync (FTS indexes freshly rebuilt)");
        delta(&mut group, &env, &app);
        // Closing checkpoints the WAL, as an app going to the background would.
        drop(app);
        cold_open(&mut group, &env, dir.path(), &secrets);
        group.finish();
    }

    let app = env.open(dir.path(), &secrets);
    search_p95(&env, &app, "after the delta benchmark's incremental FTS updates");
    let mut group = c.benchmark_group("search");
    for q in QUERIES {
        group.bench_with_input(BenchmarkId::from_parameter(q), q, |b, q| b.iter(|| env.search(&app, q)));
    }
    group.finish();
    drop(app);

    c.final_summary();
}
