//! [`RefreshCache`]: what the STS role providers share to hold their temporary credentials
//! and refresh them before they expire: one refresh at a time, however many calls ask, and
//! the old credentials while they are still valid when a refresh fails.

use std::future::Future;
use std::time::{Duration, SystemTime};

use super::error::CredentialsError;
use super::keys::Credentials;

/// After a failed refresh with credentials still valid, the next refresh waits this long
/// (or half the time left, if less), so a failing STS is not asked again by every call.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// The cached credentials and when to fetch new ones.
struct Cached {
    credentials: Credentials,
    refresh_at: SystemTime,
}

/// Temporary credentials and their refresh.
///
/// Credentials are refreshed once they are within the refresh margin of their expiry, the
/// margin being at most half their lifetime (so credentials that last seconds, as in tests,
/// are still used before being refreshed). The lock is held while fetching, so concurrent
/// callers wait for that one refresh and share its result.
pub(super) struct RefreshCache {
    slot: tokio::sync::Mutex<Option<Cached>>,
    margin: Duration,
}

impl RefreshCache {
    /// An empty cache refreshing `margin` before expiry (at most half the lifetime).
    pub(super) fn new(margin: Duration) -> Self {
        Self {
            slot: tokio::sync::Mutex::new(None),
            margin,
        }
    }

    /// The refresh margin.
    pub(super) fn margin(&self) -> Duration {
        self.margin
    }

    /// The cached credentials while they are fresh; otherwise the result of `fetch`, cached.
    /// When `fetch` fails and the cached credentials have not expired yet, those are returned
    /// and the failure is logged as a warning naming `what`.
    pub(super) async fn get<F, Fut>(
        &self,
        what: &str,
        fetch: F,
    ) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Credentials, CredentialsError>>,
    {
        let mut slot = self.slot.lock().await;
        let now = SystemTime::now();
        if let Some(cached) = slot.as_ref() {
            if now < cached.refresh_at {
                return Ok(cached.credentials.clone());
            }
        }
        match fetch().await {
            Ok(credentials) => {
                let fetched_at = SystemTime::now();
                let refresh_at = match credentials.expires_at() {
                    Some(expires) => {
                        let lifetime = expires.duration_since(fetched_at).unwrap_or_default();
                        expires
                            .checked_sub(self.margin.min(lifetime / 2))
                            .unwrap_or(fetched_at)
                    }
                    // Credentials that never expire are never refreshed.
                    None => far_future(fetched_at),
                };
                *slot = Some(Cached {
                    credentials: credentials.clone(),
                    refresh_at,
                });
                Ok(credentials)
            }
            Err(error) => {
                if let Some(cached) = slot.as_mut() {
                    let expires = cached.credentials.expires_at();
                    if let Some(left) = expires.and_then(|at| at.duration_since(now).ok()) {
                        if !left.is_zero() {
                            tracing::warn!(
                                target: "tencentcloud_transport::credentials",
                                error = %error,
                                valid_for_secs = left.as_secs(),
                                "refreshing {what} failed; using the current credentials until they expire"
                            );
                            cached.refresh_at = now + RETRY_AFTER_FAILURE.min(left / 2);
                            return Ok(cached.credentials.clone());
                        }
                    }
                }
                Err(error)
            }
        }
    }
}

fn far_future(now: SystemTime) -> SystemTime {
    now.checked_add(Duration::from_secs(100 * 365 * 86_400))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn lasting(secs: u64) -> Credentials {
        Credentials::new("AKIDtmp", "key")
            .with_token("t")
            .with_expiry(SystemTime::now() + Duration::from_secs(secs))
    }

    #[tokio::test]
    async fn fresh_credentials_are_reused_and_stale_ones_refreshed() {
        let cache = RefreshCache::new(Duration::from_secs(300));
        let fetches = AtomicU32::new(0);
        let fetch = |secs| {
            fetches.fetch_add(1, Ordering::SeqCst);
            async move { Ok(lasting(secs)) }
        };
        cache.get("x", || fetch(3600)).await.unwrap();
        cache.get("x", || fetch(3600)).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // 200 s of lifetime: the margin is capped at half of it, so the second call reuses
        // them; credentials already expired are fetched again.
        let cache = RefreshCache::new(Duration::from_secs(300));
        cache.get("x", || fetch(200)).await.unwrap();
        cache.get("x", || fetch(200)).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        let cache = RefreshCache::new(Duration::from_secs(300));
        cache.get("x", || fetch(0)).await.unwrap();
        cache.get("x", || fetch(0)).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_valid_credentials_and_fails_without_them() {
        let cache = RefreshCache::new(Duration::from_secs(300));
        let err = cache
            .get("x", || async { Err(CredentialsError::not_found("none")) })
            .await
            .unwrap_err();
        assert_eq!(err.message(), "none");
        // Credentials lasting 2 s are refreshed after 1 s.
        cache.get("x", || async { Ok(lasting(2)) }).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let kept = cache
            .get("x", || async { Err(CredentialsError::not_found("down")) })
            .await
            .unwrap();
        assert_eq!(kept.secret_id(), "AKIDtmp");
    }
}
