//! Fuzzing (proptest) of the doc page importer `import::page::import_page`: line-level
//! mutations of the seed page (delete, duplicate, swap, shuffle a window, truncate) and
//! byte/character noise in table cells. It must never panic; it either imports an action the
//! page names, with the domain of its first line, or returns an error naming the page, a line
//! of it and what is wrong (see [`check`]).
//!
//! The seed page is `schema/pages/DescribeBackupUrl.txt`, kept beside the schema.
//! Cases: `TC_FUZZ_CASES` (default 2,000); seed: `TC_FUZZ_SEED`.
//! Seeds under `fuzz/seeds/import_page/` (whole page texts) are replayed; a failing page is
//! written in that format to `target/fuzz-failures/import_page/`.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tencentcloud_codegen::import::page::import_page;
use tencentcloud_codegen::schema::{load, read_schema_dir, Schema};
use tencentcloud_test_support::fuzz::{self, FailureRecord};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The seed page, kept beside the schema.
const PAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../schema/pages/DescribeBackupUrl.txt"
);

fn seed_page() -> String {
    let path = PAGE;
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the seed page {path}: {e}"))
}

fn schema() -> Schema {
    load(&read_schema_dir(&repo().join("schema")).expect("readable")).expect("valid")
}

/// The property: no panic; an import is of an action the page names, with the domain of its
/// first line; an error names the page, a line of it (`line N`, 1 ≤ N ≤ the page's line
/// count, or nothing for the whole page) and what is wrong.
fn check(schema: &Schema, text: &str) {
    let _record = FailureRecord::new("import_page", "txt", text.as_bytes());
    match import_page("fuzz.txt", text, schema) {
        Ok((action, facts)) => {
            assert!(!action.name.is_empty(), "an action without a name");
            assert!(
                text.contains(&action.name),
                "the action {} is not named on the page",
                action.name
            );
            let first = text.lines().next().unwrap_or("");
            let domain = first
                .strip_prefix("Domain name for API request: ")
                .map(|d| d.trim().trim_end_matches('.'));
            assert_eq!(
                domain,
                Some(facts.domain.as_str()),
                "the domain of {first:?}"
            );
        }
        Err(e) => {
            assert_eq!(e.source, "fuzz.txt", "the error names another page: {e}");
            assert!(!e.message.is_empty(), "an error without a message: {e}");
            if !e.location.is_empty() {
                let line = e
                    .location
                    .strip_prefix("line ")
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("a location that is not `line N`: {e}"));
                let lines = text.lines().count().max(1);
                assert!(
                    (1..=lines).contains(&line),
                    "line {line} of a page of {lines} lines: {e}"
                );
            }
        }
    }
}

#[test]
fn the_unmutated_seed_page_imports() {
    let schema = schema();
    let (action, _) = import_page("seed", &seed_page(), &schema).expect("seed imports");
    assert_eq!(action.name, "DescribeBackupUrl");
}

#[test]
fn committed_seeds_replay() {
    let schema = schema();
    for (_, bytes) in fuzz::seeds("import_page", 3) {
        check(&schema, &String::from_utf8_lossy(&bytes));
    }
}

#[derive(Debug, Clone)]
enum LineEdit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Reverse(usize, usize),
    Truncate(usize),
    /// Replace one tab-separated cell of a line (or the whole line) with noise.
    Cell(usize, usize, String),
    /// Insert a noise line.
    Insert(usize, String),
    /// Cut a line at a character.
    Cut(usize, usize),
}

fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\t".to_owned()),
        Just("Array of".to_owned()),
        Just("Array of Array of".to_owned()),
        Just("Yes".to_owned()),
        Just("No".to_owned()),
        Just("Integer".to_owned()),
        Just("String".to_owned()),
        Just("BackupLimitVpcItem".to_owned()),
        Just("Parameter Name\tRequired\tType\tDescription".to_owned()),
        Just("Parameter Name\tType\tDescription".to_owned()),
        Just("Valid values: ".to_owned()),
        Just("Note: This field may return null".to_owned()),
        Just("Error Code\tDescription".to_owned()),
        Just("Output Example".to_owned()),
        Just("{\"Response\":".to_owned()),
        Just("Domain name for API request: ".to_owned()),
        "\\PC{0,24}",
        prop::collection::vec(any::<u8>(), 0..24)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

fn line_edit() -> impl Strategy<Value = LineEdit> {
    let i = any::<usize>();
    prop_oneof![
        i.prop_map(LineEdit::Delete),
        i.prop_map(LineEdit::Duplicate),
        (i, any::<usize>()).prop_map(|(a, b)| LineEdit::Swap(a, b)),
        (i, 0usize..12).prop_map(|(a, n)| LineEdit::Reverse(a, n)),
        i.prop_map(LineEdit::Truncate),
        (i, 0usize..6, noise()).prop_map(|(a, c, s)| LineEdit::Cell(a, c, s)),
        (i, noise()).prop_map(|(a, s)| LineEdit::Insert(a, s)),
        (i, any::<usize>()).prop_map(|(a, c)| LineEdit::Cut(a, c)),
    ]
}

fn mutate(page: &str, edits: &[LineEdit]) -> String {
    let mut lines: Vec<String> = page.lines().map(str::to_owned).collect();
    for e in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match e {
            LineEdit::Delete(a) => {
                lines.remove(a % n);
            }
            LineEdit::Duplicate(a) => {
                let l = lines[a % n].clone();
                lines.insert(a % n, l);
            }
            LineEdit::Swap(a, b) => lines.swap(a % n, b % n),
            LineEdit::Reverse(a, k) => {
                let s = a % n;
                let e = (s + k).min(n);
                lines[s..e].reverse();
            }
            LineEdit::Truncate(a) => lines.truncate(a % (n + 1)),
            LineEdit::Cell(a, c, s) => {
                let mut cells: Vec<String> = lines[a % n].split('\t').map(str::to_owned).collect();
                let k = c % cells.len();
                cells[k] = s.clone();
                lines[a % n] = cells.join("\t");
            }
            LineEdit::Insert(a, s) => lines.insert(a % (n + 1), s.clone()),
            LineEdit::Cut(a, c) => {
                let l = &lines[a % n];
                let cut: String = l.chars().take(c % (l.chars().count() + 1)).collect();
                lines[a % n] = cut;
            }
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(fuzz::config(2000, 0x0d0c_9a9e, 2048))]

    #[test]
    fn mutated_seed_pages_never_panic(edits in prop::collection::vec(line_edit(), 1..8)) {
        thread_local! {
            static FIXTURE: (Schema, String) = (schema(), seed_page());
        }
        FIXTURE.with(|(schema, page)| check(schema, &mutate(page, &edits)));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        thread_local! { static SCHEMA: Schema = schema(); }
        SCHEMA.with(|schema| {
            check(schema, &text);
            check(schema, &format!("Domain name for API request: x.\n{text}"));
        });
    }
}
