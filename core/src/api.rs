//! The HTTP client of the platform API: timeouts, problem documents, and mapping failures to `CoreError`.

use std::time::Duration;

use onego_protocol::api::{PROBLEM_CONTENT_TYPE, Problem};
use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{CoreError, CoreResult};

/// What came back from a conditional GET.
#[derive(Debug)]
pub(crate) enum Fetched<T> {
    Fresh { body: T, etag: Option<String> },
    NotModified,
}

#[derive(Debug, Clone)]
pub(crate) struct Api {
    http: reqwest::Client,
    /// For the event stream: no whole-request deadline (the stream stays open), but a read timeout so a silent,
    /// dead connection is noticed and reopened.
    streaming: reqwest::Client,
    base: url::Url,
}

/// An open stream's read timeout: the platform sends a keep-alive comment well within it.
const STREAM_READ_TIMEOUT: Duration = Duration::from_secs(45);

fn install_crypto_provider() {
    // reqwest is built without a default TLS provider; ring is the one this library links.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Api {
    pub(crate) fn new(base: &str, timeout: Duration) -> CoreResult<Self> {
        install_crypto_provider();
        let mut base = url::Url::parse(base)
            .map_err(|e| CoreError::Validation { field: "platform_url".into(), detail: e.to_string() })?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let plain_http_ok = base.host_str().is_some_and(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]");
        if base.scheme() != "https" && !(base.scheme() == "http" && plain_http_ok) {
            return Err(CoreError::Validation {
                field: "platform_url".into(),
                detail: "must be https (plain http only on loopback)".into(),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .user_agent(concat!("onego-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CoreError::Internal(format!("http client: {e}")))?;
        let streaming = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .read_timeout(STREAM_READ_TIMEOUT)
            .user_agent(concat!("onego-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CoreError::Internal(format!("http client: {e}")))?;
        Ok(Self { http, streaming, base })
    }

    fn url(&self, path: &str) -> CoreResult<url::Url> {
        self.base.join(path.trim_start_matches('/')).map_err(|e| CoreError::Internal(format!("url {path}: {e}")))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Vec<u8>>,
        etag: Option<&str>,
    ) -> CoreResult<reqwest::Response> {
        let mut req = self.http.request(method, self.url(path)?);
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        if let Some(body) = body {
            req = req.header(header::CONTENT_TYPE, "application/json").body(body);
        }
        req.send().await.map_err(transport)
    }

    /// GET with an optional ETag; 304 comes back as `NotModified`.
    pub(crate) async fn get_conditional<T: DeserializeOwned>(
        &self,
        path: &str,
        bearer: Option<&str>,
        etag: Option<&str>,
    ) -> CoreResult<Fetched<T>> {
        let res = self.send(Method::GET, path, bearer, None, etag).await?;
        if res.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        let tag = res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = decode(res).await?;
        Ok(Fetched::Fresh { body, etag: tag })
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str, bearer: Option<&str>) -> CoreResult<T> {
        decode(self.send(Method::GET, path, bearer, None, None).await?).await
    }

    /// GET a body that is not JSON (a JWS such as a trust list or status list token).
    pub(crate) async fn get_text(&self, path: &str) -> CoreResult<String> {
        let res = self.send(Method::GET, path, None, None, None).await?;
        let status = res.status();
        let bytes = res.bytes().await.map_err(transport)?;
        if !status.is_success() {
            let problem = serde_json::from_slice::<Problem>(&bytes).ok().map(Box::new);
            return Err(CoreError::Http { status: status.as_u16(), problem });
        }
        String::from_utf8(bytes.to_vec()).map(|s| s.trim().to_owned()).map_err(|e| CoreError::Malformed(e.to_string()))
    }

    /// The platform's base URL without a trailing slash (the `aud` of proofs of possession).
    pub(crate) fn base_url(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &B,
    ) -> CoreResult<T> {
        let body = serde_json::to_vec(body)?;
        decode(self.send(Method::POST, path, bearer, Some(body), None).await?).await
    }
}

impl Api {
    /// POST a write the platform deduplicates by `Idempotency-Key` (the body carries the same key).
    pub(crate) async fn post_idempotent<T: DeserializeOwned>(
        &self,
        path: &str,
        bearer: &str,
        body: Vec<u8>,
        key: &str,
    ) -> CoreResult<T> {
        let res = self
            .http
            .post(self.url(path)?)
            .bearer_auth(bearer)
            .header("Idempotency-Key", key)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        decode(res).await
    }

    /// DELETE; any 2xx is success.
    pub(crate) async fn delete(&self, path: &str, bearer: &str) -> CoreResult<()> {
        let res = self.send(Method::DELETE, path, Some(bearer), None, None).await?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = res.bytes().await.map_err(transport)?;
        Err(CoreError::Http {
            status: status.as_u16(),
            problem: serde_json::from_slice::<Problem>(&bytes).ok().map(Box::new),
        })
    }

    /// Opens a server-sent event stream; the caller reads it with `Response::chunk`.
    pub(crate) async fn open_stream(
        &self,
        path: &str,
        bearer: &str,
        last_event_id: Option<i64>,
    ) -> CoreResult<reqwest::Response> {
        let mut req =
            self.streaming.get(self.url(path)?).bearer_auth(bearer).header(header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = req.send().await.map_err(transport)?;
        let status = res.status();
        if !status.is_success() {
            let bytes = res.bytes().await.map_err(transport)?;
            let problem = serde_json::from_slice::<Problem>(&bytes).ok().map(Box::new);
            return Err(CoreError::Http { status: status.as_u16(), problem });
        }
        Ok(res)
    }
}

pub(crate) fn transport(e: reqwest::Error) -> CoreError {
    if e.is_timeout() {
        CoreError::Timeout
    } else if e.is_connect() {
        CoreError::Offline(e.to_string())
    } else if e.is_decode() {
        CoreError::Malformed(e.to_string())
    } else {
        // The connection was made, then broke (reset, closed mid-answer).
        CoreError::Transport(e.to_string())
    }
}

async fn decode<T: DeserializeOwned>(res: reqwest::Response) -> CoreResult<T> {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE));
    let bytes = res.bytes().await.map_err(transport)?;
    if !status.is_success() {
        let problem = if is_problem { serde_json::from_slice::<Problem>(&bytes).ok().map(Box::new) } else { None };
        return Err(CoreError::Http { status: status.as_u16(), problem });
    }
    serde_json::from_slice(&bytes).map_err(|e| CoreError::Malformed(crate::error::json_failure(&e)))
}
