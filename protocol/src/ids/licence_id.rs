//! The e-licence identifier (电子证照标识), GB/T 36904.

use super::{CreditCode, IdError, iso7064, string_id_impls};

/// The fixed OID prefix of every e-licence identifier.
const PREFIX: &str = "1.2.156.3005.2.";

/// Maximum length of the type code and of the serial.
const MAX_SEGMENT: usize = 32;

/// A validated e-licence identifier (GB/T 36904):
/// `1.2.156.3005.2.<type code>.<issuer credit code>.<serial>.<version>.<check>`.
///
/// - type code: the licence type code (证照类型代码), 1 to 32 characters of `0`-`9`, `A`-`Z`;
/// - issuer: the issuing authority's unified social credit code, a valid [`CreditCode`];
/// - serial: the licence serial within the issuer and type, 1 to 32 characters of `0`-`9`, `A`-`Z`;
/// - version: 3 digits (`000`-`999`);
/// - check: the ISO 7064 MOD 37,36 check character over type code ‖ issuer ‖ serial ‖ version (the
///   concatenation without dots and without the prefix).
///
/// [`LicenceId::parse`] trims surrounding whitespace and upper-cases ASCII letters; whitespace inside is an
/// error. Positions in [`IdError::Character`] count characters of the trimmed identifier, prefix included;
/// errors of the issuer code come wrapped in [`IdError::Issuer`] with positions inside the issuer code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenceId {
    value: String,
    type_code: String,
    issuer: CreditCode,
    serial: String,
    version: u16,
    check: char,
}

impl LicenceId {
    /// Builds an identifier from its parts and computes the check character.
    ///
    /// `type_code` and `serial` must already be canonical (upper case, no whitespace). Positions in
    /// [`IdError::Character`] count characters of the identifier being built, prefix included.
    ///
    /// # Errors
    ///
    /// [`IdError::Character`] or [`IdError::Format`] for a bad type code or serial, [`IdError::Format`] for a
    /// version above 999.
    pub fn new(type_code: &str, issuer: &CreditCode, serial: &str, version: u16) -> Result<Self, IdError> {
        let type_offset = PREFIX.len();
        check_segment(type_code, type_offset, "type code must be 1 to 32 characters")?;
        let serial_offset = type_offset + type_code.len() + 1 + issuer.as_str().len() + 1;
        check_segment(serial, serial_offset, "serial must be 1 to 32 characters")?;
        if version > 999 {
            return Err(IdError::Format { reason: "version must be at most 999" });
        }
        let check = compute_check(type_code, issuer, serial, version)?;
        Ok(Self::assemble(type_code, issuer.clone(), serial, version, check))
    }

    /// Validates an identifier (see the type's documentation for the rules).
    ///
    /// # Errors
    ///
    /// [`IdError::Format`] for a wrong prefix, wrong number of segments or a bad segment length,
    /// [`IdError::Character`] for a character outside `0`-`9`, `A`-`Z`, [`IdError::Issuer`] for an invalid
    /// issuer credit code, [`IdError::CheckChar`] for a wrong check character.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let canonical = input.trim().to_ascii_uppercase();
        let rest =
            canonical.strip_prefix(PREFIX).ok_or(IdError::Format { reason: "must start with 1.2.156.3005.2." })?;
        let segments: Vec<&str> = rest.split('.').collect();
        let [type_code, issuer, serial, version, check] = segments[..] else {
            return Err(IdError::Format {
                reason: "expected type code, issuer, serial, version and check character separated by dots",
            });
        };
        // Every segment before a failing one is ASCII, so byte offsets equal character offsets up to there.
        let mut offset = PREFIX.len();
        check_segment(type_code, offset, "type code must be 1 to 32 characters")?;
        offset += type_code.len() + 1;
        let issuer = CreditCode::parse_canonical(issuer).map_err(|e| IdError::Issuer(Box::new(e)))?;
        offset += issuer.as_str().len() + 1;
        check_segment(serial, offset, "serial must be 1 to 32 characters")?;
        offset += serial.len() + 1;
        if let Some((i, c)) = version.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::Character { position: offset + i + 1, found: c });
        }
        if version.len() != 3 {
            return Err(IdError::Format { reason: "version must be 3 digits" });
        }
        let version = version.parse::<u16>().map_err(|_| IdError::Format { reason: "version must be 3 digits" })?;
        offset += 4;
        let mut check_chars = check.chars();
        let (Some(found), None) = (check_chars.next(), check_chars.next()) else {
            return Err(IdError::Format { reason: "check must be a single character" });
        };
        if !is_segment_char(found) {
            return Err(IdError::Character { position: offset + 1, found });
        }
        let expected = compute_check(type_code, &issuer, serial, version)?;
        if found != expected {
            return Err(IdError::CheckChar { expected, found });
        }
        Ok(Self::assemble(type_code, issuer, serial, version, expected))
    }

    fn assemble(type_code: &str, issuer: CreditCode, serial: &str, version: u16, check: char) -> Self {
        let value = format!("{PREFIX}{type_code}.{issuer}.{serial}.{version:03}.{check}");
        Self { value, type_code: type_code.to_owned(), issuer, serial: serial.to_owned(), version, check }
    }

    /// The canonical identifier.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The licence type code.
    #[must_use]
    pub fn type_code(&self) -> &str {
        &self.type_code
    }

    /// The issuing authority's credit code.
    #[must_use]
    pub fn issuer(&self) -> &CreditCode {
        &self.issuer
    }

    /// The serial within the issuer and type.
    #[must_use]
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The version (0-999; written with 3 digits).
    #[must_use]
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The MOD 37,36 check character.
    #[must_use]
    pub fn check(&self) -> char {
        self.check
    }
}

