//! Schema migrations by `PRAGMA user_version`; each step runs in its own transaction.

use rusqlite::Connection;

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a released step; append one.
const STEPS: &[&str] = &[
    // 1: settings, sealed personal values, and the catalog with its two search indexes.
    "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE sealed (key TEXT PRIMARY KEY, blob BLOB NOT NULL);
     CREATE TABLE department (id TEXT PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL);
     CREATE TABLE hall (id TEXT PRIMARY KEY, body TEXT NOT NULL);
     CREATE TABLE synonym (phrase TEXT PRIMARY KEY, terms TEXT NOT NULL);
     CREATE TABLE catalog_item (
         rowid INTEGER PRIMARY KEY,
         id TEXT NOT NULL UNIQUE,
         kind TEXT NOT NULL CHECK (kind IN ('matter', 'bundle')),
         name TEXT NOT NULL,
         name_en TEXT NOT NULL,
         category TEXT NOT NULL,
         department_id TEXT NOT NULL,
         keywords TEXT NOT NULL,
         summary TEXT NOT NULL,
         grams TEXT NOT NULL,
         body TEXT NOT NULL
     );
     -- Chinese substrings of 3+ characters and English words: trigram index over the item's texts.
     CREATE VIRTUAL TABLE item_tri USING fts5 (
         name, name_en, keywords, summary, content = 'catalog_item', content_rowid = 'rowid', tokenize = 'trigram'
     );
     -- Two-character words (社保, 医保, 户口): the trigram index cannot answer them, so every Chinese
     -- character pair of the item's texts is indexed as a token of its own.
     CREATE VIRTUAL TABLE item_bi USING fts5 (
         grams, content = 'catalog_item', content_rowid = 'rowid', tokenize = 'unicode61'
     );",
    // 2: the wallet. The credential (with every personal claim) is sealed; what stays in clear is what the
    // list screen and status checks need and names no person.
    "CREATE TABLE licence (
         id TEXT PRIMARY KEY,
         vct TEXT NOT NULL,
         name TEXT NOT NULL,
         issuer TEXT NOT NULL,
         issuer_name TEXT NOT NULL,
         province TEXT NOT NULL,
         valid_until TEXT NOT NULL,
         exp INTEGER,
         status_uri TEXT,
         status_idx INTEGER,
         credential BLOB NOT NULL,
         -- The ID card's age-only form (sealed), small enough for an offline QR code.
         age_credential BLOB,
         fetched_ms INTEGER NOT NULL
     );
     CREATE TABLE status_list (
         uri TEXT PRIMARY KEY,
         token TEXT NOT NULL,
         fetched_ms INTEGER NOT NULL,
         ttl_s INTEGER NOT NULL
     );
     -- Hash-chained: hash = SHA-256(previous hash ‖ seq ‖ at_ms ‖ sealed entry).
     CREATE TABLE usage_log (
         seq INTEGER PRIMARY KEY,
         at_ms INTEGER NOT NULL,
         entry BLOB NOT NULL,
         hash BLOB NOT NULL
     );",
    // 3: applications. Drafts, outbox bodies and cached applications carry personal data and are sealed; what
    // stays in clear is ids, states and times, which name no person.
    "CREATE TABLE draft (
         id TEXT PRIMARY KEY,
         service_id TEXT NOT NULL,
         delegation_id TEXT,
         state TEXT NOT NULL CHECK (state IN ('editing', 'queued', 'delivered', 'needs_attention')),
         -- Sealed: answers, the citizen's field overrides, the platform's errors, the last online plan.
         body BLOB NOT NULL,
         application_id TEXT,
         created_ms INTEGER NOT NULL,
         updated_ms INTEGER NOT NULL
     );
     CREATE INDEX draft_by_service ON draft (service_id, state, updated_ms);
     -- Writes waiting for the platform, each under its client-chosen idempotency key.
     CREATE TABLE outbox (
         key TEXT PRIMARY KEY,
         draft_id TEXT NOT NULL,
         service_name TEXT NOT NULL,
         body BLOB NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'rejected')),
         attempts INTEGER NOT NULL DEFAULT 0,
         next_attempt_ms INTEGER NOT NULL,
         queued_ms INTEGER NOT NULL,
         last_error TEXT
     );
     CREATE INDEX outbox_due ON outbox (state, next_attempt_ms, queued_ms);
     -- Applications as last seen (sealed); a queued one has a local placeholder `queued-<key>` until delivered.
     CREATE TABLE application (
         id TEXT PRIMARY KEY,
         idempotency_key TEXT NOT NULL,
         body BLOB NOT NULL,
         submitted_ms INTEGER NOT NULL
     );",
    // 4: reviews (好差评). A review's tags and comment are personal and sealed with the rest of it; ids, its
    // delivery state and time stay in clear. Outbox rows now say what they deliver. The satisfaction figures
    // are public and kept in clear; dismissed reminders are kept by their stable id.
    "ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'submission' CHECK (kind IN ('submission', 'review'));
     CREATE TABLE review (
         -- The platform's id, or `queued-<key>` until the platform has it.
         id TEXT PRIMARY KEY,
         -- Reviews filed from this phone: the outbox key they were sent under.
         idempotency_key TEXT UNIQUE,
         application_id TEXT NOT NULL,
         -- '' for a review of the whole bundle.
         matter_id TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('queued', 'filed', 'needs_attention')),
         -- Sealed: the review and, when refused, the platform's reason.
         body BLOB NOT NULL,
         at_ms INTEGER NOT NULL
     );
     CREATE INDEX review_by_subject ON review (application_id, matter_id);
     CREATE TABLE satisfaction (matter_id TEXT PRIMARY KEY, body TEXT NOT NULL);
     CREATE TABLE dismissed_notification (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);",
];

/// Brings the schema up to date.
pub(super) fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?.try_into().unwrap_or(0);
    if current > STEPS.len() {
        // A newer app wrote this file; refuse rather than guess.
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(format!("database schema {current} is newer than this app ({})", STEPS.len())),
        ));
    }
    for (i, step) in STEPS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX))?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrates_once_and_is_idempotent() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        super::run(&mut conn).expect("first");
        super::run(&mut conn).expect("second");
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("version");
        assert_eq!(v, i64::try_from(super::STEPS.len()).expect("len"));
        conn.pragma_update(None, "user_version", 99).expect("set");
        assert!(super::run(&mut conn).is_err(), "a newer schema is refused");
    }
}
