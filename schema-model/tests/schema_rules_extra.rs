//! Schema validation rules not covered by schema_errors.rs, each with a broken schema: the
//! error must name the file and the JSON pointer.

mod common;

use common::*;
use serde_json::json;

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
    let files = with_text(
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
    let files = with_text(
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
    let files = with_text(
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
fn action_code_taking_a_variant_every_action_error_has() {
    for (code, variant) in [("Common", "Common"), ("Unhandled", "Unhandled")] {
        let files = with_json(ACTION, |v| v["errors"][0]["code"] = json!(code));
        expect_error(
            files,
            ACTION,
            "/errors/0/code",
            &[
                &format!("becomes the variant {variant}"),
                "Common, Unhandled",
            ],
        );
    }
}

#[test]
fn an_action_may_document_a_common_code() {
    // It is matched as `Common`, so it cannot collide with the action's own variants.
    let files = with_json(ACTION, |v| v["errors"][0]["code"] = json!("InternalError"));
    assert!(tencentcloud_schema::load(&files).is_ok());
}

#[test]
fn retryable_classes_must_be_error_classes() {
    let files = with_json(COMMON, |v| {
        v["retryable_classes"][1] = json!("Internal.Error")
    });
    expect_error(
        files,
        COMMON,
        "/retryable_classes/1",
        &[
            "\"Internal.Error\" is not an error class",
            "e.g. InternalError",
        ],
    );
    let files = with_json(COMMON, |v| v["retryable_classes"] = json!([7]));
    expect_error(
        files,
        COMMON,
        "/retryable_classes/0",
        &["expected a string"],
    );
    let files = with_json(COMMON, |v| v["retryable_classes"] = json!("InternalError"));
    expect_error(files, COMMON, "/retryable_classes", &["expected an array"]);
}

#[test]
fn retryable_on_an_action_code_must_be_a_boolean() {
    let files = with_json(ACTION, |v| v["errors"][0]["retryable"] = json!("yes"));
    expect_error(
        files,
        ACTION,
        "/errors/0/retryable",
        &["expected true or false"],
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
