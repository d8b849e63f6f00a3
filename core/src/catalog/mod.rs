//! The service catalog on the phone: delta sync from the platform, and every read answered from SQLite.

pub(crate) mod search;

use onego_protocol::api::{Bundle, Department, Matter, ServiceHall, Synonym};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::value::RawValue;

use crate::api::{Api, Fetched};
use crate::error::{CoreError, CoreResult};
use crate::store::{Store, kv_get, kv_set};

/// What a catalog sync did. Counts are `i32`, not unsigned, so Kotlin sees a plain `Int`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncReport {
    pub version: i64,
    /// The whole catalog was replaced (first sync, or the local copy was too old).
    pub full: bool,
    pub upserted: i32,
    pub deleted: i32,
    /// The platform had nothing new (HTTP 304).
    pub not_modified: bool,
}

/// The locally held catalog version, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CatalogState {
    pub version: Option<i64>,
    pub items: i32,
    pub last_synced_ms: Option<i64>,
}

/// A matter with everything needed to do it, offline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MatterGuide {
    pub matter: Matter,
    pub department: Option<Department>,
    pub halls: Vec<ServiceHall>,
    /// Bundles (一件事) this matter is part of.
    pub in_bundles: Vec<BundleRef>,
    /// 好差评 figures as last synced, when the matter has reviews.
    pub satisfaction: Option<onego_protocol::api::Satisfaction>,
}

/// A bundle (一件事) named by another entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct BundleRef {
    pub id: String,
    pub name: String,
}

/// A bundle with its member matters, offline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct BundleGuide {
    pub bundle: Bundle,
    /// Member matters in bundle order, with their departments' names.
    pub members: Vec<BundleMemberGuide>,
}

/// One member matter of a bundle's guide.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct BundleMemberGuide {
    pub matter: Matter,
    /// The name of the matter's department; empty when the catalog lacks it.
    pub department_name: String,
}

/// The guide of a catalog entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Guide {
    Matter(Box<MatterGuide>),
    Bundle(Box<BundleGuide>),
}