string_id_impls!(LicenceId, "an e-licence identifier (GB/T 36904)");

fn is_segment_char(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase()
}

/// Checks a type code or serial: characters from `0`-`9`, `A`-`Z`, then 1 to 32 of them. `offset` is the
/// number of characters before the segment in the whole identifier.
fn check_segment(segment: &str, offset: usize, length_reason: &'static str) -> Result<(), IdError> {
    if let Some((i, c)) = segment.chars().enumerate().find(|(_, c)| !is_segment_char(*c)) {
        return Err(IdError::Character { position: offset + i + 1, found: c });
    }
    if segment.is_empty() || segment.len() > MAX_SEGMENT {
        return Err(IdError::Format { reason: length_reason });
    }
    Ok(())
}

fn compute_check(type_code: &str, issuer: &CreditCode, serial: &str, version: u16) -> Result<char, IdError> {
    let payload = format!("{type_code}{issuer}{serial}{version:03}");
    iso7064::mod_37_36_check_char(&payload).ok_or(IdError::Format { reason: "not a string of 0-9 and A-Z" })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn issuer() -> CreditCode {
        CreditCode::parse("91350100M000100Y43").unwrap()
    }

    #[test]
    fn new_and_parse_agree() {
        let id = LicenceId::new("11100000MB0143028Y", &issuer(), "A0001", 1).unwrap();
        let payload = "11100000MB0143028Y91350100M000100Y43A0001001";
        let check = iso7064::mod_37_36_check_char(payload).unwrap();
        let text = format!("1.2.156.3005.2.11100000MB0143028Y.91350100M000100Y43.A0001.001.{check}");
        assert_eq!(id.as_str(), text);
        assert_eq!(id.check(), check);
        assert_eq!(id.type_code(), "11100000MB0143028Y");
        assert_eq!(id.issuer(), &issuer());
        assert_eq!(id.serial(), "A0001");
        assert_eq!(id.version(), 1);
        assert_eq!(LicenceId::parse(&text).unwrap(), id);
        assert_eq!(LicenceId::parse(&format!("  {}  ", text.to_lowercase())).unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<LicenceId>(&json).unwrap(), id);
    }

    #[test]
    fn errors() {
        let good = LicenceId::new("T1", &issuer(), "S1", 12).unwrap();
        let text = good.as_str().to_owned();
        assert!(text.ends_with(&format!(".012.{}", good.check())));
        let wrong_check = if good.check() == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong_check}", &text[..text.len() - 1]);
        assert_eq!(LicenceId::parse(&bad), Err(IdError::CheckChar { expected: good.check(), found: wrong_check }));
        assert_eq!(LicenceId::parse("1.2.156.3005.3.T1").unwrap_err().reason_code(), "format");
        assert_eq!(LicenceId::parse("1.2.156.3005.2.T1.X").unwrap_err().reason_code(), "format");
        let with_dash = text.replacen("T1", "T-", 1);
        assert_eq!(LicenceId::parse(&with_dash), Err(IdError::Character { position: 17, found: '-' }));
        let bad_issuer = text.replacen("Y43", "Y44", 1);
        assert_eq!(
            LicenceId::parse(&bad_issuer),
            Err(IdError::Issuer(Box::new(IdError::CheckChar { expected: '3', found: '4' })))
        );
        let short_version = text.replacen(".012.", ".12.", 1);
        assert_eq!(LicenceId::parse(&short_version).unwrap_err().reason_code(), "format");
        let empty_serial = text.replacen(".S1.", "..", 1);
        assert_eq!(LicenceId::parse(&empty_serial).unwrap_err().reason_code(), "format");
        assert_eq!(LicenceId::new("", &issuer(), "S", 1).unwrap_err().reason_code(), "format");
        assert_eq!(LicenceId::new(&"A".repeat(33), &issuer(), "S", 1).unwrap_err().reason_code(), "format");
        assert_eq!(LicenceId::new("T", &issuer(), "s", 1), Err(IdError::Character { position: 37, found: 's' }));
        assert_eq!(LicenceId::new("T", &issuer(), "S", 1000).unwrap_err().reason_code(), "format");
        assert!(LicenceId::new(&"A".repeat(32), &issuer(), &"9".repeat(32), 999).is_ok());
    }
}
