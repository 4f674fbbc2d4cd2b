//! The generator on the whole Redis API: import every action and data type of the official
//! CLI's spec (PyPI `tccli-intl-en`, extracted into `.cache/tccli-spec/` by
//! `scripts/install-test-deps`)
//! into a temporary schema, generate, compile the result in a throwaway crate with warnings
//! denied, and round-trip every documented example through the generated types.
//!
//! Nothing from the vendor spec is committed; broken vendor examples are corrected by the
//! named fixups in `schema/fixups/vendor-examples.json`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use tencentcloud_codegen::import::fixups;
use tencentcloud_codegen::schema::flat;
use tencentcloud_codegen::schema::read_schema_dir;
use tencentcloud_codegen::sync::{sync, SyncInput};
use tencentcloud_codegen::{render, Options};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Redis spec extracted from the tccli-intl-en wheel by `scripts/install-test-deps`, or
/// `TC_TCCLI_SPEC_DIR`.
fn spec_dir() -> PathBuf {
    let dir = std::env::var_os("TC_TCCLI_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache/tccli-spec"));
    assert!(
        dir.join("api.json").is_file() && dir.join("examples.json").is_file(),
        "the official CLI's Redis spec (api.json, examples.json from PyPI tccli-intl-en) is not in \
         {}; run scripts/install-test-deps (or scripts/test), or set TC_TCCLI_SPEC_DIR",
        dir.display()
    );
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The parameters of a documented GET example (`https://host/?Action=X&A=1&<Common request
/// parameters>`), percent-decoded, without the common parameters; `None` for a POST example.
fn documented_query_pairs(input: &str) -> Option<Vec<(String, String)>> {
    if input.trim_start().starts_with("POST") {
        return None;
    }
    let query: String = input.split_once('?')?.1.lines().map(str::trim).collect();
    Some(
        query
            .split('&')
            .filter(|part| !part.is_empty() && !part.starts_with('<'))
            .map(|part| part.split_once('=').unwrap_or((part, "")))
            .filter(|(key, _)| !matches!(*key, "Action" | "Version" | "Region"))
            .map(|(key, value)| {
                let decode = |text| flat::percent_decode(text).expect("valid percent-encoding");
                (decode(key), decode(value))
            })
            .collect(),
    )
}

/// A Rust string literal holding `text`.
fn literal(text: &str) -> String {
    format!("r#####\"{text}\"#####")
}

#[test]
fn whole_redis_api_generates_compiles_and_round_trips_every_example() {
    let spec = spec_dir();
    let work = tempfile::tempdir().expect("temp dir");
    let schema_dir = work.path().join("schema");
    std::fs::create_dir_all(&schema_dir).expect("mkdir");
    for file in ["service.json", "common-errors.json"] {
        std::fs::copy(repo().join("schema").join(file), schema_dir.join(file)).expect("copy");
    }

    // Import everything.
    let fixups_label = "schema/fixups/vendor-examples.json";
    let example_fixups =
        fixups::parse_example_fixups(fixups_label, &read(&repo().join(fixups_label)))
            .expect("fixups parse");
    let bare = read_schema_dir(&schema_dir).expect("readable");
    let synced = sync(SyncInput {
        schema: &bare,
        api_json: ("api.json", &read(&spec.join("api.json"))),
        examples: Some(("examples.json", &read(&spec.join("examples.json")))),
        example_fixups: Some((fixups_label, &example_fixups)),
        source: "tccli-intl-en",
    })
    .unwrap_or_else(|e| panic!("sync failed: {e}"));
    assert!(
        synced.report.problems.is_empty(),
        "open problems in the vendor examples: {:?}",
        synced.report.problems
    );
    let schema = synced.schema;
    let source = render(&schema, &Options::default()).unwrap_or_else(|e| panic!("render: {e}"));

    // The throwaway crate: the binding as its library, a generated round-trip test.
    let krate = work.path().join("whole");
    std::fs::create_dir_all(krate.join("src")).expect("mkdir");
    std::fs::create_dir_all(krate.join("tests")).expect("mkdir");
    std::fs::write(
        krate.join("src/lib.rs"),
        format!("#![deny(missing_docs)]\n//! Whole Redis API (test).\n\n{source}"),
    )
    .expect("write lib");
    let transport = repo().join("transport");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"whole-redis-api\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ntencentcloud-transport = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
             serde_json = {{ version = \"1\", features = [\"preserve_order\"] }}\n\n\
             [features]\ndefault = [\"serde-serialize\", \"serde-deserialize\"]\nserde-serialize = []\nserde-deserialize = []\n\n[workspace]\n",
            transport.display().to_string()
        ),
    )
    .expect("write manifest");
    // Same dependency versions as the workspace, and no network.
    std::fs::copy(repo().join("Cargo.lock"), krate.join("Cargo.lock")).expect("copy lock");

    // The query strings of the GET examples, as documented: the typed requests must encode
    // back to the same parameters.
    let mut vendor_examples: serde_json::Value =
        serde_json::from_str(&read(&spec.join("examples.json"))).expect("examples.json");
    fixups::apply_example_fixups(fixups_label, &example_fixups, &mut vendor_examples)
        .expect("fixups apply");

    let mut cases = String::new();
    let (mut example_count, mut query_count) = (0, 0);
    for action in &schema.actions {
        for (i, example) in action.examples.iter().enumerate() {
            example_count += 1;
            let input = vendor_examples
                .pointer(&format!("/actions/{}/{i}/input", action.name))
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            let query = documented_query_pairs(input);
            if query.is_some() {
                query_count += 1;
            }
            writeln!(
                cases,
                "    (\"{name}/{i}\", check::<whole_redis_api::{name}Request, whole_redis_api::{name}Response>, {req}, {resp}, {query}),",
                name = action.name,
                req = literal(&example.request.to_string()),
                resp = literal(&example.response.to_string()),
                query = match query {
                    Some(pairs) => format!(
                        "Some(&[{}])",
                        pairs.iter().map(|(k, v)| format!("({}, {})", literal(k), literal(v))).collect::<Vec<_>>().join(", ")
                    ),
                    None => "None".to_owned(),
                },
            )
            .expect("write");
        }
    }
    let harness = format!(
        r#####"//! Every documented example through the generated types.
use serde_json::Value;

type Pairs = &'static [(&'static str, &'static str)];
type Check = fn(&str, &str, Option<Pairs>) -> Result<(), String>;

/// Drops nulls and empty lists, which the generated types treat as "absent".
fn normalize(value: &Value) -> Value {{
    match value {{
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && !matches!(v, Value::Array(a) if a.is_empty()))
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Number(n) if n.is_f64() => n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| Value::from(f as i64)).unwrap_or_else(|| value.clone()),
        other => other.clone(),
    }}
}}

