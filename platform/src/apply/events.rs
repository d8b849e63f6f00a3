//! The application event feed: `GET /v1/events` (polling) and `GET /v1/events/stream` (server-sent events).
//!
//! Both deliver the events of applications the caller is the principal or the submitter of, oldest first, after a
//! cursor the client keeps. The stream replays what the client missed, then waits on [`AppState::events`] (the
//! newest committed cursor) and never holds the database while waiting.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use onego_protocol::api::{ApplicationEvent, EventPage, MatterStatus, ProblemCode};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::auth::Caller;
use crate::error::Query;
use crate::{ApiError, AppState};

/// Events per poll when the client names no limit.
const DEFAULT_LIMIT: i64 = 200;
/// Most events one poll returns.
const MAX_LIMIT: i64 = 1000;
/// Events the stream reads from the database at a time, so one client far behind cannot hold it long.
const STREAM_PAGE: i64 = 200;
/// Comment lines keep idle connections open through proxies that cut silent ones.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a client waits before reconnecting after the stream ends.
const RETRY: Duration = Duration::from_millis(2000);
/// How often a waiting stream checks that its token is still valid (it may be revoked, or the clock moved).
const RECHECK: Duration = Duration::from_secs(15);
/// The SSE `event:` name of an application event.
const EVENT_NAME: &str = "application";

/// Query of `GET /v1/events`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventsQuery {
    /// The last cursor the client saw; 0 (the default) for everything.
    #[serde(default)]
    after: i64,
    /// Most events to return: 200 by default, at most 1000.
    limit: Option<i64>,
}

/// Query of `GET /v1/events/stream`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StreamQuery {
    /// The last cursor the client saw; a `Last-Event-ID` header takes precedence.
    after: Option<i64>,
}

fn parse_wire<T: serde::de::DeserializeOwned>(s: String) -> Result<T, ApiError> {
    Ok(serde_json::from_value(serde_json::Value::String(s))?)
}

/// At most `limit` events of `subject`'s applications (as principal or submitter) after `after`, oldest first.
pub(crate) fn page(
    conn: &Connection,
    subject: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<ApplicationEvent>, ApiError> {
    // Driven from the account's applications (indexed by principal and by submitter) into the per-application
    // event index, so the cost follows the account's own events rather than the whole platform's.
    let mut stmt = conn.prepare_cached(
        "SELECT e.cursor, e.application_id, e.matter_id, e.status, e.actor, e.note, e.at, e.licence_ids
         FROM application_event e
         WHERE e.cursor > ?2 AND e.application_id IN
             (SELECT id FROM application WHERE principal = ?1 UNION SELECT id FROM application WHERE submitted_by = ?1)
         ORDER BY e.cursor
         LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![subject, after, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(cursor, application_id, matter_id, status, actor, note, at, licence_ids)| {
            Ok(ApplicationEvent {
                cursor,
                application_id,
                matter_id,
                status: parse_wire(status)?,
                actor: parse_wire(actor)?,
                note,
                at,
                licence_ids: serde_json::from_str(&licence_ids)?,
            })
        })
        .collect()
}

/// Events of the caller's applications after a cursor, oldest first.
///
/// Covers applications the caller is the principal of (including those a delegate submitted in their name) and
/// those the caller submitted as a delegate. Ask again with `after = next_cursor` until `events` is empty.
#[utoipa::path(get, operation_id = "list_events", path = "/v1/events", tag = "services", security(("bearer" = [])), params(EventsQuery),
    responses(
        (status = 200, description = "Events after the cursor, oldest first", body = EventPage),
        (status = 400, description = "Malformed query", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<EventsQuery>,
) -> Result<axum::Json<EventPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let after = query.after;
    let events = state.db(move |c| page(c, &caller.subject, after, limit)).await?;
    let next_cursor = events.last().map_or(after, |e| e.cursor);
    Ok(axum::Json(EventPage { events, next_cursor }))
}

/// The stored form of a bearer token, as the sign-in code stores it (SHA-256, base64url).
fn bearer_hash(headers: &HeaderMap) -> Option<String> {
    let token = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(token.trim().as_bytes())))
}

