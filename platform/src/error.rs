//! Every error leaves the platform as an RFC 9457 problem document with a stable code.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onego_protocol::api::{PROBLEM_CONTENT_TYPE, Problem, ProblemCode};

/// A request that could not be served.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} ({}): {}", .0.title, .0.code.as_str(), .0.detail.as_deref().unwrap_or(""))]
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    pub fn new(status: StatusCode, code: ProblemCode, title: &str) -> Self {
        Self(Box::new(Problem::new(status.as_u16(), code, title)))
    }

    pub(crate) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ProblemCode::BadRequest, "Bad request").detail(detail)
    }

    pub(crate) fn validation(field: &str, detail: impl Into<String>) -> Self {
        let mut e =
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::Validation, "Invalid input").detail(detail);
        e.0.field = Some(field.to_owned());
        e
    }

    pub(crate) fn unauthorized(code: ProblemCode, detail: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "Not signed in").detail(detail)
    }

    pub(crate) fn forbidden(detail: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, ProblemCode::Forbidden, "Not allowed").detail(detail)
    }

    pub(crate) fn not_found(detail: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, ProblemCode::NotFound, "Not found").detail(detail)
    }

    pub(crate) fn conflict(detail: &str) -> Self {
        Self::new(StatusCode::CONFLICT, ProblemCode::Conflict, "Conflict").detail(detail)
    }

    pub(crate) fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, ProblemCode::RateLimited, "Too many requests")
            .detail("wait before asking for another code");
        e.0.retry_after = Some(retry_after);
        e
    }

    /// Internal failures are logged with their cause but leave without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ProblemCode::Internal, "Internal error")
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        Self::internal(e)
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        // Not the message: serde_json quotes the offending value, which may be a citizen's data.
        Self::internal(format!("json {:?} at line {}, column {}", e.classify(), e.line(), e.column()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.0.retry_after;
        let mut res = (status, axum::Json(*self.0)).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        if let Some(secs) = retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// JSON bodies whose rejection is a problem document rather than axum's plain text.
pub(crate) struct Json<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Json<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::BadRequest, "Request too large")
                    .detail(rejection.body_text()))
            }
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// Query strings whose rejection is a problem document.
pub(crate) struct Query<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}
