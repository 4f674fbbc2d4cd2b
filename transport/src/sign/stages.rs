//! The signature's stages as pure functions, each checkable on its own: payload hash,
//! canonical request, credential scope, string to sign, signing-key derivation, signature and
//! `Authorization` header, and [`sign_stages`], which runs them all. Also the hex and HMAC
//! helpers the hot-path signer and the verifier share.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::time::UtcDate;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The signed headers list the client always uses.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// The final component of every credential scope.
pub const SCOPE_TERMINATOR: &str = "tc3_request";

pub(super) type HmacSha256 = Hmac<Sha256>;

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
pub(super) fn hex32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
    out
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

pub(super) fn keyed(key: &[u8]) -> HmacSha256 {
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
