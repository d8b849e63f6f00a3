//! Applications (办件): one submission of a bundle or a matter, its progress per department, staff decisions,
//! the event stream, and family proxy delegations (亲友代办).

use std::collections::BTreeMap;

use crate::plan::AnswerValue;
use crate::wire;

/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 64;
/// Largest upload accepted, in bytes after base64 decoding.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;

wire! {
/// Licences presented as materials (免交): one SD-JWT VC presentation (with key binding: audience the platform's
/// base URL, nonce the submission's idempotency key) can satisfy several materials.
pub struct LicencePresentation {
    pub vct: String,
    /// Compact SD-JWT with key binding.
    pub presentation: String,
    /// The materials it satisfies, as `matter_id/material_id`.
    pub materials: Vec<String>,
}
}

wire! {
/// A scanned or photographed material.
pub struct MaterialUpload {
    /// `matter_id/material_id`.
    pub material: String,
    pub file_name: String,
    pub content_base64: String,
}
}

wire! {
/// `POST /v1/applications`: a bundle or a single matter, submitted once.
pub struct Submission {
    /// Chosen by the client when the submission is first written (a UUID); the platform deduplicates by
    /// (account, key) and answers a repeat with the original application.
    pub idempotency_key: String,
    /// A bundle id (`bundle-birth`) or a matter id.
    pub service_id: String,
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerValue>,
    /// Field key → value, as the applicant confirmed or filled them (the bundle's one form).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub presentations: Vec<LicencePresentation>,
    /// Materials replaced by a signed commitment (告知承诺), as `matter_id/material_id`.
    #[serde(default)]
    pub commitments: Vec<String>,
    #[serde(default)]
    pub uploads: Vec<MaterialUpload>,
    /// Apply in a principal's name under this delegation (亲友代办).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation_id: Option<String>,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// Where one matter of an application stands.
pub enum MatterStatus {
    /// Waits for an earlier matter of the same application (出生登记 waits for 出生医学证明).
    Waiting,
    /// Received by the department, under review (受理/审核中).
    InReview,
    /// The department asks for something more (补正); the applicant must act.
    MoreNeeded,
    /// Approved (办结): results issued.
    Approved,
    /// Refused (不予许可), with the reason.
    Rejected,
}
}

impl MatterStatus {
    /// Approved or rejected: nothing more will happen.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Self::Approved | Self::Rejected)
    }

    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Waiting => "等待前序事项",
            Self::InReview => "审核中",
            Self::MoreNeeded => "需补正",
            Self::Approved => "已办结",
            Self::Rejected => "不予办理",
        }
    }

    #[must_use]
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Waiting => "Waiting for an earlier step",
            Self::InReview => "Under review",
            Self::MoreNeeded => "More needed",
            Self::Approved => "Approved",
            Self::Rejected => "Refused",
        }
    }
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// Where a whole application stands.
pub enum ApplicationStatus {
    InProgress,
    /// Some matter needs the applicant (补正).
    NeedsAttention,
    /// Every matter is decided.
    Finished,
}
}

