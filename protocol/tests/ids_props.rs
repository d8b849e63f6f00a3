//! Property tests for the identifier validators.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onego_protocol::ids::{
    CreditCode, IdError, IdHolderKind, IdNumber, LicenceId, iso7064, ric_check_char, uscc_check_char,
};
use proptest::prelude::*;

const PROVINCES: [u8; 31] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65,
];
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const ALNUM: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A real date from 1800-01-01 to 9999-12-31.
fn date() -> impl Strategy<Value = (u16, u8, u8)> {
    (1800_u16..=9999, 1_u8..=12, 1_u8..=31).prop_map(|(y, m, d)| (y, m, 1 + (d - 1) % days_in_month(y, m)))
}

/// A 6-digit address code the region policy accepts, with the kind it implies.
fn address() -> impl Strategy<Value = (String, IdHolderKind)> {
    prop_oneof![
        (prop::sample::select(&PROVINCES[..]), 0_u32..10_000)
            .prop_map(|(p, rest)| (format!("{p:02}{rest:04}"), IdHolderKind::Resident)),
        (0_u32..10_000).prop_map(|rest| (format!("71{rest:04}"), IdHolderKind::Resident)),
        (81_u8..=83, 0_u32..10_000)
            .prop_map(|(p, rest)| (format!("{p}{rest:04}"), IdHolderKind::ResidencePermitHkMacaoTaiwan)),
        (prop::sample::select(&PROVINCES[..]), 0_u32..1000)
            .prop_map(|(p, nationality)| (format!("9{p:02}{nationality:03}"), IdHolderKind::ForeignPermanentResident)),
    ]
}

/// A valid ID number with its parts.
fn ric() -> impl Strategy<Value = (String, IdHolderKind, (u16, u8, u8), u16)> {
    (address(), date(), 0_u16..1000).prop_map(|((address, kind), (y, m, d), sequence)| {
        let first17 = format!("{address}{y:04}{m:02}{d:02}{sequence:03}");
        let check = ric_check_char(&first17).unwrap();
        (format!("{first17}{check}"), kind, (y, m, d), sequence)
    })
}

/// A valid credit code: any GB 32100 character in positions 1-2 and 9-17, digits in 3-8.
fn uscc() -> impl Strategy<Value = String> {
    let any = || prop::sample::select(USCC_ALPHABET.chars().collect::<Vec<_>>());
    (any(), any(), 0_u32..1_000_000, prop::collection::vec(any(), 9)).prop_map(|(a, t, region, org)| {
        let first17 = format!("{a}{t}{region:06}{}", org.iter().collect::<String>());
        let check = uscc_check_char(&first17).unwrap();
        format!("{first17}{check}")
    })
}

fn alnum_segment() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALNUM.chars().collect::<Vec<_>>()), 1..=32)
        .prop_map(|chars| chars.into_iter().collect())
}

fn licence() -> impl Strategy<Value = LicenceId> {
    (alnum_segment(), uscc(), alnum_segment(), 0_u16..=999).prop_map(|(type_code, issuer, serial, version)| {
        let issuer = CreditCode::parse(&issuer).unwrap();
        LicenceId::new(&type_code, &issuer, &serial, version).unwrap()
    })
}

