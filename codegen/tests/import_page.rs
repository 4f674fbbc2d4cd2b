//! The doc page importer: the seed page plus the committed fixups reproduce the committed
//! DescribeBackupUrl schema byte for byte, each fixup still applies, and a stale fixup or an
//! unresolvable type fails loudly.

use std::path::{Path, PathBuf};

use tencentcloud_codegen::import::{self, fixups};
use tencentcloud_codegen::schema::{load, read_schema_dir, Schema};

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

fn schema() -> Schema {
    load(&read_schema_dir(&repo().join("schema")).expect("readable")).expect("valid")
}

fn fixups_text() -> String {
    std::fs::read_to_string(repo().join("schema/fixups/DescribeBackupUrl.json"))
        .expect("fixups file")
}

#[test]
fn seed_page_and_fixups_reproduce_the_committed_schema_exactly() {
    let (label, page) = seed_page();
    let fixups = fixups_text();
    let (action, text) = import::import_page_to_schema(
        &label,
        &page,
        &schema(),
        Some(("schema/fixups/DescribeBackupUrl.json", &fixups)),
    )
    .expect("imports");
    let committed = std::fs::read_to_string(repo().join("schema/actions/DescribeBackupUrl.json"))
        .expect("committed");
    assert_eq!(action.name, "DescribeBackupUrl");
    assert_eq!(
        text, committed,
        "re-import the page with tc-codegen import-page and review the diff"
    );
}

#[test]
fn every_fixup_is_needed_and_still_applies() {
    let (label, page) = seed_page();
    let parsed = fixups::parse("fixups", &fixups_text()).expect("parses");
    assert!(!parsed.fixups.is_empty());
    // Without the fixups the import differs exactly where each fixup points.
    let (_, bare) = import::import_page_to_schema(&label, &page, &schema(), None).expect("imports");
    let mut bare: serde_json::Value = serde_json::from_str(&bare).expect("json");
    fixups::apply("fixups", &parsed, &mut bare).expect("every fixup applies to today's import");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("schema/actions/DescribeBackupUrl.json"))
            .expect("committed"),
    )
    .expect("json");
    assert_eq!(bare, committed);
}

#[test]
fn a_stale_fixup_fails_loudly() {
    let (label, page) = seed_page();
    // The docs start listing the value themselves: the fixup's `expect` no longer matches.
    let changed = page.replace(
        "indicating that backup files can be downloaded in the custom LimitVpc . |",
        "indicating that backup files can be downloaded in the custom LimitVpc . - In: listed VPCs only. |",
    );
    assert_ne!(
        changed, page,
        "the page text this test edits is still there"
    );
    let fixups = fixups_text();
    let err =
        import::import_page_to_schema(&label, &changed, &schema(), Some(("fx.json", &fixups)))
            .expect_err("a stale fixup must fail");
    let shown = err.to_string();
    assert!(
        shown.contains("fixup \"vpc-comparison-symbol-values\""),
        "{shown}"
    );
    assert!(shown.contains("no longer applies"), "{shown}");
}

#[test]
fn a_fixup_whose_target_vanished_fails_loudly() {
    let (label, page) = seed_page();
    let changed = page.replace("\nVpcComparisonSymbol | No |", "\nVpcCompareSymbol | No |");
    assert_ne!(changed, page);
    let err = import::import_page_to_schema(
        &label,
        &changed,
        &schema(),
        Some(("fx.json", &fixups_text())),
    )
    .expect_err("missing target");
    assert!(
        err.to_string()
            .contains("target /input/VpcComparisonSymbol not found"),
        "{err}"
    );
}

#[test]
fn an_unknown_type_is_reported_with_what_is_known() {
    let (label, page) = seed_page();
    let changed = page.replace(
        "Array of BackupLimitVpcItem",
        "Array of BackupLimitVpcThing",
    );
    let err =
        import::import_page_to_schema(&label, &changed, &schema(), None).expect_err("unknown type");
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
