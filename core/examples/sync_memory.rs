//! Peak memory of one full catalog sync (DESIGN §10: ≤ 64 MiB), measured in a process of its own.
//!
//! The platform runs in another process so its memory is not counted:
//!
//! ```sh
//! cargo run -p onego --release -- serve --addr 127.0.0.1:18080 --catalog-scale 10000 &
//! cargo run -p onego-core --release --example sync_memory -- http://127.0.0.1:18080
//! ```
//!
//! Prints the process's peak resident set (`VmHWM` in `/proc/self/status`, Linux only) after opening the core
//! and after the first full sync, and how long the sync took.

// A measuring tool has nothing sensible to do when its setup fails; `expect` with a reason is the clearest exit.
#![allow(clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use onego_core::{Config, MemorySecretStore, Onego};

/// A `kB` field of `/proc/self/status`, such as `VmHWM` (peak RSS) or `VmRSS`.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn main() {
    let url = std::env::args().nth(1).expect("usage: sync_memory <platform url, e.g. http://127.0.0.1:18080>");
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let app = Onego::open(Config::new(dir.path(), url), Arc::new(MemorySecretStore::default())).expect("core opens");
    let hwm_before = status_kib("VmHWM");
    println!("after open:       peak RSS {} (RSS {})", mib(hwm_before), mib(status_kib("VmRSS")));

    let started = Instant::now();
    let report = rt.block_on(app.sync_catalog()).expect("catalog syncs");
    let took = started.elapsed();
    let hwm_after = status_kib("VmHWM");
    let state = rt.block_on(app.catalog_state()).expect("catalog state");
    println!(
        "after full sync:  peak RSS {} (RSS {}: anonymous {}, file-backed {}, shared {})",
        mib(hwm_after),
        mib(status_kib("VmRSS")),
        mib(status_kib("RssAnon")),
        mib(status_kib("RssFile")),
        mib(status_kib("RssShmem"))
    );
    println!(
        "sync: full={} upserted={} version={} items={} in {:.2?}",
        report.full, report.upserted, report.version, state.items, took
    );
    if let (Some(before), Some(after)) = (hwm_before, hwm_after) {
        println!("peak RSS grew by {:.1} MiB during the sync", after.saturating_sub(before) as f64 / 1024.0);
    }
    let db = std::fs::metadata(dir.path().join("onego.db")).map(|m| m.len()).unwrap_or(0);
    let wal = std::fs::metadata(dir.path().join("onego.db-wal")).map(|m| m.len()).unwrap_or(0);
    println!("database file {:.1} MiB, WAL {:.1} MiB", db as f64 / 1048576.0, wal as f64 / 1048576.0);
}
