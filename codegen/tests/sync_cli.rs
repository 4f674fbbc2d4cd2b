//! The `tc-codegen sync` command: --check and --dry-run write nothing, the exit codes, the JSON
//! report, the CHANGELOG section, the provenance of what was synced.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_tc-codegen");

fn spec(with_zone: bool) -> String {
    let mut request =
        vec![json!({"name": "InstanceId", "type": "string", "member": "string", "required": true})];
    if with_zone {
        request.push(json!({"name": "Zone", "type": "string", "member": "string"}));
    }
    json!({
        "metadata": {"apiVersion": "2018-04-12"},
        "actions": {"Ping": {"input": "PingRequest", "output": "PingResponse"}},
        "objects": {
            "PingRequest": {"members": request},
            "PingResponse": {"members": [{"name": "RequestId", "type": "string", "member": "string"}]},
        },
    })
    .to_string()
}

/// A repository folder with the committed service and common errors, and a spec beside it.
fn repo(dir: &Path, with_zone: bool) {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    for file in ["service.json", "common-errors.json"] {
        std::fs::copy(committed.join(file), dir.join("schema").join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::write(dir.join("spec/api.json"), spec(with_zone)).unwrap();
    std::fs::write(
        dir.join("spec/SOURCE"),
        "tccli_intl_en-9.8.7.1-py2.py3-none-any.whl\n",
    )
    .unwrap();
}

fn tc(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tc-codegen runs")
}

fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.push((
            entry.strip_prefix(dir).unwrap().display().to_string(),
            std::fs::read_to_string(&entry).unwrap(),
        ));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn check_dry_run_sync_and_check_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo(d, false);
    let sync = ["sync", "--api-json", "spec/api.json"];
    let before = snapshot(d);

    let check = tc(d, &[&sync[..], &["--check"]].concat());
    assert_eq!(check.status.code(), Some(1), "stale schema: exit 1");
    assert!(String::from_utf8_lossy(&check.stdout).contains("minor  Ping: added"));
    let dry = tc(d, &[&sync[..], &["--dry-run"]].concat());
    assert_eq!(dry.status.code(), Some(0));
    assert_eq!(snapshot(d), before, "--check and --dry-run write nothing");

    let run = tc(d, &sync);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let action = std::fs::read_to_string(d.join("schema/actions/Ping.json")).unwrap();
    let service = std::fs::read_to_string(d.join("schema/service.json")).unwrap();
    assert!(
        service.contains("\"synced\": \"tccli-intl-en 9.8.7.1\""),
        "provenance names the package and version: {service}"
    );
    assert!(
        !action.contains(&d.display().to_string()),
        "no local path: {action}"
    );
    let changelog = std::fs::read_to_string(d.join("CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n\n## API changes: tccli-intl-en 9.8.7.1\n"));
    assert!(
        changelog.contains("### Added (minor)\n\n- `Ping`: added"),
        "{changelog}"
    );

    let settled = tc(d, &[&sync[..], &["--check"]].concat());
    assert_eq!(
        settled.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&settled.stdout)
    );

    // The next release: one optional member; the JSON report says so.
    std::fs::write(d.join("spec/api.json"), spec(true)).unwrap();
    let json_run = tc(d, &[&sync[..], &["--report", "json"]].concat());
    assert_eq!(json_run.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&json_run.stdout).expect("a JSON report");
    assert_eq!(report["semver"], "minor");
    assert_eq!(report["changes"][0]["path"], "Ping/input/Zone");
    assert_eq!(report["changes"][0]["change"], "added");
    assert_eq!(report["changes"][0]["semver"], "minor");
    assert_eq!(report["changes"][0]["before"], Value::Null);
    let changelog = std::fs::read_to_string(d.join("CHANGELOG.md")).unwrap();
    assert_eq!(
        changelog.matches("## API changes").count(),
        2,
        "{changelog}"
    );
}

#[test]
fn bad_input_exits_2_naming_the_file_and_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo(d, false);
    std::fs::write(
        d.join("spec/api.json"),
        spec(false).replace(
            "\"type\":\"string\",\"member\":\"string\",\"required\"",
            "\"type\":\"map\",\"member\":\"string\",\"required\"",
        ),
    )
    .unwrap();
    let out = tc(d, &["sync", "--api-json", "spec/api.json", "--check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("api.json at /objects/PingRequest/members/0/type"),
        "{stderr}"
    );
    let usage = tc(
        d,
        &["sync", "--report", "yaml", "--api-json", "spec/api.json"],
    );
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("--report yaml: expected text or json"));
    let missing = tc(d, &["sync"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("sync needs --api-json FILE"));
}
