//! The wallet side of the platform (电子证照): issuing authorities and their keys, the national trust list,
//! token status lists, licence issuance bound to the holder's device key, and staff status changes.
//!
//! - `GET /v1/trust-list`: the trust list, a JWS signed by the national trust anchor ([`TRUST_ANCHOR_PKCS8`]).
//! - `GET /.well-known/jwt-vc-issuer/issuers/{slug}`: each issuer's SD-JWT VC metadata with its `jwks`.
//! - `GET /v1/status-lists/{slug}`: each issuer's token status list (2 bits per licence).
//! - `GET /v1/licences`, `POST /v1/credentials/nonce`, `POST /v1/credentials`: issuance in the spirit of
//!   OpenID4VCI (a proof-of-possession JWT over a fresh single-use `c_nonce`).
//! - `POST /v1/staff/licences/{licence_id}/status`: revoke, suspend or reinstate (staff key).
//! - `POST /v1/presentations`, `GET /v1/presentations/{code}`: online QR mode (a one-time short code).
//!
//! Issuers are stored by slug; their identifiers are `{public_url}/issuers/{slug}`, derived per request from
//! the platform's public base URL, which is known only once the server is bound.

pub(crate) mod exchange;
pub(crate) mod issuance;
pub(crate) mod issuers;
pub(crate) mod staff;
pub(crate) mod status;

use base64::Engine as _;
use onego_protocol::sdjwt::jws::Es256SigningKey;
/// The randomness the platform signs with, re-exported so clients of the sandbox (and tests) can make and use
/// device keys (`Es256SigningKey::generate`) without depending on `ring` themselves.
pub use ring::rand::SystemRandom;
pub use staff::SANDBOX_STAFF_KEY;

use crate::ApiError;

/// The sandbox national trust anchor (PKCS#8, standard base64) — a test key, not a secret; production pins the
/// real anchor. Its public JWK is `x = yYc-fDOL3yMpYWqBrhf3VwX0nDl5B-pn4U5iHeBi5wE`,
/// `y = f5yghDo3HMJuxhKj6DbOM0H2gZcXED_S8YFhUYgJXTk`.
pub const TRUST_ANCHOR_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZCV1w2wvqml6HJKTVZRASgxvUSx3Kdtbv4DxpYSWXaOhRANCAATJhz58M4vfIylhaoGuF/dXBfScOXkH6mfhTmId4GLnAX+coIQ6NxzCbsYSo+g2zjNB9oGXFxA/0vGBYVGICV05";

/// `iss` of the trust list.
pub const TRUST_LIST_ISSUER: &str = "cn-national-trust-anchor";

/// `valid_until` of a licence without an end (长期).
pub const NO_END: &str = "9999-12-31";

/// The sandbox trust anchor's signing key.
pub(crate) fn trust_anchor(rng: &dyn ring::rand::SecureRandom) -> Result<Es256SigningKey, ApiError> {
    let pkcs8 = base64::engine::general_purpose::STANDARD
        .decode(TRUST_ANCHOR_PKCS8)
        .map_err(|e| ApiError::internal(format!("trust anchor key: {e}")))?;
    Es256SigningKey::from_pkcs8(&pkcs8, rng).map_err(|e| ApiError::internal(format!("trust anchor key: {e}")))
}

/// `{base}/issuers/{slug}`: an issuer's identifier (`iss`).
pub(crate) fn issuer_url(base: &str, slug: &str) -> String {
    format!("{base}/issuers/{slug}")
}

/// `{base}/v1/status-lists/{slug}`: where an issuer's status list token is served.
pub(crate) fn status_list_url(base: &str, slug: &str) -> String {
    format!("{base}/v1/status-lists/{slug}")
}

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub y: i64,
    pub m: u32,
    pub d: u32,
}

fn days_in_month(y: i64, m: u32) -> u32 {
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('-');
        let y = parts.next()?.parse::<i64>().ok()?;
        let m = parts.next()?.parse::<u32>().ok()?;
        let d = parts.next()?.parse::<u32>().ok()?;
        if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Self { y, m, d })
    }

    /// Today in China Standard Time.
    pub fn today(now_ms: i64) -> Option<Self> {
        Self::parse(&onego_protocol::time::cst_date(now_ms))
    }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    pub fn add_years(self, years: i64) -> Self {
        let y = self.y + years;
        Self { y, m: self.m, d: self.d.min(days_in_month(y, self.m)) }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn unix_days(self) -> i64 {
        let y = if self.m <= 2 { self.y - 1 } else { self.y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// 00:00 China Standard Time of this day, in Unix seconds.
    pub fn start_unix(self) -> i64 {
        self.unix_days() * 86_400 - 8 * 3_600
    }

    /// Full years between `self` (a birth date) and `on`.
    pub fn age_on(self, on: Self) -> i64 {
        let years = on.y - self.y;
        if (on.m, on.d) < (self.m, self.d) { years - 1 } else { years }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_anchor_is_the_documented_key() {
        let rng = ring::rand::SystemRandom::new();
        let key = trust_anchor(&rng).expect("anchor parses");
        let jwk = key.public_jwk().to_json();
        assert_eq!(jwk["x"], "yYc-fDOL3yMpYWqBrhf3VwX0nDl5B-pn4U5iHeBi5wE");
        assert_eq!(jwk["y"], "f5yghDo3HMJuxhKj6DbOM0H2gZcXED_S8YFhUYgJXTk");
    }

    #[test]
    fn dates() {
        let d = Date::parse("2024-02-29").expect("leap day");
        assert_eq!(d.unix_days(), 19_782);
        assert_eq!(d.add_years(1).to_string(), "2025-02-28");
        assert_eq!(Date::parse("1970-01-01").expect("epoch").start_unix(), -8 * 3600);
        assert!(Date::parse("2023-02-29").is_none() && Date::parse("2023-1-1-1").is_none());
        let birth = Date::parse("1994-05-18").expect("birth");
        assert_eq!(birth.age_on(Date::parse("2012-05-17").expect("d")), 17);
        assert_eq!(birth.age_on(Date::parse("2012-05-18").expect("d")), 18);
        assert_eq!(Date::today(1_795_710_600_000).expect("today").to_string(), "2026-11-27");
        for days in [-200_000, -1, 0, 1, 19_782, 2_932_896] {
            let s = onego_protocol::time::date_from_unix_days(days);
            assert_eq!(Date::parse(&s).expect("round trip").unix_days(), days, "{s}");
        }
    }
}
