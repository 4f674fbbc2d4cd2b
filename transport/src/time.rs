//! Calendar dates and times in UTC, converted to and from Unix time with the proleptic
//! Gregorian calendar (no time-zone database, no dependency).
//!
//! [`UtcDate`] is the date of a signature's credential scope (`YYYY-MM-DD`, see
//! [`crate::sign`]); [`UtcDateTime`] is the `YYYY-MM-DD hh:mm:ss` format Tencent Cloud API 3.0
//! uses for times in requests and responses.

use std::fmt;

/// A calendar date in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDate {
    /// The year, e.g. 2023.
    pub year: u64,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl UtcDate {
    /// The UTC date of a unix timestamp in seconds.
    pub fn from_unix(timestamp: u64) -> Self {
        Self::from_days(timestamp / 86_400)
    }

    /// The date `days` days after 1970-01-01 (proleptic Gregorian calendar).
    pub fn from_days(days: u64) -> Self {
        // Shift the epoch to 0000-03-01 so that leap days fall at the end of each year, then
        // split into 400-year eras (146 097 days each), years of the era and days of the year.
        // Saturating: absurd day counts give a wrong (but well-formed) date instead of a panic.
        let shifted = days.saturating_add(719_468);
        let era = shifted / 146_097;
        let day_of_era = shifted % 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        // Months counted from March: 0 = March … 11 = February.
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + u64::from(month <= 2);
        // month is in 1..=12 and day in 1..=31 by construction.
        Self {
            year,
            month: month as u8,
            day: day as u8,
        }
    }

    /// Days since 1970-01-01: the inverse of [`UtcDate::from_days`].
    ///
    /// A date before 1970-01-01 gives 0. Fields out of range (month 13, day 0, …) give a
    /// well-formed but meaningless count; nothing here panics.
    pub fn to_days(self) -> u64 {
        let month = u64::from(self.month);
        // Years counted from March, as in `from_days`: January and February belong to the
        // year before.
        let year = if month <= 2 {
            match self.year.checked_sub(1) {
                Some(year) => year,
                // January or February of year 0: long before 1970.
                None => return 0,
            }
        } else {
            self.year
        };
        let era = year / 400;
        let year_of_era = year % 400;
        // Months counted from March: 0 = March … 11 = February.
        let month_from_march = (month + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + u64::from(self.day).saturating_sub(1);
        let day_of_era = 365 * year_of_era + year_of_era / 4 - year_of_era / 100 + day_of_year;
        // Saturating: a date before 1970 gives 0, an absurd year the largest count.
        era.saturating_mul(146_097)
            .saturating_add(day_of_era)
            .saturating_sub(719_468)
    }
}

impl fmt::Display for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date and a time of day in UTC, to the second.
///
/// Its `Display` and [`UtcDateTime::parse`] use `YYYY-MM-DD hh:mm:ss`, the time format of
/// Tencent Cloud API 3.0 (e.g. `2019-03-07 10:01:03`); a year after 9999 is written with
/// more digits, which `parse` does not take back. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    /// The calendar date.
    pub date: UtcDate,
    /// The hour, 0 to 23.
    pub hour: u8,
    /// The minute, 0 to 59.
    pub minute: u8,
    /// The second, 0 to 59 (there are no leap seconds in Unix time).
    pub second: u8,
}

impl UtcDateTime {
    /// The UTC date and time of a unix timestamp in seconds.
    pub fn from_unix(timestamp: u64) -> Self {
        let second_of_day = timestamp % 86_400;
        // Each is below 60 (the hour below 24), so the casts keep the value.
        Self {
            date: UtcDate::from_unix(timestamp),
            hour: (second_of_day / 3_600) as u8,
            minute: (second_of_day / 60 % 60) as u8,
            second: (second_of_day % 60) as u8,
        }
    }

    /// Unix seconds: the inverse of [`UtcDateTime::from_unix`]. Saturates instead of
    /// overflowing, like [`UtcDate::to_days`].
    pub fn to_unix(self) -> u64 {
        let second_of_day =
            u64::from(self.hour) * 3_600 + u64::from(self.minute) * 60 + u64::from(self.second);
        self.date
            .to_days()
            .saturating_mul(86_400)
            .saturating_add(second_of_day)
    }

