//! Fuzzing (proptest) of the response envelope decoder for EVERY generated response type (the
//! registry's `ACTION_NAMES`, each reached with `visit_action`): arbitrary bytes, random JSON
//! values, and JSON-shaped mutations of the schema's example responses.
//!
//! Every body is decoded as the answer of every action and compared with what
//! `decode_response` documents, computed independently from a `serde_json::Value` (the
//! reference, [`expected`]):
//! - not JSON: `Decode(NotJson)`; JSON that is not an object with an object `Response`:
//!   `Decode(NoEnvelope)`, with the top-level `RequestId` if there is one;
//! - `Response.Error` with a string `Code`: `Service`, carrying exactly that code, the string
//!   `Message` (else empty) and the `RequestId` (else empty); any other `Error`:
//!   `Decode(MalformedError)`;
//! - otherwise the `Response` object decoded into the response type: success with the same
//!   value as `serde_json::from_value` gives (compared as re-serialized JSON), or
//!   `Decode(UnexpectedShape)` exactly when that fails.
//!
//! Every decode error carries the HTTP status given and the non-empty `RequestId` found.
//! No other error class may appear, and nothing may panic.
//!
//! Cases per property: `TC_FUZZ_CASES` (default 2,000); seed: `TC_FUZZ_SEED` (default fixed).
//! Seeds under `fuzz/seeds/envelope/` (one body per file) are replayed on every run; a failing
//! body is written in that format to `target/fuzz-failures/envelope/`.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value};
use tencentcloud_redis::transport::{
    decode_response, Action, ActionError, DecodeReason, Error, ServiceError,
};
use tencentcloud_redis::*;
use tencentcloud_test_support::fuzz::{self, apply, FailureRecord, JsonEdit};

/// What one decode showed, in terms that can be compared.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Success: the response re-serialized.
    Ok(Value),
    /// `Error::Service` with its raw error.
    Service(ServiceError),
    /// `Error::Decode` with its status, reason and RequestId.
    Decode(u16, DecodeReason, Option<String>),
}

fn non_empty_string(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// What `decode_response::<A>` must return for `body`, from its documentation.
fn expected<A>(status: u16, body: &[u8]) -> Outcome
where
    A: Action,
    A::Response: serde::Serialize,
{
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Outcome::Decode(status, DecodeReason::NotJson, None);
    };
    let Value::Object(mut top) = value else {
        return Outcome::Decode(status, DecodeReason::NoEnvelope, None);
    };
    let response = match top.remove("Response") {
        Some(Value::Object(response)) => response,
        _ => {
            let id = non_empty_string(&top, "RequestId");
            return Outcome::Decode(status, DecodeReason::NoEnvelope, id);
        }
    };
    let request_id = non_empty_string(&response, "RequestId");
    if let Some(error) = response.get("Error") {
        return match error.get("Code").and_then(Value::as_str) {
            Some(code) => Outcome::Service(ServiceError::new(
                code,
                error.get("Message").and_then(Value::as_str).unwrap_or(""),
                request_id.unwrap_or_default(),
            )),
            None => Outcome::Decode(status, DecodeReason::MalformedError, request_id),
        };
    }
    match serde_json::from_value::<A::Response>(Value::Object(response)) {
        Ok(r) => Outcome::Ok(serde_json::to_value(&r).expect("a response serializes")),
        Err(_) => Outcome::Decode(status, DecodeReason::UnexpectedShape, request_id),
    }
}

/// What `decode_response::<A>` did return.
fn actual<A>(status: u16, body: &[u8]) -> Outcome
where
    A: Action,
    A::Response: serde::Serialize,
{
    match decode_response::<A>(status, body) {
        Ok(r) => Outcome::Ok(serde_json::to_value(&r).expect("a response serializes")),
        Err(Error::Service(e)) => Outcome::Service(e.service_error().clone()),
        Err(Error::Decode(d)) => Outcome::Decode(d.status, d.reason, d.request_id),
        Err(other) => panic!("decode_response returned an impossible error class: {other:?}"),
    }
}

