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

use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The signed headers list the client always uses.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// The final component of every credential scope.
pub const SCOPE_TERMINATOR: &str = "tc3_request";

/// Everything that goes into a signature except the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningParams<'a> {
    /// The HTTP method, e.g. `POST` or `GET`, exactly as sent.
    pub method: &'a str,
    /// The host as sent in the `Host` header, including `:port` when the port is not the
    /// scheme's default.
    pub host: &'a str,
    /// The `Content-Type` header value, exactly as sent (e.g. `application/json`).
    pub content_type: &'a str,
    /// The canonical query string, used as given (empty for POST requests).
    pub canonical_query: &'a str,
    /// The exact request body bytes (empty for GET requests).
    pub payload: &'a [u8],
    /// Unix seconds, sent as `X-TC-Timestamp`.
    pub timestamp: u64,
    /// The service name of the credential scope, e.g. `redis`.
    pub service: &'a str,
}

/// Every intermediate value of one signature, as produced by [`sign_stages`].
#[derive(Clone, PartialEq, Eq)]
pub struct SigningStages {
    /// The hex SHA-256 of the payload.
    pub payload_hash: String,
    /// The canonical request.
    pub canonical_request: String,
    /// The credential scope, `YYYY-MM-DD/service/tc3_request`.
    pub credential_scope: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The hex HMAC-SHA256 signature.
    pub signature: String,
    /// The complete `Authorization` header value.
    pub authorization: String,
}

impl fmt::Debug for SigningStages {
    // A signature is a bearer credential for as long as its timestamp is accepted, so it is
    // kept out of Debug output like a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningStages")
            .field("payload_hash", &self.payload_hash)
            .field("canonical_request", &self.canonical_request)
            .field("credential_scope", &self.credential_scope)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &"<redacted>")
            .field("authorization", &"<redacted>")
            .finish()
    }
}

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

/// Lower-case hex of `bytes`.
pub fn hex_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX_DIGITS[usize::from(b >> 4)] as char);
        out.push(HEX_DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The two lower-case hex digits of every byte value.
const HEX_PAIRS: [[u8; 2]; 256] = {
    let mut table = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [HEX_DIGITS[i >> 4], HEX_DIGITS[i & 0x0f]];
        i += 1;
    }
    table
};

/// Lower-case hex of a 32-byte digest into a stack buffer.
fn hex32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
    out
}

/// Decimal digits of `n` into a stack buffer; returns the buffer and the start of the digits.
fn decimal(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    (buf, pos)
}

/// The hex SHA-256 of `payload`.
pub fn payload_hash(payload: &[u8]) -> String {
    hex_encode(&Sha256::digest(payload))
}

/// The canonical request for the client's fixed header set (`content-type;host`).
pub fn canonical_request(params: &SigningParams<'_>) -> String {
    canonical_request_with_headers(
        params.method,
        "/",
        params.canonical_query,
        &[("content-type", params.content_type), ("host", params.host)],
        &payload_hash(params.payload),
    )
}

/// The canonical request for an arbitrary list of signed headers.
///
/// `headers` holds `(name, value)` pairs in `SignedHeaders` order; each becomes
/// `lowercase(name) + ':' + trim(value) + '\n'`. The signed headers line is the lower-cased
/// names joined by `;`. `payload_hash` is the hex SHA-256 of the exact body bytes.
pub fn canonical_request_with_headers(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(method);
    out.push('\n');
    out.push_str(canonical_uri);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    for (name, value) in headers {
        out.push_str(&name.to_ascii_lowercase());
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&name.to_ascii_lowercase());
    }
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// The credential scope, `YYYY-MM-DD/service/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{SCOPE_TERMINATOR}")
}

/// The string to sign: algorithm, timestamp, credential scope and the hex SHA-256 of the
/// canonical request, joined by newlines.
pub fn string_to_sign(timestamp: u64, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{credential_scope}\n{}",
        payload_hash(canonical_request.as_bytes())
    )
}

/// The derived signing key: HMAC chain `"TC3" + secret_key` → `date` → `service` →
/// `tc3_request`.
pub fn derive_signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let mut prefixed = Vec::with_capacity(3 + secret_key.len());
    prefixed.extend_from_slice(b"TC3");
    prefixed.extend_from_slice(secret_key.as_bytes());
    let k_date = hmac_sha256(&prefixed, date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    hmac_sha256(&k_service, SCOPE_TERMINATOR.as_bytes())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail; the fallback exists
    // only to avoid an unwrap. Zero-padding a key of at most one block is exactly what HMAC
    // does with it, and every key this module passes is at most one block long.
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => {
            let mut padded = [0u8; 64];
            let n = key.len().min(64);
            padded[..n].copy_from_slice(&key[..n]);
            <HmacSha256 as hmac::digest::KeyInit>::new(&padded.into())
        }
    }
}

