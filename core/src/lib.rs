//! onego-core: everything the app does, below the UI.
//!
//! One object, [`Onego`], owns the phone's database, the sign-in and the platform client. Every read is
//! answered from SQLite at once; sync refreshes it. Shells (Android, iOS, the desktop CLI) render what the
//! core returns and hold no rules of their own. Personal data is sealed at rest and never logged.

mod api;
pub mod apply;
mod apply_api;
pub mod assistant;
pub mod catalog;
mod error;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod i18n;
mod network_api;
pub mod notifications;
mod plan_api;
pub mod reviews;
mod reviews_api;
pub mod screens;
mod screens_api;
mod secrets;
mod session;
mod store;
mod supplement;
pub mod wallet;
mod wallet_api;
pub use apply::{
    Consent, ConsentLicence, CoreEvent, Delegations, DeliveryReport, Draft, DraftState, DraftSummary, Observer,
    OutboxItem, OutboxKind, OutboxState, ProgressReport, QueuedSubmission, TaskHandle,
};
pub use notifications::{Notification, NotificationKind};
pub use onego_protocol::api::{
    Appeal, AppealState, LoopState, LoopStep, LoopStepKind, MAX_COMMENT_CHARS, Review, ReviewLevel, ReviewLoop,
    Satisfaction,
};
pub use onego_protocol::api::{
    Application, ApplicationStatus, Delegation, DelegationState, FieldError, MatterProgress, MatterStatus,
};
pub use reviews::{QueuedReview, ReviewDelivery, ReviewEntry};
pub use wallet_api::PresentingSession;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use catalog::search::SearchHit;
pub use catalog::{BundleGuide, BundleMemberGuide, BundleRef, CatalogState, Guide, MatterGuide, SyncReport};
pub use error::OnegoError;
pub use i18n::Locale;
pub use onego_protocol::api::{AccountKind, Profile};
pub use onego_protocol::plan::{
    AnswerValue, MaterialPlan, Plan, PlanRequest, PlannedField, PlannedMaterial, PlannedMatter, PlannedQuestion,
    Provenance, Spared, Truth,
};
pub use onego_protocol::time::Clock;
pub use screens::{
    Element, Intent, Role, Screen, ScreenName, ScreenOptions, ScreenState, Setting, Settings, Violation, audit,
};
pub use secrets::{MemorySecretStore, SecretStore, SecretStoreError};
pub use store::OpenReport;
pub use wallet::present::{OnlinePresentation, PresentRequest, Presentation, Purpose, QrMatrix};
pub use wallet::usage::UsageEntry;
pub use wallet::verifier::{Expectation, Verdict, verify_standalone};
pub use wallet::{
    ClaimView, DeviceKey, DeviceKeyError, LicenceState, LicenceSummary, LicenceView, SANDBOX_TRUST_ANCHOR,
    WalletRefresh,
};

use error::{CoreError, CoreResult};
use store::Store;

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// How to open the core.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `https://…` in production; plain `http://` only on loopback (tests, demo).
    pub platform_url: String,
    pub locale: Locale,
    /// Whole-request timeout for platform calls.
    pub request_timeout: Duration,
    pub clock: Arc<dyn Clock>,
    /// The national trust anchor's public key (a P-256 JWK), pinned: the trust list must verify with it.
    pub trust_anchor: String,
    /// Drafts still being edited and untouched this many days are deleted when the core opens.
    pub draft_max_age_days: i32,
}

impl Config {
    #[must_use]
    pub fn new(data_dir: impl Into<PathBuf>, platform_url: impl Into<String>) -> Self {
        Self {
            data_dir: data_dir.into(),
            platform_url: platform_url.into(),
            locale: Locale::ZhCn,
            request_timeout: Duration::from_secs(15),
            clock: Arc::new(SystemClock),
            trust_anchor: SANDBOX_TRUST_ANCHOR.to_owned(),
            draft_max_age_days: 30,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("platform_url", &self.platform_url)
            .field("locale", &self.locale)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

/// The core's own runtime: callers may await its futures from any executor (or none, through the bindings).
fn runtime() -> CoreResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .max_blocking_threads(8)
                .thread_name("onego-core")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| CoreError::Internal(format!("runtime: {e}")))
}

struct Inner {
    store: Store,
    api: api::Api,
    session: session::Session,
    clock: Arc<dyn Clock>,
    locale: Locale,
    secrets: Arc<dyn SecretStore>,
    wallet: Arc<wallet::Wallet>,
    apply: apply::Shared,
}

/// The app core. Cheap to clone; all clones share one database and sign-in.
#[derive(Clone)]
#[cfg_attr(feature = "ffi", derive(uniffi::Object))]
pub struct Onego {
    inner: Arc<Inner>,
    opened: OpenReport,
}

impl std::fmt::Debug for Onego {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Onego").field("locale", &self.inner.locale).finish_non_exhaustive()
    }
}

