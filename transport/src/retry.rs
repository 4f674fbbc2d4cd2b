//! When and how long to wait before trying a call again.

use std::time::Duration;

/// How a client retries transient failures.
///
/// Retried: network errors, timeouts of one attempt, HTTP 5xx answers without an envelope,
/// and service errors whose action error type says they are retryable
/// ([`ActionError::is_retryable`](crate::ActionError::is_retryable): generated types answer
/// from their schema, other codes by [`is_retryable_code`]). Never retried: authentication,
/// parameter, missing-resource and other client errors. Each attempt is signed again with a fresh
/// timestamp. The wait before attempt `n + 1` is uniformly random in
/// `[0, min(max_backoff, initial_backoff * 2^(n-1))]` ("full jitter").
///
/// The default makes at most **3 attempts** in total, with an initial backoff of 200 ms and a
/// cap of 5 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The default policy (3 attempts, 200 ms initial backoff, 5 s cap).
    pub fn new() -> Self {
        Self::default()
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts, the first included; 0 is treated as 1.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff ceiling of the first retry; later retries double it.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the largest wait between two attempts.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The total number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff ceiling of the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The largest wait between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The upper bound of the wait after attempt `attempt` (1-based) failed.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff)
    }

    /// A random wait in `[0, backoff_ceiling(attempt)]`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.backoff_ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Whether a service error code no schema describes names a transient condition worth
/// retrying: `RequestLimitExceeded*`, `InternalError*` and `ServiceUnavailable*`. The default
/// of [`ActionError::is_retryable`](crate::ActionError::is_retryable); a generated error type
/// uses it only for its `Unhandled` codes.
pub fn is_retryable_code(code: &str) -> bool {
    const RETRYABLE: [&str; 3] = [
        "RequestLimitExceeded",
        "InternalError",
        "ServiceUnavailable",
    ];
    RETRYABLE.iter().any(|prefix| code.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for code in [
            "RequestLimitExceeded",
            "RequestLimitExceeded.UinLimitExceeded",
            "InternalError",
            "InternalError.DbError",
            "ServiceUnavailable",
        ] {
            assert!(is_retryable_code(code), "{code}");
        }
        for code in [
            "AuthFailure.SignatureFailure",
            "AuthFailure.SignatureExpire",
            "InvalidParameter",
            "InvalidParameterValue.BackupNotExists",
            "MissingParameter",
            "ResourceNotFound.InstanceNotExists",
            "UnauthorizedOperation",
            "",
        ] {
            assert!(!is_retryable_code(code), "{code}");
        }
    }

    #[test]
    fn backoff_is_bounded() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(2), Duration::from_millis(400));
        assert_eq!(p.backoff_ceiling(10), Duration::from_secs(5));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(5));
        for attempt in 1..20 {
            assert!(p.backoff(attempt) <= p.backoff_ceiling(attempt));
        }
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }
}
