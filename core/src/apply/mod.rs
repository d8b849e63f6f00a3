//! 一件事一次办 on the phone: drafts that autosave, consent to exactly what is shared, a submission queued in an
//! outbox and delivered exactly once, progress from the platform's event stream, and family delegations.
//!
//! Everything a citizen enters is sealed at rest (drafts, outbox bodies, cached applications); ids, states and
//! times stay in clear. A write is first committed locally together with its outbox row, so it survives being
//! offline or killed; the platform deduplicates by the client's idempotency key.

pub(crate) mod consent;
pub(crate) mod draft;
pub(crate) mod outbox;
pub(crate) mod progress;
pub(crate) mod sse;
pub(crate) mod watch;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use onego_protocol::api::{FieldError, MatterStatus};
use onego_protocol::plan::{AnswerValue, Plan};

use crate::error::{CoreError, CoreResult};

/// Where a draft stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DraftState {
    /// Being filled in; saved after every change.
    Editing,
    /// Submitted and waiting in the outbox for the platform.
    Queued,
    /// The platform has it; `application_id` names the application.
    Delivered,
    /// The platform refused it (a field, a delegation): the citizen fixes `errors` and submits again.
    NeedsAttention,
}

impl DraftState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Editing => "editing",
            Self::Queued => "queued",
            Self::Delivered => "delivered",
            Self::NeedsAttention => "needs_attention",
        }
    }

    pub(crate) fn parse(s: &str) -> CoreResult<Self> {
        Ok(match s {
            "editing" => Self::Editing,
            "queued" => Self::Queued,
            "delivered" => Self::Delivered,
            "needs_attention" => Self::NeedsAttention,
            other => return Err(CoreError::Integrity(format!("unknown draft state {other}"))),
        })
    }

    /// The citizen may still change answers and fields.
    pub(crate) fn editable(self) -> bool {
        matches!(self, Self::Editing | Self::NeedsAttention)
    }
}

/// A draft application with its plan and what is still wrong, recomputed on every change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Draft {
    pub id: String,
    /// The bundle or matter applied for.
    pub service_id: String,
    pub service_name: String,
    pub answers: HashMap<String, AnswerValue>,
    /// Effective field values: the citizen's own value where they set one, else the plan's pre-filled value.
    pub values: HashMap<String, String>,
    pub plan: Plan,
    /// Every problem, local (unanswered questions, field checks, scans to attach) and from the platform, on the
    /// field concerned.
    pub errors: Vec<FieldError>,
    /// Files attached to materials.
    pub attachments: Vec<AttachedFile>,
    pub state: DraftState,
    pub application_id: Option<String>,
    /// Applying in a principal's name (亲友代办).
    pub delegation_id: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// A delegated draft is planned by the platform; offline its plan is the last one fetched.
    pub plan_stale: bool,
}

/// A scan or photo attached to a material of a draft.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AttachedFile {
    /// `matter_id/material_id`.
    pub material: String,
    pub file_name: String,
    pub bytes: i64,
}

/// One line of the drafts list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DraftSummary {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub state: DraftState,
    pub application_id: Option<String>,
    pub delegation_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One licence attached to a submission: which of its claims go to which departments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ConsentLicence {
    pub vct: String,
    pub licence_name: String,
    /// Local wallet id.
    pub licence_id: String,
    /// Chinese labels of the disclosed claims.
    pub claims: Vec<String>,
    /// Names of the departments receiving them.
    pub departments: Vec<String>,
    /// Names of the matters it serves.
    pub matters: Vec<String>,
}

/// What the citizen agrees to before submitting (告知同意).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Consent {
    pub licences: Vec<ConsentLicence>,
    /// Materials the departments fetch from shared data, in words.
    pub shared_data: Vec<String>,
    /// Materials replaced by the citizen's commitment (告知承诺).
    pub commitments: Vec<String>,
    /// Materials still to be uploaded or brought.
    pub uploads: Vec<String>,
    pub summary: String,
}

/// A submission committed locally and waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct QueuedSubmission {
    pub draft_id: String,
    pub idempotency_key: String,
    pub service_name: String,
    pub queued_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    Delivered,
    /// Refused by the platform; never retried (the draft says why).
    Rejected,
}

/// What an outbox row delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    /// An application (`POST /v1/applications`).
    Submission,
    /// A review of a finished matter or bundle (`POST /v1/reviews`).
    Review,
}

/// One write in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OutboxItem {
    pub idempotency_key: String,
    pub kind: OutboxKind,
    /// The draft submitted; empty for a review.
    pub draft_id: String,
    pub service_name: String,
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub queued_at: i64,
    /// Why the last attempt failed (a status or `offline`; never personal data).
    pub last_error: Option<String>,
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DeliveryReport {
    pub delivered: i32,
    /// Delivered earlier (the answer was lost); the platform returned the original application.
    pub replayed: i32,
    pub rejected: i32,
    pub retry_later: i32,
    /// When the next pending item is due, if any.
    pub next_attempt_at: Option<i64>,
}

/// What a progress sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ProgressReport {
    pub events: i32,
    /// Applications whose cached state changed.
    pub changed: i32,
    pub licences_received: i32,
}

