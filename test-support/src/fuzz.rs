//! The common parts of the workspace's fuzz tests (proptest).
//!
//! Every fuzz test runs `TC_FUZZ_CASES` cases (a default of its own) from the seed
//! `TC_FUZZ_SEED` (a fixed default of its own), and replays the committed seeds under
//! `fuzz/seeds/<name>/` on every run. A failing case is written, in the format of its
//! target's committed seeds, under `TC_FUZZ_FAILURES` (default `target/fuzz-failures`), so
//! that it can be committed as a regression seed once fixed ([`FailureRecord`]).

use std::path::{Path, PathBuf};

use proptest::test_runner::{Config, RngSeed};
use serde_json::Value;

/// The value of the environment variable `key` as a number, when it is set and is one.
pub fn env_u64(key: &str) -> Option<u64> {
    std::env::var(key).ok().and_then(|s| s.parse().ok())
}

/// The proptest configuration of a fuzz test: `TC_FUZZ_CASES` cases (else `default_cases`)
/// from the fixed seed `TC_FUZZ_SEED` (else `default_seed`), no failure persistence, and up
/// to `max_shrink_iters` shrinking steps.
pub fn config(default_cases: u32, default_seed: u64, max_shrink_iters: u32) -> Config {
    Config {
        cases: env_u64("TC_FUZZ_CASES").map_or(default_cases, |c| c as u32),
        rng_seed: RngSeed::Fixed(env_u64("TC_FUZZ_SEED").unwrap_or(default_seed)),
        failure_persistence: None,
        max_shrink_iters,
        ..Config::default()
    }
}

/// The folder of the committed seeds `fuzz/seeds/<name>` of the repository.
pub fn seed_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(name)
}

/// Every committed seed under `fuzz/seeds/<name>`: its path and its bytes. Panics when the
/// folder or a file cannot be read, or when there are fewer than `at_least` seeds.
pub fn seeds(name: &str, at_least: usize) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = seed_dir(name);
    let seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fuzz/seeds/{name} exists ({}): {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("seed {} readable: {e}", path.display()));
            (path, bytes)
        })
        .collect();
    assert!(
        seeds.len() >= at_least,
        "expected committed seeds in {}",
        dir.display()
    );
    seeds
}

/// The folder failing cases are written to: `TC_FUZZ_FAILURES`, else `target/fuzz-failures`
/// of the repository.
pub fn failure_dir() -> PathBuf {
    match std::env::var_os("TC_FUZZ_FAILURES") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures"),
    }
}

/// Writes `bytes`, a failing case of the fuzz target `name` in the format of its committed
/// seeds, to `<failure_dir>/<name>/<file>`; returns the path written, or `None` (with a
/// note on stderr) when it could not be written.
pub fn save_failure(name: &str, file: &str, bytes: &[u8]) -> Option<PathBuf> {
    let dir = failure_dir().join(name);
    let path = dir.join(file);
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, bytes)) {
        Ok(()) => Some(path),
        Err(e) => {
            eprintln!("could not save the failing case to {}: {e}", path.display());
            None
        }
    }
}

/// Records one case of a proptest property: when the thread panics while the record is alive
/// (the property failed), the case is written with [`save_failure`] as
/// `<name>/<test>.<ext>`, `<test>` being the name of the test thread. proptest calls the
/// property again for every shrinking step, so the file left is the smallest failing case,
/// the one proptest reports. (Nothing is printed: `scripts/fuzz` lists the files left.)
pub struct FailureRecord<'a> {
    name: &'a str,
    ext: &'a str,
    bytes: &'a [u8],
}

impl<'a> FailureRecord<'a> {
    /// A record of the case `bytes` (in the seed format of the target `name`, with the file
    /// extension `ext` its seeds use).
    pub fn new(name: &'a str, ext: &'a str, bytes: &'a [u8]) -> Self {
        Self { name, ext, bytes }
    }
}

impl Drop for FailureRecord<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let thread = std::thread::current();
        let test = thread
            .name()
            .unwrap_or("case")
            .rsplit("::")
            .next()
            .unwrap_or("case")
            .to_owned();
        // Quietly: shrinking fails many times over; scripts/fuzz lists what is left.
        let _ = save_failure(self.name, &format!("{test}.{}", self.ext), self.bytes);
    }
}

/// Every JSON pointer of `v` below `at` (`at` itself, last, included): with `at` = `""`,
/// every node of `v`, the root last.
pub fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                )
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out)
            }
        }
        _ => {}
    }
    out.push(at);
}

/// One change of a JSON value at one of its nodes. Each fuzz test draws the kinds it wants
/// with a strategy of its own.
#[derive(Debug, Clone)]
pub enum JsonEdit {
    /// The node becomes this value.
    Replace(Value),
    /// The node is removed from its object or array (the root becomes `null`).
    Delete,
    /// The node becomes a string of its JSON text.
    ToString,
    /// The node becomes this number.
    ToNumber(i64),
    /// The node becomes a one-item array holding it.
    WrapInArray,
    /// The node becomes a one-key object holding it under this key.
    WrapInObject(String),
    /// An array node gets a copy of its first item appended.
    DuplicateInArray,
    /// The node becomes a copy of another node (picked, like the node, modulo their count).
    CopyFrom(usize),
    /// An object node gets this key (replacing one of the same name).
    AddKey(String, Value),
    /// The node moves to this key of its object (removed from an array, like `Delete`).
    RenameKey(String),
}

