//! The doc page importer: the seed page plus the committed fixups reproduce the committed
//! DescribeBackupUrl schema byte for byte, each fixup still applies, and a stale fixup or an
//! unresolvable type fails loudly.

use std::path::{Path, PathBuf};

use tencentcloud_codegen::import::{self, fixups, ImportError, PageImport};
use tencentcloud_codegen::report::{ChangeKind, Semver};
use tencentcloud_codegen::schema::{load, read_schema_dir, write, Schema, SourceFile};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The seed page, kept beside the schema.
const PAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../schema/pages/DescribeBackupUrl.txt"
);

fn seed_page() -> (String, String) {
    let text = std::fs::read_to_string(PAGE)
        .unwrap_or_else(|e| panic!("cannot read the seed page {PAGE}: {e}"));
    (PAGE.to_owned(), text)
}

fn files() -> Vec<SourceFile> {
    read_schema_dir(&repo().join("schema")).expect("readable")
}

fn schema() -> Schema {
    load(&files()).expect("valid")
}

/// Follows `page` into the committed schema, with the committed fixups when `fixups` says so.
fn follow(page: &str, fixups: Option<&str>) -> Result<PageImport, ImportError> {
    let (label, _) = seed_page();
    import::import_page(
        &label,
        page,
        &files(),
        fixups.map(|text| ("schema/fixups/DescribeBackupUrl.json", text)),
    )
}

fn fixups_text() -> String {
    std::fs::read_to_string(repo().join("schema/fixups/DescribeBackupUrl.json"))
        .expect("fixups file")
}

#[test]
fn seed_page_and_fixups_reproduce_the_committed_schema_exactly() {
    let (_, page) = seed_page();
    let imported = follow(&page, Some(&fixups_text())).expect("imports");
    assert_eq!(
        imported.report.changes,
        vec![],
        "re-import the page with tc-codegen import-page and review the diff"
    );
    assert!(imported.files.is_empty(), "{:?}", imported.files);
    assert_eq!(imported.schema, schema());
}

#[test]
fn every_fixup_is_needed_and_still_applies() {
    let (label, page) = seed_page();
    let parsed = fixups::parse("fixups", &fixups_text()).expect("parses");
    assert!(!parsed.fixups.is_empty());
    // Without the fixups the import differs exactly where each fixup points.
    let (action, _) = import::page::import_page(&label, &page, &schema()).expect("imports");
    let mut bare = write::action_json(&action);
    fixups::apply("fixups", &parsed, &mut bare).expect("every fixup applies to today's import");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("schema/actions/DescribeBackupUrl.json"))
            .expect("committed"),
    )
    .expect("json");
    assert_eq!(bare, committed);
    let unfixed = follow(&page, None).expect("imports without fixups");
    assert!(!unfixed.report.changes.is_empty());
}

#[test]
fn a_new_value_of_a_shared_enum_updates_every_member_that_shares_it() {
    let (_, page) = seed_page();
    let with_value = page.replace(
        " - Customize: Backup files can be downloaded from the user-defined VPC. |",
        " - Customize: Backup files can be downloaded from the user-defined VPC. - LimitOnlyPublic: Backup files can be downloaded only from the public network. |",
    );
    assert_ne!(
        with_value, page,
        "the page text this test edits is still there"
    );
    let imported = follow(&with_value, Some(&fixups_text())).expect("the shared enum follows");
    let added: Vec<(&str, Semver)> = imported
        .report
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::EnumValue)
        .map(|c| (c.path.as_str(), c.semver))
        .collect();
    assert_eq!(
        added,
        vec![
            (
                "DescribeBackupDownloadRestriction/output/LimitType/values/LimitOnlyPublic",
                Semver::Minor
            ),
            (
                "DescribeBackupUrl/input/LimitType/values/LimitOnlyPublic",
                Semver::Minor
            ),
            (
                "ModifyBackupDownloadRestriction/input/LimitType/values/LimitOnlyPublic",
                Semver::Minor
            ),
        ]
    );
    let written: Vec<&str> = imported.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        written,
        vec![
            "schema/actions/DescribeBackupDownloadRestriction.json",
            "schema/actions/DescribeBackupUrl.json",
            "schema/actions/ModifyBackupDownloadRestriction.json",
        ]
    );
    let modify = imported
        .schema
        .actions
        .iter()
        .find(|a| a.name == "ModifyBackupDownloadRestriction")
        .expect("action");
    let limit = modify
        .input
        .iter()
        .find(|m| m.name == "LimitType")
        .expect("member");
    assert_eq!(
        limit.values.last().map(|v| v.value.as_str()),
        Some("LimitOnlyPublic")
    );
}

