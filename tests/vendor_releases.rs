//! `sync` through real releases of the vendor spec, two years of them (PyPI tccli-intl-en
//! 3.0.1038.1 of 2024-10, 3.0.1092.1 of 2025-01, 3.0.1269.1 of 2025-10 and the current
//! 3.1.193.1, unpacked by `scripts/install-test-deps` into `.cache/tccli-releases/`): each step
//! reports the real changes between the releases, the generated crate builds after each
//! step, the schema after the last step equals a direct sync of the newest, and syncing it
//! again changes nothing. The other test here runs the CVM spec, whose examples are broken in
//! places: the facts are followed and the broken examples reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use tencentcloud_codegen::import::fixups::{parse_example_fixups, ExampleFixup};
use tencentcloud_codegen::report::{ChangeKind, Report, Semver};
use tencentcloud_codegen::schema::{read_schema_dir, SourceFile};
use tencentcloud_codegen::sync::{sync, SyncInput, Synced};
use tencentcloud_codegen::{render, Options};

const RELEASES: [&str; 4] = ["3.0.1038.1", "3.0.1092.1", "3.0.1269.1", "3.1.193.1"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); scripts/install-test-deps downloads the releases",
            path.display()
        )
    })
}

/// A schema folder with the committed service and common errors and nothing else.
fn bare_schema(dir: &Path) {
    std::fs::create_dir_all(dir.join("schema")).expect("mkdir");
    for file in ["service.json", "common-errors.json"] {
        std::fs::copy(
            repo().join("schema").join(file),
            dir.join("schema").join(file),
        )
        .expect("copy");
    }
}

fn sync_release(folder: &Path, release: &str, fixups: &[ExampleFixup]) -> Synced {
    let spec = repo().join(".cache/tccli-releases").join(release);
    let files = read_schema_dir(&folder.join("schema")).expect("readable");
    let synced = sync(SyncInput {
        schema: &files,
        api_json: ("api.json", &read(&spec.join("api.json"))),
        examples: Some(("examples.json", &read(&spec.join("examples.json")))),
        example_fixups: Some(("schema/fixups/vendor-examples.json", fixups)),
        source: &format!("tccli-intl-en {release}"),
    })
    .unwrap_or_else(|e| panic!("sync of {release}: {e}"));
    for change in &synced.files {
        let path = folder.join(&change.path);
        match &change.contents {
            Some(text) => {
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, text).expect("write");
            }
            None => std::fs::remove_file(&path).expect("remove"),
        }
    }
    synced
}

/// The fixups of broken examples: the committed ones for the current release; older releases
/// break in other places, which stay reported problems.
fn fixups_for(release: &str) -> Vec<ExampleFixup> {
    if release == RELEASES[3] {
        let label = "schema/fixups/vendor-examples.json";
        parse_example_fixups(label, &read(&repo().join(label))).expect("fixups parse")
    } else {
        Vec::new()
    }
}

fn has(report: &Report, path: &str, kind: ChangeKind, semver: Semver) -> bool {
    report
        .changes
        .iter()
        .any(|c| c.path == path && c.kind == kind && c.semver == semver)
}

#[track_caller]
fn expect(report: &Report, path: &str, kind: ChangeKind, semver: Semver) {
    assert!(
        has(report, path, kind, semver),
        "{} should report {path}: {} ({})\n{}",
        report.source,
        kind.as_str(),
        semver.as_str(),
        report.text()
    );
}

