//! The applications part of the `Onego` façade (一件事一次办): drafts, consent, submission through the outbox,
//! progress, the watcher, and family delegations. One-line shims over `apply`.

use std::sync::Arc;

use onego_protocol::api::{Application, Delegation, DelegationGrant, DelegationList};
use onego_protocol::plan::AnswerValue;

use crate::apply::{
    self, Consent, Delegations, DeliveryReport, Draft, DraftSummary, Observer, OutboxItem, ProgressReport,
    QueuedSubmission, TaskHandle, consent, draft, outbox, progress,
};
use crate::error::CoreError;
use crate::{Onego, OnegoError, plan_api};

/// Longest delegation the platform accepts.
const MAX_DELEGATION_DAYS: i32 = 366;

fn check_id(field: &str, id: &str) -> Result<(), CoreError> {
    if id.is_empty() || id.len() > 80 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(CoreError::Validation { field: field.into(), detail: "不是有效的编号".into() });
    }
    Ok(())
}

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// Starts a draft for a bundle or a matter, or resumes the newest unfinished one of the same service (and
    /// delegation). A delegated draft is planned by the platform (the delegate has no copy of the principal's
    /// profile); offline it keeps its last plan and says so (`plan_stale`).
    pub async fn start_draft(&self, service_id: String, delegation_id: Option<String>) -> Result<Draft, OnegoError> {
        self.run(move |i| async move {
            check_id("service_id", &service_id)?;
            if let Some(d) = &delegation_id {
                check_id("delegation_id", d)?;
            }
            draft::start(&i, service_id, delegation_id).await
        })
        .await
    }

    /// Answers a guided question; saved at once.
    pub async fn answer(&self, draft_id: String, question_id: String, value: AnswerValue) -> Result<Draft, OnegoError> {
        self.run(move |i| async move { draft::answer(&i, draft_id, question_id, value).await }).await
    }

    /// Sets a field's value; an empty value drops the citizen's own and falls back to the pre-filled one.
    pub async fn set_field(&self, draft_id: String, key: String, value: String) -> Result<Draft, OnegoError> {
        self.run(move |i| async move { draft::set_field(&i, draft_id, key, value).await }).await
    }

    /// Attaches a scan or photo (at most 2 MB) to a material `matter_id/material_id` that takes uploads; empty
    /// `content` removes it. Saved sealed with the draft and sent with the submission. Offline.
    pub async fn attach_file(
        &self,
        draft_id: String,
        material: String,
        file_name: String,
        content: Vec<u8>,
    ) -> Result<Draft, OnegoError> {
        self.run(move |i| async move { draft::attach(&i, draft_id, material, file_name, content).await }).await
    }

    /// One draft, recomputed. Offline.
    pub async fn draft(&self, id: String) -> Result<Draft, OnegoError> {
        self.run(move |i| async move { draft::get(&i, id).await }).await
    }

    /// Every draft, newest first. Offline.
    pub async fn drafts(&self) -> Result<Vec<DraftSummary>, OnegoError> {
        self.run(|i| async move { i.store.run(|c, s| draft::list(c, s)).await }).await
    }

    /// Discards a draft that is not being delivered.
    pub async fn discard_draft(&self, id: String) -> Result<(), OnegoError> {
        self.run(move |i| async move { i.store.run(move |c, _| draft::discard(c, &id)).await }).await
    }

    /// Deletes drafts still being edited that were untouched for more than `max_age_days`; returns how many.
    pub async fn purge_drafts(&self, max_age_days: i32) -> Result<i32, OnegoError> {
        self.run(move |i| async move {
            let now = i.clock.now_ms();
            i.store.run(move |c, _| draft::purge(c, max_age_days, now)).await
        })
        .await
    }

    /// What submitting this draft would share: which claims of which licences go to which departments, what the
    /// departments fetch from shared data, what is promised and what is still to upload. Offline.
    pub async fn consent(&self, draft_id: String) -> Result<Consent, OnegoError> {
        self.run(move |i| async move {
            let anchor = i.wallet.anchor.clone();
            let now = i.clock.now_ms();
            i.store
                .run(move |c, s| {
                    let row = draft::load(c, s, &draft_id)?;
                    let plan = draft::plan_of(c, s, &anchor, &row, now)?;
                    let (_, matters) = plan_api::service(c, &row.service_id)?;
                    let sharing = consent::sharing(c, s, &anchor, &plan, &matters, row.delegation_id.is_some(), now)?;
                    consent::describe(c, &sharing, &matters)
                })
                .await
        })
        .await
    }

    /// Submits a draft once the citizen agreed to `consent`: refused with the first wrong field while the form
    /// has errors (the draft lists them all); otherwise signed and queued in the outbox, offline too.
    pub async fn submit(&self, draft_id: String, consent: bool) -> Result<QueuedSubmission, OnegoError> {
        self.run(move |i| async move { outbox::submit(&i, draft_id, consent).await }).await
    }

    /// Sends what is due in the outbox, oldest first, each under its idempotency key.
    pub async fn deliver_outbox(&self) -> Result<DeliveryReport, OnegoError> {
        self.run(|i| async move { outbox::deliver(&i).await }).await
    }

    /// The outbox, oldest first. Offline.
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>, OnegoError> {
        self.run(|i| async move { i.store.run(|c, _| outbox::list(c)).await }).await
    }

    /// Applications as last seen, newest first (queued ones as `queued-<key>` placeholders). Offline.
    pub async fn applications(&self) -> Result<Vec<Application>, OnegoError> {
        self.run(|i| async move {
            let now = i.clock.now_ms();
            i.store.run(move |c, s| progress::list(c, s, now)).await
        })
        .await
    }

    /// One application as last seen. Offline.
    pub async fn application(&self, id: String) -> Result<Application, OnegoError> {
        self.run(move |i| async move {
            let now = i.clock.now_ms();
            i.store.run(move |c, s| progress::get(c, s, &id, now)).await
        })
        .await
    }

    /// Fetches the applications and the events since the last sync; licences issued land in the wallet. The
    /// reviews come along (their loops move with the applications); failing that, the next sync catches up.
    pub async fn sync_applications(&self) -> Result<ProgressReport, OnegoError> {
        self.run(|i| async move {
            let report = progress::sync(&i).await?;
            if let Err(e) = crate::reviews::sync(&i).await {
                tracing::debug!(error = %e, "reviews not synced");
            }
            Ok(report)
        })
        .await
    }

    /// Answers a department's request for more (补正) on one matter: `fields` as asked, and the wallet's
    /// licences presented again for materials the request names. Online; returns the application as it now
    /// stands. A refusal carries the platform's reason (nothing asked, a field to correct).
    pub async fn supplement(
        &self,
        application_id: String,
        matter_id: String,
        fields: std::collections::HashMap<String, String>,
    ) -> Result<Application, OnegoError> {
        self.run(move |i| async move { crate::supplement::supplement(&i, application_id, matter_id, fields).await })
            .await?
    }

    /// Lets `delegate_phone` apply in the signed-in person's name for `scope` (bundle or matter ids) for
    /// `valid_days` days (亲友代办).
    pub async fn grant_delegation(
        &self,
        delegate_phone: String,
        scope: Vec<String>,
        valid_days: i32,
    ) -> Result<Delegation, OnegoError> {
        self.run(move |i| async move {
            if !(1..=MAX_DELEGATION_DAYS).contains(&valid_days) {
                return Err(CoreError::Validation {
                    field: "valid_days".into(),
                    detail: format!("授权期限为 1 至 {MAX_DELEGATION_DAYS} 天"),
                });
            }
            if scope.is_empty() {
                return Err(CoreError::Validation {
                    field: "scope".into(), detail: "请至少选择一项事项".into()
                });
            }
            for s in &scope {
                check_id("scope", s)?;
            }
            let expires_at = i.clock.now_ms() + i64::from(valid_days) * 86_400_000;
            let grant = DelegationGrant { delegate_phone, scope, expires_at };
            i.session.post("v1/delegations", &grant).await
        })
        .await
    }

    /// Delegations the signed-in person granted and received.
    pub async fn delegations(&self) -> Result<Delegations, OnegoError> {
        self.run(|i| async move {
            let list: DelegationList = i.session.get("v1/delegations").await?;
            Ok(Delegations { granted: list.granted, received: list.received })
        })
        .await
    }

    /// Revokes a delegation the signed-in person granted.
    pub async fn revoke_delegation(&self, id: String) -> Result<(), OnegoError> {
        self.run(move |i| async move {
            check_id("id", &id)?;
            let path = format!("v1/delegations/{id}");
            i.session
                .authed(|token| {
                    let (api, path) = (i.api.clone(), path.clone());
                    async move { api.delete(&path, &token).await }
                })
                .await
        })
        .await
    }
}

#[cfg_attr(feature = "ffi", uniffi::export)]
impl Onego {
    /// Follows the platform in the background: delivers the outbox when due, applies status events as they
    /// stream (polling when the stream is down), fetches issued licences, and tells `observer`. Stops on
    /// `cancel()` or when the handle is dropped.
    pub fn watch(&self, observer: Arc<dyn Observer>) -> Result<Arc<TaskHandle>, OnegoError> {
        let locale = self.inner.locale;
        let rt = crate::runtime().map_err(|e| e.public(locale))?;
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let guarded = Arc::new(apply::GuardedObserver { inner: observer, cancelled: Arc::clone(&cancelled) });
        let task = rt.spawn(apply::watch::run(Arc::clone(&self.inner), guarded));
        Ok(Arc::new(TaskHandle::new(task.abort_handle(), cancelled)))
    }
}
