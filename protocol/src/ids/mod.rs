//! Validated Chinese identifiers.
//!
//! - [`IdNumber`]: the resident ID number (公民身份号码, GB 11643-1999), also used by the HK/Macao/Taiwan
//!   residence permits and the 2023 foreigners' permanent residence ID card.
//! - [`CreditCode`]: the unified social credit code (统一社会信用代码, GB 32100-2015).
//! - [`LicenceId`]: the e-licence identifier (电子证照标识, GB/T 36904).
//!
//! Each type can only be built through validation, so holding one means the value passed every check this
//! module makes. Each displays, parses ([`std::str::FromStr`]) and (de)serialises as its canonical string;
//! deserialising validates.
//!
//! Every rejection is an [`IdError`] whose message is a lowercase English fragment saying what is wrong, and
//! whose [`IdError::reason_code`] is a stable tag for machines.

pub mod iso7064;
mod licence_id;
mod ric;
mod uscc;

pub use licence_id::LicenceId;
pub use ric::{IdHolderKind, IdNumber, ric_check_char};
pub use uscc::{CreditCode, uscc_check_char};

/// Why an identifier was rejected.
///
/// Positions are 1-based and count characters (not bytes) of the identifier after the input normalisation the
/// parser documents (for [`IdNumber`] and [`CreditCode`]: with whitespace removed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The identifier has the wrong number of characters.
    #[error("length is {found} characters, expected {expected}")]
    Length { expected: usize, found: usize },
    /// A character that is not allowed at that position.
    #[error("unexpected character {found:?} at position {position}")]
    Character { position: usize, found: char },
    /// A resident ID number whose address code does not start with a province-level code this module knows.
    #[error("unknown region: address code {code} does not start with a known province-level code")]
    UnknownRegion { code: String },
    /// A resident ID number whose birth date (`YYYYMMDD`) is not a real calendar date on or after 1800-01-01.
    #[error("birth date {value} is not a real calendar date on or after 1800-01-01")]
    BirthDate { value: String },
    /// The check character does not match the one computed from the other characters.
    #[error("check character is {found:?}, expected {expected:?}")]
    CheckChar { expected: char, found: char },
    /// The overall structure is wrong (segments, prefix, version, ...).
    #[error("{reason}")]
    Format { reason: &'static str },
    /// The issuer credit code inside an e-licence identifier is invalid.
    #[error("issuer credit code is invalid: {0}")]
    Issuer(Box<IdError>),
}

impl IdError {
    /// A stable snake_case tag for the kind of error: `"length"`, `"character"`, `"region"`, `"birth_date"`,
    /// `"check_char"`, `"format"` or `"issuer"` (an invalid issuer credit code inside a [`LicenceId`]; the
    /// issuer's own error is inside the variant).
    #[must_use]
    pub fn reason_code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "length",
            Self::Character { .. } => "character",
            Self::UnknownRegion { .. } => "region",
            Self::BirthDate { .. } => "birth_date",
            Self::CheckChar { .. } => "check_char",
            Self::Format { .. } => "format",
            Self::Issuer(_) => "issuer",
        }
    }
}

/// The input with all whitespace removed (anywhere, including the ideographic space U+3000 that Chinese input
/// methods produce), so grouped forms such as `91 110000 600037341L` are accepted.
fn without_whitespace(input: &str) -> Vec<char> {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `Display`, `FromStr`, `AsRef<str>` and serde (as a validated string) for a type with `parse` and `as_str`.
macro_rules! string_id_impls {
    ($ty:ident, $expecting:literal) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::ids::IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::parse(v).map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(Visitor)
            }
        }
    };
}
use string_id_impls;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_fragments() {
        let cases = [
            (IdError::Length { expected: 18, found: 17 }, "length is 17 characters, expected 18", "length"),
            (IdError::Character { position: 3, found: 'a' }, "unexpected character 'a' at position 3", "character"),
            (
                IdError::UnknownRegion { code: "990426".into() },
                "unknown region: address code 990426 does not start with a known province-level code",
                "region",
            ),
            (
                IdError::BirthDate { value: "19990230".into() },
                "birth date 19990230 is not a real calendar date on or after 1800-01-01",
                "birth_date",
            ),
            (IdError::CheckChar { expected: '5', found: 'X' }, "check character is 'X', expected '5'", "check_char"),
            (IdError::Format { reason: "version must be 3 digits" }, "version must be 3 digits", "format"),
            (
                IdError::Issuer(Box::new(IdError::Length { expected: 18, found: 3 })),
                "issuer credit code is invalid: length is 3 characters, expected 18",
                "issuer",
            ),
        ];
        for (error, message, code) in cases {
            assert_eq!(error.to_string(), message);
            assert_eq!(error.reason_code(), code);
        }
    }

    #[test]
    fn non_printable_characters_are_escaped_in_messages() {
        let error = IdError::Character { position: 1, found: '\u{0}' };
        assert_eq!(error.to_string(), "unexpected character '\\0' at position 1");
    }
}
