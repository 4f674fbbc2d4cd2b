//! Signed, expiring download URLs: minting them for `DescribeBackupUrl`, and checking one a
//! download presents (path, signature, expiry, network restriction) before any file is looked
//! up.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use tencentcloud_schema::flat::percent_decode;

use crate::clock::unix_now;
use crate::conn::ConnCtx;
use crate::state::State;

/// Path prefix of public download URLs (`DownloadUrl`).
pub const PUBLIC_PREFIX: &str = "/backups";
/// Path prefix of private-network download URLs (`InnerDownloadUrl`).
pub const INNER_PREFIX: &str = "/internal/backups";

/// Which of the two addresses a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Network {
    Public,
    Inner,
}

impl Network {
    fn as_str(self) -> &'static str {
        match self {
            Network::Public => "public",
            Network::Inner => "inner",
        }
    }
}

/// The network restriction a URL was issued under (from `LimitType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Restriction {
    /// `NoLimit`, `LimitOnlyIntranet` or `Customize`.
    pub limit: String,
    /// `LimitIp` (Customize only).
    pub ips: Vec<String>,
    /// `IpComparisonSymbol` (Customize only): `In` or `NotIn`.
    pub ip_op: String,
}

type HmacSha256 = Hmac<Sha256>;

fn url_signature(
    key: &[u8; 32],
    network: Network,
    segments: &[String; 3],
    start: u64,
    end: u64,
    r: &Restriction,
) -> String {
    let mut mac = match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        // A 32-byte key is always accepted; never reached.
        Err(_) => return String::new(),
    };
    let text = format!(
        "{}\n{}\n{}\n{}\n{start};{end}\n{}\n{}\n{}",
        network.as_str(),
        segments[0],
        segments[1],
        segments[2],
        r.limit,
        r.ips.join(","),
        r.ip_op
    );
    mac.update(text.as_bytes());
    tencentcloud_transport::sign::hex_encode(&mac.finalize().into_bytes())
}

