//! Progress: applications cached (sealed) for offline reading, brought up to date from the platform's list and
//! its event feed; licences an approval issued are fetched into the wallet.

use onego_protocol::api::{Application, ApplicationEvent, ApplicationList, EventPage};
use onego_protocol::time::cst_date;
use rusqlite::{Connection, OptionalExtension, params};

use super::{CoreEvent, Observer, ProgressReport};
use crate::Inner;
use crate::error::{CoreError, CoreResult};
use crate::store::{self, seal::Sealer};
use crate::wallet;

/// Events fetched per page when polling.
const PAGE: i64 = 100;
const CURSOR_KEY: &str = "events_cursor";

fn purpose(id: &str) -> String {
    format!("application:{id}")
}

/// Stores an application (replacing its queued placeholder); `true` when it changed.
pub(crate) fn store_application(conn: &Connection, sealer: &Sealer, app: &Application) -> CoreResult<bool> {
    if !app.id.starts_with("queued-") {
        conn.execute("DELETE FROM application WHERE id = ?1", [super::outbox::placeholder_id(&app.idempotency_key)])?;
    }
    let plain = serde_json::to_vec(app)?;
    let old: Option<Vec<u8>> =
        conn.query_row("SELECT body FROM application WHERE id = ?1", [&app.id], |r| r.get(0)).optional()?;
    if let Some(old) = old
        && sealer.open(&purpose(&app.id), &old).ok().as_deref() == Some(plain.as_slice())
    {
        return Ok(false);
    }
    let blob = sealer.seal(&purpose(&app.id), &plain)?;
    conn.execute(
        "INSERT INTO application (id, idempotency_key, body, submitted_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, submitted_ms = excluded.submitted_ms",
        params![app.id, app.idempotency_key, blob, app.submitted_at],
    )?;
    Ok(true)
}

/// Marks matters past their due date as overdue, so the flag holds offline too.
fn with_local_overdue(mut app: Application, today: &str) -> Application {
    for m in &mut app.matters {
        if !m.status.is_final() && !m.due_date.is_empty() && m.due_date.as_str() < today {
            m.overdue = true;
        }
    }
    app
}

pub(crate) fn list(conn: &Connection, sealer: &Sealer, now_ms: i64) -> CoreResult<Vec<Application>> {
    let today = cst_date(now_ms);
    let mut stmt = conn.prepare("SELECT id, body FROM application ORDER BY submitted_ms DESC, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, blob) = row?;
        let app: Application = serde_json::from_slice(&sealer.open(&purpose(&id), &blob)?)?;
        out.push(with_local_overdue(app, &today));
    }
    Ok(out)
}

pub(crate) fn get(conn: &Connection, sealer: &Sealer, id: &str, now_ms: i64) -> CoreResult<Application> {
    let blob: Option<Vec<u8>> =
        conn.query_row("SELECT body FROM application WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let blob = blob.ok_or_else(|| CoreError::NotFound(format!("application {id}")))?;
    let app: Application = serde_json::from_slice(&sealer.open(&purpose(id), &blob)?)?;
    Ok(with_local_overdue(app, &cst_date(now_ms)))
}

pub(crate) fn cursor(conn: &Connection) -> CoreResult<i64> {
    Ok(store::kv_get(conn, CURSOR_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Moves the cursor forward only: an old event replayed never takes it back.
pub(crate) fn advance_cursor(conn: &Connection, to: i64) -> CoreResult<()> {
    if to > cursor(conn)? {
        store::kv_set(conn, CURSOR_KEY, &to.to_string())?;
    }
    Ok(())
}

/// Fetches licences an approval issued that the wallet lacks; returns (local id, name) of those now held.
pub(crate) async fn receive_licences(i: &Inner, licence_ids: Vec<String>) -> CoreResult<Vec<(String, String)>> {
    let wanted: Vec<String> = licence_ids.iter().map(|l| wallet::local_id(l)).collect();
    let w = wanted.clone();
    let missing = i
        .store
        .run(move |c, _| {
            let mut n = 0;
            for id in &w {
                let held: Option<String> =
                    c.query_row("SELECT id FROM licence WHERE id = ?1", [id], |r| r.get(0)).optional()?;
                n += usize::from(held.is_none());
            }
            Ok(n)
        })
        .await?;
    if missing == 0 {
        return Ok(Vec::new());
    }
    wallet::refresh(&i.api, &i.session, &i.store, &i.wallet, i.clock.now_ms()).await?;
    i.store
        .run(move |c, _| {
            let mut out = Vec::new();
            for id in &wanted {
                let name: Option<String> =
                    c.query_row("SELECT name FROM licence WHERE id = ?1", [id], |r| r.get(0)).optional()?;
                if let Some(name) = name {
                    out.push((id.clone(), name));
                }
            }
            Ok(out)
        })
        .await
}

/// Applies one event: the application refetched into the cache, the cursor moved, the licences fetched, the
/// observer told. Returns the licences received.
pub(crate) async fn apply_event(
    i: &Inner,
    event: &ApplicationEvent,
    observer: Option<&dyn Observer>,
) -> CoreResult<i32> {
    let app: Application = i.session.get(&format!("v1/applications/{}", event.application_id)).await?;
    let cursor = event.cursor;
    i.store
        .run(move |c, s| {
            let tx = c.transaction()?;
            store_application(&tx, s, &app)?;
            advance_cursor(&tx, cursor)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    if let Some(o) = observer {
        o.on_event(CoreEvent::ApplicationChanged {
            application_id: event.application_id.clone(),
            matter_id: event.matter_id.clone(),
            status: event.status,
            note: event.note.clone(),
        });
    }
    let mut received = 0;
    if !event.licence_ids.is_empty() {
        for (licence_id, name) in receive_licences(i, event.licence_ids.clone()).await? {
            received += 1;
            if let Some(o) = observer {
                o.on_event(CoreEvent::LicenceReceived { licence_id, name });
            }
        }
    }
    Ok(received)
}

/// Brings the cached applications up to date and fetches issued licences.
pub(crate) async fn sync(i: &Inner) -> CoreResult<ProgressReport> {
    let list: ApplicationList = i.session.get("v1/applications").await?;
    let changed = i
        .store
        .run(move |c, s| {
            let tx = c.transaction()?;
            let mut changed = 0;
            for app in &list.applications {
                changed += i32::from(store_application(&tx, s, app)?);
            }
            tx.commit()?;
            Ok(changed)
        })
        .await?;
    let mut after = i.store.run(|c, _| cursor(c)).await?;
    let mut events = 0;
    let mut licence_ids = Vec::new();
    loop {
        let page: EventPage = i.session.get(&format!("v1/events?after={after}&limit={PAGE}")).await?;
        let n = page.events.len();
        events += i32::try_from(n).unwrap_or(i32::MAX);
        for e in page.events {
            licence_ids.extend(e.licence_ids);
        }
        let next = page.next_cursor.max(after);
        i.store.run(move |c, _| advance_cursor(c, next)).await?;
        if n < usize::try_from(PAGE).unwrap_or(usize::MAX) || next == after {
            break;
        }
        after = next;
    }
    let licences_received = if licence_ids.is_empty() {
        0
    } else {
        i32::try_from(receive_licences(i, licence_ids).await?.len()).unwrap_or(i32::MAX)
    };
    tracing::info!(events, changed, licences_received, "applications synced");
    Ok(ProgressReport { events, changed, licences_received })
}
