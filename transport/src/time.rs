//! Calendar dates in UTC, computed from Unix time with the proleptic Gregorian calendar (no
//! time-zone database, no dependency).
//!
//! [`UtcDate`] is the date of a signature's credential scope (`YYYY-MM-DD`, see
//! [`crate::sign`]).

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
}

impl fmt::Display for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
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
}
