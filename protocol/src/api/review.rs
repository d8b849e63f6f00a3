//! Reviews (好差评): five levels with tags, one review per finished matter (and per bundle), and the closed
//! loop a bad review opens: callback (回访) → verification (核实) → rectification (整改) → feedback (反馈) → one
//! follow-up review (追评). Deadlines come from a jurisdiction rule table that is data (`platform/seed/review_rules.json`).

use crate::wire;

/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

wire! {
#[derive(Copy, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// The five levels of the national 好差评 system, best first.
pub enum ReviewLevel {
    VerySatisfied,
    Satisfied,
    Fair,
    Dissatisfied,
    VeryDissatisfied,
}
}

impl ReviewLevel {
    pub const ALL: [Self; 5] =
        [Self::VerySatisfied, Self::Satisfied, Self::Fair, Self::Dissatisfied, Self::VeryDissatisfied];

    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::VerySatisfied => "非常满意",
            Self::Satisfied => "满意",
            Self::Fair => "基本满意",
            Self::Dissatisfied => "不满意",
            Self::VeryDissatisfied => "非常不满意",
        }
    }

    #[must_use]
    pub fn label_en(self) -> &'static str {
        match self {
            Self::VerySatisfied => "Very satisfied",
            Self::Satisfied => "Satisfied",
            Self::Fair => "Fair",
            Self::Dissatisfied => "Dissatisfied",
            Self::VeryDissatisfied => "Very dissatisfied",
        }
    }

    /// 不满意 and 非常不满意 are 差评: they open the closed loop.
    #[must_use]
    pub fn is_bad(self) -> bool {
        matches!(self, Self::Dissatisfied | Self::VeryDissatisfied)
    }

    /// 非常满意 and 满意 count as 好评.
    #[must_use]
    pub fn is_good(self) -> bool {
        matches!(self, Self::VerySatisfied | Self::Satisfied)
    }

    /// The tags a citizen may pick at this level (after the national 好差评 evaluation items: attitude,
    /// efficiency, convenience, openness).
    #[must_use]
    pub fn tags(self) -> &'static [&'static str] {
        match self {
            Self::VerySatisfied | Self::Satisfied => {
                &["办事快捷", "材料精简", "不用跑腿", "指引清楚", "态度热情", "一次办好"]
            }
            Self::Fair => &["基本顺利", "等待较久", "指引一般", "系统偶有卡顿"],
            Self::Dissatisfied | Self::VeryDissatisfied => {
                &["办理超时", "材料反复提交", "多次跑腿", "指引不清", "态度不好", "系统故障", "结果有误"]
            }
        }
    }
}

wire! {
/// `POST /v1/reviews`: rate a finished matter (or, without `matter_id`, the whole bundle).
pub struct ReviewSubmission {
    /// Deduplicates retries from the outbox, like submissions.
    pub idempotency_key: String,
    pub application_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter_id: Option<String>,
    pub level: ReviewLevel,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub comment: String,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// The steps of the closed loop, in order.
pub enum LoopStepKind {
    /// 回访: the department calls the citizen back.
    Callback,
    /// 核实: the department checks what happened.
    Verification,
    /// 整改: the department fixes the cause.
    Rectification,
    /// 反馈: the department tells the citizen what was done.
    Feedback,
    /// 追评: the citizen's one follow-up review.
    FollowUp,
}
}

impl LoopStepKind {
    pub const ALL: [Self; 5] =
        [Self::Callback, Self::Verification, Self::Rectification, Self::Feedback, Self::FollowUp];

    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Callback => "回访",
            Self::Verification => "核实",
            Self::Rectification => "整改",
            Self::Feedback => "反馈",
            Self::FollowUp => "追评",
        }
    }

    #[must_use]
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Callback => "Callback",
            Self::Verification => "Verification",
            Self::Rectification => "Rectification",
            Self::Feedback => "Feedback",
            Self::FollowUp => "Follow-up review",
        }
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Callback => "callback",
            Self::Verification => "verification",
            Self::Rectification => "rectification",
            Self::Feedback => "feedback",
            Self::FollowUp => "follow_up",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One step of a review's loop.