/// `cargo check` of the generated binding in a throwaway crate, warnings denied.
fn check_builds(krate: &Path, source: &str, release: &str) {
    std::fs::create_dir_all(krate.join("src")).expect("mkdir");
    std::fs::write(
        krate.join("src/lib.rs"),
        format!("#![deny(missing_docs)]\n//! The Redis API of {release} (test).\n\n{source}"),
    )
    .expect("write lib");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"release-binding\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ntencentcloud-transport = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
             serde_json = \"1\"\n\n[features]\nserde-serialize = []\nserde-deserialize = []\n\n[workspace]\n",
            repo().join("transport").display().to_string()
        ),
    )
    .expect("write manifest");
    std::fs::copy(repo().join("Cargo.lock"), krate.join("Cargo.lock")).expect("copy lock");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--all-features"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", repo().join("target/vendor-releases"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "the binding of {release} does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn syncing_forward_through_two_years_of_releases() {
    let work = tempfile::tempdir().expect("temp dir");
    let chain = work.path().join("chain");
    bare_schema(&chain);
    let mut reports = Vec::new();
    for release in RELEASES {
        let synced = sync_release(&chain, release, &fixups_for(release));
        let source = render(&synced.schema, &Options::default()).expect("render");
        check_builds(&work.path().join("krate"), &source, release);
        println!(
            "{release}: {} actions, {} data types; {} changes ({} major, {} minor, {} patch), {} problems",
            synced.schema.actions.len(),
            synced.schema.types.len(),
            synced.report.changes.len(),
            synced.report.count(Semver::Major),
            synced.report.count(Semver::Minor),
            synced.report.count(Semver::Patch),
            synced.report.problems.len()
        );
        reports.push(synced);
    }
    use ChangeKind::*;
    use Semver::*;

    // 2024-10: the first sync adds every action; two examples quote with typographic quotes.
    let first = &reports[0].report;
    assert_eq!(first.count(Major), 0);
    assert_eq!(reports[0].schema.actions.len(), 96);
    let broken: Vec<&str> = first.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        broken,
        [
            "AllocateWanAddress/examples/0",
            "ReleaseWanAddress/examples/0"
        ]
    );

    // 2025-01: ten actions added; BackupDownloadInfo.FileSize from uint64 to int64; a request
    // member optional; the spec moved from `required` to `output_required` on responses,
    // which is the same fact and no change.
    let r = &reports[1].report;
    assert_eq!(reports[1].schema.actions.len(), 106);
    expect(r, "DescribeBackupDetail", Added, Minor);
    expect(r, "types/BackupDownloadInfo/members/FileSize", Width, Major);
    expect(
        r,
        "DescribeProjectSecurityGroups/input/ProjectId",
        Required,
        Major,
    );
    assert!(
        !r.changes
            .iter()
            .any(|c| c.path == "AddReplicationInstance/output/TaskId"),
        "a flag spelled another way is no change: {}",
        r.text()
    );
    let file_size = r
        .changes
        .iter()
        .find(|c| c.path == "types/BackupDownloadInfo/members/FileSize")
        .expect("FileSize");
    assert_eq!(
        (file_size.before.as_str(), file_size.after.as_str()),
        (Some("unsigned 64-bit"), Some("signed 64-bit"))
    );

    // 2025-10: a member "will be disused soon"; three actions added.
    let r = &reports[2].report;
    expect(r, "DescribeTaskList/input/ProjectIds", Deprecated, Minor);
    expect(r, "DescribeSecondLevelBackupInfo", Added, Minor);

    // 2026-10, the current release: required request members become optional, fields
    // deprecated, thirteen actions added; the committed fixups settle every broken example.
    let r = &reports[3].report;
    expect(
        r,
        "DescribeInstanceDealDetail/input/DealIds",
        Required,
        Major,
    );
    expect(
        r,
        "DescribeInstanceDealDetail/input/DealIds",
        Deprecated,
        Minor,
    );
    expect(r, "ModifyAutoBackupConfig/input/WeekDays", Required, Major);
    expect(r, "CloneInstances/output/DealId", Deprecated, Minor);
    expect(r, "CloseLog", Added, Minor);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(reports[3].schema.actions.len(), 123);

    // The end of the chain is what a direct sync of the newest gives, byte for byte.
    let direct = work.path().join("direct");
    bare_schema(&direct);
    sync_release(&direct, RELEASES[3], &fixups_for(RELEASES[3]));
    let files = |dir: &Path| -> Vec<SourceFile> { read_schema_dir(&dir.join("schema")).unwrap() };
    let (chained, direct) = (files(&chain), files(&direct));
    assert_eq!(chained.len(), direct.len());
    for (a, b) in chained.iter().zip(&direct) {
        assert_eq!((&a.path, &a.text), (&b.path, &b.text));
    }

    // A second sync of the newest changes nothing.
    let again = sync_release(&chain, RELEASES[3], &fixups_for(RELEASES[3]));
    assert!(again.report.is_settled(), "{}", again.report.text());
    assert!(again.files.is_empty());
}

#[test]
fn broken_vendor_examples_never_block_following_the_api() {
    // CVM's current spec: three examples are not JSON or neither body nor query string.
    let spec = repo().join(".cache/tccli-spec/cvm");
    let work = tempfile::tempdir().expect("temp dir");
    bare_schema(work.path());
    let service_path = work.path().join("schema/service.json");
    let mut service: serde_json::Value = serde_json::from_str(&read(&service_path)).unwrap();
    service["service"] = "cvm".into();
    service["version"] = "2017-03-12".into();
    service["hosts"] = serde_json::json!({"default": "cvm.intl.tencentcloudapi.com",
        "mainland": "cvm.tencentcloudapi.com", "regional": "cvm.{region}.tencentcloudapi.com"});
    std::fs::write(&service_path, service.to_string()).unwrap();
    let files = read_schema_dir(&work.path().join("schema")).unwrap();
    let synced = sync(SyncInput {
        schema: &files,
        api_json: ("api.json", &read(&spec.join("api.json"))),
        examples: Some(("examples.json", &read(&spec.join("examples.json")))),
        example_fixups: None,
        source: "tccli-intl-en 3.1.193.1 (cvm)",
    })
    .expect("the facts are followed");
    assert!(synced
        .schema
        .actions
        .iter()
        .any(|a| a.name == "DescribeHosts"));
    let broken: Vec<&str> = synced
        .report
        .problems
        .iter()
        .map(|p| p.path.as_str())
        .collect();
    assert!(broken.contains(&"DescribeHosts/examples/0"), "{broken:?}");
    for problem in &synced.report.problems {
        assert!(problem.fix.contains("vendor-examples.json"), "{problem:?}");
    }
    assert!(
        !synced.report.is_settled(),
        "--check fails while they are open"
    );
}