/// Applies `edit` to the node of `root` numbered `pick` (modulo the number of nodes, in the
/// order of [`pointers`]). Edits that do not fit the node (a key added to a string) do
/// nothing.
pub fn apply(root: &mut Value, pick: usize, edit: &JsonEdit) {
    let mut all = Vec::new();
    pointers(root, String::new(), &mut all);
    let target = all[pick % all.len()].clone();
    match edit {
        JsonEdit::Delete | JsonEdit::RenameKey(_) => {
            let Some(i) = target.rfind('/') else {
                *root = Value::Null;
                return;
            };
            let last = target[i + 1..].replace("~1", "/").replace("~0", "~");
            // The parent of a node is a node: it always resolves.
            let Some(parent) = root.pointer_mut(&target[..i]) else {
                return;
            };
            let removed = match parent {
                Value::Object(m) => m.shift_remove(&last),
                Value::Array(a) => last
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < a.len())
                    .map(|i| a.remove(i)),
                _ => None,
            };
            if let (JsonEdit::RenameKey(k), Some(v), Value::Object(m)) = (edit, removed, parent) {
                m.insert(k.clone(), v);
            }
        }
        JsonEdit::CopyFrom(other) => {
            let src = &all[other % all.len()];
            let Some(v) = root.pointer(src).cloned() else {
                return;
            };
            if let Some(node) = root.pointer_mut(&target) {
                *node = v;
            }
        }
        _ => {
            let Some(node) = root.pointer_mut(&target) else {
                return;
            };
            match edit {
                JsonEdit::Replace(v) => *node = v.clone(),
                JsonEdit::ToString => *node = Value::String(node.to_string()),
                JsonEdit::ToNumber(n) => *node = Value::from(*n),
                JsonEdit::WrapInArray => *node = Value::Array(vec![node.take()]),
                JsonEdit::WrapInObject(k) => {
                    let inner = node.take();
                    *node = serde_json::json!({ k: inner });
                }
                JsonEdit::DuplicateInArray => {
                    if let Value::Array(a) = node {
                        if let Some(first) = a.first().cloned() {
                            a.push(first);
                        }
                    }
                }
                JsonEdit::AddKey(k, v) => {
                    if let Value::Object(m) = node {
                        m.insert(k.clone(), v.clone());
                    }
                }
                JsonEdit::Delete | JsonEdit::RenameKey(_) | JsonEdit::CopyFrom(_) => {
                    unreachable!()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pointer_of(v: &Value, node: &str) -> usize {
        let mut all = Vec::new();
        pointers(v, String::new(), &mut all);
        all.iter().position(|p| p == node).expect("a node")
    }

    #[test]
    fn pointers_escape_and_end_with_the_root() {
        let mut all = Vec::new();
        pointers(&json!({"a/b": [1], "~": 2}), String::new(), &mut all);
        assert_eq!(all, ["/a~1b/0", "/a~1b", "/~0", ""]);
    }

    #[test]
    fn edits_change_the_picked_node() {
        let base = json!({"a": [1, 2], "b": {"c": "x"}, "d/e": 3});
        let cases = [
            (
                JsonEdit::Delete,
                "/a/0",
                json!({"a": [2], "b": {"c": "x"}, "d/e": 3}),
            ),
            (
                JsonEdit::Delete,
                "/d~1e",
                json!({"a": [1, 2], "b": {"c": "x"}}),
            ),
            (JsonEdit::Delete, "", Value::Null),
            (
                JsonEdit::RenameKey("z".into()),
                "/b",
                json!({"a": [1, 2], "d/e": 3, "z": {"c": "x"}}),
            ),
            (
                JsonEdit::ToString,
                "/a",
                json!({"a": "[1,2]", "b": {"c": "x"}, "d/e": 3}),
            ),
            (
                JsonEdit::ToNumber(7),
                "/b/c",
                json!({"a": [1, 2], "b": {"c": 7}, "d/e": 3}),
            ),
            (
                JsonEdit::WrapInArray,
                "/d~1e",
                json!({"a": [1, 2], "b": {"c": "x"}, "d/e": [3]}),
            ),
            (
                JsonEdit::WrapInObject("k".into()),
                "/b/c",
                json!({"a": [1, 2], "b": {"c": {"k": "x"}}, "d/e": 3}),
            ),
            (
                JsonEdit::DuplicateInArray,
                "/a",
                json!({"a": [1, 2, 1], "b": {"c": "x"}, "d/e": 3}),
            ),
            (
                JsonEdit::AddKey("n".into(), json!(null)),
                "/b",
                json!({"a": [1, 2], "b": {"c": "x", "n": null}, "d/e": 3}),
            ),
            (
                JsonEdit::AddKey("n".into(), json!(null)),
                "/a/1",
                base.clone(),
            ),
            (
                JsonEdit::Replace(json!(false)),
                "/a/1",
                json!({"a": [1, false], "b": {"c": "x"}, "d/e": 3}),
            ),
        ];
        for (edit, node, want) in cases {
            let mut v = base.clone();
            apply(&mut v, pointer_of(&base, node), &edit);
            assert_eq!(v, want, "{edit:?} at {node:?}");
        }
        // CopyFrom: the other node is picked like the target.
        let mut v = base.clone();
        apply(
            &mut v,
            pointer_of(&base, "/a/0"),
            &JsonEdit::CopyFrom(pointer_of(&base, "/b")),
        );
        assert_eq!(v, json!({"a": [{"c": "x"}, 2], "b": {"c": "x"}, "d/e": 3}));
    }
}