/// The hex HMAC-SHA256 signature of `string_to_sign` under `signing_key`.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex_encode(&hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// The `Authorization` header value.
pub fn authorization_header(
    secret_id: &str,
    credential_scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// Runs every stage for the client's fixed header set and returns all of them.
pub fn sign_stages(params: &SigningParams<'_>, secret_id: &str, secret_key: &str) -> SigningStages {
    let date = UtcDate::from_unix(params.timestamp).to_string();
    let payload_hash = payload_hash(params.payload);
    let canonical_request = canonical_request_with_headers(
        params.method,
        "/",
        params.canonical_query,
        &[("content-type", params.content_type), ("host", params.host)],
        &payload_hash,
    );
    let credential_scope = credential_scope(&date, params.service);
    let string_to_sign = string_to_sign(params.timestamp, &credential_scope, &canonical_request);
    let key = derive_signing_key(secret_key, &date, params.service);
    let signature = signature(&key, &string_to_sign);
    let authorization =
        authorization_header(secret_id, &credential_scope, SIGNED_HEADERS, &signature);
    SigningStages {
        payload_hash,
        canonical_request,
        credential_scope,
        string_to_sign,
        signature,
        authorization,
    }
}

/// How many derived keys a [`Signer`] keeps. A client normally needs one per service and day
/// (two around midnight UTC), plus one per rotation of temporary credentials.
const KEY_CACHE_CAPACITY: usize = 8;

/// How many canonical-request prefixes a [`Signer`] keeps (one per endpoint host in use).
const PREFIX_CACHE_CAPACITY: usize = 8;

struct CachedKey {
    secret_key: Box<str>,
    days: u64,
    service: Box<str>,
    /// `YYYY-MM-DD` of `days`.
    date: Box<str>,
    /// An HMAC state already keyed with the derived signing key.
    mac: HmacSha256,
}

/// The SHA-256 state after absorbing the constant start of a canonical request with an empty
/// query string: `METHOD\n/\n\ncontent-type:CT\nhost:HOST\n\ncontent-type;host\n`.
struct CachedPrefix {
    method: Box<str>,
    content_type: Box<str>,
    host: Box<str>,
    state: Sha256,
}

#[derive(Default)]
struct Caches {
    keys: Vec<CachedKey>,
    prefixes: Vec<CachedPrefix>,
}

/// The hot-path signer: produces the same `Authorization` header as [`sign_stages`] without
/// building intermediate strings. It caches the derived key per (secret key, date, service) as
/// a pre-keyed HMAC state, and the hash state of the canonical request's constant start per
/// (method, content type, host), so a warm signature costs the SHA-256 blocks that depend on
/// the payload and the timestamp and little else.
///
/// It is `Send + Sync`; the caches are behind one mutex held only for a lookup and a copy.
#[derive(Default)]
pub struct Signer {
    cache: Mutex<Caches>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (keys, prefixes) = self
            .cache
            .lock()
            .map(|c| (c.keys.len(), c.prefixes.len()))
            .unwrap_or((0, 0));
        f.debug_struct("Signer")
            .field("cached_keys", &keys)
            .field("cached_prefixes", &prefixes)
            .finish()
    }
}

