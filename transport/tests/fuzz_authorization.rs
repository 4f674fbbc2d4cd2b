//! Fuzzing (proptest) of the server-side signature helpers the emulator relies on:
//! `sign::parse_authorization` on arbitrary and near-valid strings, and `sign::verify` /
//! `verify_accepting_bare_host` with arbitrary headers, bodies and timestamps. Neither may
//! panic; a parsed header has the documented shape, its parts are text of the header and it
//! parses the same when rendered again; a header assembled without the key never verifies; a
//! correctly signed request verifies and any single change to what was signed makes it fail.
//!
//! Cases per property: `TC_FUZZ_CASES` (default 3,000); seed: `TC_FUZZ_SEED` (default fixed).
//! Seeds under `fuzz/seeds/authorization/` (one header value per file) are replayed; a failing
//! header is written in that format to `target/fuzz-failures/authorization/`.

use proptest::prelude::*;
use tencentcloud_test_support::fuzz::{self, FailureRecord};
use tencentcloud_transport::sign::{
    parse_authorization, sign_stages, verify, verify_accepting_bare_host, ReceivedRequest,
    SigningParams, VerifyError,
};

/// Default seed of the properties below (`TC_FUZZ_SEED` overrides it).
const SEED: u64 = 0x0051_6eed;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// Whether `date` is `YYYY-MM-DD` in ASCII digits.
fn is_date_shape(date: &str) -> bool {
    let b = date.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// Parses `header` and checks what a parse means: a parsed header has the documented shape
/// (a non-empty SecretId and service, a `YYYY-MM-DD` date, 64 lower-case hex digits, signed
/// header names that are non-empty and without `;`), every part is text of the header, and
/// the header rendered again from its parts parses to the same parts. Then `verify` runs on
/// an arbitrary request: none of these headers is a signature of it (they are assembled
/// without the key), so it must never verify.
fn check_header(header: &str, headers: &[(&str, &str)], body: &[u8], timestamp: u64) {
    let _record = FailureRecord::new("authorization", "txt", header.as_bytes());
    let auth = match parse_authorization(header) {
        Ok(auth) => auth,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "{header:?}");
            return;
        }
    };
    assert!(!auth.secret_id.is_empty(), "{header:?}");
    assert!(!auth.service.is_empty(), "{header:?}");
    assert!(is_date_shape(auth.date), "{header:?}: date {:?}", auth.date);
    assert_eq!(auth.signature.len(), 64, "{header:?}");
    assert!(
        auth.signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{header:?}"
    );
    assert!(!auth.signed_headers.is_empty(), "{header:?}");
    assert!(
        auth.signed_headers
            .iter()
            .all(|h| !h.is_empty() && !h.contains(';')),
        "{header:?}"
    );
    for part in [auth.secret_id, auth.date, auth.service, auth.signature]
        .into_iter()
        .chain(auth.signed_headers.iter().copied())
    {
        assert!(header.contains(part), "{header:?}: {part:?} is not in it");
    }
    let rendered = format!(
        "TC3-HMAC-SHA256 Credential={}/{}/{}/tc3_request, SignedHeaders={}, Signature={}",
        auth.secret_id,
        auth.date,
        auth.service,
        auth.signed_headers.join(";"),
        auth.signature
    );
    assert_eq!(
        parse_authorization(&rendered).as_ref(),
        Ok(&auth),
        "{header:?} rendered again as {rendered:?}"
    );
    let received = ReceivedRequest {
        method: "POST",
        canonical_uri: "/",
        canonical_query: "",
        headers,
        payload: body,
        timestamp,
    };
    for (key, service) in [(SECRET_KEY, Some("redis")), ("", None)] {
        let verified = verify(&auth, key, service, &received);
        assert!(verified.is_err(), "{header:?} verified with key {key:?}");
    }
    let verified = verify_accepting_bare_host(&auth, SECRET_KEY, None, &received);
    assert!(verified.is_err(), "{header:?} verified (bare host)");
}

#[test]
fn committed_seeds_replay() {
    let headers = [
        ("Content-Type", "application/json"),
        ("Host", "127.0.0.1:8080"),
    ];
    for (_, bytes) in fuzz::seeds("authorization", 5) {
        let text = String::from_utf8_lossy(&bytes);
        for ts in [0, 1_700_000_000, u64::MAX] {
            check_header(&text, &headers, b"{}", ts);
        }
    }
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("TC3-HMAC-SHA256 ".to_owned()),
        Just("TC3-HMAC-SHA256".to_owned()),
        Just("Credential=".to_owned()),
        Just(SECRET_ID.to_owned()),
        Just("/".to_owned()),
        Just("2023-11-14".to_owned()),
        Just("2023-1a-14".to_owned()),
        Just("redis".to_owned()),
        Just("tc3_request".to_owned()),
        Just(", ".to_owned()),
        Just(",".to_owned()),
        Just("SignedHeaders=".to_owned()),
        Just("content-type;host".to_owned()),
        Just(";".to_owned()),
        Just("Signature=".to_owned()),
        Just("=".to_owned()),
        Just(" ".to_owned()),
        Just("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned()),
        Just("é".to_owned()),
        Just("\u{0}".to_owned()),
        ".{0,6}",
    ]
}

