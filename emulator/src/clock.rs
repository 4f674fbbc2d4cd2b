//! Time: the emulator's clock, and the API's time format, `YYYY-MM-DD hh:mm:ss`, in UTC (the
//! calendar arithmetic is the transport's [`tencentcloud_transport::time`]).

use std::time::{SystemTime, UNIX_EPOCH};

use tencentcloud_transport::time::UtcDateTime;

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats Unix seconds as `YYYY-MM-DD hh:mm:ss` (UTC).
pub(crate) fn format_time(unix: u64) -> String {
    UtcDateTime::from_unix(unix).to_string()
}

/// Parses `YYYY-MM-DD hh:mm:ss` (UTC, exactly that shape, years 1970 to 9999) into Unix
/// seconds; `None` for anything else, including impossible dates such as `2025-02-30`.
pub(crate) fn parse_time(text: &str) -> Option<u64> {
    UtcDateTime::parse(text).map(UtcDateTime::to_unix)
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
