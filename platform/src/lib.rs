//! The onego sandbox platform: a real HTTP server with its own SQLite database that plays the provincial
//! government-service platform — catalog, identity, shared departmental registries, and the e-licence issuers
//! with their trust list and status lists.
//!
//! The app core talks to it over HTTP exactly as it would to production. It owns its data and rules; it must
//! never depend on `onego-core`.

mod apply;
mod auth;
mod catalog;
mod db;
mod delegation;
mod error;
mod plan;
mod profile;
mod reviews;
pub mod seed;
pub mod wallet;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use onego_protocol::api::LicenceStatusChange;
use onego_protocol::time::Clock;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// How to run the platform.
#[derive(Clone)]
pub struct PlatformConfig {
    pub addr: SocketAddr,
    /// Where the database file lives; `None` keeps everything in memory (tests).
    pub data_dir: Option<PathBuf>,
    /// Extra synthetic matters for benchmarks.
    pub catalog_scale: usize,
    /// Accept the one-time code 123456 (sandbox only).
    pub dev_mode: bool,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    pub clock: Arc<dyn Clock>,
    /// The base URL clients reach the platform at (issuer identifiers, proof audience, status list URLs);
    /// `None` means `http://{bound address}`.
    pub public_url: Option<String>,
    /// The key staff present as `Authorization: Bearer …`; `None` disables the staff endpoints (403). The
    /// sandbox key [`wallet::SANDBOX_STAFF_KEY`] is honoured only in dev mode.
    pub staff_key: Option<String>,
}

impl std::fmt::Debug for PlatformConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformConfig")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("catalog_scale", &self.catalog_scale)
            .field("dev_mode", &self.dev_mode)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Default for PlatformConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            catalog_scale: 0,
            dev_mode: true,
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
            clock: Arc::new(SystemClock),
            public_url: None,
            staff_key: Some(wallet::SANDBOX_STAFF_KEY.to_owned()),
        }
    }
}

/// Shared state of the request handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    db: Arc<Mutex<rusqlite::Connection>>,
    pub(crate) config: Arc<PlatformConfig>,
    /// The public base URL, without a trailing `/`.
    public_url: Arc<str>,
    /// Carries the newest application event cursor; event streams wait on it.
    pub(crate) events: Arc<tokio::sync::watch::Sender<i64>>,
}

impl AppState {
    pub(crate) fn public_url(&self) -> String {
        self.public_url.to_string()
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.config.clock.now_ms()
    }

    /// Runs database work off the async workers.
    pub(crate) async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut rusqlite::Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().map_err(|_| ApiError::internal("database lock poisoned"))?;
            work(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal(format!("database task failed: {e}")))?
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "onego sandbox platform",
        description = "Plays the provincial government-service platform: catalog, identity, shared registries, \
                       e-licence issuance, the national trust list and status lists.",
        version = "1"
    ),
    components(schemas(
        onego_protocol::api::Problem,
        onego_protocol::api::ProblemCode,
        // Payloads of the raw JWTs the wallet endpoints serve (trust list, status list token).
        onego_protocol::trust::TrustList,
        onego_protocol::trust::TrustedIssuer,
        onego_protocol::status_list::StatusListClaims,
        onego_protocol::status_list::EncodedStatusList,
        onego_protocol::status_list::StatusReference,
        onego_protocol::status_list::StatusListIndex,
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "staff",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The platform's staff key (sandbox: `sandbox-staff` in dev mode)"))
                    .build(),
            ),
        );
    }
}

fn router(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(catalog::get_catalog))
        .routes(routes!(auth::request_otp))
        .routes(routes!(auth::token))
        .routes(routes!(profile::me))
        .routes(routes!(profile::profile_of))
        .routes(routes!(wallet::issuers::trust_list))
        .routes(routes!(wallet::issuers::issuer_metadata))
        .routes(routes!(wallet::status::status_list))
        .routes(routes!(wallet::issuance::licences))
        .routes(routes!(wallet::issuance::nonce))
        .routes(routes!(wallet::issuance::credential))
        .routes(routes!(wallet::staff::set_licence_status))
        .routes(routes!(wallet::exchange::upload))
        .routes(routes!(wallet::exchange::resolve))
        .routes(routes!(plan::plan_bundle))
        .routes(routes!(apply::list))
        .routes(routes!(apply::get))
        .routes(routes!(apply::staff::get_queue))
        .routes(routes!(apply::staff::post_decision))
        .merge(
            // Submissions carry uploads inline (base64): a larger body limit than axum's 2 MB default.
            OpenApiRouter::new()
                .routes(routes!(apply::submit::submit))
                .routes(routes!(apply::submit::supplement))
                .layer(axum::extract::DefaultBodyLimit::max(apply::submit::MAX_BODY_BYTES)),
        )
        .routes(routes!(reviews::file_review, reviews::my_reviews))
        .routes(routes!(reviews::file_follow_up))
        .routes(routes!(reviews::citizen_appeal))
        .routes(routes!(reviews::satisfaction_list))
        .routes(routes!(reviews::staff_reviews))
        .routes(routes!(reviews::staff_step_done))
        .routes(routes!(reviews::staff_appeal))
        .routes(routes!(reviews::staff_appeal_decision))
        .routes(routes!(apply::events::list))
        .routes(routes!(apply::events::stream))
        .routes(routes!(delegation::grant, delegation::list))
        .routes(routes!(delegation::revoke))
        .with_state(state)
        .split_for_parts();
    let doc = api.clone();
    let router = router
        .route("/openapi.json", axum::routing::get(move || async move { axum::Json(doc) }))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                onego_protocol::api::ProblemCode::BadRequest,
                "Method not allowed",
            )
        })
        .layer(tower_http::trace::TraceLayer::new_for_http());
    (router, api)
}

