//! Time as the rest of the workspace sees it: injected, never read from the system here.

use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;

    fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    #[must_use]
    pub fn new(now_ms: i64) -> Self {
        Self(AtomicI64::new(now_ms))
    }

    pub fn set_ms(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian `YYYY-MM-DD` (Howard Hinnant's `civil_from_days`).
#[must_use]
pub fn date_from_unix_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD` of a Unix time in milliseconds, in China Standard Time (UTC+8, no daylight saving).
#[must_use]
pub fn cst_date(unix_ms: i64) -> String {
    date_from_unix_days((unix_ms + 8 * 3_600_000).div_euclid(86_400_000))
}

/// Days since 1970-01-01 of the China Standard Time date of a Unix time in milliseconds.
#[must_use]
pub fn cst_days(unix_ms: i64) -> i64 {
    (unix_ms + 8 * 3_600_000).div_euclid(86_400_000)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's `days_from_civil`.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 of an ISO `YYYY-MM-DD` date that exists (2026-02-30 does not).
#[must_use]
pub fn iso_days(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // A real date round-trips through the day count.
    (date_from_unix_days(days) == s).then_some(days)
}

/// Whether a day (since 1970-01-01, a Thursday) is Monday to Friday.
#[must_use]
pub fn is_working_day(days: i64) -> bool {
    // 0 = Monday.
    (days + 3).rem_euclid(7) < 5
}

/// The day `n` working days after `days` (Monday to Friday; statutory holidays and their make-up working
/// days are not modelled in the sandbox). `n = 0` is the day itself, moved to the next working day.
#[must_use]
pub fn add_working_days(days: i64, n: u32) -> i64 {
    let mut d = days;
    while !is_working_day(d) {
        d += 1;
    }
    let mut left = n;
    while left > 0 {
        d += 1;
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days() {
        let fri = iso_days("2026-11-27").unwrap_or_default();
        assert!(is_working_day(fri));
        assert!(!is_working_day(fri + 1));
        assert_eq!(date_from_unix_days(add_working_days(fri, 1)), "2026-11-30");
        assert_eq!(date_from_unix_days(add_working_days(fri + 1, 0)), "2026-11-30");
        assert_eq!(date_from_unix_days(add_working_days(fri, 15)), "2026-12-18");
        assert_eq!(iso_days("2026-02-29"), None);
        assert_eq!(iso_days("1970-01-01"), Some(0));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(date_from_unix_days(0), "1970-01-01");
        assert_eq!(date_from_unix_days(19_782), "2024-02-29");
        assert_eq!(date_from_unix_days(-1), "1969-12-31");
        // 2026-11-27 00:30 CST is still 2026-11-26 in UTC.
        assert_eq!(cst_date(1_795_710_600_000), "2026-11-27");
    }
}