/// Pulls what changed since the local version and applies it in one transaction.
pub(crate) async fn sync(api: &Api, store: &Store, now_ms: i64) -> CoreResult<SyncReport> {
    let (epoch, version, etag) = store
        .run(|c, _| {
            let v = kv_get(c, "catalog_version")?.and_then(|v| v.parse::<i64>().ok());
            Ok((kv_get(c, "catalog_epoch")?, v, kv_get(c, "catalog_etag")?))
        })
        .await?;
    let mut path = String::from("v1/catalog");
    if let (Some(e), Some(v)) = (&epoch, version) {
        path = format!("v1/catalog?since={v}&epoch={}", url_escape(e));
    }
    let fetched: Fetched<IncomingDelta> = api.get_conditional(&path, None, etag.as_deref()).await?;
    let (delta, new_etag) = match fetched {
        Fetched::NotModified => {
            store.run(move |c, _| Ok(kv_set(c, "catalog_synced_ms", &now_ms.to_string())?)).await?;
            return Ok(SyncReport {
                version: version.unwrap_or(0),
                full: false,
                upserted: 0,
                deleted: 0,
                not_modified: true,
            });
        }
        Fetched::Fresh { body, etag } => (body, etag),
    };
    check(&delta, epoch.as_deref(), version)?;
    store
        .run(move |c, _| {
            let tx = c.transaction()?;
            let report = apply(&tx, &delta)?;
            kv_set(&tx, "catalog_epoch", &delta.epoch)?;
            kv_set(&tx, "catalog_version", &delta.version.to_string())?;
            kv_set(&tx, "catalog_synced_ms", &now_ms.to_string())?;
            match &new_etag {
                Some(t) => kv_set(&tx, "catalog_etag", t)?,
                None => {
                    tx.execute("DELETE FROM kv WHERE key = 'catalog_etag'", [])?;
                }
            }
            tx.commit()?;
            Ok(report)
        })
        .await
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A `CatalogDelta` as it arrives: each matter and bundle kept as its JSON text and decoded one at a time
/// during the import (holding 10k decoded matters at once cost ~40 MiB, over the sync's memory budget). The
/// text is also what is stored, so nothing is encoded again.
#[derive(serde::Deserialize)]
struct IncomingDelta {
    epoch: String,
    version: i64,
    full: bool,
    departments: Vec<Department>,
    halls: Vec<ServiceHall>,
    synonyms: Vec<Synonym>,
    matters: Vec<Box<RawValue>>,
    bundles: Vec<Box<RawValue>>,
    deleted: Vec<String>,
}

/// Refuses a delta that cannot follow what the phone holds; nothing is applied then. Malformed items are
/// refused during the import, whose transaction then rolls back.
fn check(delta: &IncomingDelta, epoch: Option<&str>, version: Option<i64>) -> CoreResult<()> {
    let same_epoch = epoch == Some(delta.epoch.as_str());
    if let (true, Some(v)) = (same_epoch, version)
        && delta.version < v
    {
        return Err(CoreError::Integrity(format!("catalog version went backwards ({v} → {})", delta.version)));
    }
    let changes = !delta.matters.is_empty() || !delta.bundles.is_empty() || !delta.deleted.is_empty();
    if let (true, false, Some(v)) = (same_epoch, delta.full, version)
        && delta.version == v
        && changes
    {
        return Err(CoreError::Integrity(format!("catalog changes arrived without a new version ({v})")));
    }
    if !delta.full && (!same_epoch || version.is_none()) {
        return Err(CoreError::Integrity("a catalog delta arrived for a version this phone does not hold".into()));
    }
    if delta.epoch.is_empty() {
        return Err(CoreError::Malformed("catalog without an epoch".into()));
    }
    Ok(())
}

/// One row of the search documents, as stored in `catalog_item`.
struct ItemRow {
    id: String,
    kind: &'static str,
    name: String,
    name_en: String,
    category: String,
    department_id: String,
    keywords: String,
    summary: String,
    body: String,
}

fn decode<T: serde::de::DeserializeOwned>(raw: &RawValue, what: &str) -> CoreResult<T> {
    serde_json::from_str(raw.get())
        .map_err(|e| CoreError::Malformed(format!("{what}: {}", crate::error::json_failure(&e))))
}

impl ItemRow {
    fn matter(raw: &RawValue) -> CoreResult<Self> {
        let m: Matter = decode(raw, "matter")?;
        if m.id.is_empty() || m.name.trim().is_empty() {
            return Err(CoreError::Malformed("a matter without id or name".into()));
        }
        Ok(Self {
            keywords: m.keywords.join(" "),
            id: m.id,
            kind: "matter",
            name: m.name,
            name_en: m.name_en,
            category: m.category,
            department_id: m.department_id,
            summary: m.summary,
            body: raw.get().to_owned(),
        })
    }

    fn bundle(raw: &RawValue) -> CoreResult<Self> {
        let b: Bundle = decode(raw, "bundle")?;
        if b.id.is_empty() || b.name.trim().is_empty() {
            return Err(CoreError::Malformed("a bundle without id or name".into()));
        }
        Ok(Self {
            keywords: b.keywords.join(" "),
            id: b.id,
            kind: "bundle",
            name: b.name,
            name_en: b.name_en,
            category: "一件事".into(),
            department_id: String::new(),
            summary: b.summary,
            body: raw.get().to_owned(),
        })
    }
}

const FTS: [&str; 2] = ["item_tri", "item_bi"];

fn insert_item(tx: &Transaction<'_>, row: &ItemRow) -> CoreResult<()> {
    let grams = search::grams(&[&row.name, &row.keywords, &row.category, &row.summary]);
    tx.prepare_cached(
        "INSERT INTO catalog_item (id, kind, name, name_en, category, department_id, keywords, summary, grams, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        row.id,
        row.kind,
        row.name,
        row.name_en,
        row.category,
        row.department_id,
        row.keywords,
        row.summary,
        grams,
        row.body
    ])?;
    Ok(())
}