impl ApplicationStatus {
    /// The status of an application whose matters stand so.
    #[must_use]
    pub fn of(matters: impl IntoIterator<Item = MatterStatus>) -> Self {
        let mut all_final = true;
        for s in matters {
            if s == MatterStatus::MoreNeeded {
                return Self::NeedsAttention;
            }
            all_final &= s.is_final();
        }
        if all_final { Self::Finished } else { Self::InProgress }
    }
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// Who moved a matter.
pub enum Actor {
    Applicant,
    /// Decided at once by rules over shared data (秒批).
    Rules,
    Staff,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One step in a matter's history.
pub struct MatterEvent {
    /// Position in the account's event stream.
    pub cursor: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub status: MatterStatus,
    pub actor: Actor,
    /// Plain words: why, or what is needed.
    pub note: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A licence a matter's approval issued.
pub struct IssuedLicence {
    pub licence_id: String,
    pub vct: String,
    pub name: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A value a matter's approval produced.
pub struct Output {
    /// A field key of a later matter, e.g. `child.id_number`.
    pub key: String,
    pub value: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One matter of an application, at one department.
pub struct MatterProgress {
    pub matter_id: String,
    pub name: String,
    pub department_id: String,
    pub status: MatterStatus,
    /// Promised completion date (承诺办结), `YYYY-MM-DD` in China Standard Time, counted in working days.
    pub due_date: String,
    /// Not decided and past its due date.
    pub overdue: bool,
    pub history: Vec<MatterEvent>,
    pub licences: Vec<IssuedLicence>,
    /// Values the approval produced that later matters use, e.g. `child.id_number`.
    #[serde(default)]
    pub outputs: Vec<Output>,
    /// For `more_needed`: the fields or materials (`matter_id/material_id`) the department asks for.
    #[serde(default)]
    pub needs: Vec<String>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// An application (办件) as the platform holds it.
pub struct Application {
    /// e.g. `BJ20261127000042`.
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    /// Whose application it is.
    pub principal: String,
    /// Who submitted it: the principal, or a delegate.
    pub submitted_by: String,
    /// The delegate's name, masked (王*), when a delegate submitted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegate_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation_id: Option<String>,
    pub idempotency_key: String,
    /// Unix milliseconds.
    pub submitted_at: i64,
    pub status: ApplicationStatus,
    pub matters: Vec<MatterProgress>,
}
}

wire! {
/// Answer to `POST /v1/applications`: `201` with `replayed = false` the first time, `200` with `replayed = true`
/// and the original application for a repeat of the same idempotency key.
pub struct Submitted {
    pub application: Application,
    pub replayed: bool,
}
}

wire! {
/// `GET /v1/applications`: the caller's own applications, those made in their name by delegates, and those
/// they made as a delegate.
pub struct ApplicationList {
    pub applications: Vec<Application>,
}
}

wire! {
/// One change of one matter, as the event stream and the polling endpoint deliver it.
pub struct ApplicationEvent {
    /// Strictly increasing per platform; resume after the last one seen.
    pub cursor: i64,
    pub application_id: String,
    pub matter_id: String,
    pub status: MatterStatus,
    pub actor: Actor,
    pub note: String,
    pub at: i64,
    /// Licences the change issued (they can be fetched into the wallet now).
    #[serde(default)]
    pub licence_ids: Vec<String>,
}
}

wire! {
/// `GET /v1/events?after=N`: events of the caller's applications after cursor `N`, oldest first. The same events
/// stream as server-sent events from `GET /v1/events/stream` (`id:` is the cursor; `Last-Event-ID` resumes).
pub struct EventPage {
    pub events: Vec<ApplicationEvent>,
    /// The cursor to ask after next time (the last event's, or `after` when none).
    pub next_cursor: i64,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    RequestMore,
}
}

wire! {
/// `POST /v1/staff/applications/{id}/matters/{matter_id}`: a department's decision.
pub struct StaffDecision {
    pub decision: Decision,
    /// Reason or request, in plain words; required for reject and request_more.
    #[serde(default)]
    pub note: String,
    /// For request_more: fields or materials (`matter_id/material_id`) needed.
    #[serde(default)]
    pub needs: Vec<String>,
}
}

wire! {
/// One matter waiting for staff.
pub struct QueueItem {
    pub application_id: String,
    pub matter_id: String,
    pub matter_name: String,
    pub department_id: String,
    /// Masked (陈*).
    pub applicant_name: String,
    pub received_at: i64,
    pub due_date: String,
    pub overdue: bool,
    pub status: MatterStatus,
}
}

wire! {
/// `GET /v1/staff/queue[?department=gaj]`: matters under review or waiting for the applicant, oldest first.
pub struct StaffQueue {
    pub items: Vec<QueueItem>,
}
}

wire! {
/// `POST /v1/applications/{id}/supplement`: the applicant answers a request for more (补正).
pub struct Supplement {
    pub matter_id: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub presentations: Vec<LicencePresentation>,
    #[serde(default)]
    pub uploads: Vec<MaterialUpload>,
}
}

wire! {
/// `POST /v1/delegations`: a principal lets a relative or friend act for them (亲友代办).
pub struct DelegationGrant {
    /// The delegate's registered phone number.
    pub delegate_phone: String,
    /// Bundle or matter ids the delegate may apply for; at least one.
    pub scope: Vec<String>,
    /// Unix milliseconds; at most a year ahead.
    pub expires_at: i64,
}
}

wire! {
#[derive(Copy, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DelegationState {
    Active,
    Expired,
    Revoked,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A delegation, as principal and delegate see it.
pub struct Delegation {
    pub id: String,
    pub principal: String,
    /// Masked (李*英).
    pub principal_name: String,
    pub delegate: String,
    pub delegate_name: String,
    pub scope: Vec<String>,
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    pub state: DelegationState,
}
}

wire! {
/// `GET /v1/delegations`.
pub struct DelegationList {
    /// Delegations the caller granted.
    pub granted: Vec<Delegation>,
    /// Delegations others granted the caller.
    pub received: Vec<Delegation>,
}
}

/// Masks a name for display to others: the first character, `*`, and for three or more the last (李*英, 王*).
#[must_use]
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => format!("{first}{}{last}", "*".repeat(middle.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("李秀英"), "李*英");
        assert_eq!(mask_name("王磊"), "王*");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn overall_status() {
        use MatterStatus::*;
        assert_eq!(ApplicationStatus::of([Approved, Rejected]), ApplicationStatus::Finished);
        assert_eq!(ApplicationStatus::of([Approved, InReview]), ApplicationStatus::InProgress);
        assert_eq!(ApplicationStatus::of([Waiting, MoreNeeded]), ApplicationStatus::NeedsAttention);
    }
}