fn check<Req, Resp>(request: &str, response: &str, query: Option<Pairs>) -> Result<(), String>
where
    Req: serde::de::DeserializeOwned + serde::Serialize,
    Resp: serde::de::DeserializeOwned + serde::Serialize,
{{
    let original: Value = serde_json::from_str(request).map_err(|e| e.to_string())?;
    let typed: Req = serde_json::from_value(original.clone()).map_err(|e| format!("request decode: {{e}}"))?;
    let again = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if normalize(&again) != normalize(&original) {{
        return Err(format!("request changed: {{original}} -> {{again}}"));
    }}
    if let Some(documented) = query {{
        // The flattened GET form of the typed request carries exactly the documented
        // parameters (order aside: the docs list them freely).
        let mut sent = tencentcloud_transport::query::to_pairs(&again);
        let mut expected: Vec<(String, String)> =
            documented.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        sent.sort();
        expected.sort();
        if sent != expected {{
            return Err(format!("query form differs: documented {{expected:?}}, encoded {{sent:?}}"));
        }}
    }}
    let envelope: Value = serde_json::from_str(response).map_err(|e| e.to_string())?;
    let body = envelope.get("Response").cloned().ok_or("no Response object")?;
    let typed: Resp = serde_json::from_value(body.clone()).map_err(|e| format!("response decode: {{e}}"))?;
    let again = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if normalize(&again) != normalize(&body) {{
        return Err(format!("response changed:\n  {{body}}\n  {{again}}"));
    }}
    Ok(())
}}

const CASES: &[(&str, Check, &str, &str, Option<Pairs>)] = &[
{cases}];

#[test]
fn every_example_round_trips() {{
    let mut failures = Vec::new();
    for (name, check, request, response, query) in CASES {{
        if let Err(e) = check(request, response, *query) {{
            failures.push(format!("{{name}}: {{e}}"));
        }}
    }}
    println!("examples passed: {{}} of {{}}", CASES.len() - failures.len(), CASES.len());
    assert!(failures.is_empty(), "{{}} examples failed:\n{{}}", failures.len(), failures.join("\n"));
}}
"#####
    );
    std::fs::write(krate.join("tests/examples.rs"), harness).expect("write harness");

    let target = repo().join("target/whole-api");
    let output = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet", "--", "--nocapture"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!(
        "whole Redis API: {} actions, {} data types, {} examples ({} query strings, each also re-encoded to its query form)",
        schema.actions.len(),
        schema.types.len(),
        example_count,
        query_count
    );
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the throwaway crate failed (kept at {} for inspection):\n{stderr}\n{stdout}",
        work.keep().display()
    );
    assert!(
        stdout.contains(&format!(
            "examples passed: {example_count} of {example_count}"
        )),
        "{stdout}"
    );
    assert!(
        schema.actions.len() >= 100,
        "expected the whole API, got {} actions",
        schema.actions.len()
    );
}
