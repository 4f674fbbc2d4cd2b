//! What the storage's response headers say: the body's length, the byte range it covers,
//! and the object's CRC-64.

use reqwest::header::{HeaderMap, CONTENT_LENGTH, CONTENT_RANGE};

use super::crc::CRC64_HEADER;

pub(super) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `Content-Range: bytes START-END/TOTAL`.
pub(super) fn parse_content_range(headers: &HeaderMap) -> Option<(u64, u64, u64)> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?.trim();
    let rest = value.strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (
        start.trim().parse().ok()?,
        end.trim().parse().ok()?,
        total.trim().parse().ok()?,
    );
    (start <= end && end < total).then_some((start, end, total))
}

/// The storage's CRC header: `Ok(None)` when absent, `Err` when present but not a number.
pub(super) fn remote_crc(headers: &HeaderMap) -> Result<Option<u64>, String> {
    match headers.get(CRC64_HEADER) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| format!("{CRC64_HEADER} is not a decimal 64-bit number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn content_ranges() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_RANGE, HeaderValue::from_static("bytes 10-99/100"));
        assert_eq!(parse_content_range(&h), Some((10, 99, 100)));
        for bad in [
            "bytes 10-9/100",
            "bytes 0-100/100",
            "bytes */100",
            "items 0-1/2",
            "bytes 0-1/x",
        ] {
            h.insert(CONTENT_RANGE, HeaderValue::from_static(bad));
            assert_eq!(parse_content_range(&h), None, "{bad}");
        }
    }

    #[test]
    fn crc_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(remote_crc(&h), Ok(None));
        h.insert(
            CRC64_HEADER,
            HeaderValue::from_static("12345678901234567890"),
        );
        assert_eq!(remote_crc(&h), Ok(Some(12345678901234567890)));
        h.insert(CRC64_HEADER, HeaderValue::from_static("-1"));
        assert!(remote_crc(&h).is_err());
    }
}
