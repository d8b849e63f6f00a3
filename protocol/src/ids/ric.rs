//! The resident ID number (公民身份号码), GB 11643-1999.

use std::fmt;

use super::{IdError, iso7064, string_id_impls, without_whitespace};

/// Number of characters of an ID number.
const LEN: usize = 18;

/// Province-level codes (first two digits of the address code) of GB/T 2260 for the mainland:
/// 11-15, 21-23, 31-37, 41-46, 50-54, 61-65.
const MAINLAND_PROVINCES: [u8; 31] = [
    11, 12, 13, 14, 15, // 北京 天津 河北 山西 内蒙古
    21, 22, 23, // 辽宁 吉林 黑龙江
    31, 32, 33, 34, 35, 36, 37, // 上海 江苏 浙江 安徽 福建 江西 山东
    41, 42, 43, 44, 45, 46, // 河南 湖北 湖南 广东 广西 海南
    50, 51, 52, 53, 54, // 重庆 四川 贵州 云南 西藏
    61, 62, 63, 64, 65, // 陕西 甘肃 青海 宁夏 新疆
];

/// Who holds an ID number, as told by its first digits (see [`IdNumber`] for the region policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdHolderKind {
    /// A resident identity card number: a mainland province-level code, or 71 (台湾).
    Resident,
    /// A residence permit for residents of Hong Kong (81), Macao (82) or Taiwan (83), issued since 2018
    /// (港澳台居民居住证).
    ResidencePermitHkMacaoTaiwan,
    /// The 18-digit foreigners' permanent residence ID card issued since December 2023 (外国人永久居留身份证):
    /// first digit 9.
    ForeignPermanentResident,
}

/// A validated resident ID number (GB 11643-1999), in canonical form (18 characters, check `X` upper case).
///
/// Layout: 6-digit address code, 8-digit birth date `YYYYMMDD`, 3-digit sequence (odd = male, even =
/// female), ISO 7064 MOD 11-2 check character (`0`-`9` or `X`).
///
/// [`IdNumber::parse`] ignores whitespace anywhere in the input (surrounding, and inside grouped forms such as
/// `110105 19491231 002X`) and accepts a lower-case `x` check character. It then checks, in this order, and
/// reports the first failure: length, characters, check character, birth date, region.
///
/// The birth date must be a real Gregorian calendar date (leap years included) not before 1800-01-01. There is
/// no upper bound: this crate reads no clock, so callers that know today's date must reject future dates
/// themselves if they need to.
///
/// # Region policy
///
/// Only the leading province-level part of the address code is checked; county tables are not (they change
/// every year, and numbers keep the code they were issued with). Accepted:
///
/// - a mainland province-level code of GB/T 2260: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, and 71 (台湾):
///   [`IdHolderKind::Resident`];
/// - 81, 82, 83: residence permits for Hong Kong, Macao and Taiwan residents (since 2018):
///   [`IdHolderKind::ResidencePermitHkMacaoTaiwan`];
/// - 9 followed by a mainland province-level code (e.g. `93` + `2` for Jiangsu): the foreigners' permanent
///   residence ID card (since 2023), whose digits 2-3 are the issuing province and digits 4-6 the nationality:
///   [`IdHolderKind::ForeignPermanentResident`].
///
/// Any other prefix is rejected with [`IdError::UnknownRegion`].
///
/// `Debug` shows the [masked](IdNumber::masked) number, so the full number never lands in logs by accident.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber {
    value: String,
    kind: IdHolderKind,
}

