//! Fuzzing (proptest) of the response envelope decoder for EVERY generated response type:
//! arbitrary bytes, random JSON values, and JSON-shaped mutations of the schema's own example
//! responses. The decoder must never panic, must return `Err` for anything that is not a
//! `{"Response": {...}}` envelope, and must never return an error class other than
//! `Service` or `Decode`.
//!
//! Cases per property: `TC_FUZZ_CASES` (default 2,000); seed: `TC_FUZZ_SEED` (default fixed).
//! Seeds under `fuzz/seeds/envelope/` are replayed on every run.

use proptest::prelude::*;
use serde_json::Value;
use tencentcloud_redis::transport::{decode_response, DecodeReason, Error};
use tencentcloud_redis::*;
use tencentcloud_test_support::fuzz::{self, apply, JsonEdit};

/// What one decode attempt showed.
#[derive(Debug, PartialEq)]
enum Outcome {
    Ok,
    Service,
    Decode(DecodeReason),
}

fn classify<R: std::fmt::Debug, E: std::fmt::Debug>(r: Result<R, Error<E>>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(Error::Service(_)) => Outcome::Service,
        Err(Error::Decode(d)) => Outcome::Decode(d.reason),
        Err(other) => panic!("decode_response returned an impossible error class: {other:?}"),
    }
}

/// Decodes `body` as the answer of every one of the six actions.
fn decode_all(status: u16, body: &[u8]) -> Vec<Outcome> {
    vec![
        classify(decode_response::<DescribeBackupDownloadRestrictionRequest>(
            status, body,
        )),
        classify(decode_response::<DescribeBackupUrlRequest>(status, body)),
        classify(decode_response::<DescribeInstanceBackupsRequest>(
            status, body,
        )),
        classify(decode_response::<DescribeTaskInfoRequest>(status, body)),
        classify(decode_response::<ManualBackupInstanceRequest>(status, body)),
        classify(decode_response::<ModifyBackupDownloadRestrictionRequest>(
            status, body,
        )),
    ]
}

/// Whether a JSON text is an envelope at all: an object whose `Response` is an object.
fn is_envelope(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v.get("Response").is_some_and(Value::is_object))
}

/// The full property: no panic, `Err` for non-envelopes, and an envelope with a string
/// `Error.Code` is always a service error for every action.
fn check(status: u16, body: &[u8]) {
    let outcomes = decode_all(status, body);
    if !is_envelope(body) {
        for o in &outcomes {
            assert!(
                matches!(
                    o,
                    Outcome::Decode(DecodeReason::NotJson | DecodeReason::NoEnvelope)
                ),
                "a non-envelope must be NotJson/NoEnvelope, got {o:?} for {:?}",
                String::from_utf8_lossy(body)
            );
        }
        return;
    }
    let v: Value = serde_json::from_slice(body).expect("envelope is JSON");
    if let Some(err) = v["Response"].get("Error") {
        let expect = if err.get("Code").is_some_and(Value::is_string) {
            Outcome::Service
        } else {
            Outcome::Decode(DecodeReason::MalformedError)
        };
        for o in &outcomes {
            assert_eq!(*o, expect, "{}", String::from_utf8_lossy(body));
        }
    }
}

/// The example responses of every action in the schema the crate was generated from.
fn example_responses() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (path, text) in schema::FILES {
        if !path.starts_with("schema/actions/") {
            continue;
        }
        let v: Value = serde_json::from_str(text).expect("schema file is JSON");
        for (i, ex) in v["examples"].as_array().into_iter().flatten().enumerate() {
            if let Some(resp) = ex.get("response") {
                out.push((format!("{path}#/examples/{i}/response"), resp.clone()));
            }
        }
    }
    assert!(
        out.len() >= 6,
        "expected an example per action, found {}",
        out.len()
    );
    out
}

#[test]
fn every_example_response_decodes_for_its_own_action() {
    for (path, text) in schema::FILES {
        let Some(stem) = path
            .strip_prefix("schema/actions/")
            .and_then(|p| p.strip_suffix(".json"))
        else {
            continue;
        };
        let v: Value = serde_json::from_str(text).expect("json");
        let all = [
            "DescribeBackupDownloadRestriction",
            "DescribeBackupUrl",
            "DescribeInstanceBackups",
            "DescribeTaskInfo",
            "ManualBackupInstance",
            "ModifyBackupDownloadRestriction",
        ];
        // The fuzzed decoders are the backup workflow's; every other action's examples are
        // round-tripped by tests/whole_api.rs.
        let Some(idx) = all.iter().position(|a| *a == stem) else {
            continue;
        };
        for ex in v["examples"].as_array().into_iter().flatten() {
            let body = serde_json::to_vec(&ex["response"]).expect("json");
            let outcomes = decode_all(200, &body);
            assert!(
                matches!(outcomes[idx], Outcome::Ok | Outcome::Service),
                "{path}: example response does not decode: {:?}",
                outcomes[idx]
            );
        }
    }
}

#[test]
fn committed_seeds_replay() {
    for (_, body) in fuzz::seeds("envelope", 5) {
        for status in [200, 404, 502] {
            check(status, &body);
        }
    }
}

// ---- JSON mutation: the values and edits drawn (test-support applies them) -------------------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,16}".prop_map(Value::from),
        prop_oneof![
            Just("Response"),
            Just("Error"),
            Just("Code"),
            Just("RequestId"),
            Just("NoLimit"),
            Just("2024-01-01 00:00:00"),
            Just(""),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[A-Za-z]{1,10}", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        json_value().prop_map(JsonEdit::Replace),
        Just(JsonEdit::Delete),
        Just(JsonEdit::ToString),
        any::<i64>().prop_map(JsonEdit::ToNumber),
        Just(JsonEdit::WrapInArray),
        "[A-Za-z]{1,8}".prop_map(JsonEdit::WrapInObject),
        Just(JsonEdit::DuplicateInArray),
        (
            prop_oneof![
                Just("Error".to_owned()),
                Just("Code".to_owned()),
                Just("RequestId".to_owned()),
                "[A-Za-z]{1,8}"
            ],
            json_value()
        )
            .prop_map(|(k, v)| JsonEdit::AddKey(k, v)),
        prop_oneof![
            Just("Error".to_owned()),
            Just("response".to_owned()),
            "[A-Za-z]{1,8}"
        ]
        .prop_map(JsonEdit::RenameKey),
    ]
}

proptest! {
    #![proptest_config(fuzz::config(2000, 0x7c3e_11ab, 4096))]

    #[test]
    fn arbitrary_bytes(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..600)) {
        check(status, &body);
    }

    #[test]
    fn arbitrary_json_values(status in 100u16..600, value in json_value(), wrap in any::<bool>()) {
        let v = if wrap { serde_json::json!({ "Response": value }) } else { value };
        check(status, &serde_json::to_vec(&v).unwrap());
    }

    #[test]
    fn mutated_example_responses(
        example in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<usize>(), edit()), 1..6),
        truncate in prop::option::weighted(0.1, any::<prop::sample::Index>()),
    ) {
        let examples = example_responses();
        let (_, mut v) = examples[example.index(examples.len())].clone();
        for (pick, e) in &edits {
            apply(&mut v, *pick, e);
        }
        let mut body = serde_json::to_vec(&v).unwrap();
        if let Some(t) = truncate {
            body.truncate(t.index(body.len() + 1));
        }
        check(200, &body);
    }
}
