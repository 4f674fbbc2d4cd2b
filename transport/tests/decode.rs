//! The envelope decoder never panics, whatever the body, and classifies what it gets.

mod common;

use common::*;
use proptest::prelude::*;
use tencentcloud_transport::{decode_response, DecodeReason, Error};

fn decode(status: u16, body: &[u8]) -> Result<GetUrlResponse, Error<GetUrlError>> {
    decode_response::<GetUrl>(status, body)
}

#[test]
fn classifies_known_shapes() {
    assert!(decode(200, success_body("r").as_bytes()).is_ok());
    let cases: &[(&[u8], DecodeReason)] = &[
        (b"", DecodeReason::NotJson),
        (b"<html>", DecodeReason::NotJson),
        (b"null", DecodeReason::NoEnvelope),
        (b"[]", DecodeReason::NoEnvelope),
        (b"{}", DecodeReason::NoEnvelope),
        (br#"{"Response":null}"#, DecodeReason::NoEnvelope),
        (br#"{"Response":[1]}"#, DecodeReason::NoEnvelope),
        (
            br#"{"Response":{"Error":{}}}"#,
            DecodeReason::MalformedError,
        ),
        (
            br#"{"Response":{"Error":{"Code":7}}}"#,
            DecodeReason::MalformedError,
        ),
        (
            br#"{"Response":{"Error":"x"}}"#,
            DecodeReason::MalformedError,
        ),
        (br#"{"Response":{}}"#, DecodeReason::UnexpectedShape),
        (
            br#"{"Response":{"RequestId":"r"}}"#,
            DecodeReason::UnexpectedShape,
        ),
    ];
    for (body, reason) in cases {
        match decode(200, body) {
            Err(Error::Decode(d)) => {
                assert_eq!(d.reason, *reason, "{:?}", String::from_utf8_lossy(body))
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    // An error without a message or request id still becomes the typed error.
    let err = decode(200, br#"{"Response":{"Error":{"Code":"InternalError"}}}"#).unwrap_err();
    assert_eq!(err.code(), Some("InternalError"));
    assert_eq!(err.request_id(), None);
    // Unknown fields are ignored; a top-level RequestId outside Response is reported.
    assert!(decode(
        200,
        br#"{"Response":{"DownloadUrl":[],"RequestId":"r","New":1},"Extra":2}"#
    )
    .is_ok());
    match decode(500, br#"{"RequestId":"top-level","Message":"oops"}"#) {
        Err(Error::Decode(d)) => {
            assert_eq!(d.request_id.as_deref(), Some("top-level"));
            assert_eq!(d.status, 500);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_truncation_of_valid_bodies_is_handled() {
    for body in [
        success_body("req-1"),
        error_body("InvalidParameter", "bad \\\"quoted\\\" 参数", "req-2"),
    ] {
        let bytes = body.as_bytes();
        for end in 0..bytes.len() {
            let _ = decode(200, &bytes[..end]);
            let _ = decode(502, &bytes[end..]);
        }
        assert!(decode(200, bytes).is_ok() || decode(200, bytes).unwrap_err().code().is_some());
    }
}

#[test]
fn deeply_nested_and_huge_inputs_do_not_overflow() {
    let deep = "[".repeat(100_000);
    let _ = decode(200, deep.as_bytes());
    let deep_obj = format!("{{\"Response\":{}", "{\"a\":".repeat(50_000));
    let _ = decode(200, deep_obj.as_bytes());
    let big = format!(
        r#"{{"Response":{{"Error":{{"Code":"X","Message":"{}"}}}}}}"#,
        "m".repeat(1 << 20)
    );
    let err = decode(200, big.as_bytes()).unwrap_err();
    assert_eq!(err.code(), Some("X"));
    let Err(Error::Decode(d)) = decode(200, &vec![0xffu8; 1 << 20]) else {
        panic!()
    };
    assert!(d.excerpt.chars().count() <= 201);
}

#[test]
fn excerpt_escapes_control_characters_and_survives_invalid_utf8() {
    let Err(Error::Decode(d)) = decode(502, b"bad\r\n\x1b[31mgateway\xff\xfe") else {
        panic!()
    };
    assert!(!d.excerpt.chars().any(char::is_control), "{:?}", d.excerpt);
    assert!(d.excerpt.starts_with("bad\\r\\n"), "{:?}", d.excerpt);
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("Response"),
            Just("Error"),
            Just("Code"),
            Just("RequestId")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("Response".to_owned()),
                        Just("Error".to_owned()),
                        Just("Code".to_owned()),
                        Just("Message".to_owned()),
                        Just("RequestId".to_owned()),
                        Just("DownloadUrl".to_owned()),
                        "[A-Za-z]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(status, &body);
    }

    #[test]
    fn arbitrary_text_never_panics(status in 100u16..600, body in ".{0,256}") {
        let _ = decode(status, body.as_bytes());
    }

    #[test]
    fn arbitrary_json_never_panics(status in 100u16..600, value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        let _ = decode(status, &body);
        let wrapped = serde_json::to_vec(&serde_json::json!({ "Response": value })).unwrap();
        match decode(status, &wrapped) {
            Ok(_) | Err(Error::Service(_)) | Err(Error::Decode(_)) => {}
            Err(other) => prop_assert!(false, "unexpected error class {other:?}"),
        }
    }
}
