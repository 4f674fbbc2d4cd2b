//! The one trait generated code implements. Everything the transport needs to know about an
//! action (its wire name, its service, its documented rate limit, how to decode its answer)
//! is carried here as associated items, so one generic `send` serves every action.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ActionError;

/// Static facts about a Tencent Cloud API 3.0 service, emitted by the code generator from the
/// schema's service metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// The service name used in the credential scope and host names, e.g. `redis`.
    pub name: &'static str,
    /// The API version sent as `X-TC-Version`, e.g. `2018-04-12`.
    pub version: &'static str,
    /// The host used when nothing else is configured, e.g. `redis.intl.tencentcloudapi.com`.
    pub default_host: &'static str,
    /// The mainland China host, e.g. `redis.tencentcloudapi.com`.
    pub mainland_host: &'static str,
    /// The regional host pattern with a `{region}` placeholder,
    /// e.g. `redis.{region}.tencentcloudapi.com`.
    pub regional_host: &'static str,
    /// Whether every call must carry `X-TC-Region`.
    pub region_required: bool,
}

impl ServiceInfo {
    /// The regional host name for `region`, from [`ServiceInfo::regional_host`].
    pub fn regional_host_for(&self, region: &str) -> String {
        self.regional_host.replace("{region}", region)
    }
}

/// A request value for one API action.
///
/// Implemented by generated request types; users do not implement it by hand. The request
/// serializes to the action's JSON body (the common parameters `Action`, `Version` and
/// `Region` travel in headers and are not part of it).
pub trait Action: Serialize + Send + Sync {
    /// The decoded `Response` object of a successful call.
    type Response: DeserializeOwned + Send + 'static;
    /// The action's typed error, built from `Response.Error`.
    type Error: ActionError;

    /// The action's wire name, sent as `X-TC-Action`.
    const NAME: &'static str;
    /// The service this action belongs to, with its version and hosts.
    const SERVICE: &'static ServiceInfo;
    /// The documented limit of requests per second, if the documentation states one.
    const RATE_LIMIT_PER_SECOND: Option<u32>;

    /// Whether the action is sent unsigned: no credentials are asked for, the
    /// `Authorization` header is the literal `SKIP` and no `X-TC-Token` is sent, as the
    /// official SDKs send STS `AssumeRoleWithWebIdentity` (their `SkipSign` option). The
    /// other headers, the body, retries and decoding are those of every call. Default `false`.
    const UNSIGNED: bool = false;

    /// Whether a successful answer carries secrets (temporary keys, session tokens), as STS
    /// answers do: an answer the client cannot decode is then never quoted in the error
    /// ([`DecodeError::excerpt`](crate::DecodeError::excerpt) and its cause are dropped).
    /// Default `false`.
    const ANSWER_HAS_SECRETS: bool = false;
}

/// A reference to a request is a request too, so `client.send(&request)` works and the request
/// can be sent again.
impl<A: Action> Action for &A {
    type Response = A::Response;
    type Error = A::Error;

    const NAME: &'static str = A::NAME;
    const SERVICE: &'static ServiceInfo = A::SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = A::RATE_LIMIT_PER_SECOND;
    const UNSIGNED: bool = A::UNSIGNED;
    const ANSWER_HAS_SECRETS: bool = A::ANSWER_HAS_SECRETS;
}
