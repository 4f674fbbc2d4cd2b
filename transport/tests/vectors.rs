//! Every stage of every shared signing vector, byte for byte, through the stage functions, the
//! hot-path signer and the server-side verifier.

use serde_json::Value;
use tencentcloud_transport::sign::{
    self, parse_authorization, sign_stages, verify, verify_accepting_bare_host,
    AuthorizationParseError, ReceivedRequest, Signer, SigningParams, UtcDate, VerifyError,
};

struct Vector {
    name: String,
    secret_id: String,
    secret_key: String,
    service: String,
    host: String,
    content_type: String,
    timestamp: u64,
    method: String,
    query: String,
    /// The bytes the signature covers: the payload for POST, nothing for GET.
    signed_payload: Vec<u8>,
    payload_sha256: String,
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
    token: Option<String>,
    headers_sent: Vec<(String, String)>,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/tc3-signing-vectors.json");
    let root: Value = serde_json::from_str(text).unwrap();
    let list = root["vectors"].as_array().unwrap();
    assert!(list.len() >= 9, "expected the full vector set");
    list.iter()
        .map(|v| {
            let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap().to_owned();
            let method = s("/http_method");
            let payload = s("/payload");
            Vector {
                name: s("/name"),
                secret_id: s("/inputs/secret_id"),
                secret_key: s("/inputs/secret_key"),
                service: s("/inputs/service"),
                host: s("/inputs/host"),
                content_type: s("/inputs/content_type"),
                timestamp: v.pointer("/inputs/timestamp").unwrap().as_u64().unwrap(),
                query: s("/canonical_querystring"),
                signed_payload: if method == "GET" {
                    Vec::new()
                } else {
                    payload.into_bytes()
                },
                method,
                payload_sha256: s("/payload_sha256"),
                canonical_request: s("/canonical_request"),
                string_to_sign: s("/string_to_sign"),
                signature: s("/signature"),
                authorization: s("/authorization"),
                token: v
                    .pointer("/inputs/token")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                headers_sent: v["headers_sent"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect(),
            }
        })
        .collect()
}

impl Vector {
    fn params(&self) -> SigningParams<'_> {
        SigningParams {
            method: &self.method,
            host: &self.host,
            content_type: &self.content_type,
            canonical_query: &self.query,
            payload: &self.signed_payload,
            timestamp: self.timestamp,
            service: &self.service,
        }
    }

    fn date(&self) -> String {
        UtcDate::from_unix(self.timestamp).to_string()
    }
}

#[test]
fn the_vector_set_covers_the_required_cases() {
    let all = vectors();
    let names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
    for needle in [
        "token",
        "unicode",
        "empty_body",
        "regional",
        "charset",
        "GET",
    ] {
        assert!(
            names.iter().any(|n| n.contains(needle)),
            "no vector named like {needle}: {names:?}"
        );
    }
}

#[test]
fn stage_payload_hash() {
    for v in vectors() {
        assert_eq!(
            sign::payload_hash(&v.signed_payload),
            v.payload_sha256,
            "{}",
            v.name
        );
    }
}

#[test]
fn stage_canonical_request() {
    for v in vectors() {
        assert_eq!(
            sign::canonical_request(&v.params()),
            v.canonical_request,
            "{}",
            v.name
        );
        // The general form with an explicit header list gives the same bytes.
        let general = sign::canonical_request_with_headers(
            &v.method,
            "/",
            &v.query,
            &[("Content-Type", &v.content_type), ("Host", &v.host)],
            &v.payload_sha256,
        );
        assert_eq!(general, v.canonical_request, "{}", v.name);
    }
}

#[test]
fn stage_string_to_sign() {
    for v in vectors() {
        let scope = sign::credential_scope(&v.date(), &v.service);
        assert_eq!(
            sign::string_to_sign(v.timestamp, &scope, &v.canonical_request),
            v.string_to_sign,
            "{}",
            v.name
        );
    }
}

