//! The phone's database: SQLite in WAL mode, `user_version` migrations, sealed personal fields, and recovery
//! from a corrupt file.
//!
//! Pragmas (see application-services' db-pragmas notes): `journal_mode=WAL` so reads never wait for a sync
//! writing; `synchronous=NORMAL`, durable across app crashes (WAL) and cheap; `foreign_keys=ON`;
//! `temp_store=MEMORY` so sorting spills nothing personal to temp files; `secure_delete=ON` so deleted personal
//! data is overwritten rather than left in free pages.

mod migrations;
pub(crate) mod seal;

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{CoreError, CoreResult};
use crate::secrets::{SecretStore, keys};
use seal::Sealer;

const DB_FILE: &str = "onego.db";

/// What happened while opening the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OpenReport {
    /// The file was unreadable; it was set aside under this name and a new one started.
    pub recovered_from: Option<PathBuf>,
    /// The sealing key was missing, so sealed personal data that could no longer be read was dropped.
    pub key_reset: bool,
}

#[derive(Clone)]
pub(crate) struct Store {
    conn: Arc<Mutex<Connection>>,
    sealer: Arc<Sealer>,
    /// Written when a query meets corruption, so the next start checks and, if need be, recovers the file.
    marker: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store(..)")
    }
}

fn open_conn(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let _: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    Ok(conn)
}

/// Opens and checks the database; a file SQLite cannot read is not fatal.
/// Opens the database. A full `quick_check` (which also re-reads both FTS indexes: ~200 ms for a 10k catalog)
/// runs only when the last session saw corruption (`check_marker`); otherwise reading the schema is enough to
/// catch a file that is not a database, and corruption met later marks the file for a check at the next start.
fn open_checked(path: &Path, full_check: bool) -> rusqlite::Result<Connection> {
    let mut conn = open_conn(path)?;
    let _: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if full_check {
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("quick_check: {check}")),
            ));
        }
    }
    migrations::run(&mut conn)?;
    Ok(conn)
}

/// A file whose presence asks the next open for a full integrity check.
fn check_marker(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("{DB_FILE}.check"))
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

impl Store {
    /// Opens the database under `data_dir`, creating it, migrating it, or starting afresh from a corrupt file.
    pub(crate) fn open(data_dir: &Path, secrets: &dyn SecretStore, now_ms: i64) -> CoreResult<(Self, OpenReport)> {
        std::fs::create_dir_all(data_dir).map_err(|e| CoreError::Storage(format!("data dir: {e}")))?;
        let path = data_dir.join(DB_FILE);
        let mut report = OpenReport::default();
        let marker = check_marker(data_dir);
        let conn = match open_checked(&path, marker.exists()) {
            Ok(c) => c,
            Err(e) if is_corruption(&e) => {
                // Keep the unreadable file for support; the catalog comes back with the next sync.
                let aside = data_dir.join(format!("{DB_FILE}.corrupt-{now_ms}"));
                tracing::warn!(error = %e, "database unreadable; starting a new one");
                std::fs::rename(&path, &aside).map_err(|e| CoreError::Storage(format!("set aside: {e}")))?;
                for suffix in ["-wal", "-shm"] {
                    let side = data_dir.join(format!("{DB_FILE}{suffix}"));
                    if side.exists() {
                        let _ = std::fs::rename(&side, data_dir.join(format!("{DB_FILE}.corrupt-{now_ms}{suffix}")));
                    }
                }
                report.recovered_from = Some(aside);
                open_checked(&path, false)?
            }
            Err(e) => return Err(e.into()),
        };
        let key = secrets.get(keys::DB_KEY.into()).map_err(|e| CoreError::Secret(e.reason().to_owned()))?;
        let key = match key {
            Some(k) => k,
            None => {
                let k = Sealer::generate_key()?;
                secrets.set(keys::DB_KEY.into(), k.clone()).map_err(|e| CoreError::Secret(e.reason().to_owned()))?;
                let dropped = conn.execute("DELETE FROM sealed", [])?;
                report.key_reset = dropped > 0;
                k
            }
        };
        let _ = std::fs::remove_file(&marker);
        let store = Self { conn: Arc::new(Mutex::new(conn)), sealer: Arc::new(Sealer::new(&key)?), marker };
        Ok((store, report))
    }

    /// Runs database work on a blocking thread, never on an async worker.
    pub(crate) async fn run<T, F>(&self, work: F) -> CoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &Sealer) -> CoreResult<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let sealer = Arc::clone(&self.sealer);
        let marker = self.marker.clone();
        // Boxed and type-erased: tokio's blocking-task machinery is then compiled once, not once per call site
        // (a few kilobytes each, a large share of the phone library otherwise).
        let job: Box<dyn FnOnce() -> Box<dyn Any + Send> + Send> = Box::new(move || {
            let result = (|| {
                let mut conn = conn.lock().map_err(|_| CoreError::Internal("database lock poisoned".into()))?;
                let result = work(&mut conn, &sealer);
                if let Err(CoreError::Db(e)) = &result
                    && is_corruption(e)
                {
                    tracing::warn!("database corruption met; the next start checks the file");
                    let _ = std::fs::write(&marker, b"");
                }
                result
            })();
            Box::new(result)
        });
        let done =
            tokio::task::spawn_blocking(job).await.map_err(|e| CoreError::Internal(format!("database task: {e}")))?;
        match done.downcast::<CoreResult<T>>() {
            Ok(result) => *result,
            Err(_) => Err(CoreError::Internal("database task returned another type".into())),
        }
    }
}

impl Store {
    /// Runs database work on the calling thread: only for `Onego::open`, which is synchronous and off the UI
    /// thread by contract.
    pub(crate) fn run_blocking<T>(
        &self,
        work: impl FnOnce(&mut Connection, &Sealer) -> CoreResult<T>,
    ) -> CoreResult<T> {
        let mut conn = self.conn.lock().map_err(|_| CoreError::Internal("database lock poisoned".into()))?;
        work(&mut conn, &self.sealer)
    }
}

/// Small key-value settings (catalog version, etag, sync times).
pub(crate) fn kv_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM kv WHERE key = ?1", [key], |r| r.get(0)).optional()
}

pub(crate) fn kv_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// Stores a sealed personal value.
pub(crate) fn put_sealed(conn: &Connection, sealer: &Sealer, key: &str, plain: &[u8]) -> CoreResult<()> {
    let blob = sealer.seal(key, plain)?;
    conn.execute(
        "INSERT INTO sealed (key, blob) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET blob = excluded.blob",
        rusqlite::params![key, blob],
    )?;
    Ok(())
}

pub(crate) fn get_sealed(conn: &Connection, sealer: &Sealer, key: &str) -> CoreResult<Option<Vec<u8>>> {
    let blob: Option<Vec<u8>> =
        conn.query_row("SELECT blob FROM sealed WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    blob.map(|b| sealer.open(key, &b)).transpose()
}

/// The current schema on an in-memory database, for unit tests.
#[cfg(test)]
pub(crate) fn test_schema(conn: &mut Connection) {
    migrations::run(conn).expect("schema");
}