fn replace_char(s: &str, index: usize, replacement: char) -> String {
    s.chars().enumerate().map(|(i, c)| if i == index { replacement } else { c }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ric_round_trips((number, kind, (y, m, d), sequence) in ric()) {
        let id = IdNumber::parse(&number).unwrap();
        prop_assert_eq!(id.as_str(), number.as_str());
        prop_assert_eq!(id.kind(), kind);
        prop_assert_eq!(id.region(), &number[..6]);
        prop_assert_eq!(id.birth_date(), (y, m, d));
        prop_assert_eq!(id.birth_date_iso(), format!("{y:04}-{m:02}-{d:02}"));
        prop_assert_eq!(id.is_female(), sequence.is_multiple_of(2));
        let masked = id.masked();
        prop_assert_eq!(masked.chars().count(), 18);
        prop_assert_eq!(&masked[..4], &number[..4]);
        prop_assert_eq!(&masked[4..14], "**********");
        prop_assert_eq!(&masked[14..], &number[14..]);
        prop_assert_eq!(id.to_string(), number.clone());
        prop_assert_eq!(number.parse::<IdNumber>().unwrap(), id.clone());
        prop_assert_eq!(IdNumber::parse(&format!("  {}\t", number.to_lowercase())).unwrap(), id.clone());
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
    }

    #[test]
    fn ric_any_region_is_ok_or_unknown_region(region in 0_u32..1_000_000, (y, m, d) in date(), sequence in 0_u16..1000) {
        let first17 = format!("{region:06}{y:04}{m:02}{d:02}{sequence:03}");
        let number = format!("{first17}{}", ric_check_char(&first17).unwrap());
        match IdNumber::parse(&number) {
            Ok(id) => prop_assert_eq!(id.as_str(), number.as_str()),
            Err(e) => prop_assert!(matches!(e, IdError::UnknownRegion { .. }), "{}: {}", number, e),
        }
    }

    #[test]
    fn ric_single_substitution_is_rejected((number, ..) in ric(), index in 0_usize..18, pick in 0_usize..11) {
        let allowed: Vec<char> = if index == 17 { "0123456789X".chars().collect() } else { "0123456789".chars().collect() };
        let replacement = allowed[pick % allowed.len()];
        prop_assume!(number.chars().nth(index) != Some(replacement));
        let changed = replace_char(&number, index, replacement);
        prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn uscc_round_trips(code in uscc()) {
        let parsed = CreditCode::parse(&code).unwrap();
        prop_assert_eq!(parsed.as_str(), code.as_str());
        prop_assert_eq!(parsed.region(), &code[2..8]);
        prop_assert_eq!(parsed.to_string(), code.clone());
        prop_assert_eq!(CreditCode::parse(&format!(" {} ", code.to_lowercase())).unwrap(), parsed.clone());
        let grouped = format!("{} {} {}", &code[..2], &code[2..8], &code[8..]);
        prop_assert_eq!(CreditCode::parse(&grouped).unwrap(), parsed.clone());
        let json = serde_json::to_string(&parsed).unwrap();
        prop_assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), parsed);
    }

    #[test]
    fn uscc_single_substitution_is_rejected(code in uscc(), index in 0_usize..18, pick in 0_usize..31) {
        let replacement = USCC_ALPHABET.chars().nth(pick).unwrap();
        prop_assume!(code.chars().nth(index) != Some(replacement));
        let changed = replace_char(&code, index, replacement);
        let error = CreditCode::parse(&changed).unwrap_err();
        prop_assert!(matches!(error.reason_code(), "check_char" | "character"), "{}: {}", changed, error);
    }

    #[test]
    fn licence_round_trips(id in licence()) {
        let text = id.to_string();
        let parsed = LicenceId::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &id);
        prop_assert_eq!(parsed.as_str(), text.as_str());
        prop_assert_eq!(text.parse::<LicenceId>().unwrap(), id.clone());
        prop_assert_eq!(LicenceId::parse(&format!(" {} ", text.to_lowercase())).unwrap(), id.clone());
        let rebuilt = LicenceId::new(id.type_code(), id.issuer(), id.serial(), id.version()).unwrap();
        prop_assert_eq!(&rebuilt, &id);
        let payload = format!("{}{}{}{:03}{}", id.type_code(), id.issuer(), id.serial(), id.version(), id.check());
        prop_assert!(iso7064::mod_37_36_is_valid(&payload));
        prop_assert_eq!(
            text,
            format!("1.2.156.3005.2.{}.{}.{}.{:03}.{}", id.type_code(), id.issuer(), id.serial(), id.version(), id.check())
        );
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<LicenceId>(&json).unwrap(), id);
    }

    #[test]
    fn licence_single_substitution_is_rejected(id in licence(), index in any::<prop::sample::Index>(), pick in 0_usize..36) {
        let text = id.to_string();
        // Any character after the fixed prefix that is not a separator.
        let positions: Vec<usize> = text.char_indices().skip(15).filter(|(_, c)| *c != '.').map(|(i, _)| i).collect();
        let position = positions[index.index(positions.len())];
        let replacement = ALNUM.chars().nth(pick).unwrap();
        prop_assume!(text.chars().nth(position) != Some(replacement));
        let changed = replace_char(&text, position, replacement);
        prop_assert!(LicenceId::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = IdNumber::parse(&s);
        let _ = CreditCode::parse(&s);
        let _ = LicenceId::parse(&s);
        let _ = LicenceId::parse(&format!("1.2.156.3005.2.{s}"));
        let _ = ric_check_char(&s);
        let _ = uscc_check_char(&s);
        let _ = iso7064::mod_11_2_check_char(&s);
        let _ = iso7064::mod_11_2_is_valid(&s);
        let _ = iso7064::mod_37_36_check_char(&s);
        let _ = iso7064::mod_37_36_is_valid(&s);
    }

    #[test]
    fn parsers_never_panic_on_near_misses(chars in prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select("0123456789Xx.ABCIOZ ".chars().collect::<Vec<_>>()),
            1 => any::<char>(),
        ],
        0..80,
    )) {
        let s: String = chars.into_iter().collect();
        for input in [s.clone(), format!("1.2.156.3005.2.{s}")] {
            if let Err(e) = IdNumber::parse(&input) { let _ = (e.to_string(), e.reason_code()); }
            if let Err(e) = CreditCode::parse(&input) { let _ = (e.to_string(), e.reason_code()); }
            if let Err(e) = LicenceId::parse(&input) { let _ = (e.to_string(), e.reason_code()); }
            let _ = serde_json::from_value::<IdNumber>(serde_json::Value::String(input.clone()));
        }
    }

    #[test]
    fn check_char_helpers_reject_wrong_lengths(s in "[0-9]{0,30}") {
        prop_assert_eq!(ric_check_char(&s).is_some(), s.len() == 17);
        prop_assert_eq!(uscc_check_char(&s).is_some(), s.len() == 17);
    }
}
