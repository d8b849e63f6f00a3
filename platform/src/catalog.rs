//! Catalog publishing and delta sync.
//!
//! Every change bumps the catalog version and stamps the changed rows with it; a deletion leaves a tombstone.
//! A client sends the version it holds and gets what changed since, or the whole catalog when its version is
//! older than the oldest tombstone kept, from another epoch, or ahead of the server.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onego_protocol::api::{Bundle, CatalogDelta, CatalogQuery, Department, Matter, ServiceHall, Synonym};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Query;
use crate::{ApiError, AppState};

pub(crate) fn meta_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn meta_i64(conn: &Connection, key: &str) -> Result<i64, ApiError> {
    meta_get(conn, key)?
        .map(|v| v.parse::<i64>().map_err(|e| ApiError::internal(format!("meta {key}: {e}"))))
        .transpose()
        .map(|v| v.unwrap_or(0))
}

pub(crate) fn current_version(conn: &Connection) -> Result<i64, ApiError> {
    meta_i64(conn, "catalog_version")
}

fn epoch(conn: &Connection) -> Result<String, ApiError> {
    meta_get(conn, "catalog_epoch")?.ok_or_else(|| ApiError::internal("catalog has no epoch"))
}

/// Starts a new catalog version inside the caller's transaction.
pub(crate) fn bump_version(conn: &Connection) -> Result<i64, ApiError> {
    let next = current_version(conn)? + 1;
    meta_set(conn, "catalog_version", &next.to_string())?;
    Ok(next)
}

fn etag(epoch: &str, version: i64) -> String {
    format!("\"{epoch}.{version}\"")
}

fn all_bodies<T: serde::de::DeserializeOwned>(conn: &Connection, sql: &str) -> Result<Vec<T>, ApiError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for body in rows {
        out.push(serde_json::from_str(&body?)?);
    }
    Ok(out)
}

/// Builds the delta for a client at `since` (or a full snapshot).
pub(crate) fn delta(conn: &Connection, query: &CatalogQuery) -> Result<CatalogDelta, ApiError> {
    let epoch = epoch(conn)?;
    let version = current_version(conn)?;
    let oldest = meta_i64(conn, "catalog_min_delta")?;
    let since = match (query.since, query.epoch.as_deref()) {
        (Some(since), Some(e)) if e == epoch && since >= oldest && since <= version => Some(since),
        _ => None,
    };
    let departments: Vec<Department> = all_bodies(conn, "SELECT body FROM department ORDER BY id")?;
    let halls: Vec<ServiceHall> = all_bodies(conn, "SELECT body FROM hall ORDER BY id")?;
    let synonyms: Vec<Synonym> = all_bodies(conn, "SELECT body FROM synonym ORDER BY phrase")?;
    let mut matters: Vec<Matter> = Vec::new();
    let mut bundles: Vec<Bundle> = Vec::new();
    let mut deleted = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, kind, deleted, body FROM catalog_item WHERE version > ?1 ORDER BY id")?;
    let mut rows = stmt.query([since.unwrap_or(-1)])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let kind: String = row.get(1)?;
        let is_deleted: bool = row.get(2)?;
        if is_deleted {
            if since.is_some() {
                deleted.push(id);
            }
            continue;
        }
        let body: String = row.get(3)?;
        match kind.as_str() {
            "bundle" => bundles.push(serde_json::from_str(&body)?),
            _ => matters.push(serde_json::from_str(&body)?),
        }
    }
    Ok(CatalogDelta { epoch, version, full: since.is_none(), departments, halls, synonyms, matters, bundles, deleted })
}

/// The catalog, or what changed in it since the client's version.
#[utoipa::path(get, path = "/v1/catalog", tag = "catalog", params(CatalogQuery),
    responses(
        (status = 200, description = "Changes since `since`, or the whole catalog when `full` is true", body = CatalogDelta,
            headers(("ETag" = String, description = "`\"<epoch>.<version>\"`; send it back as If-None-Match"))),
        (status = 304, description = "Nothing changed since the version named by If-None-Match"),
        (status = 400, description = "Malformed query", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn get_catalog(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<CatalogQuery>,
) -> Result<Response, ApiError> {
    let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (delta, tag) = state
        .db(move |c| {
            let tag = etag(&epoch(c)?, current_version(c)?);
            if if_none_match.as_deref() == Some(tag.as_str()) {
                return Ok((None, tag));
            }
            Ok((Some(delta(c, &query)?), tag))
        })
        .await?;
    let tag_header = HeaderValue::from_str(&tag).map_err(ApiError::internal)?;
    let mut res = match delta {
        None => StatusCode::NOT_MODIFIED.into_response(),
        Some(d) => axum::Json(d).into_response(),
    };
    res.headers_mut().insert(header::ETAG, tag_header);
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

/// Marks the revision note a staff edit appends to a summary.
const REVISION_MARK: &str = " · 修订：";

pub(crate) fn edit_matters(conn: &mut Connection, ids: &[String], note: &str) -> Result<i64, ApiError> {
    let tx = conn.transaction()?;
    let version = bump_version(&tx)?;
    for id in ids {
        let body: Option<String> = tx
            .query_row("SELECT body FROM catalog_item WHERE id = ?1 AND deleted = 0 AND kind = 'matter'", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(body) = body else { return Err(ApiError::not_found("no such matter")) };
        let mut matter: Matter = serde_json::from_str(&body)?;
        let base = matter.summary.split(REVISION_MARK).next().unwrap_or_default().to_owned();
        matter.summary = format!("{base}{REVISION_MARK}{note}");
        tx.execute(
            "UPDATE catalog_item SET version = ?2, body = ?3 WHERE id = ?1",
            params![id, version, serde_json::to_string(&matter)?],
        )?;
    }
    tx.commit()?;
    Ok(version)
}

pub(crate) fn delete_items(conn: &mut Connection, ids: &[String]) -> Result<i64, ApiError> {
    let tx = conn.transaction()?;
    let version = bump_version(&tx)?;
    for id in ids {
        let n = tx.execute(
            "UPDATE catalog_item SET version = ?2, deleted = 1, body = NULL WHERE id = ?1",
            params![id, version],
        )?;
        if n == 0 {
            return Err(ApiError::not_found("no such catalog item"));
        }
    }
    tx.commit()?;
    Ok(version)
}

pub(crate) fn compact(conn: &mut Connection) -> Result<(), ApiError> {
    let tx = conn.transaction()?;
    let version = current_version(&tx)?;
    tx.execute("DELETE FROM catalog_item WHERE deleted = 1", [])?;
    meta_set(&tx, "catalog_min_delta", &version.to_string())?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn matter_ids(conn: &mut Connection) -> Result<Vec<String>, ApiError> {
    let mut stmt = conn.prepare("SELECT id FROM catalog_item WHERE kind = 'matter' AND deleted = 0 ORDER BY id")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