/// The signed-in account, without personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SignedIn {
    pub subject: String,
    pub kind: AccountKind,
}

impl Onego {
    /// Opens the database (migrating or recovering it) and prepares the platform client. No network.
    ///
    /// The device key is a software key kept in `secrets` (desktops, tests); phones use [`Onego::open_with_device_key`].
    pub fn open(config: Config, secrets: Arc<dyn SecretStore>) -> Result<Self, OnegoError> {
        let locale = config.locale;
        Self::open_inner(config, secrets, None).map_err(|e| e.public(locale))
    }

    /// Opens with the host's own device key (Secure Enclave, Android Keystore).
    pub fn open_with_device_key(
        config: Config,
        secrets: Arc<dyn SecretStore>,
        device_key: Arc<dyn DeviceKey>,
    ) -> Result<Self, OnegoError> {
        let locale = config.locale;
        Self::open_inner(config, secrets, Some(device_key)).map_err(|e| e.public(locale))
    }

    fn open_inner(
        config: Config,
        secrets: Arc<dyn SecretStore>,
        device_key: Option<Arc<dyn DeviceKey>>,
    ) -> CoreResult<Self> {
        let rt = runtime()?;
        let (store, opened) = Store::open(&config.data_dir, secrets.as_ref(), config.clock.now_ms())?;
        let device_key = match device_key {
            Some(k) => k,
            None => Arc::new(wallet::SoftwareDeviceKey::load_or_create(secrets.as_ref())?),
        };
        let wallet = Arc::new(wallet::Wallet::new(device_key, &config.trust_anchor)?);
        // reqwest needs a runtime context to build its connector.
        let _guard = rt.enter();
        let api = api::Api::new(&config.platform_url, config.request_timeout)?;
        let session = session::Session::new(api.clone(), Arc::clone(&secrets), Arc::clone(&config.clock));
        // Old abandoned drafts go at start, before anyone reads them; a failure here must not stop the app.
        let now = config.clock.now_ms();
        if let Err(e) = store.run_blocking(|c, _| apply::draft::purge(c, config.draft_max_age_days.max(0), now)) {
            tracing::warn!(error = %e, "draft purge failed");
        }
        let inner = Inner {
            store,
            api,
            session,
            clock: config.clock,
            locale: config.locale,
            secrets,
            wallet,
            apply: apply::Shared::default(),
        };
        Ok(Self { inner: Arc::new(inner), opened })
    }

    /// What happened when the database was opened (recovery from a corrupt file, a reset key).
    #[must_use]
    pub fn open_report(&self) -> &OpenReport {
        &self.opened
    }

    /// Runs `work` on the core's runtime and words any failure for the user.
    async fn run<T, F, Fut>(&self, work: F) -> Result<T, OnegoError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: std::future::Future<Output = CoreResult<T>> + Send + 'static,
    {
        let locale = self.inner.locale;
        let rt = runtime().map_err(|e| e.public(locale))?;
        let fut = work(Arc::clone(&self.inner));
        // Boxed and type-erased: tokio's task machinery is compiled once for every exported call instead of once
        // per call (a large share of the phone library otherwise).
        let erased: std::pin::Pin<Box<dyn std::future::Future<Output = Box<dyn std::any::Any + Send>> + Send>> =
            Box::pin(async move { Box::new(fut.await) as Box<dyn std::any::Any + Send> });
        let outcome = match rt.spawn(erased).await {
            Ok(done) => match done.downcast::<CoreResult<T>>() {
                Ok(result) => *result,
                Err(_) => Err(CoreError::Internal("task returned another type".into())),
            },
            Err(e) => Err(CoreError::Internal(format!("task: {e}"))),
        };
        outcome.map_err(|e| {
            tracing::debug!(error = %e, "core call failed");
            e.public(locale)
        })
    }
}

