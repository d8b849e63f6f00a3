//! The unified social credit code (统一社会信用代码), GB 32100-2015.

use super::{IdError, string_id_impls, without_whitespace};

/// Number of characters of a credit code.
const LEN: usize = 18;

/// The GB 32100 character set: digits and upper-case letters without I, O, Z, S, V. A character's index is its
/// value in the check computation.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1-17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A validated unified social credit code (GB 32100-2015), in canonical form (18 upper-case characters).
///
/// Layout: position 1 registration authority (登记管理部门), position 2 organisation type (机构类别), positions
/// 3-8 the registering administration's region code (GB/T 2260), positions 9-17 the organisation code
/// (GB 11714), position 18 the check character.
///
/// Policy:
///
/// - Every character must be from `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V).
/// - Positions 1 and 2 may be any character of that set. GB 32100 lists `1`-`9`, `A`, `N` and `Y` as
///   authorities and digits as types, but new codes are assigned by notice, so this module does not pin them
///   down; the check character still catches typos there. (python-stdnum is stricter: it requires digits.)
/// - Positions 3-8 must be digits: they are a GB/T 2260 region code, which is numeric. Which region is not
///   checked (central-level bodies use `100000`, which is not a province).
/// - Position 18 must be `alphabet[(31 - Σ value(c_i)·w_i mod 31) mod 31]` with w_i = 3^(i-1) mod 31.
///
/// [`CreditCode::parse`] ignores whitespace anywhere in the input (so `91 110000 600037341L` is accepted) and
/// upper-cases ASCII letters. It checks, in this order, and reports the first failure: length, characters,
/// check character.
///
/// Some genuine codes issued in pilot regions before GB 32100 fail the check character; they are rejected
/// here. A caller that must accept them needs an explicit allow-list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Validates and normalises a unified social credit code (see the type's documentation for the rules).
    ///
    /// # Errors
    ///
    /// [`IdError::Length`], [`IdError::Character`] or [`IdError::CheckChar`], for the first check that fails in
    /// that order.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let chars: Vec<char> = without_whitespace(input).into_iter().map(|c| c.to_ascii_uppercase()).collect();
        Self::from_canonical_chars(&chars)
    }

    /// Validates a code that must already be in canonical form (no whitespace, upper case), as it appears
    /// inside a [`super::LicenceId`].
    pub(crate) fn parse_canonical(s: &str) -> Result<Self, IdError> {
        Self::from_canonical_chars(&s.chars().collect::<Vec<_>>())
    }

    fn from_canonical_chars(chars: &[char]) -> Result<Self, IdError> {
        if chars.len() != LEN {
            return Err(IdError::Length { expected: LEN, found: chars.len() });
        }
        for (i, &c) in chars.iter().enumerate() {
            let allowed = if (2..8).contains(&i) { c.is_ascii_digit() } else { char_value(c).is_some() };
            if !allowed {
                return Err(IdError::Character { position: i + 1, found: c });
            }
        }
        let value: String = chars.iter().collect();
        // All ASCII from here on: byte offsets are character offsets.
        let expected =
            uscc_check_char(&value[..LEN - 1]).ok_or(IdError::Format { reason: "not 17 code characters" })?;
        let found = chars[LEN - 1];
        if found != expected {
            return Err(IdError::CheckChar { expected, found });
        }
        Ok(Self(value))
    }

    /// The canonical code: 18 upper-case characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit region code of the registering administration (positions 3-8).
    #[must_use]
    pub fn region(&self) -> &str {
        &self.0[2..8]
    }
}

string_id_impls!(CreditCode, "a unified social credit code (GB 32100)");

/// The GB 32100 check character for the first 17 characters of a credit code.
///
/// `None` if `first17` is not exactly 17 characters of `0123456789ABCDEFGHJKLMNPQRTUWXY` (upper case only).
/// Positions 3-8 are not required to be digits here; that is [`CreditCode::parse`]'s policy.
#[must_use]
pub fn uscc_check_char(first17: &str) -> Option<char> {
    if first17.len() != LEN - 1 {
        return None;
    }
    let mut sum = 0_u32;
    for (c, weight) in first17.chars().zip(WEIGHTS) {
        sum += char_value(c)? * weight;
    }
    let index = usize::try_from((31 - sum % 31) % 31).ok()?;
    ALPHABET.get(index).map(|b| char::from(*b))
}

/// The value (0-30) of a character of the GB 32100 set.
fn char_value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    let index = ALPHABET.iter().position(|&a| a == byte)?;
    u32::try_from(index).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn official_example() {
        // GB 32100 example code, quoted by bluesky335/IDCheck README (see shared/vectors/README.md).
        let code = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert_eq!(code.region(), "350100");
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
    }

    #[test]
    fn normalises() {
        let code = CreditCode::parse(" 91 110000 600037341l ").unwrap();
        assert_eq!(code.as_str(), "91110000600037341L");
        assert_eq!(code.to_string(), "91110000600037341L");
        assert_eq!("91110000600037341L".parse::<CreditCode>().unwrap(), code);
        assert!(CreditCode::parse_canonical("91110000600037341l").is_err());
    }

    #[test]
    fn errors() {
        assert_eq!(CreditCode::parse("123"), Err(IdError::Length { expected: 18, found: 3 }));
        assert_eq!(CreditCode::parse("9111000060I037341L"), Err(IdError::Character { position: 11, found: 'I' }));
        assert_eq!(CreditCode::parse("91A10000600037341L"), Err(IdError::Character { position: 3, found: 'A' }));
        assert_eq!(CreditCode::parse("91110000600037342L"), Err(IdError::CheckChar { expected: 'P', found: 'L' }));
        // A letter is allowed at position 1 (here it only fails the check character).
        assert_eq!(CreditCode::parse("A1110000600037341L").unwrap_err().reason_code(), "check_char");
        let letter_authority = format!("Y1110000600037341{}", uscc_check_char("Y1110000600037341").unwrap());
        assert!(CreditCode::parse(&letter_authority).is_ok());
    }

    #[test]
    fn check_char_helper() {
        assert_eq!(uscc_check_char("91110000600037341"), Some('L'));
        assert_eq!(uscc_check_char("9111000060003734"), None);
        assert_eq!(uscc_check_char("911100006000373411"), None);
        assert_eq!(uscc_check_char("9111000060003734I"), None);
        assert_eq!(uscc_check_char("9111000060003734l"), None);
        assert_eq!(uscc_check_char("911100006000373é"), None);
    }

    #[test]
    fn serde_validates() {
        let code: CreditCode = serde_json::from_str("\"91110000600037341l\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"91110000600037341L\"");
        assert!(serde_json::from_str::<CreditCode>("\"91110000600037342L\"").is_err());
    }
}