impl IdNumber {
    /// Validates and normalises a resident ID number (see the type's documentation for the rules).
    ///
    /// # Errors
    ///
    /// [`IdError::Length`], [`IdError::Character`], [`IdError::CheckChar`], [`IdError::BirthDate`] or
    /// [`IdError::UnknownRegion`], for the first check that fails in that order.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let chars = without_whitespace(input);
        if chars.len() != LEN {
            return Err(IdError::Length { expected: LEN, found: chars.len() });
        }
        let mut value = String::with_capacity(LEN);
        for (i, &c) in chars.iter().enumerate() {
            let normalised = match c {
                '0'..='9' => c,
                'X' | 'x' if i == LEN - 1 => 'X',
                _ => {
                    return Err(IdError::Character { position: i + 1, found: c });
                }
            };
            value.push(normalised);
        }
        // All ASCII from here on: byte offsets are character offsets.
        let expected = ric_check_char(&value[..LEN - 1]).ok_or(IdError::Format { reason: "not 17 digits" })?;
        let found = char::from(value.as_bytes()[LEN - 1]);
        if found != expected {
            return Err(IdError::CheckChar { expected, found });
        }
        if date_from_digits(&value[6..14]).is_none() {
            return Err(IdError::BirthDate { value: value[6..14].to_owned() });
        }
        let kind = holder_kind(&value[..6]).ok_or_else(|| IdError::UnknownRegion { code: value[..6].to_owned() })?;
        Ok(Self { value, kind })
    }

    /// The canonical number: 18 characters, check character `X` upper case.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The 6-digit address code (for a foreigners' permanent residence ID: 9, the province, the nationality).
    #[must_use]
    pub fn region(&self) -> &str {
        &self.value[..6]
    }

    /// Who holds the number, by its prefix.
    #[must_use]
    pub fn kind(&self) -> IdHolderKind {
        self.kind
    }

    /// The birth date as (year, month, day).
    #[must_use]
    pub fn birth_date(&self) -> (u16, u8, u8) {
        // Validated on construction; the fallback is never taken.
        date_from_digits(&self.value[6..14]).unwrap_or((1800, 1, 1))
    }

    /// The birth date as an ISO 8601 date, e.g. `1990-03-07`.
    #[must_use]
    pub fn birth_date_iso(&self) -> String {
        let (year, month, day) = self.birth_date();
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// Whether the sequence code (17th digit) is even, which GB 11643 assigns to women.
    #[must_use]
    pub fn is_female(&self) -> bool {
        self.value.as_bytes()[16].is_multiple_of(2)
    }

    /// The number with characters 5-14 replaced by `*` (first 4, ten `*`, last 4), so the birth date is never
    /// shown: `1101**********002X`.
    #[must_use]
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.value[..4], "*".repeat(10), &self.value[14..])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

string_id_impls!(IdNumber, "a resident ID number (GB 11643)");

/// The ISO 7064 MOD 11-2 check character (`'0'`-`'9'` or `'X'`) for the first 17 digits of an ID number.
///
/// `None` if `first17` is not exactly 17 ASCII digits.
#[must_use]
pub fn ric_check_char(first17: &str) -> Option<char> {
    if first17.len() != LEN - 1 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    iso7064::mod_11_2_check_char(first17)
}

/// Who holds a number with this (all-digit) address code, or `None` if the region policy rejects it.
fn holder_kind(address: &str) -> Option<IdHolderKind> {
    let two = address.get(..2)?.parse::<u8>().ok()?;
    match two {
        71 => Some(IdHolderKind::Resident),
        81..=83 => Some(IdHolderKind::ResidencePermitHkMacaoTaiwan),
        90..=99 => {
            let province = address.get(1..3)?.parse::<u8>().ok()?;
            MAINLAND_PROVINCES.contains(&province).then_some(IdHolderKind::ForeignPermanentResident)
        }
        _ => MAINLAND_PROVINCES.contains(&two).then_some(IdHolderKind::Resident),
    }
}

