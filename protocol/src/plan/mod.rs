//! Planning a bundle (一件事): which matters apply and why, which fields fill themselves (免填) and from where,
//! which materials a licence or shared data spares (免交), and what is left to do.
//!
//! The phone and the platform run the same pure [`planner::plan`] over the same inputs, so they agree.

pub mod condition;
pub mod planner;
pub mod validate;

use std::collections::BTreeMap;

pub use condition::{Condition, ConditionError, Truth};
pub use planner::{HeldLicence, PlanInput, plan, profile_view, validate_answers};
pub use validate::{applicable_matters, validate_fields, with_later_sources};

use crate::api::FieldKind;
use crate::wire;

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// One answer to a guided question: `{"bool": true}`, `{"text": "随母亲"}`, `{"number": 2}`, `{"date": "2026-01-01"}`.
/// Choice answers are text.
pub enum AnswerValue {
    Bool(bool),
    Text(String),
    Number(f64),
    /// ISO `YYYY-MM-DD`.
    Date(String),
}
}

wire! {
/// `POST /v1/plan`.
pub struct PlanRequest {
    pub bundle_id: String,
    /// Question id → answer; unanswered questions are left out.
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerValue>,
    /// Plan for the principal of this delegation (亲友代办) instead of the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation_id: Option<String>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A guided question in the plan.
pub struct PlannedQuestion {
    pub id: String,
    pub text: String,
    pub answered: bool,
    /// Whether the question is asked (its `when`).
    pub applies: Truth,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A member matter and whether it applies.
pub struct PlannedMatter {
    pub matter_id: String,
    pub name: String,
    pub department_id: String,
    pub applies: Truth,
    pub why: String,
    /// Unanswered questions the condition still depends on.
    #[serde(default)]
    pub depends_on: Vec<String>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "kind", rename_all = "snake_case")]
/// Where a field's value comes from.
pub enum Provenance {
    /// The shared registries' profile, e.g. `profile.spouse.name`.
    Profile { path: String },
    /// A claim of a licence in the wallet.
    Licence { vct: String, claim: String },
    /// An answer to a guided question.
    Answer { question: String },
    /// A result of an earlier matter of the same application (the child's ID number that 出生登记 assigns):
    /// the platform fills it when that matter is approved.
    Application { matter_id: String, output: String },
    /// Left for the citizen to fill.
    Applicant,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One field of the bundle's single form.
pub struct PlannedField {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// The pre-filled value, when a source had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub provenance: Provenance,
    /// Matters that need this field, in bundle order.
    pub used_by: Vec<String>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "kind", rename_all = "snake_case")]
/// How a material will be provided.
pub enum MaterialPlan {
    /// A licence in the wallet (免交).
    Licence { vct: String, name: String },
    /// The department fetches it from shared data.
    SharedData { registry: String },
    /// The citizen signs a commitment (告知承诺).
    Commitment,
    /// The citizen uploads it.
    Upload,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One material of an applicable matter.
pub struct PlannedMaterial {
    pub matter_id: String,
    pub material_id: String,
    pub name: String,
    pub required: bool,
    pub satisfied_by: MaterialPlan,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// What the citizen was spared: fields pre-filled (少填: from the profile, a licence, an answer, or filled by an
/// earlier matter) and materials not submitted (免交: by licence or shared data).
pub struct Spared {
    pub fields_prefilled: i32,
    pub materials_spared: i32,
    pub fields_total: i32,
    pub materials_total: i32,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// The plan of a bundle for one person: the same on the phone and on the platform.
pub struct Plan {
    pub bundle_id: String,
    pub questions: Vec<PlannedQuestion>,
    pub matters: Vec<PlannedMatter>,
    /// One form for the bundle: each key once, for the matters that apply or may apply.
    pub fields: Vec<PlannedField>,
    pub materials: Vec<PlannedMaterial>,
    pub spared: Spared,
    /// `少填 N 项、免交 M 份`.
    pub summary: String,
    /// `N fields pre-filled, M materials spared`.
    pub summary_en: String,
    /// What is left, in plain words (zh-CN).
    pub to_do: Vec<String>,
}
}
