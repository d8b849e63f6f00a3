//! The service catalog (事项目录): departments, service halls, matters (事项) and bundles (一件事).

use crate::wire;

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A government department that owns matters.
pub struct Department {
    /// Stable code, e.g. `gaj` (公安局).
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// Service hotline of the department.
    pub phone: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A place to do a matter in person. Online never replaces the counter (减窗不减服务).
pub struct ServiceHall {
    pub id: String,
    pub name: String,
    /// Administrative region code (6 digits, GB/T 2260), e.g. `330106` for 西湖区.
    pub region: String,
    pub address: String,
    /// Human-readable opening hours, e.g. `周一至周五 9:00-12:00 13:30-17:00；周六上午 9:00-12:00`.
    pub opening_hours: String,
    pub phone: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One scenario of a matter (情形), e.g. 首次申领 / 换领 / 补领.
pub struct Situation {
    pub id: String,
    pub name: String,
    pub description: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
/// What kind of value a form field holds; decides the keyboard and the validation.
pub enum FieldKind {
    Text,
    Number,
    Date,
    Phone,
    /// A resident ID number (GB 11643).
    IdNumber,
    /// A unified social credit code (GB 32100).
    CreditCode,
    BankAccount,
    Address,
    /// One of `options`.
    Choice,
    Bool,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// One form field of a matter.
pub struct FieldDef {
    /// Stable key, shared across matters when it means the same thing (`applicant.phone`), so a bundle asks it once.
    pub key: String,
    pub label: String,
    pub label_en: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Regular expression the value must match, when the kind alone is not enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// For `choice` fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Maximum length in characters for text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    /// Where the value can be pre-filled from (免填): `profile.name`, `licence:<vct>#<claim>`, `applicant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A short plain-language hint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// Rules against today or other fields, checked on the phone and again on the platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<FieldCheck>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "kind", rename_all = "snake_case")]
/// A rule a field's value must meet beyond its kind and pattern.
pub enum FieldCheck {
    /// A date not after today (a child's birth date).
    NotFuture,
    /// A date not before today (an expected date).
    NotPast,
    /// A date within the last `days` days (a birth registered within a year).
    WithinPastDays { days: u32 },
    /// A date not before another field's date.
    NotBefore { field: String },
    /// A number within bounds.
    Range { min: f64, max: f64 },
    /// The value is registered to the applicant in a shared registry (a bank account in the applicant's name);
    /// only the platform can check it.
    OwnedByApplicant { registry: String },
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "kind", rename_all = "snake_case")]
/// How a required material can be provided.
pub enum MaterialSource {
    /// Satisfied by an e-licence of this type in the wallet (免交).
    Licence { vct: String },
    /// The department fetches it from shared data (数据共享); the citizen provides nothing.
    SharedData { registry: String },
    /// The citizen uploads a scan or photo.
    Upload,
    /// The citizen signs a commitment instead of proving (告知承诺制).
    Commitment,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A material (材料) a matter requires.
pub struct MaterialDef {
    pub id: String,
    pub name: String,
    pub required: bool,
    /// Ways to provide it, in order of preference.
    pub sources: Vec<MaterialSource>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A service matter (事项): what one department does for a citizen or a company.
pub struct Matter {
    /// Stable id, e.g. `zj-gaj-hukou-birth`.
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub department_id: String,
    /// Topic used for browsing, e.g. 户籍, 社保, 医保.
    pub category: String,
    /// Who it is for: `citizen`, `enterprise` or both.
    pub audience: Vec<String>,
    /// One or two plain-language sentences.
    pub summary: String,
    /// Everyday words citizens use for it.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Legal time limit (法定办结时限), working days.
    pub legal_limit_days: u32,
    /// Promised time limit (承诺办结时限), working days; 0 means on the spot (即办).
    pub promised_limit_days: u32,
    /// Visits needed in person (跑动次数); 0 for fully online.
    pub visits: u32,
    pub online: bool,
    /// Fee, in plain words (`不收费` or an amount with its basis).
    pub fee: String,
    /// Legal basis (设定依据), abbreviated.
    pub legal_basis: String,
    pub situations: Vec<Situation>,
    pub fields: Vec<FieldDef>,
    pub materials: Vec<MaterialDef>,
    /// Service halls where it can be done in person.
    pub hall_ids: Vec<String>,
    /// Decided by rules over shared data at once (秒批) when they suffice.
    #[serde(default)]
    pub instant: bool,
    /// Licence types (`vct`) its approval issues (出生医学证明签发 → 出生医学证明). A later matter of the same
    /// application that takes a value from such a licence gets it when this one is approved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<String>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Bool,
    Choice,
    Date,
    Number,
    Text,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A guided question of a bundle (情形引导).
pub struct Question {
    pub id: String,
    pub text: String,
    pub text_en: String,
    pub kind: AnswerKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Asked only when this condition holds (same language as member conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A matter that belongs to a bundle, and when it applies.
pub struct BundleMember {
    pub matter_id: String,
    /// Condition over the answers and the profile; `None` means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Plain-language reason shown in the plan.
    pub why: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A bundle (一件事): matters of several departments done in one go.
pub struct Bundle {
    /// Stable id, e.g. `bundle-birth`.
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub summary: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub audience: Vec<String>,
    pub questions: Vec<Question>,
    pub members: Vec<BundleMember>,
    /// Promised time for the whole bundle, working days.
    pub promised_limit_days: u32,
}
}

impl Bundle {
    /// A single matter applied for on its own, as a bundle of one with no questions: the phone and the platform
    /// plan and submit it through the same code as a 一件事.
    #[must_use]
    pub fn of_matter(matter: &Matter) -> Self {
        Self {
            id: matter.id.clone(),
            name: matter.name.clone(),
            name_en: matter.name_en.clone(),
            summary: matter.summary.clone(),
            keywords: Vec::new(),
            audience: matter.audience.clone(),
            questions: Vec::new(),
            members: vec![BundleMember { matter_id: matter.id.clone(), when: None, why: matter.summary.clone() }],
            promised_limit_days: matter.promised_limit_days,
        }
    }
}

wire! {
/// An everyday phrase and the catalog words it means (生孩子 → 出生).
pub struct Synonym {
    pub phrase: String,
    pub terms: Vec<String>,
}
}

wire! {
/// Answer to `GET /v1/catalog?since=V`.
///
/// With `full = false` it holds what changed after `since`; with `full = true` it is the whole catalog and
/// replaces what the client had (its `since` was too old, or from another `epoch`). Departments, halls and
/// synonyms are small and always sent whole.
pub struct CatalogDelta {
    /// Identifies one lineage of versions; a client whose epoch differs must take a full snapshot.
    pub epoch: String,
    pub version: i64,
    pub full: bool,
    pub departments: Vec<Department>,
    pub halls: Vec<ServiceHall>,
    pub synonyms: Vec<Synonym>,
    pub matters: Vec<Matter>,
    pub bundles: Vec<Bundle>,
    /// Ids of matters or bundles removed after `since`.
    pub deleted: Vec<String>,
}
}

/// Query of `GET /v1/catalog`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CatalogQuery {
    /// Version the client holds; absent for a first sync.
    pub since: Option<i64>,
    /// Epoch of the client's version.
    pub epoch: Option<String>,
}