#[test]
fn stage_signature() {
    for v in vectors() {
        let key = sign::derive_signing_key(&v.secret_key, &v.date(), &v.service);
        assert_eq!(
            sign::signature(&key, &v.string_to_sign),
            v.signature,
            "{}",
            v.name
        );
    }
}

#[test]
fn stage_authorization_header() {
    for v in vectors() {
        let scope = sign::credential_scope(&v.date(), &v.service);
        assert_eq!(
            sign::authorization_header(&v.secret_id, &scope, sign::SIGNED_HEADERS, &v.signature),
            v.authorization,
            "{}",
            v.name
        );
        let sent = v
            .headers_sent
            .iter()
            .find(|(k, _)| k == "Authorization")
            .map(|(_, v)| v.as_str());
        assert_eq!(sent, Some(v.authorization.as_str()), "{}", v.name);
    }
}

#[test]
fn all_stages_at_once() {
    for v in vectors() {
        let stages = sign_stages(&v.params(), &v.secret_id, &v.secret_key);
        assert_eq!(stages.payload_hash, v.payload_sha256, "{}", v.name);
        assert_eq!(stages.canonical_request, v.canonical_request, "{}", v.name);
        assert_eq!(stages.string_to_sign, v.string_to_sign, "{}", v.name);
        assert_eq!(stages.signature, v.signature, "{}", v.name);
        assert_eq!(stages.authorization, v.authorization, "{}", v.name);
    }
}

#[test]
fn hot_path_signer_matches_every_vector_cold_and_warm() {
    let signer = Signer::new();
    for round in 0..3 {
        for v in vectors() {
            assert_eq!(
                signer.authorization(&v.params(), &v.secret_id, &v.secret_key),
                v.authorization,
                "{} (round {round})",
                v.name
            );
        }
        if round == 1 {
            signer.clear_cache();
        }
    }
}

#[test]
fn token_vectors_send_the_token_unsigned() {
    for v in vectors().into_iter().filter(|v| v.token.is_some()) {
        let sent = v.headers_sent.iter().find(|(k, _)| k == "X-TC-Token");
        if let Some((_, value)) = sent {
            assert_eq!(Some(value), v.token.as_ref(), "{}", v.name);
        }
        // The token is not part of the signature: the canonical request only has
        // content-type and host.
        assert!(!v.canonical_request.contains(v.token.as_deref().unwrap()));
    }
}

#[test]
fn utc_scope_date_at_midnight_boundaries() {
    assert_eq!(UtcDate::from_unix(1_700_006_399).to_string(), "2023-11-14");
    assert_eq!(UtcDate::from_unix(1_700_006_400).to_string(), "2023-11-15");
}

#[test]
fn parse_and_verify_every_vector() {
    for v in vectors() {
        let parsed = parse_authorization(&v.authorization).unwrap();
        assert_eq!(parsed.secret_id, v.secret_id);
        assert_eq!(parsed.date, v.date());
        assert_eq!(parsed.service, v.service);
        assert_eq!(parsed.signed_headers, vec!["content-type", "host"]);
        assert_eq!(parsed.signature, v.signature);

        let headers: Vec<(&str, &str)> = v
            .headers_sent
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let received = ReceivedRequest {
            method: &v.method,
            canonical_uri: "/",
            canonical_query: &v.query,
            headers: &headers,
            payload: &v.signed_payload,
            timestamp: v.timestamp,
        };
        verify(&parsed, &v.secret_key, Some("redis"), &received)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));

        // A wrong key, a changed body, a changed header, another service and another day fail.
        assert_eq!(
            verify(&parsed, "wrong", None, &received),
            Err(VerifyError::SignatureMismatch)
        );
        let mut tampered = v.signed_payload.clone();
        tampered.push(b' ');
        let changed = ReceivedRequest {
            payload: &tampered,
            ..received
        };
        assert_eq!(
            verify(&parsed, &v.secret_key, None, &changed),
            Err(VerifyError::SignatureMismatch),
            "{}",
            v.name
        );
        let other_host: Vec<(&str, &str)> = headers
            .iter()
            .map(|&(k, val)| {
                if k == "Host" {
                    (k, "evil.example")
                } else {
                    (k, val)
                }
            })
            .collect();
        assert_eq!(
            verify(
                &parsed,
                &v.secret_key,
                None,
                &ReceivedRequest {
                    headers: &other_host,
                    ..received
                }
            ),
            Err(VerifyError::SignatureMismatch)
        );
        assert!(matches!(
            verify(&parsed, &v.secret_key, Some("cvm"), &received),
            Err(VerifyError::ServiceMismatch { .. })
        ));
        assert!(matches!(
            verify(
                &parsed,
                &v.secret_key,
                None,
                &ReceivedRequest {
                    timestamp: v.timestamp + 86_400,
                    ..received
                }
            ),
            Err(VerifyError::ScopeDateMismatch { .. })
        ));
        let no_host: Vec<(&str, &str)> = headers
            .iter()
            .copied()
            .filter(|(k, _)| *k != "Host")
            .collect();
        assert_eq!(
            verify(
                &parsed,
                &v.secret_key,
                None,
                &ReceivedRequest {
                    headers: &no_host,
                    ..received
                }
            ),
            Err(VerifyError::MissingSignedHeader("host".into()))
        );
    }
}