/// What the core tells a watching shell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CoreEvent {
    ApplicationChanged {
        application_id: String,
        matter_id: String,
        status: MatterStatus,
        note: String,
    },
    /// A licence an approval issued is now in the wallet (`licence_id` is the local wallet id).
    LicenceReceived {
        licence_id: String,
        name: String,
    },
    OutboxChanged {
        pending: i32,
    },
    Connection {
        online: bool,
    },
}

/// Implemented by the shell to hear about changes while [`crate::Onego::watch`] runs.
#[cfg_attr(feature = "ffi", uniffi::export(with_foreign))]
pub trait Observer: Send + Sync {
    fn on_event(&self, event: CoreEvent);
}

/// A long-running listener; `cancel()` (or dropping the handle) stops it.
#[cfg_attr(feature = "ffi", derive(uniffi::Object))]
pub struct TaskHandle {
    abort: tokio::task::AbortHandle,
    /// Shared with the observer guard: once set, the shell's observer is never called again.
    cancelled: Arc<AtomicBool>,
}

impl std::fmt::Debug for TaskHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskHandle").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl TaskHandle {
    pub(crate) fn new(abort: tokio::task::AbortHandle, cancelled: Arc<AtomicBool>) -> Self {
        Self { abort, cancelled }
    }
}

/// Forwards to the shell's observer until the task is cancelled. `cancel()` returns at once while the task
/// stops at its next await point; without this guard an event already in flight could still reach a host that
/// has torn its observer down (a Python interpreter shutting down aborts on such a call).
pub(crate) struct GuardedObserver {
    pub(crate) inner: Arc<dyn Observer>,
    pub(crate) cancelled: Arc<AtomicBool>,
}

impl Observer for GuardedObserver {
    fn on_event(&self, event: CoreEvent) {
        if !self.cancelled.load(Ordering::SeqCst) {
            self.inner.on_event(event);
        }
    }
}

#[cfg_attr(feature = "ffi", uniffi::export)]
impl TaskHandle {
    /// Stops the task at its next await point.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.abort.abort();
    }

    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Delegations granted by and to the signed-in person.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Delegations {
    pub granted: Vec<onego_protocol::api::Delegation>,
    pub received: Vec<onego_protocol::api::Delegation>,
}

/// State shared by all calls: one delivery at a time, and a nudge for the watcher when something is queued.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Single flight: two deliveries never send the same item at once.
    pub(crate) deliver: tokio::sync::Mutex<()>,
    pub(crate) queued: tokio::sync::Notify,
}

/// The cached applications (for the assistant), with the platform's overdue flags.
pub(crate) fn cached_applications(
    conn: &rusqlite::Connection,
    sealer: &crate::store::seal::Sealer,
) -> CoreResult<Vec<onego_protocol::api::Application>> {
    progress::list(conn, sealer, 0)
}

/// Test hook (feature `test-hooks`): when `ONEGO_PAUSE_AT` names this point, announce it on stderr and stop
/// here for good, so a test can kill the process at exactly this moment. A no-op otherwise.
pub(crate) fn crash_point(name: &str) {
    #[cfg(feature = "test-hooks")]
    if std::env::var("ONEGO_PAUSE_AT").is_ok_and(|v| v == name) {
        use std::io::Write;
        let mut err = std::io::stderr();
        let _ = writeln!(err, "ONEGO_PAUSED {name}");
        let _ = err.flush();
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
    #[cfg(not(feature = "test-hooks"))]
    let _ = name;
}

/// Random hex of `bytes` bytes.
pub(crate) fn random_hex(bytes: usize) -> CoreResult<String> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A random UUID (version 4) for an idempotency key.
pub(crate) fn new_uuid() -> CoreResult<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

/// A uniformly random number below `bound` (0 for a bound of 0).
pub(crate) fn random_below(bound: u64) -> u64 {
    let mut b = [0u8; 8];
    if bound == 0 || getrandom::fill(&mut b).is_err() {
        return 0;
    }
    u64::from_le_bytes(b) % bound
}

/// Exponential backoff with full jitter: uniformly in `[floor, min(cap, base × 2^attempt)]`. The floor keeps a
/// broken platform from being hammered when the draw comes out near zero.
pub(crate) fn backoff_ms(attempt: u32, base_ms: i64, cap_ms: i64, floor_ms: i64) -> i64 {
    let exp = base_ms.saturating_mul(1_i64 << attempt.min(30)).min(cap_ms).max(floor_ms);
    let span = u64::try_from(exp - floor_ms).unwrap_or(0);
    floor_ms + i64::try_from(random_below(span + 1)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_and_distinct() {
        let a = new_uuid().expect("uuid");
        let b = new_uuid().expect("uuid");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(a.len() <= onego_protocol::api::MAX_IDEMPOTENCY_KEY);
    }

    #[test]
    fn backoff_grows_within_bounds() {
        for attempt in 0..40 {
            let d = backoff_ms(attempt, 2_000, 600_000, 1_000);
            assert!((1_000..=600_000).contains(&d), "{attempt}: {d}");
            let cap = (2_000_i64 << attempt.min(30)).clamp(1_000, 600_000);
            assert!(d <= cap, "{attempt}: {d} > {cap}");
        }
    }

    #[test]
    fn draft_states_round_trip() {
        for s in [DraftState::Editing, DraftState::Queued, DraftState::Delivered, DraftState::NeedsAttention] {
            assert_eq!(DraftState::parse(s.as_str()).expect("parse"), s);
        }
        assert!(DraftState::parse("x").is_err());
    }
}
