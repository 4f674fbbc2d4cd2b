//! TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0.
//!
//! Signing is a pure function of the request's method, host, content type, canonical query
//! string, payload bytes, timestamp, service name and secret key. Each stage is exposed so it
//! can be checked on its own:
//!
//! 1. [`canonical_request`]: method, canonical URI (`/`), canonical query string, the canonical
//!    headers `content-type` and `host`, the signed headers list and the hex SHA-256 of the
//!    payload, joined by newlines.
//! 2. [`string_to_sign`]: `TC3-HMAC-SHA256`, the timestamp, the credential scope
//!    (`YYYY-MM-DD/service/tc3_request`, the UTC date of the timestamp) and the hex SHA-256 of
//!    the canonical request.
//! 3. [`signature`]: HMAC-SHA256 of the string to sign under the key derived by
//!    [`derive_signing_key`] (`"TC3" + secret key` → date → service → `tc3_request`), in hex.
//! 4. [`authorization_header`]: the `Authorization` header value.
//!
//! [`sign_stages`] runs all four and returns every intermediate value. [`Signer`] computes the
//! same header on the hot path without building the intermediate strings, and caches the
//! derived key (as a pre-keyed HMAC state) per secret key, date and service.
//!
//! Servers (such as a local emulator) check incoming requests with [`parse_authorization`] and
//! [`verify`] (or [`verify_accepting_bare_host`]), which support any `SignedHeaders` list and
//! compare in constant time:
//!
//! ```
//! use tencentcloud_transport::sign::{self, ReceivedRequest, VerifyError};
//!
//! # fn secret_key_for(_id: &str) -> Option<&'static str> { Some("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE") }
//! # let body = br#"{"InstanceId":"crs-4y9t57vt","BackupId":"678362566696298532848117"}"#;
//! # let authorization = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/redis/tc3_request, SignedHeaders=content-type;host, Signature=aa1bfe9eabb85b507c9b4b0347f4cc06d5c6f42205271838dcc23c1d7b19b29d";
//! // Headers as received (any case, any order), the exact body bytes, X-TC-Timestamp.
//! let headers = [
//!     ("Content-Type", "application/json"),
//!     ("Host", "redis.tencentcloudapi.com"),
//!     ("Authorization", authorization),
//! ];
//! let timestamp = 1_700_000_000;
//!
//! let auth = sign::parse_authorization(authorization)?; // AuthFailure.InvalidAuthorization
//! let key = secret_key_for(auth.secret_id).expect("unknown SecretId"); // AuthFailure.SecretIdNotFound
//! let received = ReceivedRequest {
//!     method: "POST",
//!     canonical_uri: "/",
//!     canonical_query: "",
//!     headers: &headers,
//!     payload: body,
//!     timestamp,
//! };
//! // Accept `host:port` (Python SDK) or the bare host (Node.js SDK) on a non-default port.
//! sign::verify_accepting_bare_host(&auth, key, Some("redis"), &received)?; // AuthFailure.SignatureFailure
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The pure stage functions and the types they take and return (`stages`), the cached
// hot-path signer (`key_cache`) and the server-side check (`verify`); every public name is
// re-exported here, so the files are not part of the API.
mod key_cache;
mod stages;
mod verify;

pub use key_cache::Signer;
pub use stages::{
    authorization_header, canonical_request, canonical_request_with_headers, credential_scope,
    derive_signing_key, hex_encode, payload_hash, sign_stages, signature, string_to_sign,
    SigningParams, SigningStages, ALGORITHM, SCOPE_TERMINATOR, SIGNED_HEADERS,
};
pub use verify::{
    constant_time_eq, parse_authorization, timestamp_is_fresh, verify, verify_accepting_bare_host,
    AuthorizationParseError, ParsedAuthorization, ReceivedRequest, VerifyError,
};

// The date type moved to `crate::time`; `sign::UtcDate` stays for existing callers.
pub use crate::time::UtcDate;
