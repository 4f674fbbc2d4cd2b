//! Fuzzing (proptest) of the schema loader `tencentcloud_schema::load` on mutated copies of
//! the committed schema: random JSON edits at random pointers (replace, delete, type
//! confusion, duplication, key renames, new keys), text truncation, dropped and extra files.
//! It must never panic, and every error must name one of the input files and carry a pointer
//! that is `""` or starts with `/` and, when the file is JSON, resolves in it (or in its
//! parent, for a missing key).
//!
//! Cases: `TC_FUZZ_CASES` (default 3,000); seed: `TC_FUZZ_SEED`. Seeds under
//! `fuzz/seeds/schema_load/` are replayed: each is `{"file": PATH, "text": TEXT}` or
//! `{"file": PATH, "pointer": P, "value": V}` (replace the value at P; `null` file drops it).

mod common;

use common::committed;
use proptest::prelude::*;
use serde_json::Value;
use tencentcloud_schema::{load, SchemaError, SourceFile};
use tencentcloud_test_support::fuzz::{self, apply, JsonEdit};

/// The property: no panic (a panic fails the test), and a well-formed error.
fn check(files: &[SourceFile]) {
    let Err(err) = load(files) else { return };
    check_error(files, &err);
}

fn check_error(files: &[SourceFile], err: &SchemaError) {
    let known = files.iter().any(|f| f.path == err.file)
        || err.file == "schema/service.json"
        || err.file == "schema/common-errors.json";
    assert!(known, "error names a file that is not an input: {err}");
    assert!(
        err.pointer.is_empty() || err.pointer.starts_with('/'),
        "pointer is not RFC 6901: {err}"
    );
    assert!(!err.message.is_empty(), "empty message: {err:?}");
    let Some(file) = files.iter().find(|f| f.path == err.file) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(&file.text) else {
        return;
    };
    // The pointer resolves, or (a missing key, an item that is absent) its parent does.
    let parent = err.pointer.rfind('/').map_or("", |i| &err.pointer[..i]);
    assert!(
        value.pointer(&err.pointer).is_some() || value.pointer(parent).is_some(),
        "pointer resolves neither to a value nor to its parent: {err}"
    );
}

#[test]
fn committed_schema_loads() {
    load(&committed()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn committed_seeds_replay() {
    for (path, bytes) in fuzz::seeds("schema_load", 5) {
        let seed: Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut files = committed();
        let target = seed["file"].as_str().expect("file").to_owned();
        if let Some(text) = seed["text"].as_str() {
            files.retain(|f| f.path != target);
            files.push(SourceFile {
                path: target,
                text: text.to_owned(),
            });
        } else if let Some(ptr) = seed["pointer"].as_str() {
            let f = files
                .iter_mut()
                .find(|f| f.path == target)
                .expect("seed names a committed file");
            let mut v: Value = serde_json::from_str(&f.text).expect("json");
            *v.pointer_mut(ptr).expect("seed pointer resolves") = seed["value"].clone();
            f.text = serde_json::to_string_pretty(&v).expect("json");
        } else {
            files.retain(|f| f.path != target);
        }
        check(&files);
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
        ".{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("String"),
            Just("Integer"),
            Just("Array of String"),
            Just("Array of Integer"),
            Just("BackupLimitVpcItem"),
            Just("Array of BackupLimitVpcItem"),
            Just("Boolean"),
            Just("Float"),
            Just("Unknown"),
            Just("Option"),
            Just("Request"),
            Just(""),
            Just("-"),
            Just("redis.{region}.tencentcloudapi.com"),
            Just("A.B"),
            Just("InternalError"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("name".to_owned()),
                        Just("type".to_owned()),
                        Just("values".to_owned()),
                        Just("value".to_owned()),
                        Just("enum_name".to_owned()),
                        Just("width".to_owned()),
                        Just("unit".to_owned()),
                        Just("description".to_owned()),
                        Just("required".to_owned()),
                        "[a-z_]{1,8}",
                    ],
                    inner
                ),
                0..4,
            )
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
        Just(JsonEdit::DuplicateInArray),
        any::<usize>().prop_map(JsonEdit::CopyFrom),
        ("[a-z_]{1,8}", json_value()).prop_map(|(k, v)| JsonEdit::AddKey(k, v)),
        prop_oneof![
            Just("name".to_owned()),
            Just("type".to_owned()),
            "[a-z_/~]{1,8}"
        ]
        .prop_map(JsonEdit::RenameKey),
    ]
}

#[derive(Debug, Clone)]
enum FileEdit {
    Json(usize, Vec<(usize, JsonEdit)>),
    Truncate(usize, usize),
    Drop(usize),
    Add(String, String),
}

fn file_edit() -> impl Strategy<Value = FileEdit> {
    prop_oneof![
        8 => (any::<usize>(), prop::collection::vec((any::<usize>(), edit()), 1..4))
            .prop_map(|(f, e)| FileEdit::Json(f, e)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(f, n)| FileEdit::Truncate(f, n)),
        1 => any::<usize>().prop_map(FileEdit::Drop),
        1 => (
            prop_oneof![
                Just("schema/types/Option.json".to_owned()),
                Just("schema/types/DescribeBackupUrlRequest.json".to_owned()),
                Just("schema/actions/X.json".to_owned()),
                Just("schema/actions/x-y.json".to_owned()),
                Just("schema/service.json".to_owned()),
                Just("schema/types/.json".to_owned()),
                Just("schema/actions/sub/X.json".to_owned()),
                "schema/[a-z/]{0,10}\\.json",
            ],
            prop_oneof![
                Just(r#"{"name":"Option","description":"x","members":[]}"#.to_owned()),
                Just(r#"{"name":"X","description":"x","members":[]}"#.to_owned()),
                Just("{}".to_owned()),
                Just("[]".to_owned()),
                ".{0,20}",
            ],
        ).prop_map(|(p, t)| FileEdit::Add(p, t)),
    ]
}

proptest! {
    #![proptest_config(fuzz::config(3000, 0x005c_4e3a, 4096))]

    #[test]
    fn mutated_schemas_never_panic_and_errors_locate(edits in prop::collection::vec(file_edit(), 1..4)) {
        thread_local! { static BASE: Vec<SourceFile> = committed(); }
        let mut files = BASE.with(Clone::clone);
        for e in &edits {
            if files.is_empty() { break; }
            let n = files.len();
            match e {
                FileEdit::Json(f, json_edits) => {
                    let file = &mut files[f % n];
                    let Ok(mut v) = serde_json::from_str::<Value>(&file.text) else { continue };
                    for (pick, je) in json_edits { apply(&mut v, *pick, je); }
                    file.text = serde_json::to_string_pretty(&v).unwrap();
                }
                FileEdit::Truncate(f, at) => {
                    let file = &mut files[f % n];
                    let mut cut = at % (file.text.len() + 1);
                    while !file.text.is_char_boundary(cut) { cut -= 1; }
                    file.text.truncate(cut);
                }
                FileEdit::Drop(f) => { files.remove(f % n); }
                FileEdit::Add(p, t) => files.push(SourceFile { path: p.clone(), text: t.clone() }),
            }
        }
        check(&files);
    }
}
