//! Time: the emulator's clock, and the API's time format, `YYYY-MM-DD hh:mm:ss`, in UTC,
//! converted to and from Unix seconds with the proleptic Gregorian calendar (no time-zone
//! database, no dependency).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats Unix seconds as `YYYY-MM-DD hh:mm:ss` (UTC).
pub(crate) fn format_time(unix: u64) -> String {
    let days = unix / 86_400;
    let secs = unix % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses `YYYY-MM-DD hh:mm:ss` (UTC, exactly that shape, years 1970 to 9999) into Unix
/// seconds; `None` for anything else, including impossible dates such as `2025-02-30`.
pub(crate) fn parse_time(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = b.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if y < 1970 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn is_leap(y: u64) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a date on or after it (H. Hinnant's algorithm, unsigned form).
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00");
        assert_eq!(format_time(1_551_952_863), "2019-03-07 10:01:03");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(format_time(4_102_444_799), "2099-12-31 23:59:59");
        assert_eq!(parse_time("2019-03-07 10:01:03"), Some(1_551_952_863));
        assert_eq!(parse_time("2000-02-29 00:00:00"), Some(951_782_400));
    }

    #[test]
    fn round_trips() {
        let mut t = 0u64;
        while t < 8_000_000_000 {
            assert_eq!(parse_time(&format_time(t)), Some(t), "{t}");
            t += 86_399 * 7 + 13;
        }
    }

    #[test]
    fn rejects_malformed_and_impossible() {
        for bad in [
            "",
            "2019-03-07",
            "2019-03-07T10:01:03",
            "2019-3-07 10:01:03",
            "2019-13-01 00:00:00",
            "2019-00-01 00:00:00",
            "2019-02-29 00:00:00",
            "1900-02-28 00:00:00",
            "1969-12-31 23:59:59",
            "2019-03-07 24:00:00",
            "2019-03-07 10:60:00",
            "2019-03-07 10:00:60",
            "2019-03-07 10:0a:00",
            "+019-03-07 10:00:00",
            "2019-03-07 10:01:03 ",
            "２019-03-07 10:01:0",
        ] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }
}