/// Seconds since the epoch at which the access token stored as `hash` expires; `None` once it is gone.
async fn token_expiry(state: &AppState, hash: String) -> Result<Option<i64>, ApiError> {
    state
        .db(move |c| {
            Ok(c.query_row("SELECT expires_at FROM token WHERE hash = ?1 AND kind = 'access'", [hash], |r| r.get(0))
                .optional()?)
        })
        .await
}

/// Where a stream resumes: `Last-Event-ID` (what a reconnecting `EventSource` sends) wins over `?after=`.
fn resume_cursor(headers: &HeaderMap, after: Option<i64>) -> Result<i64, ApiError> {
    match headers.get("last-event-id").map(|v| v.to_str().map(str::trim)) {
        Some(Ok(id)) if !id.is_empty() => {
            id.parse().map_err(|_| ApiError::bad_request("Last-Event-ID must be an event cursor"))
        }
        Some(Err(_)) => Err(ApiError::bad_request("Last-Event-ID must be an event cursor")),
        _ => Ok(after.unwrap_or(0)),
    }
}

/// The caller's application events as server-sent events: first those after the cursor, then each new one as it
/// is committed.
///
/// Frames: a `retry: 2000` hint first; then per event `id: <cursor>`, `event: application` and
/// `data: <ApplicationEvent JSON>`; a `: keep-alive` comment every 15 s. The stream ends when the access token
/// expires (or is revoked); reconnect with a fresh token and `Last-Event-ID` to resume without gaps or repeats.
#[utoipa::path(get, path = "/v1/events/stream", tag = "services", security(("bearer" = [])),
    params(
        StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The last cursor seen; wins over `after`"),
    ),
    responses(
        (status = 200, description = "An event stream of `ApplicationEvent`s (`event: application`, `id:` the \
                                      cursor)", body = String, content_type = "text/event-stream"),
        (status = 400, description = "Malformed cursor", body = onego_protocol::api::Problem),
        (status = 401, description = "Not signed in, or the token expired", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Result<Response, ApiError> {
    let cursor = resume_cursor(&headers, query.after)?;
    let unauthenticated = || ApiError::unauthorized(ProblemCode::InvalidToken, "sign in again");
    let token_hash = bearer_hash(&headers).ok_or_else(unauthenticated)?;
    let expires_at = token_expiry(&state, token_hash.clone()).await?.ok_or_else(unauthenticated)?;
    // Subscribed before the replay reads anything, so an event committed meanwhile still wakes the stream.
    let mut changes = state.events.subscribe();
    let seen = *changes.borrow_and_update();
    let now = Instant::now();
    let feed = Feed {
        expires: now + until(expires_at, state.now_ms()),
        recheck: now + RECHECK,
        state,
        subject: caller.subject,
        token_hash,
        cursor,
        seen,
        pending: VecDeque::new(),
        behind: true,
        greeted: false,
        changes,
    };
    let sse = Sse::new(futures_util::stream::unfold(feed, Feed::next))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"));
    let mut res = sse.into_response();
    // Reverse proxies (nginx) would otherwise buffer the stream.
    res.headers_mut().insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

/// Real time until `expires_at` (seconds since the epoch) by the platform's clock; at most a day, since the stream
/// rechecks its token regularly anyway.
fn until(expires_at: i64, now_ms: i64) -> Duration {
    let left = expires_at.saturating_mul(1000).saturating_sub(now_ms).clamp(0, 86_400_000);
    Duration::from_millis(left.unsigned_abs())
}

/// One open event stream.
struct Feed {
    state: AppState,
    subject: String,
    token_hash: String,
    /// The last cursor sent (or the client's resume point).
    cursor: i64,
    /// The newest platform cursor this stream has read up to.
    seen: i64,
    pending: VecDeque<ApplicationEvent>,
    /// The last read filled a page: read again before waiting.
    behind: bool,
    greeted: bool,
    changes: watch::Receiver<i64>,
    /// When the access token expires, in real time.
    expires: Instant,
    recheck: Instant,
}

impl Feed {
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        if !self.greeted {
            self.greeted = true;
            return Some((Ok(Event::default().retry(RETRY)), self));
        }
        loop {
            if let Some(ev) = self.pending.pop_front() {
                let cursor = ev.cursor;
                return match Event::default().id(cursor.to_string()).event(EVENT_NAME).json_data(&ev) {
                    Ok(frame) => Some((Ok(frame), self)),
                    Err(e) => {
                        tracing::error!(cursor, error = %e, "cannot encode an application event; ending the stream");
                        None
                    }
                };
            }
            if !self.behind && !self.wait().await {
                return None;
            }
            let (subject, after) = (self.subject.clone(), self.cursor);
            // A failure is already logged; ending the stream makes the client reconnect and resume.
            let events = self.state.db(move |c| page(c, &subject, after, STREAM_PAGE)).await.ok()?;
            self.behind = i64::try_from(events.len()).is_ok_and(|n| n >= STREAM_PAGE);
            if let Some(last) = events.last() {
                self.cursor = last.cursor;
            }
            self.pending.extend(events);
        }
    }

    /// Waits until events newer than those read may exist; `false` when the stream should end (token expired or
    /// revoked, platform shutting down).
    async fn wait(&mut self) -> bool {
        loop {
            let newest = *self.changes.borrow_and_update();
            if newest > self.seen {
                // Read up to at least `newest`: every event at or below it is committed.
                self.seen = newest;
                return true;
            }
            let wake = self.expires.min(self.recheck);
            tokio::select! {
                changed = self.changes.changed() => {
                    if changed.is_err() {
                        return false;
                    }
                }
                () = tokio::time::sleep_until(wake) => {
                    let now = Instant::now();
                    if now >= self.expires {
                        return false;
                    }
                    if now >= self.recheck {
                        match token_expiry(&self.state, self.token_hash.clone()).await {
                            Ok(Some(expires_at)) if expires_at.saturating_mul(1000) > self.state.now_ms() => {
                                self.expires = now + until(expires_at, self.state.now_ms());
                                self.recheck = now + RECHECK;
                            }
                            _ => return false,
                        }
                    }
                }
            }
        }
    }
}

/// Sandbox staff helpers that write applications and their events directly, as submissions and decisions do, so
/// the event feed can be exercised on its own.
impl crate::Staff {
    /// Records an application of `service_id` in the name of the person with `principal_phone`, submitted by the
    /// person with `submitter_phone`; its id. It has no matters until events name them.
    #[doc(hidden)]
    pub async fn record_application(
        &self,
        principal_phone: String,
        submitter_phone: String,
        service_id: String,
    ) -> Result<String, ApiError> {
        let now = self.state.now_ms();
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
        let id = format!("SANDBOX{}", bytes.iter().map(|b| format!("{b:02X}")).collect::<String>());
        let app_id = id.clone();
        self.state
            .db(move |c| {
                let subject = |phone: &str| -> Result<String, ApiError> {
                    c.query_row("SELECT subject FROM person WHERE phone = ?1", [phone], |r| r.get(0))
                        .optional()?
                        .ok_or_else(|| ApiError::not_found("no account has this phone"))
                };
                let (principal, submitter) = (subject(&principal_phone)?, subject(&submitter_phone)?);
                c.execute(
                    "INSERT INTO application (id, service_id, service_name, principal, submitted_by,
                         idempotency_key, request_hash, submitted_at, body)
                     VALUES (?1, ?2, ?2, ?3, ?4, ?1, '', ?5, '{}')",
                    params![app_id, service_id, principal, submitter, now],
                )?;
                Ok(())
            })
            .await?;
        Ok(id)
    }

    /// Appends an event for a matter of an application and wakes the event streams, as a committed decision does;
    /// its cursor.
    #[doc(hidden)]
    pub async fn record_event(
        &self,
        application_id: String,
        matter_id: String,
        status: MatterStatus,
        note: String,
    ) -> Result<i64, ApiError> {
        let now = self.state.now_ms();
        let status = serde_json::to_value(status)?;
        let status = status.as_str().unwrap_or_default().to_owned();
        let cursor = self
            .state
            .db(move |c| {
                c.execute(
                    "INSERT INTO application_event (application_id, matter_id, status, actor, note, at)
                     VALUES (?1, ?2, ?3, 'staff', ?4, ?5)",
                    params![application_id, matter_id, status, note, now],
                )?;
                Ok(c.last_insert_rowid())
            })
            .await?;
        self.state.events.send_replace(cursor);
        Ok(cursor)
    }
}
