//! Sign-in and the tokens it yields: kept in the host's secure storage, refreshed before or on expiry.

use std::sync::Arc;

use onego_protocol::api::{AccountKind, OtpRequest, OtpSent, ProblemCode, TokenRequest, TokenResponse};
use onego_protocol::time::Clock;

use crate::api::Api;
use crate::error::{CoreError, CoreResult};
use crate::secrets::{SecretStore, keys};

/// Refresh this long before the access token runs out, so a request does not race its expiry.
const REFRESH_MARGIN_MS: i64 = 30_000;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Tokens {
    pub access: String,
    pub refresh: String,
    pub access_expires_ms: i64,
    pub refresh_expires_ms: i64,
    pub subject: String,
    pub kind: AccountKind,
}

pub(crate) struct Session {
    api: Api,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    /// One refresh at a time: a refresh token is single-use, and reusing one revokes the sign-in.
    refresh_lock: tokio::sync::Mutex<()>,
}

impl Session {
    pub(crate) fn new(api: Api, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Self { api, secrets, clock, refresh_lock: tokio::sync::Mutex::new(()) }
    }

    pub(crate) fn tokens(&self) -> CoreResult<Option<Tokens>> {
        let raw = self.secrets.get(keys::TOKENS.into()).map_err(|e| CoreError::Secret(e.reason().to_owned()))?;
        // Unreadable tokens mean signed out, not a crash.
        Ok(raw.and_then(|b| serde_json::from_slice(&b).ok()))
    }

    fn save(&self, t: &TokenResponse) -> CoreResult<Tokens> {
        let now = self.clock.now_ms();
        let ms = |secs: u64| i64::try_from(secs).unwrap_or(i64::MAX / 2_000).saturating_mul(1000);
        let tokens = Tokens {
            access: t.access_token.clone(),
            refresh: t.refresh_token.clone(),
            access_expires_ms: now.saturating_add(ms(t.expires_in)),
            refresh_expires_ms: now.saturating_add(ms(t.refresh_expires_in)),
            subject: t.subject.clone(),
            kind: t.kind,
        };
        self.secrets
            .set(keys::TOKENS.into(), serde_json::to_vec(&tokens)?)
            .map_err(|e| CoreError::Secret(e.reason().to_owned()))?;
        Ok(tokens)
    }

    pub(crate) fn clear(&self) -> CoreResult<()> {
        self.secrets.delete(keys::TOKENS.into()).map_err(|e| CoreError::Secret(e.reason().to_owned()))
    }

    pub(crate) async fn request_code(&self, phone: &str, kind: AccountKind) -> CoreResult<OtpSent> {
        validate_phone(phone)?;
        self.api.post("v1/auth/otp", None, &OtpRequest { phone: phone.to_owned(), kind }).await
    }

    pub(crate) async fn sign_in(&self, phone: &str, code: &str, kind: AccountKind) -> CoreResult<Tokens> {
        validate_phone(phone)?;
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CoreError::Validation { field: "code".into(), detail: "6 digits".into() });
        }
        let req = TokenRequest::Otp { phone: phone.to_owned(), code: code.to_owned(), kind };
        let res: TokenResponse = self.api.post("v1/auth/token", None, &req).await?;
        self.save(&res)
    }

    /// A usable access token, refreshed first if it is about to run out.
    pub(crate) async fn access_token(&self) -> CoreResult<String> {
        let tokens = self.tokens()?.ok_or(CoreError::NotSignedIn)?;
        if tokens.access_expires_ms - REFRESH_MARGIN_MS > self.clock.now_ms() {
            return Ok(tokens.access);
        }
        self.refresh(&tokens.access).await
    }

    /// Rotates the tokens unless another task already did since `stale` was read.
    pub(crate) async fn refresh(&self, stale: &str) -> CoreResult<String> {
        let _guard = self.refresh_lock.lock().await;
        let tokens = self.tokens()?.ok_or(CoreError::NotSignedIn)?;
        if tokens.access != stale && tokens.access_expires_ms - REFRESH_MARGIN_MS > self.clock.now_ms() {
            return Ok(tokens.access);
        }
        if tokens.refresh_expires_ms <= self.clock.now_ms() {
            self.clear()?;
            return Err(CoreError::NotSignedIn);
        }
        let req = TokenRequest::RefreshToken { refresh_token: tokens.refresh };
        match self.api.post::<_, TokenResponse>("v1/auth/token", None, &req).await {
            Ok(res) => {
                tracing::debug!("access token refreshed");
                Ok(self.save(&res)?.access)
            }
            Err(CoreError::Http { status: 401, .. }) => {
                self.clear()?;
                Err(CoreError::NotSignedIn)
            }
            Err(e) => Err(e),
        }
    }

    /// Runs `call` with a valid access token, refreshing once if the platform says the token ran out.
    pub(crate) async fn authed<T, F, Fut>(&self, call: F) -> CoreResult<T>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = CoreResult<T>>,
    {
        let token = self.access_token().await?;
        match call(token.clone()).await {
            Err(CoreError::Http { status: 401, problem }) => {
                let expired = problem.as_ref().is_some_and(|p| p.code == ProblemCode::TokenExpired);
                if !expired {
                    self.clear()?;
                    return Err(CoreError::NotSignedIn);
                }
                let token = self.refresh(&token).await?;
                call(token).await
            }
            other => other,
        }
    }

    /// GET JSON as the signed-in user.
    pub(crate) async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> CoreResult<T> {
        self.authed(|token| async move { self.api.get(path, Some(&token)).await }).await
    }

    /// POST JSON as the signed-in user.
    pub(crate) async fn post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> CoreResult<T> {
        self.authed(|token| async move { self.api.post(path, Some(&token), body).await }).await
    }
}

fn validate_phone(phone: &str) -> CoreResult<()> {
    if phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CoreError::Validation {
            field: "phone".into(), detail: "11 位手机号 / an 11-digit mobile number".into()
        })
    }
}
