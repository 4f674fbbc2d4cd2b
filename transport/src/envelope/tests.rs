//! The one-pass decoder against the `Value` path it stands in for: on every body, the same
//! result, the same error (reason, RequestId, excerpt, serde_json message) and the same
//! RequestId found; and the one pass really is taken for success bodies.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::{Deserialize, Deserializer};

use super::{decode_via_value, decode_with_request_id, fast};
use crate::{Action, ServiceError, ServiceInfo};

static SERVICE: ServiceInfo = ServiceInfo {
    name: "test",
    version: "2020-01-01",
    default_host: "test.example.invalid",
    mainland_host: "test.example.invalid",
    regional_host: "test.{region}.example.invalid",
    region_required: false,
};

fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A string enum the way the generated code writes them: unknown values kept.
#[derive(Debug, PartialEq)]
enum Status {
    Done,
    Unknown(String),
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(if s == "done" {
            Status::Done
        } else {
            Status::Unknown(s)
        })
    }
}

/// Shaped like a generated response: defaults, nulls as defaults, nested structs, a string
/// enum, and members that take any JSON (`Value`, a map).
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Shaped {
    #[serde(rename = "DownloadUrl", default, deserialize_with = "null_as_default")]
    download_url: Vec<String>,
    #[serde(rename = "Infos", default, deserialize_with = "null_as_default")]
    infos: Vec<Info>,
    #[serde(rename = "Status", default)]
    status: Option<Status>,
    #[serde(rename = "Count", default)]
    count: Option<i64>,
    #[serde(rename = "Ratio", default)]
    ratio: Option<f64>,
    #[serde(rename = "Extra", default)]
    extra: Option<serde_json::Value>,
    #[serde(rename = "Tags", default)]
    tags: Option<BTreeMap<String, String>>,
    #[serde(rename = "RequestId", default, deserialize_with = "null_as_default")]
    request_id: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Info {
    #[serde(rename = "FileName", default)]
    file_name: Option<String>,
    #[serde(rename = "FileSize", default)]
    file_size: Option<i64>,
}

/// Two required members and no RequestId member: a struct that would also decode from a
/// two-element array.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Pair {
    #[serde(rename = "A")]
    a: String,
    #[serde(rename = "B")]
    b: Vec<u8>,
}

macro_rules! test_action {
    ($name:ident => $response:ty) => {
        #[derive(serde::Serialize)]
        struct $name;
        impl Action for $name {
            type Response = $response;
            type Error = ServiceError;
            const NAME: &'static str = stringify!($name);
            const SERVICE: &'static ServiceInfo = &SERVICE;
            const RATE_LIMIT_PER_SECOND: Option<u32> = None;
        }
    };
}

test_action!(GetShaped => Shaped);
test_action!(GetPair => Pair);
test_action!(GetValue => serde_json::Value);

/// The decoder's answer and the `Value` path's agree on `body`, for every test action.
fn assert_same(body: &[u8]) {
    fn one<A: Action>(body: &[u8])
    where
        A::Response: std::fmt::Debug,
    {
        let (mut fast_id, mut slow_id) = (Some("stale".to_owned()), Some("stale".to_owned()));
        let fast = format!("{:?}", decode_with_request_id::<A>(203, body, &mut fast_id));
        let slow = format!("{:?}", decode_via_value::<A>(203, body, &mut slow_id));
        let shown = String::from_utf8_lossy(body);
        assert_eq!(fast, slow, "{} on {shown:?}", A::NAME);
        assert_eq!(fast_id, slow_id, "{} on {shown:?}", A::NAME);
    }
    one::<GetShaped>(body);
    one::<GetPair>(body);
    one::<GetValue>(body);
}

fn takes_one_pass(body: &str) -> bool {
    fast::decode_success::<Shaped>(body.as_bytes()).is_some()
}

const SUCCESS: &str = r#"{"Response":{"DownloadUrl":["https://a.example/x.rdb?sign=q%3D1"],"Infos":[{"FileName":"x.rdb","FileSize":1264547,"New":{"k":[1,2.5,null]}}],"Status":"done","Count":-3,"Ratio":0.5,"Extra":{"a":[{"b":null}]},"Tags":{"k":"v"},"Unknown":"x","RequestId":"req-1"}}"#;