fn header_pair() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("Content-Type".to_owned()),
            Just("host".to_owned()),
            Just("HOST".to_owned()),
            Just("x-tc-action".to_owned()),
            "[a-z-]{1,8}",
        ],
        prop_oneof![
            Just("application/json".to_owned()),
            Just("127.0.0.1:8080".to_owned()),
            Just("[::1]:9".to_owned()),
            Just("::1".to_owned()),
            Just("h:".to_owned()),
            ".{0,12}",
        ],
    )
}

/// A validly signed request: (header, headers, body, timestamp).
fn signed(host: &str, body: &[u8], timestamp: u64) -> String {
    let params = SigningParams {
        method: "POST",
        host,
        content_type: "application/json",
        canonical_query: "",
        payload: body,
        timestamp,
        service: "redis",
    };
    sign_stages(&params, SECRET_ID, SECRET_KEY).authorization
}

proptest! {
    #![proptest_config(fuzz::config(3000, SEED, 4096))]

    #[test]
    fn arbitrary_strings(header in ".{0,300}") {
        check_header(&header, &[("host", "h"), ("content-type", "x")], b"", 1_700_000_000);
    }

    #[test]
    fn arbitrary_bytes_as_lossy_text(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_header(&String::from_utf8_lossy(&bytes), &[], b"", 0);
    }

    #[test]
    fn assembled_from_pieces(
        pieces in prop::collection::vec(piece(), 0..16),
        headers in prop::collection::vec(header_pair(), 0..6),
        body in prop::collection::vec(any::<u8>(), 0..64),
        timestamp in prop_oneof![Just(1_699_920_000u64), Just(0u64), Just(u64::MAX), any::<u64>()],
    ) {
        let header: String = pieces.concat();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        check_header(&header, &headers, &body, timestamp);
    }

    #[test]
    fn signed_requests_verify_and_any_change_fails(
        body in prop::collection::vec(any::<u8>(), 0..256),
        timestamp in 0u64..4_102_444_800,
        port in 1u16..,
        flip in any::<prop::sample::Index>(),
        change in 0u8..5,
    ) {
        let host = format!("127.0.0.1:{port}");
        let header = signed(&host, &body, timestamp);
        let auth = parse_authorization(&header).expect("own header parses");
        let headers = [("Content-Type", "application/json"), ("Host", host.as_str())];
        let ok = ReceivedRequest { method: "POST", canonical_uri: "/", canonical_query: "", headers: &headers, payload: &body, timestamp };
        prop_assert_eq!(verify(&auth, SECRET_KEY, Some("redis"), &ok), Ok(()));
        prop_assert_eq!(verify_accepting_bare_host(&auth, SECRET_KEY, Some("redis"), &ok), Ok(()));

        let mut tampered_body = body.clone();
        if tampered_body.is_empty() { tampered_body.push(b'x') } else { let i = flip.index(tampered_body.len()); tampered_body[i] ^= 0x01; }
        let other_host = format!("127.0.0.2:{port}");
        let other_headers = [("Content-Type", "application/json"), ("Host", other_host.as_str())];
        let ct_headers = [("Content-Type", "text/plain"), ("Host", host.as_str())];
        let mut r = ok;
        let mut key = SECRET_KEY;
        match change {
            0 => r.payload = &tampered_body,
            1 => r.headers = &other_headers,
            2 => r.headers = &ct_headers,
            3 => r.timestamp = timestamp + 1,
            _ => key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLF",
        }
        let res = verify_accepting_bare_host(&auth, key, Some("redis"), &r);
        prop_assert!(
            matches!(res, Err(VerifyError::SignatureMismatch) | Err(VerifyError::ScopeDateMismatch { .. })),
            "change {} verified: {:?}", change, res
        );
    }

    #[test]
    fn a_single_character_edit_of_a_valid_header_never_verifies(
        at in any::<prop::sample::Index>(),
        c in any::<char>(),
        delete in any::<bool>(),
    ) {
        let body = br#"{"InstanceId":"crs-1"}"#;
        let ts = 1_700_000_000;
        let header = signed("127.0.0.1:8080", body, ts);
        let mut chars: Vec<char> = header.chars().collect();
        let i = at.index(chars.len());
        if delete { chars.remove(i); } else { chars[i] = c; }
        let edited: String = chars.into_iter().collect();
        let headers = [("content-type", "application/json"), ("host", "127.0.0.1:8080")];
        let r = ReceivedRequest { method: "POST", canonical_uri: "/", canonical_query: "", headers: &headers, payload: body, timestamp: ts };
        if let Ok(auth) = parse_authorization(&edited) {
            let res = verify_accepting_bare_host(&auth, SECRET_KEY, Some("redis"), &r);
            // The SecretId is not signed (the caller looks the key up by it), whitespace around
            // parts is not significant, and SignedHeaders names are canonicalised to lower case
            // (found by the long run: `content-tyPe` verifies, the signed bytes are the same):
            // everything else must be exactly the original.
            if res.is_ok() {
                let orig = parse_authorization(&header).expect("parses");
                prop_assert_eq!(
                    (auth.date, auth.service, auth.signed_headers.join(";").to_ascii_lowercase(), auth.signature),
                    (orig.date, orig.service, orig.signed_headers.join(";"), orig.signature),
                    "edited header verified: {:?}", edited
                );
            }
        }
    }
}
