//! The committed `generated/` must be exactly the formatted rendering of `schema/`, file for
//! file, and `build.rs` must have compiled the same binding (its unformatted rendering), so
//! every change of the binding shows up as a reviewable diff.
//!
//! To accept a change: `TC_BLESS=1 cargo test --test generated_is_current`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tencentcloud_codegen::schema::{load, read_schema_dir};
use tencentcloud_codegen::{render_files, Format, GeneratedFile, Options};

/// What build.rs wrote for the crate root; the module files sit beside it.
const BUILT_ROOT: &str = include_str!(concat!(env!("OUT_DIR"), "/redis.rs"));

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rendered(format: Format) -> Vec<GeneratedFile> {
    let files = read_schema_dir(&repo().join("schema")).expect("schema reads");
    let schema = load(&files).expect("schema loads");
    let options = Options {
        crate_name: Some("tencentcloud_redis".to_owned()),
    };
    render_files(&schema, &options, format).expect("renders")
}

/// Every `.rs` file under `dir`, relative to it.
fn committed_paths(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(dir).expect("under dir");
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn build_rs_compiled_the_binding_of_the_schema() {
    let tokens = rendered(Format::Tokens);
    let out_dir = Path::new(env!("OUT_DIR"));
    for file in &tokens {
        let built = std::fs::read_to_string(out_dir.join(&file.path))
            .unwrap_or_else(|e| panic!("build.rs did not write {}: {e}", file.path));
        assert!(
            built == file.contents,
            "{} in OUT_DIR is not the rendering of schema/: build.rs and this test disagree",
            file.path
        );
    }
    assert_eq!(tokens[0].contents, BUILT_ROOT);
}

#[test]
fn committed_generated_code_matches_the_schema() {
    let dir = repo().join("generated");
    let files = rendered(Format::Pretty);
    if std::env::var_os("TC_BLESS").is_some() {
        let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for stale in committed_paths(&dir) {
            if !expected.contains(stale.as_str()) {
                std::fs::remove_file(dir.join(&stale)).expect("remove a stale file");
            }
        }
        for file in &files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
            std::fs::write(&path, &file.contents).expect("write generated file");
        }
        return;
    }
    let mut problems = Vec::new();
    let expected: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for extra in committed_paths(&dir) {
        if !expected.contains(extra.as_str()) {
            problems.push(format!(
                "generated/{extra} is committed but not generated any more"
            ));
        }
    }
    for file in &files {
        let committed = std::fs::read_to_string(dir.join(&file.path)).unwrap_or_default();
        if committed != file.contents {
            let line = committed
                .lines()
                .zip(file.contents.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || committed.lines().count().min(file.contents.lines().count()) + 1,
                    |i| i + 1,
                );
            problems.push(format!(
                "generated/{} is stale: it first differs at line {line} ({} committed lines, {} \
                 generated)",
                file.path,
                committed.lines().count(),
                file.contents.lines().count()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nReview the change, then bless it with: TC_BLESS=1 cargo test --test \
         generated_is_current",
        problems.join("\n")
    );
}
