//! `sync` on small hand-made specs: each kind of change with its semver class, what the
//! project wrote surviving a sync, broken examples reported without blocking, and bad input
//! named by file and pointer.

use std::path::Path;

use serde_json::{json, Value};
use tencentcloud_codegen::import::fixups::parse_example_fixups;
use tencentcloud_codegen::report::{ChangeKind, Report, Semver};
use tencentcloud_codegen::schema::SourceFile;
use tencentcloud_codegen::sync::{sync, SyncInput, Synced};

/// The committed service and common errors: a schema with no actions yet.
fn bare() -> Vec<SourceFile> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    ["service.json", "common-errors.json"]
        .into_iter()
        .map(|name| SourceFile {
            path: format!("schema/{name}"),
            text: std::fs::read_to_string(repo.join(name)).expect("committed file"),
        })
        .collect()
}

/// An api.json with `objects`; every action `X` uses `XRequest` and `XResponse`.
fn spec(actions: &[&str], objects: Value) -> String {
    let actions: serde_json::Map<String, Value> = actions
        .iter()
        .map(|a| {
            (
                (*a).to_owned(),
                json!({"input": format!("{a}Request"), "output": format!("{a}Response"),
                       "name": "prose the schema never copies", "document": "vendor prose"}),
            )
        })
        .collect();
    json!({"metadata": {"apiVersion": "2018-04-12"}, "actions": actions, "objects": objects})
        .to_string()
}

fn string(name: &str) -> Value {
    json!({"name": name, "type": "string", "member": "string", "document": "vendor prose"})
}

fn with(mut member: Value, flags: Value) -> Value {
    member
        .as_object_mut()
        .expect("object")
        .extend(flags.as_object().expect("object").clone());
    member
}

fn request_id() -> Value {
    json!({"name": "RequestId", "type": "string", "member": "string"})
}

fn run(files: &[SourceFile], api: &str, source: &str) -> Synced {
    sync(SyncInput {
        schema: files,
        api_json: ("api.json", api),
        examples: None,
        example_fixups: None,
        source,
    })
    .unwrap_or_else(|e| panic!("sync: {e}"))
}