    /// Parses exactly `YYYY-MM-DD hh:mm:ss` (ASCII digits, years 1970 to 9999). `None` for
    /// any other shape and for impossible values, such as `2025-02-30` or `24:00:00`.
    pub fn parse(text: &str) -> Option<Self> {
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
        // Digits only: `str::parse` would also take a sign.
        let number = |at: usize, len: usize| -> Option<u64> {
            b.get(at..at + len)?.iter().try_fold(0u64, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u64::from(c - b'0'))
            })
        };
        let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
        let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
        if year < 1970
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        // All checked above to fit in a u8.
        Some(Self {
            date: UtcDate {
                year,
                month: month as u8,
                day: day as u8,
            },
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
        })
    }
}

impl fmt::Display for UtcDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.date, self.hour, self.minute, self.second
        )
    }
}

fn is_leap_year(year: u64) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The number of days of `month` (1 to 12) in `year`.
fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(UtcDate::from_unix(0).to_string(), "1970-01-01");
        assert_eq!(UtcDate::from_unix(1_700_006_399).to_string(), "2023-11-14");
        assert_eq!(UtcDate::from_unix(1_700_006_400).to_string(), "2023-11-15");
        assert_eq!(UtcDate::from_unix(951_782_400).to_string(), "2000-02-29");
        assert_eq!(UtcDate::from_unix(951_868_800).to_string(), "2000-03-01");
        assert_eq!(UtcDate::from_unix(4_107_542_400).to_string(), "2100-03-01");
        assert_eq!(UtcDate::from_unix(4_107_456_000).to_string(), "2100-02-28");
        // No panic on the extreme.
        let _ = UtcDate::from_unix(u64::MAX).to_string();
        let _ = UtcDate::from_days(u64::MAX).to_string();
    }

    #[test]
    fn civil_dates_agree_with_day_counting() {
        // Walk day by day from 1970 through 2500 and check against a naive calendar.
        let (mut y, mut m, mut d) = (1970u64, 1u8, 1u8);
        for days in 0..(531 * 366) {
            assert_eq!(
                UtcDate::from_days(days),
                UtcDate {
                    year: y,
                    month: m,
                    day: d
                }
            );
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn days_of_known_dates() {
        let date = |year, month, day| UtcDate { year, month, day };
        assert_eq!(date(1970, 1, 1).to_days(), 0);
        assert_eq!(date(1970, 3, 1).to_days(), 59);
        assert_eq!(date(2000, 2, 29).to_days(), 11_016);
        assert_eq!(date(2000, 3, 1).to_days(), 11_017);
        assert_eq!(date(2023, 11, 14).to_days(), 1_700_000_000 / 86_400);
        assert_eq!(date(2100, 2, 28).to_days(), 4_107_456_000 / 86_400);
        assert_eq!(date(2100, 3, 1).to_days(), 4_107_542_400 / 86_400);
        // Before 1970: 0.
        assert_eq!(date(1969, 12, 31).to_days(), 0);
        assert_eq!(date(0, 1, 1).to_days(), 0);
        // Fields out of range: some number, no panic.
        for (year, month, day) in [(2024, 0, 1), (2024, 13, 1), (2024, 255, 255), (2024, 1, 0)] {
            let _ = date(year, month, day).to_days();
        }
        let _ = date(u64::MAX, 12, 31).to_days();
        let _ = date(u64::MAX, 1, 1).to_days();
    }

    #[test]
    fn to_days_inverts_from_days() {
        // Every day from 1970 through 9999, then a spread of larger counts up to the largest
        // that from_days does not saturate.
        for days in 0..(8_030 * 366) {
            assert_eq!(UtcDate::from_days(days).to_days(), days, "{days}");
        }
        let last = u64::MAX - 719_468;
        let mut days = 8_030 * 366;
        while days < last {
            assert_eq!(UtcDate::from_days(days).to_days(), days, "{days}");
            days = days.saturating_mul(3).saturating_add(12_345).min(last);
        }
        assert_eq!(UtcDate::from_days(last).to_days(), last);
    }

    #[test]
    fn date_times_of_known_instants() {
        for (unix, text) in [
            (0, "1970-01-01 00:00:00"),
            (1_551_952_863, "2019-03-07 10:01:03"),
            (951_782_400, "2000-02-29 00:00:00"),
            (4_102_444_799, "2099-12-31 23:59:59"),
            (253_402_300_799, "9999-12-31 23:59:59"),
        ] {
            let time = UtcDateTime::from_unix(unix);
            assert_eq!(time.to_string(), text);
            assert_eq!(time.to_unix(), unix);
            assert_eq!(UtcDateTime::parse(text), Some(time), "{text}");
        }
    }

    #[test]
    fn date_times_round_trip() {
        // Through the text form, over every year the format allows.
        let mut unix = 0u64;
        while unix <= 253_402_300_799 {
            let time = UtcDateTime::from_unix(unix);
            assert_eq!(UtcDateTime::parse(&time.to_string()), Some(time), "{unix}");
            assert_eq!(time.to_unix(), unix);
            unix += 86_399 * 7 + 13;
        }
        // Through the fields, up to the largest timestamp.
        for unix in [u64::MAX, u64::MAX - 1, u64::MAX / 2, 1 << 40] {
            assert_eq!(UtcDateTime::from_unix(unix).to_unix(), unix);
        }
    }

    #[test]
    fn leap_days() {
        for ok in [
            "2000-02-29 00:00:00",
            "2024-02-29 12:00:00",
            "2400-02-29 23:59:59",
            "1972-02-29 00:00:00",
        ] {
            assert!(UtcDateTime::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "2100-02-29 00:00:00",
            "2023-02-29 00:00:00",
            "1970-02-29 00:00:00",
            "2025-02-30 00:00:00",
            "2024-02-30 00:00:00",
        ] {
            assert_eq!(UtcDateTime::parse(bad), None, "{bad}");
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
            "2019-04-31 00:00:00",
            "2019-01-00 00:00:00",
            "2019-01-32 00:00:00",
            "1969-12-31 23:59:59",
            "0000-01-01 00:00:00",
            "10000-01-01 00:00:00",
            "2019-03-07 24:00:00",
            "2019-03-07 10:60:00",
            "2019-03-07 10:00:60",
            "2019-03-07 10:0a:00",
            "+019-03-07 10:00:00",
            "2019-03-07 -1:00:00",
            "2019-03-07 10:01:03 ",
            " 2019-03-07 10:01:03",
            "2019/03/07 10:01:03",
            "２019-03-07 10:01:0",
            "2019-03-07 10:01:é",
        ] {
            assert_eq!(UtcDateTime::parse(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_rejects_exactly_the_impossible_days(
            year in 1970u64..=9999,
            month in 1u8..=12,
            day in 1u8..=31,
            hour in 0u8..24,
            minute in 0u8..60,
            second in 0u8..60,
        ) {
            let date = UtcDate { year, month, day };
            let text = format!("{date} {hour:02}:{minute:02}:{second:02}");
            // Checked without the month lengths parse uses: a real date survives the trip
            // through its day count, an impossible one (2025-02-30) comes back as another.
            let real = UtcDate::from_days(date.to_days()) == date;
            match UtcDateTime::parse(&text) {
                Some(time) => {
                    proptest::prop_assert!(real, "{text}");
                    proptest::prop_assert_eq!(time.to_string(), text);
                    proptest::prop_assert_eq!(UtcDateTime::from_unix(time.to_unix()), time);
                }
                None => proptest::prop_assert!(!real, "{text}"),
            }
        }

        #[test]
        fn nothing_panics(text in "\\PC{0,24}", unix: u64, year: u64, month: u8, day: u8) {
            let _ = UtcDateTime::parse(&text);
            proptest::prop_assert_eq!(UtcDateTime::from_unix(unix).to_unix(), unix);
            let _ = UtcDate { year, month, day }.to_days();
        }
    }
}
