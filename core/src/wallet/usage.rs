//! 用证记录: every use of a licence (shown, attached to an application), appended to a hash-chained log the
//! holder can read and export. Entries are sealed; the chain runs over the sealed bytes so the hashes reveal
//! nothing, and the latest hash is also kept in the secure store so cutting entries off the end shows too.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, CoreResult};
use crate::secrets::{SecretStore, keys};
use crate::store::seal::Sealer;

/// One use of a licence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct UsageEntry {
    pub seq: i64,
    pub at_ms: i64,
    /// Local licence id.
    pub licence_id: String,
    pub licence_name: String,
    /// `shown` or `application`.
    pub kind: String,
    /// The purpose, in words.
    pub purpose: String,
    /// Who it was shown to (`aud`), or the department it went to.
    pub recipient: String,
    /// The claims disclosed (names).
    pub claims: Vec<String>,
}

const GENESIS: [u8; 32] = [0u8; 32];

fn link(prev: &[u8], seq: i64, at_ms: i64, sealed: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(at_ms.to_be_bytes());
    h.update(sealed);
    h.finalize().to_vec()
}

fn purpose(seq: i64) -> String {
    format!("usage:{seq}")
}

/// Appends an entry (its `seq` is assigned here) inside the caller's transaction.
pub(crate) fn append(
    conn: &Connection,
    sealer: &Sealer,
    secrets: &dyn SecretStore,
    mut entry: UsageEntry,
) -> CoreResult<UsageEntry> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, hash FROM usage_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    entry.seq = seq;
    let sealed = sealer.seal(&purpose(seq), &serde_json::to_vec(&entry)?)?;
    let hash = link(&prev, seq, entry.at_ms, &sealed);
    conn.execute(
        "INSERT INTO usage_log (seq, at_ms, entry, hash) VALUES (?1, ?2, ?3, ?4)",
        params![seq, entry.at_ms, sealed, hash],
    )?;
    secrets.set(keys::USAGE_HEAD.into(), hash).map_err(|e| CoreError::Secret(e.to_string()))?;
    Ok(entry)
}

/// Reads the whole log, checking every link and the head kept in the secure store.
pub(crate) fn read(conn: &Connection, sealer: &Sealer, secrets: &dyn SecretStore) -> CoreResult<Vec<UsageEntry>> {
    let mut stmt = conn.prepare("SELECT seq, at_ms, entry, hash FROM usage_log ORDER BY seq")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?, r.get::<_, Vec<u8>>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut prev = GENESIS.to_vec();
    let mut out = Vec::with_capacity(rows.len());
    for (i, (seq, at_ms, sealed, hash)) in rows.into_iter().enumerate() {
        let expected_seq = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if seq != expected_seq {
            return Err(CoreError::Integrity(format!("usage log entry {expected_seq} is missing")));
        }
        if link(&prev, seq, at_ms, &sealed) != hash {
            return Err(CoreError::Integrity(format!("usage log entry {seq} was changed")));
        }
        let entry: UsageEntry = serde_json::from_slice(&sealer.open(&purpose(seq), &sealed)?)
            .map_err(|_| CoreError::Integrity(format!("usage log entry {seq} is unreadable")))?;
        if entry.seq != seq || entry.at_ms != at_ms {
            return Err(CoreError::Integrity(format!("usage log entry {seq} was moved")));
        }
        out.push(entry);
        prev = hash;
    }
    let head = secrets.get(keys::USAGE_HEAD.into()).map_err(|e| CoreError::Secret(e.to_string()))?;
    match head {
        Some(h) if h != prev => Err(CoreError::Integrity("the usage log's last entries were removed".into())),
        None if !out.is_empty() => Err(CoreError::Integrity("the usage log has no anchor in secure storage".into())),
        _ => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;

    fn setup() -> (Connection, Sealer, MemorySecretStore) {
        let mut conn = Connection::open_in_memory().expect("db");
        crate::store::test_schema(&mut conn);
        (conn, Sealer::new(&[3u8; 32]).expect("key"), MemorySecretStore::default())
    }

    fn entry(at_ms: i64) -> UsageEntry {
        UsageEntry {
            seq: 0,
            at_ms,
            licence_id: "abc".into(),
            licence_name: "居民身份证".into(),
            kind: "shown".into(),
            purpose: "年龄核验".into(),
            recipient: "urn:onego:verifier:offline".into(),
            claims: vec!["age_over_18".into()],
        }
    }

    #[test]
    fn appends_chain_and_detect_every_kind_of_tampering() {
        let (conn, sealer, secrets) = setup();
        for t in 1..=4 {
            append(&conn, &sealer, &secrets, entry(t * 1000)).expect("append");
        }
        let log = read(&conn, &sealer, &secrets).expect("read");
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);

        // A changed past entry.
        let saved: Vec<u8> = conn.query_row("SELECT entry FROM usage_log WHERE seq = 2", [], |r| r.get(0)).expect("e");
        let mut bad = saved.clone();
        bad[30] ^= 1;
        conn.execute("UPDATE usage_log SET entry = ?1 WHERE seq = 2", [&bad]).expect("tamper");
        let err = read(&conn, &sealer, &secrets).expect_err("changed");
        assert!(err.to_string().contains("entry 2"), "{err}");
        conn.execute("UPDATE usage_log SET entry = ?1 WHERE seq = 2", [&saved]).expect("restore");

        // A changed time.
        conn.execute("UPDATE usage_log SET at_ms = 99 WHERE seq = 3", []).expect("tamper");
        assert!(read(&conn, &sealer, &secrets).is_err());
        conn.execute("UPDATE usage_log SET at_ms = 3000 WHERE seq = 3", []).expect("restore");
        assert!(read(&conn, &sealer, &secrets).is_ok());

        // A removed middle entry, then a removed last entry.
        let row: (i64, Vec<u8>, Vec<u8>) = conn
            .query_row("SELECT at_ms, entry, hash FROM usage_log WHERE seq = 2", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("row");
        conn.execute("DELETE FROM usage_log WHERE seq = 2", []).expect("delete");
        assert!(read(&conn, &sealer, &secrets).expect_err("gap").to_string().contains("missing"));
        conn.execute("INSERT INTO usage_log VALUES (2, ?1, ?2, ?3)", params![row.0, row.1, row.2]).expect("restore");
        conn.execute("DELETE FROM usage_log WHERE seq = 4", []).expect("truncate");
        assert!(read(&conn, &sealer, &secrets).expect_err("truncated").to_string().contains("removed"));
    }
}
