//! The signed-in person's profile, from the shared population, social-security and business registries.

use crate::api::AccountKind;
use crate::wire;

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A family member as the household and marriage registries know them.
pub struct Relative {
    /// 配偶, 子女, 父亲, 母亲.
    pub relation: String,
    pub subject: String,
    pub name: String,
    pub id_number: String,
    pub birth_date: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A company the person acts for.
pub struct CompanyRole {
    pub credit_code: String,
    pub name: String,
    /// 法定代表人, 股东, 经办人.
    pub role: String,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// `GET /v1/me` and `GET /v1/profiles/{subject}`.
pub struct Profile {
    pub subject: String,
    pub kind: AccountKind,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    /// `男` or `女`, as on the ID card.
    pub gender: String,
    pub birth_date: String,
    pub ethnicity: String,
    /// Registered address (户籍地址).
    pub address: String,
    /// Region code of the household registration.
    pub region: String,
    /// 未婚, 已婚, 离异, 丧偶.
    pub marital_status: String,
    pub family: Vec<Relative>,
    pub companies: Vec<CompanyRole>,
    /// Social-security card number, when enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_security_no: Option<String>,
    /// Provident-fund account, when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provident_fund_account: Option<String>,
    /// Expected date of birth of a child, from the maternal-health record (孕情), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expecting_due_date: Option<String>,
    /// The latest delivery the hospitals reported for this person or their spouse, when it was in the last year:
    /// what 出生一件事 pre-fills the birth facts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newborn: Option<NewbornRecord>,
}
}

wire! {
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
/// A delivery as the maternal-health registry (妇幼) holds it.
pub struct NewbornRecord {
    /// `男` or `女`.
    pub gender: String,
    pub birth_date: String,
    pub birth_place: String,
    pub hospital: String,
}
}

wire! {
/// `GET /v1/health`.
pub struct Health {
    pub status: String,
    pub version: String,
    pub catalog_version: i64,
}
}