/// The OpenAPI document of the platform, generated from the handlers' annotations.
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    let Ok(conn) = rusqlite::Connection::open_in_memory() else {
        return ApiDoc::openapi();
    };
    let state = AppState {
        db: Arc::new(Mutex::new(conn)),
        config: Arc::new(PlatformConfig::default()),
        public_url: Arc::from("http://127.0.0.1"),
        events: Arc::new(tokio::sync::watch::channel(0).0),
    };
    router(state).1
}

#[utoipa::path(get, path = "/v1/health", tag = "platform",
    responses((status = 200, description = "The platform is up", body = onego_protocol::api::Health)))]
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<onego_protocol::api::Health>, ApiError> {
    let catalog_version = state.db(|c| catalog::current_version(c)).await?;
    Ok(axum::Json(onego_protocol::api::Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        catalog_version,
    }))
}

/// Errors starting the platform.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the platform database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("cannot seed the platform: {0}")]
    Seed(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot create the data directory: {0}")]
    DataDir(std::io::Error),
}

/// A platform serving on a socket until `shutdown` or drop.
pub struct RunningPlatform {
    addr: SocketAddr,
    state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for RunningPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningPlatform").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl RunningPlatform {
    /// Opens (and on first use seeds) the database, binds and starts serving on the current tokio runtime.
    pub async fn start(config: PlatformConfig) -> Result<Self, StartError> {
        let conn = match &config.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(StartError::DataDir)?;
                rusqlite::Connection::open(dir.join("platform.db"))?
            }
            None => rusqlite::Connection::open_in_memory()?,
        };
        let mut conn = conn;
        db::init(&mut conn)?;
        seed::seed_if_empty(&mut conn, &config).map_err(|e| StartError::Seed(e.to_string()))?;
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let public_url = Arc::from(public_url.trim_end_matches('/'));
        let last_event: i64 =
            conn.query_row("SELECT coalesce(max(cursor), 0) FROM application_event", [], |r| r.get(0))?;
        let events = Arc::new(tokio::sync::watch::channel(last_event).0);
        let state = AppState { db: Arc::new(Mutex::new(conn)), config: Arc::new(config), public_url, events };
        let (app, _) = router(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "platform server stopped with an error");
            }
        });
        tracing::info!(%addr, "sandbox platform listening");
        Ok(Self { addr, state, shutdown: Some(tx), task: Some(task) })
    }

    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for the server task.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take() {
            // Graceful shutdown also closes idle keep-alive connections, so clients really see the platform
            // gone; aborting only the accept loop would leave those connections served.
            if tokio::time::timeout(std::time::Duration::from_secs(3), &mut task).await.is_err() {
                task.abort();
            }
        }
    }

    /// Staff action: changes the catalog as an editor would (for delta-sync tests and benchmarks).
    #[must_use]
    pub fn staff(&self) -> Staff {
        Staff { state: self.state.clone() }
    }
}

impl Drop for RunningPlatform {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// In-process staff actions on the platform's data.
#[derive(Clone)]
pub struct Staff {
    state: AppState,
}

impl std::fmt::Debug for Staff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Staff")
    }
}

impl Staff {
    /// Re-publishes the given matters with a changed summary; returns the new catalog version.
    pub async fn edit_matters(&self, ids: Vec<String>, note: String) -> Result<i64, ApiError> {
        self.state.db(move |c| catalog::edit_matters(c, &ids, &note)).await
    }

    /// Withdraws matters from the catalog; returns the new catalog version.
    pub async fn delete_items(&self, ids: Vec<String>) -> Result<i64, ApiError> {
        self.state.db(move |c| catalog::delete_items(c, &ids)).await
    }

    /// Forgets tombstones up to the current version, so older clients must take a full snapshot.
    pub async fn compact(&self) -> Result<(), ApiError> {
        self.state.db(catalog::compact).await
    }

    /// Ids of all live matters, in id order.
    pub async fn matter_ids(&self) -> Result<Vec<String>, ApiError> {
        self.state.db(catalog::matter_ids).await
    }

    /// Revokes, suspends or reinstates a licence, as `POST /v1/staff/licences/{licence_id}/status` does.
    /// Revocation is final (a conflict problem afterwards).
    pub async fn set_licence_status(&self, licence_id: String, change: LicenceStatusChange) -> Result<(), ApiError> {
        let now = self.state.now_ms() / 1000;
        self.state
            .db(move |c| wallet::status::set_status(c, &licence_id, change, "staff action (in process)", now))
            .await
    }

    /// The staff queue, as `GET /v1/staff/queue[?department=]` answers it.
    pub async fn queue(&self, department: Option<String>) -> Result<onego_protocol::api::StaffQueue, ApiError> {
        let now = self.state.now_ms();
        self.state.db(move |c| apply::staff::queue(c, department.as_deref(), now)).await
    }

    /// Decides a matter under review, as `POST /v1/staff/applications/{id}/matters/{matter_id}` does.
    pub async fn decide(
        &self,
        app_id: String,
        matter_id: String,
        decision: onego_protocol::api::StaffDecision,
    ) -> Result<onego_protocol::api::Application, ApiError> {
        let now = self.state.now_ms();
        let (app, cursor) =
            self.state.db(move |c| apply::staff::decide(c, &app_id, &matter_id, &decision, now)).await?;
        self.state.events.send_replace(cursor);
        Ok(app)
    }

    /// `(licence_id, vct)` of the licences held by the person with this phone, and of the companies they
    /// represent, in licence id order.
    pub async fn licence_ids_of(&self, phone: String) -> Result<Vec<(String, String)>, ApiError> {
        self.state.db(move |c| wallet::issuance::licence_ids_of(c, &phone)).await
    }
}