/// Parses 8 ASCII digits `YYYYMMDD` into a real Gregorian date not before 1800-01-01.
fn date_from_digits(digits: &str) -> Option<(u16, u8, u8)> {
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = digits.get(..4)?.parse::<u16>().ok()?;
    let month = digits.get(4..6)?.parse::<u8>().ok()?;
    let day = digits.get(6..)?.parse::<u8>().ok()?;
    if year < 1800 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn gb11643_appendix_example() {
        // GB 11643-1999 Appendix A example (quoted by the vectors README): female, born 1949-12-31.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.region(), "110105");
        assert_eq!(id.birth_date(), (1949, 12, 31));
        assert_eq!(id.birth_date_iso(), "1949-12-31");
        assert!(id.is_female());
        assert_eq!(id.kind(), IdHolderKind::Resident);
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(\"1101**********002X\")");
        assert_eq!(id.to_string(), "11010519491231002X");
        assert_eq!(ric_check_char("11010519491231002"), Some('X'));
    }

    #[test]
    fn normalises_case_and_whitespace() {
        let id = IdNumber::parse("  11010519491231002x\n").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let grouped = IdNumber::parse("110105 19491231 002X").unwrap();
        assert_eq!(grouped, id);
        let ideographic = IdNumber::parse("\u{3000}11010519491231002X\u{3000}").unwrap();
        assert_eq!(ideographic, id);
    }

    #[test]
    fn errors_in_order() {
        assert_eq!(IdNumber::parse("1101051949123100"), Err(IdError::Length { expected: 18, found: 16 }));
        assert_eq!(IdNumber::parse("1101051949123100X2"), Err(IdError::Character { position: 17, found: 'X' }));
        assert_eq!(IdNumber::parse("11010519491231002Y"), Err(IdError::Character { position: 18, found: 'Y' }));
        assert_eq!(IdNumber::parse("110105194912310021"), Err(IdError::CheckChar { expected: 'X', found: '1' }));
        let feb30 = format!("11010519990230001{}", ric_check_char("11010519990230001").unwrap());
        assert_eq!(IdNumber::parse(&feb30), Err(IdError::BirthDate { value: "19990230".into() }));
        let unknown = format!("99042619911201007{}", ric_check_char("99042619911201007").unwrap());
        assert_eq!(IdNumber::parse(&unknown), Err(IdError::UnknownRegion { code: "990426".into() }));
        assert_eq!(IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ").unwrap_err().reason_code(), "character");
    }

    #[test]
    fn dates() {
        assert_eq!(date_from_digits("20000229"), Some((2000, 2, 29)));
        assert_eq!(date_from_digits("19000229"), None);
        assert_eq!(date_from_digits("20240229"), Some((2024, 2, 29)));
        assert_eq!(date_from_digits("20230229"), None);
        assert_eq!(date_from_digits("18000101"), Some((1800, 1, 1)));
        assert_eq!(date_from_digits("17991231"), None);
        assert_eq!(date_from_digits("19990431"), None);
        assert_eq!(date_from_digits("19991300"), None);
        assert_eq!(date_from_digits("19990100"), None);
    }

    #[test]
    fn region_policy() {
        let kind = |address: &str| holder_kind(address);
        assert_eq!(kind("110105"), Some(IdHolderKind::Resident));
        assert_eq!(kind("650000"), Some(IdHolderKind::Resident));
        assert_eq!(kind("710000"), Some(IdHolderKind::Resident));
        assert_eq!(kind("810000"), Some(IdHolderKind::ResidencePermitHkMacaoTaiwan));
        assert_eq!(kind("820000"), Some(IdHolderKind::ResidencePermitHkMacaoTaiwan));
        assert_eq!(kind("830000"), Some(IdHolderKind::ResidencePermitHkMacaoTaiwan));
        assert_eq!(kind("932682"), Some(IdHolderKind::ForeignPermanentResident));
        assert_eq!(kind("911156"), Some(IdHolderKind::ForeignPermanentResident));
        for rejected in ["010101", "100000", "160323", "200000", "470000", "660000", "720000", "840000", "920302"] {
            assert_eq!(kind(rejected), None, "{rejected}");
        }
        for rejected in ["990426", "970000", "966000"] {
            assert_eq!(kind(rejected), None, "{rejected}");
        }
    }

    #[test]
    fn serde_validates() {
        let id: IdNumber = serde_json::from_str("\"11010519491231002x\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"11010519491231002X\"");
        let err = serde_json::from_str::<IdNumber>("\"110105194912310021\"").unwrap_err();
        assert!(err.to_string().contains("check character is '1', expected 'X'"), "{err}");
        assert!(serde_json::from_str::<IdNumber>("42").is_err());
    }
}