/// The schema files after applying a sync's changes.
fn apply(files: &[SourceFile], synced: &Synced) -> Vec<SourceFile> {
    let mut out: Vec<SourceFile> = files.to_vec();
    for change in &synced.files {
        out.retain(|f| f.path != change.path);
        if let Some(text) = &change.contents {
            out.push(SourceFile {
                path: change.path.clone(),
                text: text.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The (path, change, semver) triples of a report.
fn triples(report: &Report) -> Vec<(String, ChangeKind, Semver)> {
    report
        .changes
        .iter()
        .map(|c| (c.path.clone(), c.kind, c.semver))
        .collect()
}

fn base_objects() -> Value {
    json!({
        "ListRequest": {"members": [
            with(string("InstanceId"), json!({"required": true})),
            with(json!({"name": "Limit", "type": "int", "member": "int64"}), json!({"required": false})),
            string("Old"),
        ]},
        "ListResponse": {"members": [
            with(json!({"name": "TotalCount", "type": "int", "member": "uint64"}), json!({"output_required": true})),
            {"name": "Items", "type": "list", "member": "Item", "output_required": true, "value_allowed_null": true},
            request_id(),
        ]},
        "Item": {"usage": "out", "members": [
            with(string("Name"), json!({"output_required": true})),
            with(json!({"name": "Size", "type": "int", "member": "uint64"}), json!({"output_required": true})),
        ]},
    })
}

fn base() -> Vec<SourceFile> {
    let synced = run(
        &bare(),
        &spec(&["List"], base_objects()),
        "tccli-intl-en 1.0",
    );
    apply(&bare(), &synced)
}

#[test]
fn a_first_sync_adds_everything_without_inventing_text() {
    let synced = run(
        &bare(),
        &spec(&["List"], base_objects()),
        "tccli-intl-en 1.0",
    );
    assert_eq!(
        triples(&synced.report),
        vec![
            ("List".into(), ChangeKind::Added, Semver::Minor),
            ("types/Item".into(), ChangeKind::Added, Semver::Minor),
        ]
    );
    let action = &synced.schema.actions[0];
    assert!(
        action.description.is_empty(),
        "no vendor prose: {}",
        action.description
    );
    assert!(action.input.iter().all(|m| m.description.is_empty()));
    let request_id = action
        .output
        .iter()
        .find(|m| m.name == "RequestId")
        .expect("RequestId");
    assert!(
        request_id.required,
        "RequestId is the one member promised in responses"
    );
    let total = &action.output[0];
    assert!(
        total.always_returned && !total.required,
        "always returned is a documented fact only"
    );
    assert!(action.output[1].nullable);
    assert_eq!(
        synced.schema.service.synced.as_deref(),
        Some("tccli-intl-en 1.0")
    );
    // Provenance names the spec, never a path of this machine.
    let text = &synced
        .files
        .iter()
        .find(|f| f.path == "schema/actions/List.json")
        .unwrap();
    let text = text.contents.as_deref().unwrap();
    assert!(
        !text.contains("vendor prose")
            && !text.contains("/tmp")
            && !text.contains("\"description\""),
        "{text}"
    );
}

#[test]
fn each_kind_of_change_has_its_class() {
    let mut objects = base_objects();
    let request = objects["ListRequest"]["members"].as_array_mut().unwrap();
    request.retain(|m| m["name"] != "Old"); // removed
    request.push(string("Filter")); // an optional member added
    request[1]["required"] = json!(true); // Limit becomes required
    let response = objects["ListResponse"]["members"].as_array_mut().unwrap();
    response[0]["member"] = json!("int64"); // width
    response[1]["value_allowed_null"] = json!(false); // nullability
    response.insert(2, with(string("Marker"), json!({"disabled": true}))); // added, deprecated
    let item = objects["Item"]["members"].as_array_mut().unwrap();
    item[0]["type"] = json!("int"); // Name: string -> integer
    item[0]["member"] = json!("int64");
    item[1]["disabled"] = json!(true); // deprecated
    item[1]["output_required"] = json!(false); // always returned
    objects["CreateRequest"] =
        json!({"members": [with(string("Name"), json!({"required": true}))]});
    objects["CreateResponse"] = json!({"members": [request_id()]});
    let synced = run(
        &base(),
        &spec(&["Create", "List"], objects),
        "tccli-intl-en 2.0",
    );
    use ChangeKind::*;
    use Semver::*;
    let expected: Vec<(String, ChangeKind, Semver)> = [
        ("Create", Added, Minor),
        ("List/input/Limit", Required, Major),
        ("List/input/Filter", Added, Minor),
        ("List/input/Old", Removed, Major),
        ("List/output/TotalCount", Width, Major),
        ("List/output/Items", Nullability, Patch),
        ("List/output/Marker", Added, Minor),
        ("types/Item/members/Name", Type, Major),
        ("types/Item/members/Size", AlwaysReturned, Patch),
        ("types/Item/members/Size", Deprecated, Minor),
    ]
    .into_iter()
    .map(|(p, k, s)| (p.to_owned(), k, s))
    .collect();
    assert_eq!(triples(&synced.report), expected);
    assert_eq!(synced.report.semver(), Some(Major));
    let json = synced.report.json();
    assert_eq!(json["changes"][4]["before"], "unsigned 64-bit");
    assert_eq!(json["changes"][4]["after"], "signed 64-bit");
    assert_eq!(json["changes"][4]["change"], "width");
    // The removed member is gone from the file; the deprecated one is marked.
    let list = synced
        .files
        .iter()
        .find(|f| f.path == "schema/actions/List.json")
        .unwrap();
    let list = list.contents.as_deref().unwrap();
    assert!(!list.contains("\"Old\""));
    assert!(list.contains("\"deprecated\": true"));
}

#[test]
fn required_members_swapping_places_reorder_new_and_are_major() {
    let mut objects = base_objects();
    objects["ListRequest"]["members"] = json!([
        with(string("InstanceId"), json!({"required": true})),
        with(string("Zone"), json!({"required": true})),
    ]);
    let first = run(&bare(), &spec(&["List"], objects.clone()), "1");
    let files = apply(&bare(), &first);
    objects["ListRequest"]["members"]
        .as_array_mut()
        .unwrap()
        .reverse();
    let synced = run(&files, &spec(&["List"], objects), "2");
    assert_eq!(
        triples(&synced.report),
        vec![(
            "List/input".into(),
            ChangeKind::RequiredOrder,
            Semver::Major
        )]
    );
}

#[test]
fn what_the_project_wrote_survives_and_removed_actions_go() {
    let files: Vec<SourceFile> = base()
        .into_iter()
        .map(|mut f| {
            if f.path == "schema/actions/List.json" {
                let mut v: Value = serde_json::from_str(&f.text).unwrap();
                v["description"] = json!("Lists things, the project says.");
                v["rate_limit_per_second"] = json!(10);
                v["input"][0]["description"] = json!("Which instance.");
                v["errors"] = json!([{"code": "ResourceNotFound.InstanceNotExists", "description": "No such instance."}]);
                f.text = serde_json::to_string_pretty(&v).unwrap();
            }
            f
        })
        .collect();
    let mut objects = base_objects();
    objects["ListRequest"]["members"][0]["type"] = json!("string");
    objects["GoneRequest"] = json!({"members": []});
    objects["GoneResponse"] = json!({"members": [request_id()]});
    let synced = run(&files, &spec(&["List"], objects), "3");
    let action = &synced.schema.actions[0];
    assert_eq!(action.description, "Lists things, the project says.");
    assert_eq!(action.rate_limit_per_second, Some(10));
    assert_eq!(action.input[0].description, "Which instance.");
    assert_eq!(action.errors.len(), 1);
    // Only the project's text differs from the spec: nothing to change.
    assert!(
        synced.report.changes.is_empty(),
        "{:?}",
        synced.report.changes
    );

    let without_list = run(&base(), &spec(&[], json!({})), "4");
    assert_eq!(
        triples(&without_list.report),
        vec![
            ("List".into(), ChangeKind::Removed, Semver::Major),
            ("types/Item".into(), ChangeKind::Removed, Semver::Major),
        ]
    );
    assert!(without_list
        .files
        .iter()
        .any(|f| f.path == "schema/actions/List.json" && f.contents.is_none()));
}

#[test]
fn a_second_sync_of_the_same_spec_changes_nothing() {
    let files = base();
    let again = run(
        &files,
        &spec(&["List"], base_objects()),
        "tccli-intl-en 1.0",
    );
    assert!(again.report.is_settled());
    assert!(again.files.is_empty(), "{:?}", again.files);
}

#[test]
fn broken_examples_are_problems_that_do_not_block_the_facts() {
    let examples = json!({"actions": {"List": [
        {"input": "POST / HTTP/1.1\nX-TC-Action: List\n<Common request parameters>\n\n{\"InstanceId\": \"crs-1\"}",
         "output": "{\"Response\": {\"TotalCount\": 1, \"RequestId\": \"r\"}}", "title": "vendor title"},
        {"input": "POST / HTTP/1.1\n<Common request parameters>\n\n{\"InstanceId\": \"crs-1\",}",
         "output": "{\"Response\": {}}"},
        {"input": "https://x/?Action=List&InstanceId=crs-2&Limit=5&<Common request parameters>",
         "output": "{\"Response\": {\"RequestId\": \"r\"}}"}
    ]}})
    .to_string();
    let api = spec(&["List"], base_objects());
    let input = |fixups| SyncInput {
        schema: &[],
        api_json: ("api.json", &api),
        examples: Some(("examples.json", &examples)),
        example_fixups: fixups,
        source: "s",
    };
    let files = bare();
    let synced = sync(SyncInput {
        schema: &files,
        ..input(None)
    })
    .expect("facts followed");
    let action = &synced.schema.actions[0];
    assert_eq!(action.examples.len(), 2, "the two good examples");
    assert!(
        action.examples.iter().all(|e| e.title.is_empty()),
        "no vendor titles"
    );
    assert_eq!(
        action.examples[1].request,
        json!({"InstanceId": "crs-2", "Limit": 5})
    );
    assert_eq!(synced.report.problems.len(), 1);
    let problem = &synced.report.problems[0];
    assert_eq!(problem.path, "List/examples/1");
    assert!(
        problem.message.contains("input is not JSON"),
        "{}",
        problem.message
    );
    assert!(problem.fix.contains("\"example\": \"List/1\"") && problem.fix.contains("skip"));
    assert!(
        !synced.report.is_settled(),
        "--check fails while it is open"
    );

    // A recorded decision settles it.
    let decision = parse_example_fixups(
        "vendor-examples.json",
        r#"{"fixups": [{"name": "list-trailing-comma", "why": "a trailing comma", "example": "List/1", "part": "input", "replace": ",}", "with": "}"}]}"#,
    )
    .unwrap();
    let fixed = sync(SyncInput {
        schema: &files,
        ..input(Some(("vendor-examples.json", &decision)))
    })
    .unwrap();
    assert!(fixed.report.problems.is_empty());
    assert_eq!(fixed.schema.actions[0].examples.len(), 3);
    let skip = parse_example_fixups(
        "vendor-examples.json",
        r#"{"fixups": [{"name": "list-skip", "why": "broken", "example": "List/1", "skip": true}]}"#,
    )
    .unwrap();
    let skipped = sync(SyncInput {
        schema: &files,
        ..input(Some(("vendor-examples.json", &skip)))
    })
    .unwrap();
    assert!(skipped.report.problems.is_empty());
    assert_eq!(skipped.schema.actions[0].examples.len(), 2);
    // A fixup that no longer applies is an error that names it.
    let stale = parse_example_fixups(
        "vendor-examples.json",
        r#"{"fixups": [{"name": "gone", "why": "w", "example": "List/1", "part": "input", "replace": "nothing like this", "with": "x"}]}"#,
    )
    .unwrap();
    let err = sync(SyncInput {
        schema: &files,
        ..input(Some(("vendor-examples.json", &stale)))
    })
    .unwrap_err();
    assert!(err.to_string().contains("fixup \"gone\""), "{err}");
}

#[test]
fn bad_input_names_the_file_and_the_place() {
    let err = sync(SyncInput {
        schema: &bare(),
        api_json: (
            "api.json",
            &spec(&["List"], json!({"ListRequest": {"members": []}})),
        ),
        examples: None,
        example_fixups: None,
        source: "s",
    })
    .unwrap_err();
    assert_eq!(
        (err.source.as_str(), err.location.as_str()),
        ("api.json", "/actions/List/output")
    );
    let other_version = spec(&[], json!({})).replace("2018-04-12", "2099-01-01");
    let err = sync(SyncInput {
        schema: &bare(),
        api_json: ("api.json", &other_version),
        examples: None,
        example_fixups: None,
        source: "s",
    })
    .unwrap_err();
    assert_eq!(err.location, "/metadata/apiVersion");
    assert!(err.message.contains("2099-01-01"), "{err}");
}

#[test]
fn items_a_doc_page_owns_get_notes_not_changes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = tencentcloud_codegen::schema::read_schema_dir(&repo.join("schema")).unwrap();
    let mut objects = base_objects();
    objects["DescribeBackupUrlRequest"] = json!({"members": [
        with(string("InstanceId"), json!({"required": true})),
        with(string("BackupId"), json!({"required": false})),
        string("Brand"),
    ]});
    objects["DescribeBackupUrlResponse"] = json!({"members": [request_id()]});
    let synced = run(&files, &spec(&["DescribeBackupUrl", "List"], objects), "s");
    assert!(
        !synced
            .report
            .changes
            .iter()
            .any(|c| c.path.starts_with("DescribeBackupUrl")),
        "{:?}",
        synced.report.changes
    );
    let notes: Vec<&str> = synced
        .report
        .notes
        .iter()
        .map(|n| n.path.as_str())
        .collect();
    for path in [
        "DescribeBackupUrl/input/BackupId",
        "DescribeBackupUrl/input/Brand",
        "DescribeBackupUrl/input/LimitType",
    ] {
        assert!(notes.contains(&path), "{path} in {notes:?}");
    }
    // The spec-owned actions it no longer lists are removed; the page's stays.
    assert!(synced
        .schema
        .actions
        .iter()
        .any(|a| a.name == "DescribeBackupUrl"));
    assert!(!synced
        .schema
        .actions
        .iter()
        .any(|a| a.name == "DescribeTaskInfo"));
}
