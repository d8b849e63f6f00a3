//! Deterministic seed data: the catalog (from `seed/catalog.json`), synthetic matters for benchmarks, the
//! shared registries of synthetic citizens and businesses, and the issuers and e-licences of the wallet.

mod licences;
mod people;
pub mod synthetic;

use onego_protocol::api::{Bundle, Department, Matter, ServiceHall, Synonym};
use rusqlite::{Connection, params};

use crate::PlatformConfig;
use crate::catalog::meta_set;

pub use people::{TestAccount, test_accounts};

const CATALOG_JSON: &str = include_str!("../../seed/catalog.json");

/// The seeded catalog as published on day one.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCatalog {
    pub departments: Vec<Department>,
    pub halls: Vec<ServiceHall>,
    pub synonyms: Vec<Synonym>,
    pub matters: Vec<Matter>,
    pub bundles: Vec<Bundle>,
}

/// Parses the catalog shipped with the platform.
pub fn seed_catalog() -> Result<SeedCatalog, serde_json::Error> {
    serde_json::from_str(CATALOG_JSON)
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("catalog.json: {0}")]
    Catalog(#[from] serde_json::Error),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("no randomness for the catalog epoch: {0}")]
    Random(String),
    #[error("wallet: {0}")]
    Wallet(String),
}

/// Seeds a new database; an existing one is left as it is.
pub(crate) fn seed_if_empty(conn: &mut Connection, config: &PlatformConfig) -> Result<(), SeedError> {
    let seeded: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'catalog_epoch')", [], |r| r.get(0))?;
    if seeded {
        return Ok(());
    }
    let catalog = seed_catalog()?;
    let tx = conn.transaction()?;
    let mut epoch = [0u8; 8];
    getrandom::fill(&mut epoch).map_err(|e| SeedError::Random(e.to_string()))?;
    let epoch: String = epoch.iter().map(|b| format!("{b:02x}")).collect();
    meta_set(&tx, "catalog_epoch", &epoch)?;
    meta_set(&tx, "catalog_version", "1")?;
    meta_set(&tx, "catalog_min_delta", "0")?;
    for d in &catalog.departments {
        tx.execute("INSERT INTO department (id, body) VALUES (?1, ?2)", params![d.id, serde_json::to_string(d)?])?;
    }
    for h in &catalog.halls {
        tx.execute("INSERT INTO hall (id, body) VALUES (?1, ?2)", params![h.id, serde_json::to_string(h)?])?;
    }
    for s in &catalog.synonyms {
        tx.execute("INSERT INTO synonym (phrase, body) VALUES (?1, ?2)", params![s.phrase, serde_json::to_string(s)?])?;
    }
    {
        let mut insert = tx.prepare("INSERT INTO catalog_item (id, kind, version, body) VALUES (?1, ?2, 1, ?3)")?;
        for m in &catalog.matters {
            insert.execute(params![m.id, "matter", serde_json::to_string(m)?])?;
        }
        for m in synthetic::synthetic_matters(config.catalog_scale, &catalog.departments, &catalog.halls) {
            insert.execute(params![m.id, "matter", serde_json::to_string(&m)?])?;
        }
        for b in &catalog.bundles {
            insert.execute(params![b.id, "bundle", serde_json::to_string(b)?])?;
        }
    }
    people::seed(&tx)?;
    people::seed_deliveries(&tx, &onego_protocol::time::cst_date(config.clock.now_ms()))?;
    licences::seed(&tx, config.clock.now_ms())?;
    tx.commit()?;
    Ok(())
}
