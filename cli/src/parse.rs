//! Value parsers of the built-in subcommands' options: each refusal names what is accepted.

use std::time::Duration;

use tencentcloud_transport::credentials::MAX_ROLE_DURATION;
use tencentcloud_transport::time::UtcDateTime;

/// The longest accepted `--timeout` / `--poll-interval` (7 days).
const MAX_SECONDS: f64 = 7.0 * 86_400.0;

/// `--timeout` / `--poll-interval`: seconds, decimals allowed.
pub fn parse_seconds(raw: &str) -> Result<Duration, String> {
    let secs: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("{raw:?} is not a number of seconds (e.g. 600 or 0.5)"))?;
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_SECONDS {
        return Err(format!(
            "{raw} is out of range: give more than 0 and at most {MAX_SECONDS} seconds (7 days)"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `--role-duration` / `TENCENTCLOUD_ROLE_DURATION`: whole seconds, as STS takes them.
pub fn parse_role_duration(raw: &str) -> Result<Duration, String> {
    let max = MAX_ROLE_DURATION.as_secs();
    match raw.trim().parse::<u64>() {
        Ok(secs) if (1..=max).contains(&secs) => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "{raw:?} is not a role duration; accepted: whole seconds from 1 to {max} (12 hours), \
             from --role-duration or TENCENTCLOUD_ROLE_DURATION"
        )),
    }
}

/// `--status`: the backup states `DescribeInstanceBackups` filters on.
pub fn parse_status(raw: &str) -> Result<i64, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "in-progress" | "running" => Ok(1),
        "2" | "complete" | "completed" => Ok(2),
        _ => Err(format!(
            "{raw:?} is not a backup status; accepted: 1 (or in-progress), 2 (or complete)"
        )),
    }
}

/// A time as the API writes it, `YYYY-MM-DD hh:mm:ss`; a day alone means its start or, with
/// `end_of_day`, its last second; a `T` between date and time is accepted.
fn parse_time(raw: &str, end_of_day: bool) -> Result<String, String> {
    let raw = raw.trim();
    let full = if raw.len() == 10 {
        format!("{raw} {}", if end_of_day { "23:59:59" } else { "00:00:00" })
    } else {
        raw.replacen('T', " ", 1)
    };
    match UtcDateTime::parse(&full) {
        Some(time) => Ok(time.to_string()),
        None => Err(format!(
            "{raw:?} is not a time; accepted: \"YYYY-MM-DD hh:mm:ss\" or YYYY-MM-DD (server \
             time), a real date from 1970"
        )),
    }
}

/// `--begin-time`: a day alone means its start.
pub fn parse_begin_time(raw: &str) -> Result<String, String> {
    parse_time(raw, false)
}

/// `--end-time`: a day alone means its end.
pub fn parse_end_time(raw: &str) -> Result<String, String> {
    parse_time(raw, true)
}
