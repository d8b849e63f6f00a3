//! The reviews part of the `Onego` façade (好差评), the satisfaction figures, and the reminders. One-line shims
//! over `reviews` and `notifications`.

use onego_protocol::api::{Review, ReviewLevel, Satisfaction};

use crate::notifications::{self, Notification};
use crate::reviews::{self, QueuedReview, ReviewEntry};
use crate::{Onego, OnegoError};

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// Rates a finished matter (`matter_id`) or the whole finished bundle (`None`): checked against the cached
    /// application (finished, tags of the level, comment length, one review each), then queued in the outbox and
    /// delivered like a submission, offline too. A final refusal shows on the review (`NeedsAttention`).
    pub async fn review(
        &self,
        application_id: String,
        matter_id: Option<String>,
        level: ReviewLevel,
        tags: Vec<String>,
        comment: String,
    ) -> Result<QueuedReview, OnegoError> {
        self.run(move |i| async move { reviews::queue(&i, application_id, matter_id, level, tags, comment).await })
            .await?
    }

    /// The citizen's reviews as last seen, newest first, with their loops (steps, deadlines, overdue flags for
    /// today) and delivery state; queued ones as `queued-<key>` placeholders. Offline.
    pub async fn reviews(&self) -> Result<Vec<ReviewEntry>, OnegoError> {
        self.run(|i| async move {
            let now = i.clock.now_ms();
            i.store.run(move |c, s| reviews::list(c, s, now)).await
        })
        .await
    }

    /// Fetches the citizen's reviews (`GET /v1/reviews`) and returns them as [`Onego::reviews`] does.
    pub async fn sync_reviews(&self) -> Result<Vec<ReviewEntry>, OnegoError> {
        self.run(|i| async move {
            reviews::sync(&i).await?;
            let now = i.clock.now_ms();
            i.store.run(move |c, s| reviews::list(c, s, now)).await
        })
        .await
    }

    /// The one follow-up review (追评) after the department's feedback. Online; a refusal carries the
    /// platform's reason (not yet fed back, already followed up, window passed).
    pub async fn follow_up(
        &self,
        review_id: String,
        level: ReviewLevel,
        comment: String,
    ) -> Result<Review, OnegoError> {
        self.run(move |i| async move { reviews::follow_up(&i, review_id, level, comment).await }).await?
    }

    /// Withdraws a review filed by mistake (误评申诉): upheld at once, left out of the figures. Online.
    pub async fn appeal_review(&self, review_id: String, reason: String) -> Result<Review, OnegoError> {
        self.run(move |i| async move { reviews::appeal(&i, review_id, reason).await }).await?
    }

    /// The tags a citizen may pick at `level`.
    #[must_use]
    pub fn review_options(&self, level: ReviewLevel) -> Vec<String> {
        reviews::options(level)
    }

    /// Caches every matter's satisfaction figures (`GET /v1/satisfaction`, public).
    pub async fn sync_satisfaction(&self) -> Result<Vec<Satisfaction>, OnegoError> {
        self.run(|i| async move { reviews::sync_satisfaction(&i).await }).await
    }

    /// A matter's (or bundle's) satisfaction figures as last synced; `None` without reviews. Offline.
    pub async fn satisfaction(&self, matter_id: String) -> Result<Option<Satisfaction>, OnegoError> {
        self.run(move |i| async move { i.store.run(move |c, _| reviews::satisfaction(c, &matter_id)).await }).await
    }

    /// Reminders from the cached applications, reviews and wallet for today (China time), urgent first, less
    /// those dismissed. Offline.
    pub async fn notifications(&self) -> Result<Vec<Notification>, OnegoError> {
        self.run(|i| async move {
            let anchor = i.wallet.anchor.clone();
            let now = i.clock.now_ms();
            i.store.run(move |c, s| notifications::current(c, s, &anchor, now)).await
        })
        .await
    }

    /// Dismisses a reminder for good (its id is stable).
    pub async fn dismiss_notification(&self, id: String) -> Result<(), OnegoError> {
        self.run(move |i| async move {
            if id.is_empty() || id.len() > 200 {
                return Err(crate::error::CoreError::Validation {
                    field: "id".into(),
                    detail: "不是有效的编号".into(),
                });
            }
            let now = i.clock.now_ms();
            i.store.run(move |c, _| notifications::dismiss(c, &id, now)).await
        })
        .await
    }
}
