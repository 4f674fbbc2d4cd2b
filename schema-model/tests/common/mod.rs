//! Helpers shared by the schema crate's integration tests: the committed schema as the
//! loader's input, one-place edits of it, and the check that a broken schema is rejected with
//! the right file, pointer and words.

#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;
use tencentcloud_schema::{load, read_schema_dir, SchemaError, SourceFile};

pub const ACTION: &str = "schema/actions/DescribeBackupUrl.json";
pub const VPC_ITEM: &str = "schema/types/BackupLimitVpcItem.json";
pub const SERVICE: &str = "schema/service.json";
pub const COMMON: &str = "schema/common-errors.json";

/// The committed schema, the valid starting point every case breaks in one place: sorted by
/// label, labels relative to the repository root (`schema/...`), as build.rs produces them.
pub fn committed() -> Vec<SourceFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    let mut files = read_schema_dir(&dir).expect("the committed schema is readable");
    for f in &files {
        assert!(f.path.starts_with("schema/"), "unexpected label {}", f.path);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The committed schema with the JSON of the file labelled `path` changed by `edit`.
pub fn with_json(path: &str, edit: impl FnOnce(&mut Value)) -> Vec<SourceFile> {
    let mut files = committed();
    let file = files
        .iter_mut()
        .find(|f| f.path == path)
        .expect("file exists");
    let mut value: Value = serde_json::from_str(&file.text).expect("committed file is JSON");
    edit(&mut value);
    file.text = serde_json::to_string_pretty(&value).expect("serializable");
    files
}

/// The committed schema with the file labelled `path` holding `text` (added, or replacing
/// the committed one).
pub fn with_text(path: &str, text: &str) -> Vec<SourceFile> {
    let mut files = committed();
    files.retain(|f| f.path != path);
    files.push(SourceFile {
        path: path.to_owned(),
        text: text.to_owned(),
    });
    files
}

/// `load` rejects `files` with an error at `file` and `pointer` whose display leads with the
/// file, shows the pointer and contains every one of `words`.
#[track_caller]
pub fn expect_error(
    files: Vec<SourceFile>,
    file: &str,
    pointer: &str,
    words: &[&str],
) -> SchemaError {
    let Err(err) = load(&files) else {
        panic!("the broken schema must be rejected (expected an error at {file} {pointer})");
    };
    assert_eq!(err.file, file, "wrong file in: {err}");
    assert_eq!(err.pointer, pointer, "wrong pointer in: {err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{file} at ")),
        "display must lead with the file: {shown}"
    );
    assert!(
        shown.contains(if pointer.is_empty() { "/" } else { pointer }),
        "display must show the pointer: {shown}"
    );
    for w in words {
        assert!(shown.contains(w), "expected {w:?} in: {shown}");
    }
    err
}