#[test]
fn verify_supports_arbitrary_signed_header_lists() {
    let key = "secret-key";
    let ts = 1_700_000_000;
    let body = br#"{"A":1}"#;
    let headers = [
        ("Content-Type", "application/json"),
        ("Host", "redis.tencentcloudapi.com"),
        ("X-TC-Action", "  DescribeBackupUrl "),
    ];
    // Sign with three headers, in a non-alphabetical order, with a value needing trimming.
    let canonical = sign::canonical_request_with_headers(
        "POST",
        "/",
        "",
        &[
            ("x-tc-action", "DescribeBackupUrl"),
            ("host", headers[1].1),
            ("content-type", headers[0].1),
        ],
        &sign::payload_hash(body),
    );
    assert!(canonical.contains("x-tc-action:DescribeBackupUrl\nhost:"));
    assert!(canonical.contains("\nx-tc-action;host;content-type\n"));
    let date = UtcDate::from_unix(ts).to_string();
    let scope = sign::credential_scope(&date, "redis");
    let sig = sign::signature(
        &sign::derive_signing_key(key, &date, "redis"),
        &sign::string_to_sign(ts, &scope, &canonical),
    );
    let header = sign::authorization_header("AKID", &scope, "x-tc-action;host;content-type", &sig);
    let parsed = parse_authorization(&header).unwrap();
    assert_eq!(
        parsed.signed_headers,
        ["x-tc-action", "host", "content-type"]
    );
    let received = ReceivedRequest {
        method: "POST",
        canonical_uri: "/",
        canonical_query: "",
        headers: &headers,
        payload: body,
        timestamp: ts,
    };
    verify(&parsed, key, Some("redis"), &received).unwrap();
}

