//! E-licence types (电子证照) and their claims, per GB/T 36903 metadata: the sandbox's catalogue of licence
//! types, shared so the platform issues and the app shows the same claims.
//!
//! Type codes are the sandbox's own (pinyin initials); GB/T 36904 only requires `[0-9A-Z]`. Claim names are
//! English snake_case; the Chinese label is what screens show.

/// One licence type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenceType {
    /// SD-JWT VC `vct`.
    pub vct: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// GB/T 36904 licence type code.
    pub type_code: &'static str,
    /// Face fields, each selectively disclosable, with their Chinese labels.
    pub claims: &'static [(&'static str, &'static str)],
}

/// Claims every licence carries besides its face fields (GB/T 36903 metadata), visible to anyone shown it.
pub const METADATA_CLAIMS: &[(&str, &str)] = &[
    ("licence_name", "证照名称"),
    ("licence_type_code", "证照类型代码"),
    ("issuer_name", "颁发机构"),
    ("issuer_code", "颁发机构代码"),
    ("valid_from", "有效期起始"),
    ("valid_until", "有效期截止"),
];

/// Personal metadata, selectively disclosable like the face fields.
pub const HOLDER_CLAIMS: &[(&str, &str)] =
    &[("licence_id", "证照标识"), ("holder_name", "持证主体"), ("holder_code", "持证主体代码")];

pub const RESIDENT_ID: &str = "urn:cn:licence:resident-id";
pub const HOUSEHOLD_REGISTER: &str = "urn:cn:licence:household-register";
pub const MARRIAGE: &str = "urn:cn:licence:marriage";
pub const BIRTH_MEDICAL: &str = "urn:cn:licence:birth-medical";
pub const DRIVING: &str = "urn:cn:licence:driving";
pub const SOCIAL_SECURITY_CARD: &str = "urn:cn:licence:social-security-card";
pub const BUSINESS: &str = "urn:cn:licence:business";
pub const FOOD_BUSINESS: &str = "urn:cn:licence:food-business";

/// Every licence type the sandbox knows.
pub const TYPES: &[LicenceType] = &[
    LicenceType {
        vct: RESIDENT_ID,
        name: "居民身份证",
        name_en: "Resident identity card",
        type_code: "JMSFZ",
        claims: &[
            ("name", "姓名"),
            ("gender", "性别"),
            ("ethnicity", "民族"),
            ("birth_date", "出生日期"),
            ("address", "住址"),
            ("id_number", "公民身份号码"),
            ("age_over_18", "年满18周岁"),
            ("age_over_60", "年满60周岁"),
        ],
    },
    LicenceType {
        vct: HOUSEHOLD_REGISTER,
        name: "居民户口簿",
        name_en: "Household register",
        type_code: "JMHKB",
        claims: &[
            ("name", "姓名"),
            ("id_number", "公民身份号码"),
            ("relation", "与户主关系"),
            ("household_head", "户主姓名"),
            ("address", "住址"),
            ("marital_status", "婚姻状况"),
        ],
    },
    LicenceType {
        vct: MARRIAGE,
        name: "结婚证",
        name_en: "Marriage certificate",
        type_code: "JHZ",
        claims: &[
            ("name", "持证人"),
            ("id_number", "持证人身份证件号"),
            ("spouse_name", "配偶姓名"),
            ("spouse_id_number", "配偶身份证件号"),
            ("registration_date", "登记日期"),
            ("certificate_number", "结婚证字号"),
        ],
    },
    LicenceType {
        vct: BIRTH_MEDICAL,
        name: "出生医学证明",
        name_en: "Birth medical certificate",
        type_code: "CSYXZM",
        claims: &[
            ("child_name", "新生儿姓名"),
            ("child_gender", "性别"),
            ("birth_date", "出生日期"),
            ("birth_place", "出生地点"),
            ("mother_name", "母亲姓名"),
            ("mother_id_number", "母亲身份证件号"),
            ("father_name", "父亲姓名"),
            ("father_id_number", "父亲身份证件号"),
        ],
    },
    LicenceType {
        vct: DRIVING,
        name: "机动车驾驶证",
        name_en: "Driving licence",
        type_code: "JDCJSZ",
        claims: &[
            ("name", "姓名"),
            ("id_number", "证号"),
            ("vehicle_class", "准驾车型"),
            ("first_issue_date", "初次领证日期"),
            ("valid", "有效期限"),
        ],
    },
    LicenceType {
        vct: SOCIAL_SECURITY_CARD,
        name: "社会保障卡",
        name_en: "Social security card",
        type_code: "SHBZK",
        claims: &[("name", "姓名"), ("id_number", "社会保障号码"), ("card_no", "卡号"), ("issued_on", "发卡日期")],
    },
    LicenceType {
        vct: BUSINESS,
        name: "营业执照",
        name_en: "Business licence",
        type_code: "YYZZ",
        claims: &[
            ("company_name", "名称"),
            ("credit_code", "统一社会信用代码"),
            ("company_type", "类型"),
            ("legal_rep", "法定代表人"),
            ("registered_capital", "注册资本"),
            ("established_on", "成立日期"),
            ("address", "住所"),
            ("business_scope", "经营范围"),
        ],
    },
    LicenceType {
        vct: FOOD_BUSINESS,
        name: "食品经营许可证",
        name_en: "Food business permit",
        type_code: "SPJYXKZ",
        claims: &[
            ("company_name", "经营者名称"),
            ("credit_code", "社会信用代码"),
            ("legal_rep", "法定代表人"),
            ("address", "经营场所"),
            ("business_items", "经营项目"),
            ("permit_number", "许可证编号"),
        ],
    },
];

/// The licence type of a `vct`.
#[must_use]
pub fn by_vct(vct: &str) -> Option<&'static LicenceType> {
    TYPES.iter().find(|t| t.vct == vct)
}

/// The Chinese label of a claim of this type (face field, holder or metadata claim).
#[must_use]
pub fn label(vct: &str, claim: &str) -> Option<&'static str> {
    let own = by_vct(vct).and_then(|t| t.claims.iter().find(|(c, _)| *c == claim));
    own.or_else(|| HOLDER_CLAIMS.iter().find(|(c, _)| *c == claim))
        .or_else(|| METADATA_CLAIMS.iter().find(|(c, _)| *c == claim))
        .map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_distinct_and_codes_fit_gbt_36904() {
        for (i, t) in TYPES.iter().enumerate() {
            assert!(TYPES[i + 1..].iter().all(|u| u.vct != t.vct && u.type_code != t.type_code));
            assert!(t.type_code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            assert!(!t.claims.is_empty());
        }
        assert_eq!(label(RESIDENT_ID, "id_number"), Some("公民身份号码"));
        assert_eq!(label(BUSINESS, "issuer_name"), Some("颁发机构"));
        assert_eq!(label(BUSINESS, "nope"), None);
    }
}
