//! The watcher behind `Onego::watch`: delivers the outbox when due, follows the platform's event stream from
//! the stored cursor, applies each event (cache, cursor, wallet, observer), and when the stream fails polls
//! `GET /v1/events` every few seconds while it reconnects with backoff and jitter.

use std::sync::Arc;
use std::time::Duration;

use onego_protocol::api::{ApplicationEvent, EventPage};

use super::sse::SseParser;
use super::{CoreEvent, Observer, outbox, progress};
use crate::Inner;
use crate::error::{CoreError, CoreResult};

/// Polling period while the stream is down.
const POLL_EVERY: Duration = Duration::from_secs(3);
/// Stream reconnects: from about 1 s, doubling, at most a minute apart.
const RECONNECT_BASE_MS: i64 = 1_000;
const RECONNECT_CAP_MS: i64 = 60_000;
/// A stream that stayed up this long resets the reconnect backoff.
const HEALTHY_MS: i64 = 10_000;
const MIN_WAIT: Duration = Duration::from_millis(500);
/// Outbox re-check when nothing is due (a submit also wakes the watcher at once).
const IDLE_CHECK: Duration = Duration::from_secs(30);

struct Watcher {
    inner: Arc<Inner>,
    observer: Arc<dyn Observer>,
    online: Option<bool>,
    pending: Option<i32>,
}

impl Watcher {
    fn set_online(&mut self, online: bool) {
        if self.online != Some(online) {
            self.online = Some(online);
            self.observer.on_event(CoreEvent::Connection { online });
        }
    }

    /// Delivers what is due and tells the observer when the number of pending items changed. Returns how long
    /// until the next item is due.
    async fn deliver(&mut self) -> Duration {
        let i = &self.inner;
        if let Err(e) = outbox::deliver(i).await {
            tracing::debug!(error = %e, "outbox delivery failed");
        }
        let state = i.store.run(|c, _| Ok((outbox::pending_count(c)?, outbox::next_attempt(c)?))).await;
        let Ok((pending, next)) = state else { return IDLE_CHECK };
        if self.pending != Some(pending) {
            self.pending = Some(pending);
            self.observer.on_event(CoreEvent::OutboxChanged { pending });
        }
        match next {
            Some(at) => {
                let wait = at.saturating_sub(i.clock.now_ms()).max(0);
                // Never spin: an item that stays due (signed out) is looked at again shortly, not at once.
                Duration::from_millis(u64::try_from(wait).unwrap_or(0)).clamp(MIN_WAIT, IDLE_CHECK)
            }
            None => IDLE_CHECK,
        }
    }

    async fn apply(&mut self, event: &ApplicationEvent) {
        if let Err(e) = progress::apply_event(&self.inner, event, Some(self.observer.as_ref())).await {
            tracing::debug!(error = %e, "event not applied; the next sync retries");
        }
    }

    /// One poll of the event feed.
    async fn poll(&mut self) -> CoreResult<()> {
        let i = Arc::clone(&self.inner);
        let after = i.store.run(|c, _| progress::cursor(c)).await?;
        let page: EventPage = i.session.get(&format!("v1/events?after={after}&limit=100")).await?;
        self.set_online(true);
        for e in &page.events {
            self.apply(e).await;
        }
        let next = page.next_cursor;
        i.store.run(move |c, _| progress::advance_cursor(c, next)).await
    }

    /// Follows the stream until it ends or fails. Returns how long it stayed up.
    async fn stream(&mut self) -> CoreResult<i64> {
        let i = Arc::clone(&self.inner);
        let after = i.store.run(|c, _| progress::cursor(c)).await?;
        let path = format!("v1/events/stream?after={after}");
        let mut res = i
            .session
            .authed(|token| {
                let path = path.clone();
                let api = i.api.clone();
                async move { api.open_stream(&path, &token, Some(after)).await }
            })
            .await?;
        let opened = i.clock.now_ms();
        self.set_online(true);
        let mut parser = SseParser::default();
        let mut wait = self.deliver().await;
        loop {
            tokio::select! {
                chunk = res.chunk() => {
                    let Some(chunk) = chunk.map_err(crate::api::transport)? else { break };
                    let events = parser.push(&chunk).map_err(|e| CoreError::Malformed(e.into()))?;
                    for e in events {
                        if e.event.as_deref().is_some_and(|k| k != "application") {
                            continue;
                        }
                        match serde_json::from_str::<ApplicationEvent>(&e.data) {
                            Ok(ev) => self.apply(&ev).await,
                            Err(err) => tracing::warn!(error = %crate::error::json_failure(&err), "unreadable event"),
                        }
                    }
                }
                () = tokio::time::sleep(wait) => wait = self.deliver().await,
                () = i.apply.queued.notified() => wait = self.deliver().await,
            }
        }
        Ok(i.clock.now_ms() - opened)
    }
}

/// Runs until the task is aborted.
pub(crate) async fn run(inner: Arc<Inner>, observer: Arc<dyn Observer>) {
    let mut w = Watcher { inner, observer, online: None, pending: None };
    let mut attempt: u32 = 0;
    loop {
        match w.stream().await {
            Ok(up_ms) if up_ms >= HEALTHY_MS => attempt = 0,
            Ok(_) => attempt = attempt.saturating_add(1),
            Err(CoreError::NotSignedIn) => {
                // Nothing to follow until someone signs in again.
                w.set_online(false);
                attempt = attempt.saturating_add(1);
            }
            Err(e) => {
                tracing::debug!(error = %e, "event stream failed; polling");
                attempt = attempt.saturating_add(1);
            }
        }
        let backoff = super::backoff_ms(attempt, RECONNECT_BASE_MS, RECONNECT_CAP_MS, RECONNECT_BASE_MS / 2);
        let reconnect_at = tokio::time::Instant::now() + Duration::from_millis(u64::try_from(backoff).unwrap_or(0));
        // Until the stream is retried: poll and deliver every few seconds.
        loop {
            match w.poll().await {
                Ok(()) => {}
                Err(CoreError::Offline(_) | CoreError::Timeout | CoreError::Transport(_)) => w.set_online(false),
                Err(e) => tracing::debug!(error = %e, "event poll failed"),
            }
            let wait = w.deliver().await.min(POLL_EVERY);
            let now = tokio::time::Instant::now();
            if now >= reconnect_at {
                break;
            }
            tokio::time::sleep(wait.min(reconnect_at - now)).await;
        }
    }
}
