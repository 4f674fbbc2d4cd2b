//! `schema/` holds the whole Redis API of the vendor spec the test command installs (PyPI
//! `tccli-intl-en`, unpacked into `.cache/tccli-spec/` by `scripts/install-test-deps`, or
//! `TC_TCCLI_SPEC_DIR`): every action, data type and member, with the spec's facts. The check
//! is a sync of the committed schema with that spec, which must find nothing to change.

use std::path::PathBuf;

use serde_json::Value;
use tencentcloud_codegen::import::fixups::parse_example_fixups;
use tencentcloud_codegen::schema::read_schema_dir;
use tencentcloud_codegen::sync::{sync, SyncInput};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); scripts/install-test-deps (or scripts/test) unpacks the \
             official CLI's spec there, or set TC_TCCLI_SPEC_DIR",
            path.display()
        )
    })
}

#[test]
fn the_schema_is_the_installed_spec_nothing_missing_nothing_stale() {
    let spec = std::env::var_os("TC_TCCLI_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache/tccli-spec"));
    let api_json = read(&spec.join("api.json"));
    let examples = read(&spec.join("examples.json"));
    let files = read_schema_dir(&repo().join("schema")).expect("the schema reads");
    let fixups_label = "schema/fixups/vendor-examples.json";
    let fixups = parse_example_fixups(fixups_label, &read(&repo().join(fixups_label)))
        .expect("the fixups parse");
    let synced = sync(SyncInput {
        schema: &files,
        api_json: ("api.json", &api_json),
        examples: Some(("examples.json", &examples)),
        example_fixups: Some((fixups_label, &fixups)),
        source: "tccli-intl-en 3.1.193.1",
    })
    .unwrap_or_else(|e| panic!("sync: {e}"));
    let changes: Vec<String> = synced
        .report
        .changes
        .iter()
        .map(|c| format!("{} ({:?}, {:?})", c.path, c.kind, c.semver))
        .collect();
    assert!(
        changes.is_empty() && synced.files.is_empty(),
        "schema/ differs from the installed spec in {} place(s); run tc-codegen sync (README, \
         \"When the docs change\"):\n{}",
        changes.len(),
        changes.join("\n")
    );

    // And directly: every action and data type of the spec is a schema file.
    let spec: Value = serde_json::from_str(&api_json).expect("api.json is JSON");
    let present = |folder: &str, name: &str| {
        files
            .iter()
            .any(|f| f.path == format!("schema/{folder}/{name}.json"))
    };
    let actions = spec["actions"].as_object().expect("actions");
    let missing: Vec<&String> = actions.keys().filter(|a| !present("actions", a)).collect();
    assert!(
        missing.is_empty(),
        "actions missing from schema/: {missing:?}"
    );
    assert_eq!(actions.len(), 123);
    let objects = spec["objects"].as_object().expect("objects");
    let missing_types: Vec<&String> = objects
        .keys()
        .filter(|o| !o.ends_with("Request") && !o.ends_with("Response"))
        .filter(|o| !present("types", o))
        .collect();
    assert!(
        missing_types.is_empty(),
        "data types missing from schema/: {missing_types:?}"
    );
}
