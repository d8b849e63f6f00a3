//! The onego sandbox platform: a real HTTP server with its own SQLite database that plays the provincial
//! government-service platform — catalog, identity and shared departmental registries.
//!
//! The app core talks to it over HTTP exactly as it would to production. It owns its data and rules; it must
//! never depend on `onego-core`.

mod auth;
mod catalog;
mod db;
mod error;
mod profile;
pub mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
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
}

impl std::fmt::Debug for PlatformConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformConfig")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("catalog_scale", &self.catalog_scale)
            .field("dev_mode", &self.dev_mode)
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
        }
    }
}

/// Shared state of the request handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    db: Arc<Mutex<rusqlite::Connection>>,
    pub(crate) config: Arc<PlatformConfig>,
}

impl AppState {
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
        description = "Plays the provincial government-service platform: catalog, identity, shared registries.",
        version = "1"
    ),
    components(schemas(onego_protocol::api::Problem, onego_protocol::api::ProblemCode)),
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
    let state = AppState { db: Arc::new(Mutex::new(conn)), config: Arc::new(PlatformConfig::default()) };
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
        let state = AppState { db: Arc::new(Mutex::new(conn)), config: Arc::new(config) };
        let listener = tokio::net::TcpListener::bind(state.config.addr)
            .await
            .map_err(|source| StartError::Bind { addr: state.config.addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: state.config.addr, source })?;
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
}