/// Builds a signed URL for one file.
pub(crate) fn mint_url(
    state: &State,
    network: Network,
    instance_id: &str,
    backup_id: &str,
    file: &str,
    ttl: Duration,
    restriction: &Restriction,
) -> String {
    let start = unix_now();
    let end = start.saturating_add(ttl.as_secs());
    let segments = [
        instance_id.to_owned(),
        backup_id.to_owned(),
        file.to_owned(),
    ];
    let sig = url_signature(&state.url_key, network, &segments, start, end, restriction);
    let prefix = match network {
        Network::Public => PUBLIC_PREFIX,
        Network::Inner => INNER_PREFIX,
    };
    let mut url = format!(
        "{}{prefix}/{}/{}/{}?q-sign-time={start}%3B{end}&q-limit={}",
        state.endpoint,
        encode(instance_id),
        encode(backup_id),
        encode(file),
        encode(&restriction.limit)
    );
    if restriction.limit == "Customize" {
        url.push_str(&format!(
            "&q-ip={}&q-ip-op={}",
            encode(&restriction.ips.join(",")),
            encode(&restriction.ip_op)
        ));
    }
    url.push_str("&q-signature=");
    url.push_str(&sig);
    url
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A parsed and checked download URL: the file it names, not yet looked up.
pub(crate) struct Target {
    pub instance_id: String,
    pub backup_id: String,
    pub file: String,
}

/// Why a download was refused, answered as the object store's XML error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

fn access_denied(message: impl Into<String>) -> Refusal {
    Refusal {
        status: StatusCode::FORBIDDEN,
        code: "AccessDenied",
        message: message.into(),
    }
}

/// The key does not exist (or the path is not under a download prefix).
pub(crate) fn no_such_key() -> Refusal {
    Refusal {
        status: StatusCode::NOT_FOUND,
        code: "NoSuchKey",
        message: "The specified key does not exist.".to_owned(),
    }
}

/// The network of a path under one of the download prefixes, and the rest of the path (empty
/// or starting with `/`); `None` for any other path (`/backupsX` is not under `/backups`).
fn split_prefix(path: &str) -> Option<(Network, &str)> {
    [
        (INNER_PREFIX, Network::Inner),
        (PUBLIC_PREFIX, Network::Public),
    ]
    .into_iter()
    .find_map(|(prefix, network)| {
        let rest = path.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some((network, rest))
    })
}

/// The percent-decoded segments of `rest` (empty or starting with `/`), empty ones included.
/// A segment that is not percent-encoded UTF-8, or that could leave its folder if it were ever
/// joined to one (`.`, anything containing `..`, `/`, `\` or NUL, also percent-encoded), is
/// refused outright: no signature is ever issued for such a path.
fn path_segments(rest: &str) -> Result<Vec<String>, Refusal> {
    let Some(rest) = rest.strip_prefix('/') else {
        return Ok(Vec::new());
    };
    rest.split('/')
        .map(|raw| {
            let seg = percent_decode(raw).ok_or_else(|| {
                access_denied("The object key is not valid percent-encoded UTF-8.")
            })?;
            if seg == "." || seg.contains("..") || seg.contains(['/', '\\', '\0']) {
                return Err(access_denied(
                    "Access to this object key is denied: path traversal is not allowed.",
                ));
            }
            Ok(seg)
        })
        .collect()
}

/// Checks path, signature, expiry and network, in the object store's order: the signature
/// before anything that depends on which keys exist, so that every request under a download
/// prefix without a valid signature for exactly its path is refused alike (403), whatever its
/// shape. URLs are signed for `GET` (the object store signs the method too); `HEAD` is let
/// through for convenience, any other method does not match the signature. Returns the file
/// the URL names, not yet looked up.
pub(crate) fn check_url(
    state: &State,
    ctx: &ConnCtx,
    method: &Method,
    path: &str,
    query: &str,
) -> Result<Target, Refusal> {
    let Some((network, rest)) = split_prefix(path) else {
        return Err(no_such_key());
    };
    // `INSTANCE/BACKUP/FILE`, all non-empty, is the only shape a signature is issued for; any
    // other path under the prefix (too few or too many segments, an empty one, a trailing
    // slash) goes on to the signature check, which it fails.
    let key: Option<[String; 3]> = <[String; 3]>::try_from(path_segments(rest)?)
        .ok()
        .filter(|segments| segments.iter().all(|s| !s.is_empty()));

    let mut sign_time = None;
    let mut limit = None;
    let mut ips = None;
    let mut ip_op = None;
    let mut signature = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v).ok_or_else(|| access_denied("The query string is not valid."))?;
        match k {
            "q-sign-time" => sign_time = Some(v),
            "q-limit" => limit = Some(v),
            "q-ip" => ips = Some(v),
            "q-ip-op" => ip_op = Some(v),
            "q-signature" => signature = Some(v),
            _ => {}
        }
    }
    let (Some(sign_time), Some(limit), Some(signature)) = (sign_time, limit, signature) else {
        return Err(access_denied("Request is missing its signature."));
    };
    let (start, end) = sign_time
        .split_once(';')
        .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
        .ok_or_else(|| access_denied("The q-sign-time parameter is malformed."))?;
    let restriction = Restriction {
        limit,
        ips: ips
            .map(|s| {
                s.split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        ip_op: ip_op.unwrap_or_default(),
    };
    let signed_method = method == Method::GET || method == Method::HEAD;
    let key =
        match key {
            Some(key)
                if signed_method
                    && tencentcloud_transport::sign::constant_time_eq(
                        url_signature(&state.url_key, network, &key, start, end, &restriction)
                            .as_bytes(),
                        signature.as_bytes(),
                    ) =>
            {
                key
            }
            _ => return Err(Refusal {
                status: StatusCode::FORBIDDEN,
                code: "SignatureDoesNotMatch",
                message:
                    "The request signature we calculated does not match the signature you provided."
                        .to_owned(),
            }),
        };
    let now = unix_now();
    if now >= end || now.saturating_add(60) < start {
        return Err(access_denied("Request has expired"));
    }
    if network == Network::Public {
        match restriction.limit.as_str() {
            "LimitOnlyIntranet" => {
                return Err(access_denied(
                    "This backup may only be downloaded from the private network (LimitOnlyIntranet); use InnerDownloadUrl.",
                ))
            }
            "Customize" => {
                let caller = ctx.remote.ip().to_string();
                let listed = restriction.ips.iter().any(|ip| ip == &caller);
                let allowed = if restriction.ip_op == "NotIn" { !listed } else { listed };
                if !allowed {
                    return Err(access_denied(format!(
                        "The caller address {caller} is not allowed by this backup's custom download restriction."
                    )));
                }
            }
            _ => {}
        }
    }
    let [instance_id, backup_id, file] = key;
    Ok(Target {
        instance_id,
        backup_id,
        file,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Random short strings of the characters that matter to ranges, paths and queries.
    pub(crate) fn garbage(rng: &mut fastrand::Rng) -> String {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '9', '-', '=', ',', ';', '%', '/', '.', '&', '?', ' ', '+', 'é', '\\',
            '\0', 'b', 'y', 't', 'e', 's',
        ];
        let len = rng.usize(..40);
        (0..len)
            .map(|_| ALPHABET[rng.usize(..ALPHABET.len())])
            .collect()
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(1);
        for _ in 0..20_000 {
            let g = garbage(&mut rng);
            let _ = percent_decode(&g);
            let _ = encode(&g);
            let _ = path_segments(&g);
            let _ = split_prefix(&g);
        }
    }

    #[test]
    fn prefixes_end_at_a_segment_boundary() {
        let split = |p| split_prefix(p).map(|(n, rest)| (n.as_str(), rest));
        assert_eq!(split("/backups"), Some(("public", "")));
        assert_eq!(split("/backups/"), Some(("public", "/")));
        assert_eq!(split("/backups/a/b/c"), Some(("public", "/a/b/c")));
        assert_eq!(split("/internal/backups"), Some(("inner", "")));
        assert_eq!(split("/internal/backups//x"), Some(("inner", "//x")));
        assert_eq!(split("/backupsX/a/b/c"), None);
        assert_eq!(split("/internal/backupsX"), None);
        assert_eq!(split("/internal/"), None);
        assert_eq!(split("/Backups/a/b/c"), None);
        assert_eq!(split("/"), None);
    }

    #[test]
    fn segments_keep_empty_ones_and_refuse_traversal() {
        let segs = |r| path_segments(r).map_err(|r| (r.status.as_u16(), r.code));
        assert_eq!(segs(""), Ok(vec![]));
        assert_eq!(segs("/"), Ok(vec![String::new()]));
        assert_eq!(
            segs("/a//b%20c/"),
            Ok(["a", "", "b c", ""].map(String::from).to_vec())
        );
        for bad in [
            "/.", "/a/..", "/%2e%2E", "/a..b", "/a%2fb", "/a%5Cb", "/a\\b", "/%00", "/%ff",
        ] {
            assert_eq!(segs(bad), Err((403, "AccessDenied")), "{bad}");
        }
    }

    #[test]
    fn percent_coding_round_trips() {
        for s in ["crs-4y9t57vt", "a b/c%d", "名字.rdb", ""] {
            assert_eq!(percent_decode(&encode(s)).as_deref(), Some(s));
        }
        assert_eq!(percent_decode("%2e%2E"), Some("..".to_owned()));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%ff"), None);
    }
}