/// Decodes one body as the answer of the action visited and compares it with the reference.
struct Compare<'a> {
    status: u16,
    body: &'a [u8],
}

impl ActionVisitor for Compare<'_> {
    type Output = Result<(), String>;

    fn visit<A>(self) -> Result<(), String>
    where
        A: Action + serde::de::DeserializeOwned + 'static,
        A::Response: serde::Serialize,
    {
        let want = expected::<A>(self.status, self.body);
        let got = actual::<A>(self.status, self.body);
        if got == want {
            Ok(())
        } else {
            Err(format!("{}: got {got:?}, expected {want:?}", A::NAME))
        }
    }
}

/// The full property, for every action of the crate.
fn check(status: u16, body: &[u8]) {
    let _record = FailureRecord::new("envelope", "json", body);
    for name in ACTION_NAMES {
        let compared = visit_action(name, Compare { status, body })
            .unwrap_or_else(|| panic!("ACTION_NAMES has {name}, visit_action does not"));
        if let Err(e) = compared {
            panic!(
                "HTTP {status}, body {:?}: {e}",
                String::from_utf8_lossy(body)
            );
        }
    }
}

/// The bodies mutations start from: every example response in the schema the crate was
/// generated from, and for every action the smallest success envelope.
fn base_responses() -> &'static [(String, Value)] {
    static BASE: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    BASE.get_or_init(|| {
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
        for name in ACTION_NAMES {
            out.push((
                format!("{name}: the smallest success"),
                serde_json::json!({"Response": {"RequestId": "6e2c5b1a-0000-4000-8000-000000000000"}}),
            ));
        }
        out
    })
}

/// Decodes `body` as the answer of the action named `name` (a wire name of the registry).
struct IsAnswer<'a>(&'a [u8]);

impl ActionVisitor for IsAnswer<'_> {
    type Output = bool;

    fn visit<A>(self) -> bool
    where
        A: Action + serde::de::DeserializeOwned + 'static,
        A::Response: serde::Serialize,
    {
        match decode_response::<A>(200, self.0) {
            Ok(_) => true,
            Err(Error::Service(_)) => true,
            Err(_) => false,
        }
    }
}

#[test]
fn every_action_of_the_registry_has_a_type_and_its_examples_decode() {
    assert!(!ACTION_NAMES.is_empty());
    let mut examples = 0;
    for name in ACTION_NAMES {
        let path = format!("schema/actions/{name}.json");
        let (_, text) = schema::FILES
            .iter()
            .find(|(p, _)| *p == path)
            .unwrap_or_else(|| panic!("{name} has no {path}"));
        let v: Value = serde_json::from_str(text).expect("json");
        for ex in v["examples"].as_array().into_iter().flatten() {
            let body = serde_json::to_vec(&ex["response"]).expect("json");
            let decoded = visit_action(name, IsAnswer(&body)).expect("a type for every name");
            assert!(decoded, "{path}: an example response does not decode");
            examples += 1;
        }
    }
    assert!(
        examples >= ACTION_NAMES.len(),
        "an example per action at least"
    );
}

#[test]
fn committed_seeds_replay() {
    for (_, body) in fuzz::seeds("envelope", 5) {
        for status in [200, 404, 502] {
            check(status, &body);
        }
    }
    for (_, v) in base_responses() {
        check(200, &serde_json::to_vec(v).expect("json"));
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
            Just("Message"),
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
        any::<usize>().prop_map(JsonEdit::CopyFrom),
        (
            prop_oneof![
                Just("Error".to_owned()),
                Just("Code".to_owned()),
                Just("Message".to_owned()),
                Just("RequestId".to_owned()),
                "[A-Za-z]{1,8}"
            ],
            json_value()
        )
            .prop_map(|(k, v)| JsonEdit::AddKey(k, v)),
        prop_oneof![
            Just("Error".to_owned()),
            Just("RequestId".to_owned()),
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
        base in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<usize>(), edit()), 1..6),
        truncate in prop::option::weighted(0.1, any::<prop::sample::Index>()),
    ) {
        let bases = base_responses();
        let (_, mut v) = bases[base.index(bases.len())].clone();
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