fn apply(tx: &Transaction<'_>, delta: &IncomingDelta) -> CoreResult<SyncReport> {
    tx.execute("DELETE FROM department", [])?;
    for d in &delta.departments {
        tx.execute(
            "INSERT INTO department (id, name, body) VALUES (?1, ?2, ?3)",
            params![d.id, d.name, serde_json::to_string(d)?],
        )?;
    }
    tx.execute("DELETE FROM hall", [])?;
    for h in &delta.halls {
        tx.execute("INSERT INTO hall (id, body) VALUES (?1, ?2)", params![h.id, serde_json::to_string(h)?])?;
    }
    tx.execute("DELETE FROM synonym", [])?;
    for s in &delta.synonyms {
        tx.execute(
            "INSERT INTO synonym (phrase, terms) VALUES (?1, ?2) ON CONFLICT (phrase) DO UPDATE SET terms = excluded.terms",
            params![search::normalize(&s.phrase), serde_json::to_string(&s.terms)?],
        )?;
    }
    // Rows are built and inserted one at a time: holding all 10k re-encoded matters at once was ~28 MiB.
    let rows =
        || delta.matters.iter().map(|r| ItemRow::matter(r)).chain(delta.bundles.iter().map(|r| ItemRow::bundle(r)));
    let upserted = i32::try_from(delta.matters.len() + delta.bundles.len()).unwrap_or(i32::MAX);
    let mut deleted = 0i32;
    if delta.full {
        // Rebuilding the indexes once is far cheaper than indexing row by row.
        for t in FTS {
            tx.execute(&format!("INSERT INTO {t} ({t}) VALUES ('delete-all')"), [])?;
        }
        tx.execute("DELETE FROM catalog_item", [])?;
        for row in rows() {
            insert_item(tx, &row?)?;
        }
        for t in FTS {
            tx.execute(&format!("INSERT INTO {t} ({t}) VALUES ('rebuild')"), [])?;
        }
    } else {
        // Set-based index maintenance: FTS5 flushes a segment at every statement, so one statement per index
        // for all changed rows, not four per row.
        tx.execute("CREATE TEMP TABLE IF NOT EXISTS changed (id TEXT PRIMARY KEY)", [])?;
        tx.execute("DELETE FROM temp.changed", [])?;
        // A delta is small (tens to hundreds of rows), so its rows are decoded once and held.
        let changed = rows().collect::<CoreResult<Vec<_>>>()?;
        {
            let mut mark = tx.prepare_cached("INSERT OR IGNORE INTO temp.changed (id) VALUES (?1)")?;
            for id in changed.iter().map(|r| &r.id).chain(&delta.deleted) {
                mark.execute([id])?;
            }
        }
        let existing_deleted: i64 = {
            let mut q = tx.prepare_cached("SELECT count(*) FROM catalog_item WHERE id = ?1")?;
            let mut n = 0;
            for id in &delta.deleted {
                n += q.query_row([id], |r| r.get::<_, i64>(0))?;
            }
            n
        };
        deleted = i32::try_from(existing_deleted).unwrap_or(i32::MAX);
        tx.execute_batch(
            "INSERT INTO item_tri (item_tri, rowid, name, name_en, keywords, summary)
               SELECT 'delete', rowid, name, name_en, keywords, summary FROM catalog_item
               WHERE id IN (SELECT id FROM temp.changed);
             INSERT INTO item_bi (item_bi, rowid, grams)
               SELECT 'delete', rowid, grams FROM catalog_item WHERE id IN (SELECT id FROM temp.changed);
             DELETE FROM catalog_item WHERE id IN (SELECT id FROM temp.changed);",
        )?;
        for row in &changed {
            insert_item(tx, row)?;
        }
        tx.execute_batch(
            "INSERT INTO item_tri (rowid, name, name_en, keywords, summary)
               SELECT rowid, name, name_en, keywords, summary FROM catalog_item
               WHERE id IN (SELECT id FROM temp.changed);
             INSERT INTO item_bi (rowid, grams)
               SELECT rowid, grams FROM catalog_item WHERE id IN (SELECT id FROM temp.changed);
             DELETE FROM temp.changed;",
        )?;
    }
    Ok(SyncReport { version: delta.version, full: delta.full, upserted, deleted, not_modified: false })
}

pub(crate) fn state(conn: &Connection) -> CoreResult<CatalogState> {
    let items: i64 = conn.query_row("SELECT count(*) FROM catalog_item", [], |r| r.get(0))?;
    Ok(CatalogState {
        version: kv_get(conn, "catalog_version")?.and_then(|v| v.parse().ok()),
        items: i32::try_from(items).unwrap_or(i32::MAX),
        last_synced_ms: kv_get(conn, "catalog_synced_ms")?.and_then(|v| v.parse().ok()),
    })
}

fn body_of(conn: &Connection, table: &str, id: &str) -> CoreResult<Option<String>> {
    Ok(conn.query_row(&format!("SELECT body FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional()?)
}

pub(crate) fn guide(conn: &Connection, id: &str) -> CoreResult<Guide> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT kind, body FROM catalog_item WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((kind, body)) = row else { return Err(CoreError::NotFound(format!("catalog item {id}"))) };
    if kind == "bundle" {
        let bundle: Bundle = serde_json::from_str(&body)?;
        let mut members = Vec::new();
        for m in &bundle.members {
            if let Some(body) = body_of(conn, "catalog_item", &m.matter_id)? {
                let matter: Matter = serde_json::from_str(&body)?;
                let dept: Option<String> = conn
                    .query_row("SELECT name FROM department WHERE id = ?1", [&matter.department_id], |r| r.get(0))
                    .optional()?;
                members.push(BundleMemberGuide { matter, department_name: dept.unwrap_or_default() });
            }
        }
        return Ok(Guide::Bundle(Box::new(BundleGuide { bundle, members })));
    }
    let matter: Matter = serde_json::from_str(&body)?;
    let department = body_of(conn, "department", &matter.department_id)?
        .map(|b| serde_json::from_str::<Department>(&b))
        .transpose()?;
    let mut halls = Vec::new();
    for h in &matter.hall_ids {
        if let Some(b) = body_of(conn, "hall", h)? {
            halls.push(serde_json::from_str(&b)?);
        }
    }
    let mut in_bundles = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT id, name, body FROM catalog_item WHERE kind = 'bundle' ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let body: String = r.get(2)?;
        let b: Bundle = serde_json::from_str(&body)?;
        if b.members.iter().any(|m| m.matter_id == matter.id) {
            in_bundles.push(BundleRef { id: r.get(0)?, name: r.get(1)? });
        }
    }
    let satisfaction = crate::reviews::satisfaction(conn, &matter.id)?;
    Ok(Guide::Matter(Box::new(MatterGuide { matter, department, halls, in_bundles, satisfaction })))
}
