//! [`Signer`], the hot-path signer: the same `Authorization` header as
//! [`sign_stages`](super::stages::sign_stages), with the derived keys and the canonical requests'
//! constant starts cached.

use std::fmt;
use std::sync::Mutex;

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::stages::{derive_signing_key, hex32, keyed, HmacSha256, SigningParams};
use crate::time::UtcDate;

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

/// The hot-path signer: produces the same `Authorization` header as
/// [`sign_stages`](super::stages::sign_stages) without building intermediate strings. It caches the
/// derived key per (secret key, date, service) as a pre-keyed HMAC state, and the hash state of
/// the canonical request's constant start per (method, content type, host), so a warm
/// signature costs the SHA-256 blocks that depend on the payload and the timestamp and little
/// else.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits() {
        for n in [0u64, 7, 10, 1_700_000_000, u64::MAX] {
            let (buf, start) = decimal(n);
            assert_eq!(std::str::from_utf8(&buf[start..]).unwrap(), n.to_string());
        }
    }
}