#[test]
fn success_bodies_take_the_one_pass_and_agree() {
    let bodies = [
        SUCCESS,
        r#" {"Other":[1,{"x":"y"}],"Response":{"RequestId":"r"},"More":null} "#,
        r#"{"Response":{"DownloadUrl":null,"Infos":null,"RequestId":null}}"#,
        r#"{"Response":{"RequestId":""}}"#,
        r#"{"Response":{}}"#,
        r#"{"Response":{"Re\u0071uestId":"escaped key","Status":"\u00e9t\u00e9"}}"#,
        r#"{"Response":{"Tags":{"k":"1","k":"2"},"Extra":{"d":1,"e":2,"d":3}}}"#,
        r#"{"Response":{"Unknown":1,"Unknown":[2]}}"#,
        r#"{"Response":{"Count":0,"Ratio":1e308,"Unknown":-1.5e-300}}"#,
    ];
    for body in bodies {
        assert!(takes_one_pass(body), "not decoded in one pass: {body}");
        assert_same(body.as_bytes());
    }
    let mut found = None;
    decode_with_request_id::<GetShaped>(200, SUCCESS.as_bytes(), &mut found).unwrap();
    assert_eq!(found.as_deref(), Some("req-1"));
}

/// Bodies the one pass must leave to the `Value` path: error envelopes, duplicates the
/// `Value` path resolves differently, sequence forms, and everything serde_json would skip
/// over without checking when a member is ignored.
#[test]
fn everything_else_falls_back_and_agrees() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let owned = [
        // Error envelopes, however the key is spelled or placed, whatever the value.
        r#"{"Response":{"Error":{"Code":"X","Message":"m"},"RequestId":"r"}}"#.to_owned(),
        r#"{"Response":{"RequestId":"r","DownloadUrl":[],"Error":{"Code":"X"}}}"#.to_owned(),
        r#"{"Response":{"Err\u006fr":{"Code":"X"},"RequestId":"r"}}"#.to_owned(),
        r#"{"Response":{"Error":null,"RequestId":"r"}}"#.to_owned(),
        r#"{"Response":{"Error":{"Code":7}}}"#.to_owned(),
        // Duplicates.
        r#"{"Response":{"RequestId":"a"},"Response":{"RequestId":"b"}}"#.to_owned(),
        r#"{"Response":[],"Response":{"RequestId":"b"}}"#.to_owned(),
        r#"{"Response":{"RequestId":"b"},"Response":1}"#.to_owned(),
        r#"{"Response":{"RequestId":"a","RequestId":"b"}}"#.to_owned(),
        r#"{"Response":{"Count":1,"Count":2}}"#.to_owned(),
        // Not objects.
        r#"{"Response":["x",[1]]}"#.to_owned(),
        r#"[{"RequestId":"r"}]"#.to_owned(),
        r#"{"Response":"x"}"#.to_owned(),
        r#"{"RequestId":"top"}"#.to_owned(),
        // Members of another type (`-0` is a float to serde_json).
        r#"{"Response":{"RequestId":5}}"#.to_owned(),
        r#"{"Response":{"Count":-0}}"#.to_owned(),
        // What skipping would let through, in an ignored member at three depths.
        r#"{"Response":{"Unknown":"\ud800"}}"#.to_owned(),
        r#"{"Response":{"Unknown":1e400}}"#.to_owned(),
        r#"{"Response":{"Infos":[{"New":-1e999}]}}"#.to_owned(),
        r#"{"Response":{"RequestId":"r"},"Top":"\udfff"}"#.to_owned(),
        format!(r#"{{"Response":{{"Unknown":{}}}}}"#, deep(200)),
        format!(r#"{{"Response":{{"Infos":[{{"New":{}}}]}}}}"#, deep(130)),
        format!(r#"{{"Response":{{}},"Top":{}}}"#, deep(128)),
        // Broken JSON after a good start.
        format!("{SUCCESS} x"),
        SUCCESS[..SUCCESS.len() - 1].to_owned(),
    ];
    for body in &owned {
        assert!(!takes_one_pass(body), "decoded in one pass: {body}");
        assert_same(body.as_bytes());
    }
    let mut invalid_utf8 = br#"{"Response":{"Unknown":"#.to_vec();
    invalid_utf8.extend_from_slice(b"\"\xff\xfe\"}}");
    assert!(fast::decode_success::<Shaped>(&invalid_utf8).is_none());
    assert_same(&invalid_utf8);
}

/// Nesting right at serde_json's recursion limit is accepted or refused by both alike.
#[test]
fn recursion_limit_is_counted_alike() {
    for depth in 120..=130 {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for body in [
            format!(r#"{{"Response":{{"Unknown":{nested}}}}}"#),
            format!(r#"{{"Response":{{"Extra":{nested}}}}}"#),
            format!(r#"{{"Response":{{"Infos":[{{"New":{nested}}}]}}}}"#),
            format!(r#"{{"Response":{{}},"Top":{nested}}}"#),
        ] {
            assert_same(body.as_bytes());
        }
    }
}

/// Member values as JSON text: every kind of value, and what only text can say (duplicate
/// members, lone surrogates, numbers out of range, escaped names).
const VALUES: &[&str] = &[
    "null",
    "true",
    "0",
    "-0",
    "-3",
    "1.5",
    "1e400",
    r#""""#,
    r#""done""#,
    r#""\ud800""#,
    r#""\u00e9t\u00e9""#,
    "[]",
    r#"[1,"x",null]"#,
    "{}",
    r#"{"Code":"X"}"#,
    r#"{"FileName":"f","FileSize":1}"#,
    r#"[{"FileSize":2,"New":[]}]"#,
    "[[[[]]]]",
    r#"{"a":"1","a":"2"}"#,
];

const NAMES: &[&str] = &[
    "Response",
    "Error",
    "Code",
    "RequestId",
    "Req\\u0075estId",
    "DownloadUrl",
    "Infos",
    "Status",
    "Count",
    "Ratio",
    "Extra",
    "Tags",
    "A",
    "B",
    "Unknown",
];

/// Random JSON text built from [`VALUES`] and objects and arrays of them, member names drawn
/// from [`NAMES`] and repeated at will.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(VALUES).prop_map(str::to_owned);
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((prop::sample::select(NAMES), inner), 0..6).prop_map(|members| {
                let members: Vec<String> = members
                    .iter()
                    .map(|(name, value)| format!("\"{name}\":{value}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// Text spliced into bodies: duplicates, escapes, and what skipping would not check.
const SPLICES: &[&str] = &[
    r#""Error":{"Code":"X"},"#,
    r#""RequestId":"dup","#,
    r#""Response":{},"#,
    r#""Unknown":"\ud800","#,
    r#""Unknown":1e400,"#,
    r#""Unknown":[[[[]]]],"#,
    r#""Count":1,"Count":2,"#,
    r#""Tags":{"a":"1","a":"2"},"#,
    "\"\u{e9}\\u00e9\":\"\\n\",",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_envelopes_agree(text in json_text(), wrap in any::<bool>()) {
        let body = if wrap { format!(r#"{{"Response":{text}}}"#) } else { text };
        assert_same(body.as_bytes());
    }

    #[test]
    fn spliced_bodies_agree(at in any::<prop::sample::Index>(), splice in 0..SPLICES.len()) {
        // Splice after any `{` of the realistic body, so that most results are still JSON.
        let opens: Vec<usize> = SUCCESS.match_indices('{').map(|(i, _)| i + 1).collect();
        let at = opens[at.index(opens.len())];
        let body = format!("{}{}{}", &SUCCESS[..at], SPLICES[splice], &SUCCESS[at..]);
        assert_same(body.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_agree(body in prop::collection::vec(any::<u8>(), 0..64)) {
        assert_same(&body);
    }
}