/// What the shells call. With the `ffi` feature these are exported through uniffi as they are: async calls
/// run on the core's own runtime (see `run`), so a foreign executor only polls them.
#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    #[must_use]
    pub fn locale(&self) -> Locale {
        self.inner.locale
    }

    /// Asks the platform to text a one-time code to `phone`.
    pub async fn request_code(&self, phone: String, kind: AccountKind) -> Result<(), OnegoError> {
        self.run(move |i| async move { i.session.request_code(&phone, kind).await.map(|_| ()) }).await
    }

    /// Signs in with the code, keeps the tokens in the secure store and caches the profile.
    pub async fn sign_in(&self, phone: String, code: String, kind: AccountKind) -> Result<SignedIn, OnegoError> {
        self.run(move |i| async move {
            let tokens = i.session.sign_in(&phone, &code, kind).await?;
            tracing::info!(kind = ?tokens.kind, "signed in");
            let profile: Profile = i.session.get("v1/me").await?;
            cache_profile(&i.store, profile).await?;
            Ok(SignedIn { subject: tokens.subject, kind: tokens.kind })
        })
        .await
    }

    /// Who is signed in, if anyone (from the secure store; no network).
    pub fn signed_in(&self) -> Result<Option<SignedIn>, OnegoError> {
        let tokens = self.inner.session.tokens().map_err(|e| e.public(self.inner.locale))?;
        Ok(tokens.map(|t| SignedIn { subject: t.subject, kind: t.kind }))
    }

    /// Forgets the tokens and every cached personal value: profile, licences, drafts, applications, reviews,
    /// reminders and the event cursor, so the next person to sign in on this phone sees none of it. Refused while
    /// submissions still wait in the outbox: signing out would lose them.
    pub async fn sign_out(&self) -> Result<(), OnegoError> {
        self.run(|i| async move {
            let pending: i64 = i
                .store
                .run(|c, _| Ok(c.query_row("SELECT count(*) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?))
                .await?;
            if pending > 0 {
                return Err(CoreError::Refused(format!(
                    "还有 {pending} 份申请或评价尚未送达，请联网送达后再退出登录，以免丢失"
                )));
            }
            i.session.clear()?;
            i.store
                .run(|c, _| {
                    let tx = c.transaction()?;
                    tx.execute_batch(
                        "DELETE FROM sealed; DELETE FROM licence; DELETE FROM draft; DELETE FROM outbox;
                         DELETE FROM application; DELETE FROM review; DELETE FROM dismissed_notification;
                         DELETE FROM kv WHERE key = 'events_cursor';",
                    )?;
                    tx.commit()?;
                    Ok(())
                })
                .await
        })
        .await
    }

    /// The signed-in person's profile as last fetched; works offline.
    pub async fn profile(&self) -> Result<Profile, OnegoError> {
        self.run(|i| async move {
            let plain = i.store.run(|c, s| store::get_sealed(c, s, "profile")).await?;
            let plain = plain.ok_or(CoreError::NotSignedIn)?;
            Ok(serde_json::from_slice(&plain)?)
        })
        .await
    }

    /// Fetches the profile again from the shared registries.
    pub async fn refresh_profile(&self) -> Result<Profile, OnegoError> {
        self.run(|i| async move {
            let profile: Profile = i.session.get("v1/me").await?;
            cache_profile(&i.store, profile.clone()).await?;
            Ok(profile)
        })
        .await
    }

    /// Fetches another person's profile by subject; the platform refuses anyone but the owner.
    pub async fn profile_of(&self, subject: String) -> Result<Profile, OnegoError> {
        self.run(move |i| async move {
            if subject.is_empty() || !subject.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(CoreError::Validation { field: "subject".into(), detail: "an opaque id".into() });
            }
            i.session.get(&format!("v1/profiles/{subject}")).await
        })
        .await
    }

    /// Brings the catalog up to date (delta, ETag). On failure the cached catalog stays as it was.
    pub async fn sync_catalog(&self) -> Result<SyncReport, OnegoError> {
        self.run(|i| async move {
            let report = catalog::sync(&i.api, &i.store, i.clock.now_ms()).await?;
            // The guides' 好差评 figures travel with the catalog; stale figures are better than none.
            if let Err(e) = reviews::sync_satisfaction(&i).await {
                tracing::debug!(error = %e, "satisfaction figures not refreshed");
            }
            tracing::info!(
                version = report.version,
                upserted = report.upserted,
                deleted = report.deleted,
                full = report.full,
                not_modified = report.not_modified,
                "catalog synced"
            );
            Ok(report)
        })
        .await
    }

    /// The cached catalog's version and size.
    pub async fn catalog_state(&self) -> Result<CatalogState, OnegoError> {
        self.run(|i| async move { i.store.run(|c, _| catalog::state(c)).await }).await
    }

    /// Searches the cached catalog: Chinese of any length, English names, everyday words. Offline.
    /// At most `limit` hits (capped at 200); none for a `limit` of 0 or less.
    pub async fn search(&self, query: String, limit: i32) -> Result<Vec<SearchHit>, OnegoError> {
        self.run(move |i| async move {
            let limit = usize::try_from(limit).unwrap_or(0).min(200);
            i.store.run(move |c, _| catalog::search::search(c, &query, limit)).await
        })
        .await
    }

    /// A matter's or bundle's full guide from the cache. Offline.
    pub async fn guide(&self, id: String) -> Result<Guide, OnegoError> {
        self.run(move |i| async move { i.store.run(move |c, _| catalog::guide(c, &id)).await }).await
    }
}

async fn cache_profile(store: &Store, profile: Profile) -> CoreResult<()> {
    let plain = serde_json::to_vec(&profile)?;
    store.run(move |c, s| store::put_sealed(c, s, "profile", &plain)).await
}