impl Signer {
    /// A signer with empty caches.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every cached key and prefix.
    pub fn clear_cache(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.keys.clear();
            cache.prefixes.clear();
        }
    }

    /// The `Authorization` header for `params` signed with the given credentials.
    pub fn authorization(
        &self,
        params: &SigningParams<'_>,
        secret_id: &str,
        secret_key: &str,
    ) -> String {
        let days = params.timestamp / 86_400;
        let content_type = params.content_type.trim();
        let host = params.host.trim();
        let cacheable_prefix = params.canonical_query.is_empty();

        let mut found_key = None;
        let mut found_prefix = None;
        if let Ok(cache) = self.cache.lock() {
            found_key = cache
                .keys
                .iter()
                .find(|e| {
                    e.days == days && *e.service == *params.service && *e.secret_key == *secret_key
                })
                .map(|hit| (hit.mac.clone(), DateText::from_str(&hit.date)));
            if cacheable_prefix {
                found_prefix = cache
                    .prefixes
                    .iter()
                    .find(|e| {
                        *e.host == *host
                            && *e.content_type == *content_type
                            && *e.method == *params.method
                    })
                    .map(|hit| hit.state.clone());
            }
        }
        let (mut mac, date) = match found_key {
            Some(hit) => hit,
            None => self.derive_and_cache(secret_key, days, params.service),
        };
        let mut canonical = match found_prefix {
            Some(state) => state,
            None => {
                let state =
                    canonical_prefix(params.method, params.canonical_query, content_type, host);
                if cacheable_prefix {
                    self.cache_prefix(params.method, content_type, host, &state);
                }
                state
            }
        };

        // The rest of the canonical request: the payload hash.
        canonical.update(hex32(&Sha256::digest(params.payload)));
        let canonical_hex = hex32(&canonical.finalize());

        // String to sign, assembled on the stack and fed to the pre-keyed HMAC in one update
        // (many small updates cost more than the copies).
        let (ts, ts_start) = decimal(params.timestamp);
        let pieces: [&[u8]; 8] = [
            b"TC3-HMAC-SHA256\n",
            &ts[ts_start..],
            b"\n",
            date.as_bytes(),
            b"/",
            params.service.as_bytes(),
            b"/tc3_request\n",
            &canonical_hex,
        ];
        let mut buf = [0u8; 256];
        let mut len = 0;
        let fits = pieces.iter().map(|p| p.len()).sum::<usize>() <= buf.len();
        for piece in pieces {
            if fits {
                buf[len..len + piece.len()].copy_from_slice(piece);
                len += piece.len();
            } else {
                mac.update(piece);
            }
        }
        if fits {
            mac.update(&buf[..len]);
        }
        let signature = hex32(&mac.finalize().into_bytes());

        let mut out = Vec::with_capacity(
            100 + secret_id.len() + date.as_bytes().len() + params.service.len() + signature.len(),
        );
        out.extend_from_slice(b"TC3-HMAC-SHA256 Credential=");
        out.extend_from_slice(secret_id.as_bytes());
        out.push(b'/');
        out.extend_from_slice(date.as_bytes());
        out.push(b'/');
        out.extend_from_slice(params.service.as_bytes());
        out.extend_from_slice(b"/tc3_request, SignedHeaders=content-type;host, Signature=");
        out.extend_from_slice(&signature);
        // Every piece is a &str or ASCII hex, so this cannot fail; no unwrap all the same.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Derives the signing key for `days`, caches its pre-keyed HMAC state, and returns a copy
    /// with the date string.
    fn derive_and_cache(
        &self,
        secret_key: &str,
        days: u64,
        service: &str,
    ) -> (HmacSha256, DateText) {
        let date = UtcDate::from_days(days).to_string();
        let key = derive_signing_key(secret_key, &date, service);
        let mac = keyed(&key);
        let text = DateText::from_str(&date);
        if let Ok(mut cache) = self.cache.lock() {
            if cache.keys.len() >= KEY_CACHE_CAPACITY {
                cache.keys.remove(0);
            }
            cache.keys.push(CachedKey {
                secret_key: secret_key.into(),
                days,
                service: service.into(),
                date: date.into(),
                mac: mac.clone(),
            });
        }
        (mac, text)
    }

    fn cache_prefix(&self, method: &str, content_type: &str, host: &str, state: &Sha256) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.prefixes.len() >= PREFIX_CACHE_CAPACITY {
                cache.prefixes.remove(0);
            }
            cache.prefixes.push(CachedPrefix {
                method: method.into(),
                content_type: content_type.into(),
                host: host.into(),
                state: state.clone(),
            });
        }
    }
}

/// The hash state after the canonical request's lines up to (not including) the payload hash.
fn canonical_prefix(method: &str, query: &str, content_type: &str, host: &str) -> Sha256 {
    let mut canonical = Sha256::new();
    canonical.update(method.as_bytes());
    canonical.update(b"\n/\n");
    canonical.update(query.as_bytes());
    canonical.update(b"\ncontent-type:");
    canonical.update(content_type.as_bytes());
    canonical.update(b"\nhost:");
    canonical.update(host.as_bytes());
    canonical.update(b"\n\ncontent-type;host\n");
    canonical
}

/// A `YYYY-MM-DD` date on the stack (longer years are kept whole up to 24 bytes).
struct DateText {
    buf: [u8; 24],
    len: usize,
}

impl DateText {
    fn from_str(s: &str) -> Self {
        let mut buf = [0u8; 24];
        let len = s.len().min(buf.len());
        buf[..len].copy_from_slice(&s.as_bytes()[..len]);
        Self { buf, len }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

// ---------------------------------------------------------------------------------------------
// Verification (server side)
// ---------------------------------------------------------------------------------------------

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
    fn decimal_digits() {
        for n in [0u64, 7, 10, 1_700_000_000, u64::MAX] {
            let (buf, start) = decimal(n);
            assert_eq!(std::str::from_utf8(&buf[start..]).unwrap(), n.to_string());
        }
    }

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
