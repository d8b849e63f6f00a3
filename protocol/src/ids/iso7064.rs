//! ISO/IEC 7064 check character systems used by Chinese identifiers (pure functions).
//!
//! - MOD 11-2, a *pure* system (one modulus, radix 2): check character `0`-`9` or `X` over digits. GB 11643
//!   uses it for the resident ID number.
//! - MOD 37,36, a *hybrid* system (moduli 36 and 37) over the alphabet `0`-`9`, `A`-`Z` (values 0-35), with
//!   one check character from the same alphabet. GB/T 36904 uses it for the e-licence identifier.
//!
//! Reference values used in the tests come from python-stdnum (`stdnum/iso7064/mod_37_36.py` module doctest
//! and `tests/test_iso7064.doctest`, github.com/arthurdejong/python-stdnum), which quote the ISO 7064 examples.

/// The MOD 37,36 alphabet: the character's index is its value.
const ALPHANUMERIC: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The value (0-35) of an upper-case ASCII letter or digit, `None` for anything else.
fn alphanumeric_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(u32::from(c) - u32::from('0')),
        'A'..='Z' => Some(u32::from(c) - u32::from('A') + 10),
        _ => None,
    }
}

/// The ISO 7064 MOD 11-2 check character for a string of ASCII digits: `'0'`-`'9'` or `'X'` (value 10).
///
/// `None` if any character is not an ASCII digit. The empty string is allowed (its check character is `'1'`).
#[must_use]
pub fn mod_11_2_check_char(digits: &str) -> Option<char> {
    // Pure system: p <- (p + digit) * 2 mod 11; the check character c makes (p + c) mod 11 == 1.
    let mut p = 0_u32;
    for c in digits.chars() {
        p = ((p + c.to_digit(10)?) * 2) % 11;
    }
    let check = (12 - p) % 11;
    if check == 10 { Some('X') } else { char::from_digit(check, 10) }
}

/// Whether `s` is a string of ASCII digits followed by its correct MOD 11-2 check character (`X` upper case).
#[must_use]
pub fn mod_11_2_is_valid(s: &str) -> bool {
    match s.char_indices().last() {
        Some((i, check)) => mod_11_2_check_char(&s[..i]) == Some(check),
        None => false,
    }
}

/// One step of an ISO 7064 hybrid system MOD (M+1),M over values `0..M`: returns the check value that makes
/// the sequence valid.
fn hybrid_check_value(values: impl IntoIterator<Item = u32>, m: u32) -> u32 {
    // p_1 = M; s_j = (p_j + a_j) mod M, with 0 read as M; p_{j+1} = 2 * s_j mod (M + 1).
    // The check value c makes (p + c) mod M == 1; p is never 0, so (M + 1 - p) mod M is that value.
    let mut p = m;
    for value in values {
        let mut s = (p + value) % m;
        if s == 0 {
            s = m;
        }
        p = (2 * s) % (m + 1);
    }
    (m + 1 - p) % m
}

/// The ISO 7064 MOD 37,36 check character for a string over `0`-`9`, `A`-`Z` (upper case only).
///
/// `None` if any character is outside that alphabet. The empty string is allowed.
#[must_use]
pub fn mod_37_36_check_char(s: &str) -> Option<char> {
    let values = s.chars().map(alphanumeric_value).collect::<Option<Vec<u32>>>()?;
    let check = hybrid_check_value(values, 36);
    ALPHANUMERIC.get(usize::try_from(check).ok()?).map(|b| char::from(*b))
}

/// Whether `s` is a string over `0`-`9`, `A`-`Z` followed by its correct MOD 37,36 check character.
#[must_use]
pub fn mod_37_36_is_valid(s: &str) -> bool {
    match s.char_indices().last() {
        Some((i, check)) => mod_37_36_check_char(&s[..i]) == Some(check),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mod_11_2_published_examples() {
        // python-stdnum tests/test_iso7064.doctest: mod_11_2.calc_check_digit('0794') == '0', ('079') == 'X'.
        assert_eq!(mod_11_2_check_char("0794"), Some('0'));
        assert_eq!(mod_11_2_check_char("079"), Some('X'));
        assert!(mod_11_2_is_valid("07940"));
        assert!(mod_11_2_is_valid("079X"));
        assert!(!mod_11_2_is_valid("079x"));
        assert!(!mod_11_2_is_valid("0791"));
        assert!(!mod_11_2_is_valid(""));
        assert_eq!(mod_11_2_check_char("07a"), None);
        // GB 11643-1999 Appendix A example 11010519491231002X.
        assert_eq!(mod_11_2_check_char("11010519491231002"), Some('X'));
    }

    #[test]
    fn mod_37_36_published_example() {
        // python-stdnum stdnum/iso7064/mod_37_36.py doctest: calc_check_digit('A12425GABC1234002') == 'M'.
        assert_eq!(mod_37_36_check_char("A12425GABC1234002"), Some('M'));
        assert!(mod_37_36_is_valid("A12425GABC1234002M"));
        assert!(!mod_37_36_is_valid("A12425GABC1234002N"));
        assert!(!mod_37_36_is_valid("A12425GABC1234003M"));
        assert_eq!(mod_37_36_check_char("a12425GABC1234002"), None);
        assert_eq!(mod_37_36_check_char("A1-"), None);
        assert!(!mod_37_36_is_valid(""));
    }

    #[test]
    fn hybrid_system_matches_mod_11_10_examples() {
        // The same hybrid construction with M = 10 is MOD 11,10; python-stdnum tests/test_iso7064.doctest:
        // calc_check_digit('0794') == '5', ('00200667308') == '5', ('00200667309') == '3'.
        let digits = |s: &str| s.chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>();
        assert_eq!(hybrid_check_value(digits("0794"), 10), 5);
        assert_eq!(hybrid_check_value(digits("00200667308"), 10), 5);
        assert_eq!(hybrid_check_value(digits("00200667309"), 10), 3);
        assert_eq!(hybrid_check_value(digits("00200667310"), 10), 8);
    }

    #[test]
    fn mod_37_36_detects_every_single_substitution() {
        let valid = "A12425GABC1234002M";
        for (i, original) in valid.char_indices() {
            for &b in ALPHANUMERIC {
                let replacement = char::from(b);
                if replacement == original {
                    continue;
                }
                let mut changed = valid.to_owned();
                changed.replace_range(i..i + 1, replacement.encode_utf8(&mut [0; 4]));
                assert!(!mod_37_36_is_valid(&changed), "{changed} should be invalid");
            }
        }
    }
}