#[test]
fn verify_accepts_host_with_or_without_port_only_when_asked() {
    let key = "k";
    let ts = 1_700_000_000;
    let body = b"{}";
    let sign_for = |host: &str| {
        let params = SigningParams {
            method: "POST",
            host,
            content_type: "application/json",
            canonical_query: "",
            payload: body,
            timestamp: ts,
            service: "redis",
        };
        sign_stages(&params, "AKID", key).authorization
    };
    let headers = [
        ("content-type", "application/json"),
        ("host", "127.0.0.1:8080"),
    ];
    let received = ReceivedRequest {
        method: "POST",
        canonical_uri: "/",
        canonical_query: "",
        headers: &headers,
        payload: body,
        timestamp: ts,
    };
    let python_style = sign_for("127.0.0.1:8080");
    let node_style = sign_for("127.0.0.1");
    let p = parse_authorization(&python_style).unwrap();
    let n = parse_authorization(&node_style).unwrap();
    verify(&p, key, None, &received).unwrap();
    assert_eq!(
        verify(&n, key, None, &received),
        Err(VerifyError::SignatureMismatch)
    );
    verify_accepting_bare_host(&p, key, None, &received).unwrap();
    verify_accepting_bare_host(&n, key, None, &received).unwrap();
    let wrong_header = sign_for("127.0.0.2");
    let wrong = parse_authorization(&wrong_header).unwrap();
    assert_eq!(
        verify_accepting_bare_host(&wrong, key, None, &received),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn authorization_parser_rejects_malformed_headers_clearly() {
    let good = "TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=content-type;host, Signature=71a7b4e02fad205338d205a2af5e83e9705917a74c0f5845380200aa2f558705";
    assert!(parse_authorization(good).is_ok());
    // Parts in another order and without spaces are accepted.
    let reordered = "TC3-HMAC-SHA256 Signature=71a7b4e02fad205338d205a2af5e83e9705917a74c0f5845380200aa2f558705,SignedHeaders=host,Credential=AKID/2023-11-14/redis/tc3_request";
    assert_eq!(
        parse_authorization(reordered).unwrap().signed_headers,
        ["host"]
    );

    use AuthorizationParseError as E;
    let sig = "71a7b4e02fad205338d205a2af5e83e9705917a74c0f5845380200aa2f558705";
    let cases: Vec<(String, E)> = vec![
        (String::new(), E::UnsupportedAlgorithm),
        ("Bearer abc".into(), E::UnsupportedAlgorithm),
        (format!("HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host, Signature={sig}"), E::UnsupportedAlgorithm),
        ("TC3-HMAC-SHA256 garbage".into(), E::MalformedPart),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host, Signature={sig}, Extra=1"), E::UnknownPart("Extra".into())),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host, Signature={sig}"), E::DuplicatePart("Credential")),
        (format!("TC3-HMAC-SHA256 SignedHeaders=host, Signature={sig}"), E::MissingPart("Credential")),
        ("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host".into(), E::MissingPart("Signature")),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, Signature={sig}"), E::MissingPart("SignedHeaders")),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis, SignedHeaders=host, Signature={sig}"), E::MalformedCredential),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request/x, SignedHeaders=host, Signature={sig}"), E::MalformedCredential),
        (format!("TC3-HMAC-SHA256 Credential=/2023-11-14/redis/tc3_request, SignedHeaders=host, Signature={sig}"), E::MalformedCredential),
        (format!("TC3-HMAC-SHA256 Credential=AKID/20231114/redis/tc3_request, SignedHeaders=host, Signature={sig}"), E::MalformedCredential),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/aws4_request, SignedHeaders=host, Signature={sig}"), E::MalformedCredential),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=, Signature={sig}"), E::MalformedSignedHeaders),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host;;x, Signature={sig}"), E::MalformedSignedHeaders),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=ho st, Signature={sig}"), E::MalformedSignedHeaders),
        ("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host, Signature=abc".into(), E::MalformedSignature),
        (format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/redis/tc3_request, SignedHeaders=host, Signature={}", sig.to_uppercase()), E::MalformedSignature),
    ];
    for (header, expected) in cases {
        let err = parse_authorization(&header).unwrap_err();
        assert_eq!(err, expected, "{header:?}");
        // Messages are specific and never echo the signature.
        let message = err.to_string();
        assert!(message.contains("Authorization"), "{message}");
        assert!(!message.contains(sig), "{message}");
    }
    // Arbitrary junk never panics.
    for junk in [
        "TC3-HMAC-SHA256 ",
        "TC3-HMAC-SHA256 ,,,",
        "TC3-HMAC-SHA256 ==",
        "TC3-HMAC-SHA256 Credential=ä/ö/ü/ß, SignedHeaders=é, Signature=\u{0}",
    ] {
        assert!(parse_authorization(junk).is_err(), "{junk:?}");
    }
}

#[test]
fn constant_time_comparison() {
    assert!(sign::constant_time_eq(b"abc", b"abc"));
    assert!(!sign::constant_time_eq(b"abc", b"abd"));
    assert!(!sign::constant_time_eq(b"abc", b"ab"));
    assert!(sign::constant_time_eq(b"", b""));
}
