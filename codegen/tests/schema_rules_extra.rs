//! Schema validation rules not covered by schema_errors.rs, each with a broken schema: the
//! error must name the file and the JSON pointer.

use std::path::Path;

use serde_json::{json, Value};
use tencentcloud_codegen::{load, read_schema_dir, SourceFile};

const ACTION: &str = "schema/actions/DescribeBackupUrl.json";
const SERVICE: &str = "schema/service.json";
const COMMON: &str = "schema/common-errors.json";

fn committed() -> Vec<SourceFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    read_schema_dir(&dir).expect("the committed schema is readable")
}

fn with_json(path: &str, edit: impl FnOnce(&mut Value)) -> Vec<SourceFile> {
    let mut files = committed();
    let file = files
        .iter_mut()
        .find(|f| f.path == path)
        .expect("file exists");
    let mut value: Value = serde_json::from_str(&file.text).expect("JSON");
    edit(&mut value);
    file.text = serde_json::to_string_pretty(&value).expect("serializable");
    files
}

fn with_file(path: &str, text: &str) -> Vec<SourceFile> {
    let mut files = committed();
    files.push(SourceFile {
        path: path.to_owned(),
        text: text.to_owned(),
    });
    files
}

#[track_caller]
fn expect_error(files: Vec<SourceFile>, file: &str, pointer: &str, words: &[&str]) {
    let Err(err) = load(&files) else {
        panic!("the broken schema must be rejected (expected an error at {file} {pointer})");
    };
    assert_eq!(
        (err.file.as_str(), err.pointer.as_str()),
        (file, pointer),
        "{err}"
    );
    let shown = err.to_string();
    assert!(shown.starts_with(&format!("{file} at ")), "{shown}");
    for w in words {
        assert!(shown.contains(w), "expected {w:?} in: {shown}");
    }
}

#[test]
fn member_that_is_not_an_object() {
    let files = with_json(ACTION, |v| v["input"][0] = json!("InstanceId"));
    expect_error(
        files,
        ACTION,
        "/input/0",
        &["expected a JSON object, found"],
    );
}

#[test]
fn string_key_with_another_json_type() {
    let files = with_json(ACTION, |v| v["input"][0]["name"] = json!(5));
    expect_error(
        files,
        ACTION,
        "/input/0/name",
        &["expected a string, found"],
    );
}

#[test]
fn list_key_that_is_not_an_array() {
    let files = with_json(ACTION, |v| v["input"] = json!({}));
    expect_error(files, ACTION, "/input", &["expected an array, found"]);
}

#[test]
fn rate_limit_that_is_not_a_non_negative_integer() {
    let files = with_json(ACTION, |v| v["rate_limit_per_second"] = json!(-1));
    expect_error(
        files,
        ACTION,
        "/rate_limit_per_second",
        &["non-negative integer"],
    );
}

#[test]
fn example_request_that_is_not_an_object() {
    let files = with_json(ACTION, |v| v["examples"][0]["request"] = json!([]));
    expect_error(files, ACTION, "/examples/0/request", &["JSON object"]);
}

#[test]
fn unsigned_on_a_string() {
    let files = with_json(ACTION, |v| v["input"][0]["unsigned"] = json!(true));
    expect_error(files, ACTION, "/input/0/unsigned", &["only to Integer"]);
}

#[test]
fn empty_version() {
    let files = with_json(SERVICE, |v| v["version"] = json!(""));
    expect_error(files, SERVICE, "/version", &["must not be empty"]);
}

#[test]
fn host_names_are_checked() {
    for (key, bad) in [
        ("default", ""),
        ("default", "redis tencentcloudapi.com"),
        ("mainland", "https://redis.tencentcloudapi.com/"),
    ] {
        let files = with_json(SERVICE, |v| v["hosts"][key] = json!(bad));
        expect_error(
            files,
            SERVICE,
            &format!("/hosts/{key}"),
            &["is not a host name"],
        );
    }
}

#[test]
fn action_name_that_is_not_pascal_case() {
    let files = with_file(
        "schema/actions/describe_x.json",
        r#"{"name": "describe_x", "description": "x", "input": [], "output": []}"#,
    );
    expect_error(
        files,
        "schema/actions/describe_x.json",
        "/name",
        &["not a valid action name"],
    );
}

#[test]
fn type_name_that_is_not_pascal_case() {
    let files = with_file(
        "schema/types/bad_type.json",
        r#"{"name": "bad_type", "description": "x", "members": []}"#,
    );
    expect_error(
        files,
        "schema/types/bad_type.json",
        "/name",
        &["not a usable type name"],
    );
}

#[test]
fn type_named_like_a_generated_action_item() {
    let files = with_file(
        "schema/types/DescribeBackupUrlRequest.json",
        r#"{"name": "DescribeBackupUrlRequest", "description": "x", "members": []}"#,
    );
    expect_error(
        files,
        ACTION,
        "/name",
        &["DescribeBackupUrlRequest is already used by"],
    );
}

#[test]
fn invalid_enum_name() {
    let files = with_json(ACTION, |v| v["input"][2]["enum_name"] = json!("limit-type"));
    expect_error(
        files,
        ACTION,
        "/input/2/enum_name",
        &["not a valid enum name"],
    );
}

#[test]
fn value_with_no_letters_or_digits() {
    let files = with_json(ACTION, |v| {
        v["input"][2]["values"][0]["value"] = json!("--")
    });
    expect_error(
        files,
        ACTION,
        "/input/2/values/0/value",
        &["cannot build a Rust variant name"],
    );
}

#[test]
fn enum_named_like_a_reserved_name() {
    let files = with_json(ACTION, |v| v["input"][2]["enum_name"] = json!("Option"));
    expect_error(
        files,
        ACTION,
        "/input/2/name",
        &["a name generated code relies on"],
    );
}

#[test]
fn enum_named_like_a_generated_action_item() {
    let files = with_json(ACTION, |v| {
        v["input"][2]["enum_name"] = json!("DescribeTaskInfoResponse")
    });
    expect_error(files, ACTION, "/input/2/name", &["already used by"]);
}

#[test]
fn common_code_colliding_with_an_action_code_variant() {
    // The action code InternalError.InternalError becomes the variant
    // InternalErrorInternalError; a common code spelled without the dot collides with it.
    let files = with_json(COMMON, |v| {
        let mut e = v["errors"][0].clone();
        e["code"] = json!("InternalErrorInternalError");
        v["errors"].as_array_mut().unwrap().push(e);
    });
    let n =
        serde_json::from_str::<Value>(&committed().iter().find(|f| f.path == COMMON).unwrap().text)
            .unwrap()["errors"]
            .as_array()
            .unwrap()
            .len();
    expect_error(
        files,
        COMMON,
        &format!("/errors/{n}"),
        &["both become the variant"],
    );
}

#[test]
fn missing_common_errors_file() {
    let mut files = committed();
    files.retain(|f| f.path != COMMON);
    expect_error(files, COMMON, "", &["missing file"]);
}

#[test]
fn example_response_whose_response_is_not_an_object() {
    let files = with_json(ACTION, |v| {
        v["examples"][0]["response"] = json!({"Response": []})
    });
    expect_error(
        files,
        ACTION,
        "/examples/0/response",
        &["{\"Response\": {...}}"],
    );
}
