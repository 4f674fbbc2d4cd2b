//! What every clone of a [`Client`](super::Client) shares: the configuration the builder
//! checked, the HTTP connection pool, the signing-key cache and the rate limiter.

use std::sync::Arc;

use super::config::{Clock, Language, RequestForm, ResolvedEndpoint, Timeouts};
use crate::credentials::provider::ProvideCredentials;
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::retry::RetryPolicy;
use crate::sign::Signer;

/// The state every clone of a client shares: the builder fills it in, the attempt loop reads
/// it.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) credentials: Arc<dyn ProvideCredentials>,
    pub(super) region: Option<String>,
    pub(super) endpoint: ResolvedEndpoint,
    pub(super) language: Option<Language>,
    pub(super) timeouts: Timeouts,
    pub(super) retry: RetryPolicy,
    pub(super) rate_limit: RateLimit,
    pub(super) form: RequestForm,
    pub(super) limiter: RateLimiter,
    pub(super) signer: Signer,
    pub(super) clock: Clock,
}
