//! The server side: parsing a received `Authorization` header ([`parse_authorization`]),
//! recomputing and comparing its signature ([`verify`], [`verify_accepting_bare_host`]) in
//! constant time, and the timestamp freshness check.

use std::fmt;

use subtle::ConstantTimeEq;

use super::stages::{
    canonical_request_with_headers, credential_scope, derive_signing_key, payload_hash, signature,
    string_to_sign, ALGORITHM, SCOPE_TERMINATOR,
};
use crate::time::UtcDate;

/// The parts of a TC3 `Authorization` header, borrowed from the header value.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuthorization<'a> {
    /// The SecretId from the credential.
    pub secret_id: &'a str,
    /// The `YYYY-MM-DD` date of the credential scope.
    pub date: &'a str,
    /// The service of the credential scope.
    pub service: &'a str,
    /// The `SignedHeaders` names, in order, as sent (TC3 uses lower case).
    pub signed_headers: Vec<&'a str>,
    /// The hex signature.
    pub signature: &'a str,
}

impl fmt::Debug for ParsedAuthorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("secret_id", &self.secret_id)
            .field("date", &self.date)
            .field("service", &self.service)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"<redacted>")
            .finish()
    }
}

impl ParsedAuthorization<'_> {
    /// The credential scope, `date/service/tc3_request`.
    pub fn credential_scope(&self) -> String {
        credential_scope(self.date, self.service)
    }
}

/// Why an `Authorization` header could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationParseError {
    /// The header does not start with `TC3-HMAC-SHA256 `.
    #[error("the Authorization header does not use the TC3-HMAC-SHA256 scheme")]
    UnsupportedAlgorithm,
    /// A comma-separated part is not `Name=value`.
    #[error("the Authorization header has a part that is not Name=value")]
    MalformedPart,
    /// A part name other than Credential, SignedHeaders or Signature.
    #[error("the Authorization header has an unknown part `{0}`")]
    UnknownPart(String),
    /// A part appears twice.
    #[error("the Authorization header repeats the `{0}` part")]
    DuplicatePart(&'static str),
    /// A required part is absent.
    #[error("the Authorization header has no `{0}` part")]
    MissingPart(&'static str),
    /// The credential is not `SecretId/YYYY-MM-DD/service/tc3_request`.
    #[error("the Authorization credential is not SecretId/YYYY-MM-DD/service/tc3_request")]
    MalformedCredential,
    /// The SignedHeaders list is empty or has an empty or invalid name.
    #[error("the Authorization SignedHeaders list is empty or has an invalid header name")]
    MalformedSignedHeaders,
    /// The signature is not 64 lower-case hex digits.
    #[error("the Authorization signature is not 64 lower-case hex digits")]
    MalformedSignature,
}

/// Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b,
/// Signature=hex`. Parts may come in any order, separated by commas with optional spaces.
pub fn parse_authorization(
    header: &str,
) -> Result<ParsedAuthorization<'_>, AuthorizationParseError> {
    let rest = header
        .trim()
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or(AuthorizationParseError::UnsupportedAlgorithm)?;

    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        let (name, value) = part
            .split_once('=')
            .ok_or(AuthorizationParseError::MalformedPart)?;
        let (slot, label) = match name {
            "Credential" => (&mut credential, "Credential"),
            "SignedHeaders" => (&mut signed_headers, "SignedHeaders"),
            "Signature" => (&mut signature, "Signature"),
            other => {
                let mut shown: String = other.chars().take(32).collect();
                if other.chars().count() > 32 {
                    shown.push('…');
                }
                return Err(AuthorizationParseError::UnknownPart(shown));
            }
        };
        if slot.is_some() {
            return Err(AuthorizationParseError::DuplicatePart(label));
        }
        *slot = Some(value);
    }
    let credential = credential.ok_or(AuthorizationParseError::MissingPart("Credential"))?;
    let signed_headers =
        signed_headers.ok_or(AuthorizationParseError::MissingPart("SignedHeaders"))?;
    let signature = signature.ok_or(AuthorizationParseError::MissingPart("Signature"))?;

    let mut pieces = credential.split('/');
    let (secret_id, date, service, terminator) = match (
        pieces.next(),
        pieces.next(),
        pieces.next(),
        pieces.next(),
        pieces.next(),
    ) {
        (Some(id), Some(date), Some(service), Some(term), None) => (id, date, service, term),
        _ => return Err(AuthorizationParseError::MalformedCredential),
    };
    if secret_id.is_empty()
        || service.is_empty()
        || terminator != SCOPE_TERMINATOR
        || !is_scope_date(date)
    {
        return Err(AuthorizationParseError::MalformedCredential);
    }

    let names: Vec<&str> = signed_headers.split(';').collect();
    if names
        .iter()
        .any(|n| n.is_empty() || !n.bytes().all(is_header_name_byte))
    {
        return Err(AuthorizationParseError::MalformedSignedHeaders);
    }

    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(AuthorizationParseError::MalformedSignature);
    }

    Ok(ParsedAuthorization {
        secret_id,
        date,
        service,
        signed_headers: names,
        signature,
    })
}