pub struct LoopStep {
    pub kind: LoopStepKind,
    /// `YYYY-MM-DD` (China time): done by the end of this day.
    pub deadline: String,
    /// Unix milliseconds, when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<i64>,
    /// What the department said or did (or the citizen's follow-up comment).
    #[serde(default)]
    pub note: String,
    /// Not done and past its deadline.
    pub overdue: bool,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum LoopState {
    /// Steps remain for the department.
    Open,
    /// Feedback given; the citizen may file the follow-up review.
    AwaitingFollowUp,
    /// Follow-up filed (or its window passed).
    Closed,
    /// The review was withdrawn on appeal (filed by mistake).
    Withdrawn,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// The closed loop a bad review opened.
pub struct ReviewLoop {
    pub state: LoopState,
    /// Which rule table row set the deadlines, e.g. `浙江省`.
    pub jurisdiction: String,
    pub steps: Vec<LoopStep>,
    /// The citizen's follow-up level, once filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_level: Option<ReviewLevel>,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AppealState {
    Pending,
    Upheld,
    Dismissed,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// An appeal that a review was filed by mistake (误评申诉).
pub struct Appeal {
    /// `citizen` (withdrawing their own review) or `department`.
    pub by: String,
    pub reason: String,
    pub state: AppealState,
    pub at: i64,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A review as the platform holds it.
pub struct Review {
    pub id: String,
    pub application_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter_id: Option<String>,
    /// The matter's or bundle's name.
    pub subject_name: String,
    pub department_id: String,
    pub level: ReviewLevel,
    pub tags: Vec<String>,
    pub comment: String,
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "loop")]
    pub closed_loop: Option<ReviewLoop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<Appeal>,
}
}

wire! {
/// Answer to `POST /v1/reviews`: `replayed` for a repeat of the same idempotency key.
pub struct ReviewFiled {
    pub review: Review,
    pub replayed: bool,
}
}

wire! {
/// `GET /v1/reviews`: the caller's reviews, newest first.
pub struct ReviewList {
    pub reviews: Vec<Review>,
}
}

wire! {
/// `POST /v1/reviews/{id}/follow-up`: the one follow-up review (追评) after the department's feedback.
pub struct FollowUp {
    pub level: ReviewLevel,
    #[serde(default)]
    pub comment: String,
}
}

wire! {
/// `POST /v1/reviews/{id}/appeal` (citizen) or `POST /v1/staff/reviews/{id}/appeal` (department).
pub struct AppealRequest {
    pub reason: String,
}
}

wire! {
/// `POST /v1/staff/reviews/{id}/steps`: the department completes the next step of the loop.
pub struct StepDone {
    pub step: LoopStepKind,
    pub note: String,
}
}

wire! {
/// `POST /v1/staff/reviews/{id}/appeal/decision`: a supervisor decides a department's appeal.
pub struct AppealDecision {
    pub uphold: bool,
    #[serde(default)]
    pub note: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// Satisfaction figures of one matter, computed from its reviews (appeals upheld are left out).
pub struct Satisfaction {
    pub matter_id: String,
    pub reviews: i64,
    /// Share of 非常满意 and 满意, 0–1.
    pub good_rate: f64,
    /// Share of 不满意 and 非常不满意, 0–1.
    pub bad_rate: f64,
    /// Counts per level, best first (the five levels of [`ReviewLevel::ALL`]).
    pub by_level: Vec<i64>,
}
}

wire! {
/// `GET /v1/satisfaction`: figures for every matter that has reviews.
pub struct SatisfactionList {
    pub matters: Vec<Satisfaction>,
}
}

wire! {
/// One row of the staff's review work list.
pub struct StaffReviewItem {
    pub review: Review,
    /// The next step the department owes, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<LoopStepKind>,
    pub overdue: bool,
}
}

wire! {
/// `GET /v1/staff/reviews`: bad reviews with open loops, most urgent first.
pub struct StaffReviewList {
    pub items: Vec<StaffReviewItem>,
}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_tags() {
        assert_eq!(ReviewLevel::ALL.iter().filter(|l| l.is_bad()).count(), 2);
        assert!(ReviewLevel::Dissatisfied.tags().contains(&"办理超时"));
        for l in ReviewLevel::ALL {
            assert!(!l.tags().is_empty());
        }
        for k in LoopStepKind::ALL {
            assert_eq!(LoopStepKind::parse(k.as_str()), Some(k));
        }
        let json = serde_json::to_string(&ReviewLevel::VeryDissatisfied).expect("json");
        assert_eq!(json, "\"very_dissatisfied\"");
    }
}