#[test]
fn contradictory_defaults_of_a_shared_enum_are_a_decision_for_a_person() {
    let (_, page) = seed_page();
    // The page moves the default from In to NotIn; ModifyBackupDownloadRestriction, which
    // shares the enum, still documents In.
    let changed = page.replace(
        "- In: yes. This is the default value. - NotIn: no.",
        "- In: yes. - NotIn: no. This is the default value.",
    );
    assert_ne!(
        changed, page,
        "the page text this test edits is still there"
    );
    let err = follow(&changed, Some(&fixups_text())).expect_err("a conflict");
    assert!(
        err.source
            .ends_with("actions/DescribeBackupDownloadRestriction.json")
            || err
                .source
                .ends_with("actions/ModifyBackupDownloadRestriction.json"),
        "{err}"
    );
    assert!(err.location.ends_with("/default"), "{err}");
    let shown = err.to_string();
    for words in [
        "defaults to In here but to NotIn",
        "/input/",
        "enum_name",
        "fixup",
    ] {
        assert!(shown.contains(words), "{words:?} in {shown}");
    }
}

#[test]
fn a_stale_fixup_fails_loudly() {
    let (_, page) = seed_page();
    // The docs start listing the value themselves: the fixup's `expect` no longer matches.
    let changed = page.replace(
        "indicating that backup files can be downloaded in the custom LimitVpc . |",
        "indicating that backup files can be downloaded in the custom LimitVpc . - In: listed VPCs only. |",
    );
    assert_ne!(
        changed, page,
        "the page text this test edits is still there"
    );
    let err = follow(&changed, Some(&fixups_text())).expect_err("a stale fixup must fail");
    let shown = err.to_string();
    assert!(
        shown.contains("fixup \"vpc-comparison-symbol-values\""),
        "{shown}"
    );
    assert!(shown.contains("no longer applies"), "{shown}");
}

#[test]
fn a_fixup_whose_target_vanished_fails_loudly() {
    let (_, page) = seed_page();
    let changed = page.replace("\nVpcComparisonSymbol | No |", "\nVpcCompareSymbol | No |");
    assert_ne!(changed, page);
    let err = follow(&changed, Some(&fixups_text())).expect_err("missing target");
    assert!(
        err.to_string()
            .contains("target /input/VpcComparisonSymbol not found"),
        "{err}"
    );
}

#[test]
fn an_unknown_type_is_reported_with_what_is_known() {
    let (_, page) = seed_page();
    let changed = page.replace(
        "Array of BackupLimitVpcItem",
        "Array of BackupLimitVpcThing",
    );
    let err = follow(&changed, None).expect_err("unknown type");
    let shown = err.to_string();
    assert!(shown.contains("line 15: LimitVpc.N"), "{shown}");
    assert!(
        shown.contains("\"BackupLimitVpcThing\" is not in the schema"),
        "{shown}"
    );
    assert!(
        shown.contains("BackupDownloadInfo, BackupLimitVpcItem"),
        "{shown}"
    );
}

#[test]
fn flags_enums_and_common_parameters_are_read_from_the_prose() {
    let (label, page) = seed_page();
    let (action, _) = import::page::import_page(&label, &page, &schema()).expect("imports");
    let input: Vec<&str> = action.input.iter().map(|m| m.name.as_str()).collect();
    assert!(
        !input.contains(&"Action") && !input.contains(&"Region"),
        "common parameters skipped"
    );
    let ip = action
        .input
        .iter()
        .find(|m| m.name == "IpComparisonSymbol")
        .expect("member");
    assert_eq!(ip.default.as_deref(), Some("In"));
    assert_eq!(ip.values.len(), 2);
    let filenames = action
        .output
        .iter()
        .find(|m| m.name == "Filenames")
        .expect("member");
    assert!(filenames.nullable && filenames.deprecated);
    assert_eq!(filenames.description, "Filename.");
    assert_eq!(action.rate_limit_per_second, Some(20));
}

#[test]
fn a_page_without_tables_is_rejected_clearly() {
    let err = import::page::import_page(
        "p.txt",
        "Domain name for API request: x.\nhello\n",
        &schema(),
    )
    .expect_err("no tables");
    assert!(err.to_string().contains("no input table"), "{err}");
}