fn is_header_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_scope_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// What a server received, for [`verify`].
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The HTTP method as received.
    pub method: &'a str,
    /// The canonical URI; `/` for every Tencent Cloud API 3.0 call.
    pub canonical_uri: &'a str,
    /// The canonical query string (the raw query for GET requests; empty for POST).
    pub canonical_query: &'a str,
    /// The received headers, any case, in any order. Each signed header is looked up by
    /// case-insensitive name; the first match is used.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes received.
    pub payload: &'a [u8],
    /// The `X-TC-Timestamp` value received.
    pub timestamp: u64,
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header named in `SignedHeaders` was not received.
    #[error("the signed header `{0}` is missing from the request")]
    MissingSignedHeader(String),
    /// The credential scope date is not the UTC date of `X-TC-Timestamp`.
    #[error(
        "the credential scope date {scope_date} is not the UTC date of the timestamp ({expected})"
    )]
    ScopeDateMismatch {
        /// The date in the credential.
        scope_date: String,
        /// The UTC date of the timestamp.
        expected: String,
    },
    /// The credential scope names another service.
    #[error("the credential scope names service `{got}`, expected `{expected}`")]
    ServiceMismatch {
        /// The service in the credential.
        got: String,
        /// The service the server expected.
        expected: String,
    },
    /// The recomputed signature differs.
    #[error("the request signature does not match")]
    SignatureMismatch,
}

/// Recomputes the signature of a received request and compares it with the one in `auth`, in
/// constant time.
///
/// The credential scope (date and service) is taken from `auth`; `expected_service`, when
/// given, must match it, and the scope date must be the UTC date of `received.timestamp`. The
/// canonical headers are built from `auth.signed_headers` in order, each looked up in
/// `received.headers`. Checking that the timestamp is recent and that the SecretId is known is
/// left to the caller, which looks up `secret_key` by `auth.secret_id`.
pub fn verify(
    auth: &ParsedAuthorization<'_>,
    secret_key: &str,
    expected_service: Option<&str>,
    received: &ReceivedRequest<'_>,
) -> Result<(), VerifyError> {
    verify_with_host(auth, secret_key, expected_service, received, None)
}

/// Like [`verify`], but also accepts a signature over the host name without its port.
///
/// The official SDKs differ when the endpoint has a port: the Python SDK signs `host:port`, the
/// Node.js SDK signs the bare host name. A server on a non-default port can accept both.
pub fn verify_accepting_bare_host(
    auth: &ParsedAuthorization<'_>,
    secret_key: &str,
    expected_service: Option<&str>,
    received: &ReceivedRequest<'_>,
) -> Result<(), VerifyError> {
    match verify_with_host(auth, secret_key, expected_service, received, None) {
        Err(VerifyError::SignatureMismatch) => {
            let host = lookup(received.headers, "host").unwrap_or("");
            match strip_port(host) {
                Some(bare) => {
                    verify_with_host(auth, secret_key, expected_service, received, Some(bare))
                }
                None => Err(VerifyError::SignatureMismatch),
            }
        }
        other => other,
    }
}

fn strip_port(host: &str) -> Option<&str> {
    let host = host.trim();
    let (name, port) = host.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // `[::1]:8080` → `[::1]`; a bare IPv6 address without brackets has no port to strip.
    if name.contains(':') && !(name.starts_with('[') && name.ends_with(']')) {
        return None;
    }
    Some(name)
}

fn lookup<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

fn verify_with_host(
    auth: &ParsedAuthorization<'_>,
    secret_key: &str,
    expected_service: Option<&str>,
    received: &ReceivedRequest<'_>,
    host_override: Option<&str>,
) -> Result<(), VerifyError> {
    if let Some(expected) = expected_service {
        if auth.service != expected {
            return Err(VerifyError::ServiceMismatch {
                got: auth.service.to_owned(),
                expected: expected.to_owned(),
            });
        }
    }
    let expected_date = UtcDate::from_unix(received.timestamp).to_string();
    if auth.date != expected_date {
        return Err(VerifyError::ScopeDateMismatch {
            scope_date: auth.date.to_owned(),
            expected: expected_date,
        });
    }
    let mut headers = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = match host_override {
            Some(host) if name.eq_ignore_ascii_case("host") => host,
            _ => lookup(received.headers, name)
                .ok_or_else(|| VerifyError::MissingSignedHeader((*name).to_owned()))?,
        };
        headers.push((*name, value));
    }
    let canonical = canonical_request_with_headers(
        received.method,
        received.canonical_uri,
        received.canonical_query,
        &headers,
        &payload_hash(received.payload),
    );
    let scope = auth.credential_scope();
    let to_sign = string_to_sign(received.timestamp, &scope, &canonical);
    let key = derive_signing_key(secret_key, auth.date, auth.service);
    let expected = signature(&key, &to_sign);
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::SignatureMismatch)
    }
}

/// Whether `timestamp` is within `max_skew_secs` seconds of `now` (both unix seconds), the
/// freshness check a server makes before verifying (Tencent Cloud allows five minutes and
/// answers `AuthFailure.SignatureExpire` otherwise).
pub fn timestamp_is_fresh(timestamp: u64, now: u64, max_skew_secs: u64) -> bool {
    timestamp.abs_diff(now) <= max_skew_secs
}

/// Compares two byte strings in time independent of where they differ (their lengths are not
/// secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness() {
        assert!(timestamp_is_fresh(1000, 1300, 300));
        assert!(timestamp_is_fresh(1300, 1000, 300));
        assert!(!timestamp_is_fresh(1000, 1301, 300));
        assert!(!timestamp_is_fresh(0, u64::MAX, 300));
    }

    #[test]
    fn port_stripping() {
        assert_eq!(strip_port("127.0.0.1:8080"), Some("127.0.0.1"));
        assert_eq!(strip_port("[::1]:8080"), Some("[::1]"));
        assert_eq!(strip_port("redis.tencentcloudapi.com"), None);
        assert_eq!(strip_port("::1"), None);
        assert_eq!(strip_port("host:"), None);
    }
}
