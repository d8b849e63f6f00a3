//! The core's `tracing` events, forwarded to the host's log (logcat, os_log, a test's list) through a foreign trait.
//!
//! Only the workspace's own crates are forwarded (targets `onego…`), never the HTTP or TLS stacks, and they log
//! ids and counts, never personal data (CONVENTIONS). A minimal `Subscriber`: spans are not tracked, each event
//! becomes one line, `message key=value …`. Panics are logged too, before the unwind becomes an exception.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// How much to log, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn of(level: Level) -> Self {
        match level {
            Level::ERROR => Self::Error,
            Level::WARN => Self::Warn,
            Level::INFO => Self::Info,
            Level::DEBUG => Self::Debug,
            Level::TRACE => Self::Trace,
        }
    }
}

/// The host's log. Called from any thread, the core's workers included; keep it quick.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One event: `target` is the Rust module (`onego_core::session`), `message` the formatted line.
    fn log(&self, level: LogLevel, target: String, message: String);
}

struct State {
    sink: RwLock<Option<Arc<dyn LogSink>>>,
    max: AtomicU8,
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| State { sink: RwLock::new(None), max: AtomicU8::new(LogLevel::Info as u8) })
}

fn current_sink() -> Option<Arc<dyn LogSink>> {
    state().sink.read().ok().and_then(|s| s.clone())
}

/// Sends the core's log events at `level` and above to `sink`, replacing any earlier sink. Call once at start-up;
/// calling again changes the sink and the level. Returns false when another tracing subscriber already owns
/// the process (then nothing is forwarded).
#[uniffi::export]
pub fn init_logging(sink: Arc<dyn LogSink>, level: LogLevel) -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    let s = state();
    s.max.store(level as u8, Ordering::Relaxed);
    if let Ok(mut slot) = s.sink.write() {
        *slot = Some(sink);
    }
    *INSTALLED.get_or_init(|| {
        let installed = tracing::subscriber::set_global_default(Forwarder).is_ok();
        if installed {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if let Some(sink) = current_sink() {
                    sink.log(LogLevel::Error, "panic".into(), info.to_string());
                }
                previous(info);
            }));
        }
        installed
    })
}

/// Stops forwarding; events are dropped until `init_logging` is called again.
#[uniffi::export]
pub fn stop_logging() {
    if let Ok(mut slot) = state().sink.write() {
        *slot = None;
    }
}

struct Forwarder;

fn ours(meta: &Metadata<'_>) -> bool {
    meta.target().starts_with("onego")
}

impl Subscriber for Forwarder {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // The level can change at run time, so ask `enabled` every time for our own callsites.
        if ours(meta) { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        ours(meta) && (LogLevel::of(*meta.level()) as u8) <= state().max.load(Ordering::Relaxed)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let Some(sink) = current_sink() else { return };
        let meta = event.metadata();
        let mut line = Line::default();
        event.record(&mut line);
        sink.log(LogLevel::of(*meta.level()), meta.target().to_owned(), line.finish());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// `message key=value …` of one event.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Line {
    fn finish(self) -> String {
        match (self.message.is_empty(), self.fields.is_empty()) {
            (_, true) => self.message,
            (true, false) => self.fields,
            (false, false) => format!("{} {}", self.message, self.fields),
        }
    }
}

impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<(LogLevel, String, String)>>);

    impl LogSink for Collect {
        fn log(&self, level: LogLevel, target: String, message: String) {
            self.0.lock().expect("lock").push((level, target, message));
        }
    }

    #[test]
    fn forwards_our_events_at_the_level_asked() {
        let sink = Arc::new(Collect::default());
        assert!(init_logging(sink.clone(), LogLevel::Info));
        tracing::info!(version = 7, full = true, "catalog synced");
        tracing::debug!("not at info");
        tracing::info!(target: "hyper::client", "not ours");
        assert!(init_logging(sink.clone(), LogLevel::Debug), "a second call only changes sink and level");
        tracing::debug!("now at debug");
        stop_logging();
        tracing::info!("after stop");
        let got = sink.0.lock().expect("lock").clone();
        let lines: Vec<&str> = got.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(lines, ["catalog synced version=7 full=true", "now at debug"]);
        assert_eq!(got[0].0, LogLevel::Info);
        assert!(got[0].1.starts_with("onego_ffi"), "{}", got[0].1);
    }
}
