//! Every validation rule of the schema loader, each with a broken schema: the error must name
//! the file and the JSON pointer, and say what is accepted.

mod common;

use common::*;
use serde_json::json;
use tencentcloud_schema::{load, SourceFile};

#[test]
fn the_committed_schema_is_valid() {
    let schema = load(&committed()).unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<&str> = schema.actions.iter().map(|a| a.name.as_str()).collect();
    assert!(actions.contains(&"DescribeBackupUrl"), "{actions:?}");
    assert!(schema.types.iter().any(|t| t.name == "BackupLimitVpcItem"));
}

#[test]
fn unknown_type_reference() {
    let files = with_json(ACTION, |v| {
        v["input"][5]["type"] = json!("Array of BackupLimitVpcItme")
    });
    expect_error(
        files,
        ACTION,
        "/input/5/type",
        &["unknown type \"BackupLimitVpcItme\"", "BackupLimitVpcItem"],
    );
}

#[test]
fn unreadable_type_words() {
    let files = with_json(ACTION, |v| v["input"][0]["type"] = json!("List<String>"));
    expect_error(
        files,
        ACTION,
        "/input/0/type",
        &["cannot read type", "Array of"],
    );
}

#[test]
fn duplicate_member() {
    let files = with_json(ACTION, |v| {
        let copy = v["output"][0].clone();
        v["output"].as_array_mut().unwrap().push(copy);
    });
    expect_error(
        files,
        ACTION,
        "/output/5/name",
        &["duplicate member \"DownloadUrl\"", "/output/0"],
    );
}

#[test]
fn bad_member_identifier() {
    let files = with_json(ACTION, |v| v["input"][1]["name"] = json!("Backup-Id"));
    expect_error(
        files,
        ACTION,
        "/input/1/name",
        &["\"Backup-Id\" is not a valid member name", "PascalCase"],
    );
}

#[test]
fn members_that_collide_as_rust_fields() {
    let files = with_json(VPC_ITEM, |v| v["members"][1]["name"] = json!("REGION"));
    expect_error(
        files,
        VPC_ITEM,
        "/members/1/name",
        &["becomes the Rust field region"],
    );
}

#[test]
fn enum_default_not_in_values() {
    let files = with_json(ACTION, |v| v["input"][4]["default"] = json!("Maybe"));
    expect_error(
        files,
        ACTION,
        "/input/4/default",
        &["default \"Maybe\"", "In, NotIn"],
    );
}

#[test]
fn missing_required_key() {
    let files = with_json(ACTION, |v| {
        v["input"][0].as_object_mut().unwrap().remove("type");
    });
    expect_error(
        files,
        ACTION,
        "/input/0",
        &["missing required key \"type\""],
    );
}

#[test]
fn malformed_json() {
    let files = with_text(
        ACTION,
        "{\n  \"name\": \"DescribeBackupUrl\",\n  \"input\": [\n",
    );
    expect_error(files, ACTION, "", &["malformed JSON at line", "column"]);
}

#[test]
fn unknown_key_is_a_typo() {
    let files = with_json(ACTION, |v| v["input"][0]["requird"] = json!(true));
    expect_error(
        files,
        ACTION,
        "/input/0/requird",
        &["unknown key \"requird\"", "required"],
    );
}

#[test]
fn wrong_json_type() {
    let files = with_json(ACTION, |v| v["input"][0]["required"] = json!("yes"));
    expect_error(
        files,
        ACTION,
        "/input/0/required",
        &["expected true or false, found a string"],
    );
}

#[test]
fn values_on_a_non_string_member() {
    let info = "schema/types/BackupDownloadInfo.json";
    let files = with_json(info, |v| {
        v["members"][1]["values"] = json!([{"value": "1024", "description": "x"}]);
    });
    expect_error(
        files,
        info,
        "/members/1/values",
        &["need a String member", "Integer"],
    );
}

#[test]
fn values_that_collide_as_variants() {
    let files = with_json(ACTION, |v| {
        v["input"][2]["values"][1]["value"] = json!("no_limit");
    });
    expect_error(
        files,
        ACTION,
        "/input/2/values/1/value",
        &["both become the variant NoLimit"],
    );
}

#[test]
fn value_named_unknown_clashes_with_the_catch_all() {
    let files = with_json(ACTION, |v| {
        v["input"][2]["values"][0]["value"] = json!("Unknown")
    });
    expect_error(files, ACTION, "/input/2/values/0/value", &["catch-all"]);
}

#[test]
fn one_enum_name_with_two_value_sets() {
    let files = with_json(ACTION, |v| {
        v["input"][3]["enum_name"] = json!("IpComparisonSymbol")
    });
    expect_error(
        files,
        ACTION,
        "/input/3/values",
        &[
            "IpComparisonSymbol is also defined",
            "at /output/2",
            "enum_name",
        ],
    );
}

#[test]
fn enum_name_without_values() {
    let files = with_json(ACTION, |v| {
        v["input"][0]["enum_name"] = json!("InstanceKind")
    });
    expect_error(files, ACTION, "/input/0/enum_name", &["has none"]);
}

#[test]
fn enum_named_like_a_data_type() {
    let files = with_json(ACTION, |v| {
        v["input"][2]["enum_name"] = json!("BackupDownloadInfo")
    });
    expect_error(
        files,
        ACTION,
        "/input/2/name",
        &["already used by", "enum_name"],
    );
}

#[test]
fn width_on_a_string() {
    let files = with_json(ACTION, |v| v["input"][0]["width"] = json!(64));
    expect_error(files, ACTION, "/input/0/width", &["only to Integer"]);
}

#[test]
fn unsupported_integer_width() {
    let files = with_json("schema/types/BackupDownloadInfo.json", |v| {
        v["members"][1]["width"] = json!(16)
    });
    expect_error(
        files,
        "schema/types/BackupDownloadInfo.json",
        "/members/1/type",
        &["width 16", "32 or 64"],
    );
}

#[test]
fn unit_on_a_string() {
    let files = with_json(ACTION, |v| v["input"][0]["unit"] = json!("bytes"));
    expect_error(files, ACTION, "/input/0/unit", &["Integer or Float"]);
}

#[test]
fn malformed_error_code() {
    let files = with_json(ACTION, |v| {
        v["errors"][0]["code"] = json!("FailedOperation..SystemError")
    });
    expect_error(files, ACTION, "/errors/0/code", &["not a valid error code"]);
}

#[test]
fn duplicate_error_code() {
    let files = with_json(ACTION, |v| {
        let copy = v["errors"][2].clone();
        v["errors"].as_array_mut().unwrap().push(copy);
    });
    expect_error(
        files,
        ACTION,
        "/errors/13/code",
        &[
            "duplicate error code InternalError.InternalError",
            "/errors/2",
        ],
    );
}

#[test]
fn duplicate_common_error_code() {
    let files = with_json(COMMON, |v| {
        let copy = v["errors"][0].clone();
        v["errors"].as_array_mut().unwrap().push(copy);
    });
    expect_error(
        files,
        COMMON,
        "/errors/38/code",
        &["duplicate error code ActionOffline"],
    );
}

#[test]
fn action_name_must_match_its_file() {
    let files = with_json(ACTION, |v| v["name"] = json!("DescribeBackupUrls"));
    expect_error(files, ACTION, "/name", &["does not match its file name"]);
}

#[test]
fn type_name_must_match_its_file() {
    let files = with_json(VPC_ITEM, |v| v["name"] = json!("VpcItem"));
    expect_error(files, VPC_ITEM, "/name", &["does not match its file name"]);
}

#[test]
fn type_names_may_not_shadow_names_generated_code_uses() {
    let mut files = committed();
    files.push(SourceFile {
        path: "schema/types/Option.json".to_owned(),
        text: r#"{"name": "Option", "description": "x", "members": []}"#.to_owned(),
    });
    expect_error(
        files,
        "schema/types/Option.json",
        "/name",
        &["not a usable type name"],
    );
}

#[test]
fn rate_limit_must_be_positive() {
    let files = with_json(ACTION, |v| v["rate_limit_per_second"] = json!(0));
    expect_error(files, ACTION, "/rate_limit_per_second", &["out of range"]);
}

#[test]
fn example_request_must_use_input_members() {
    let files = with_json(ACTION, |v| {
        v["examples"][0]["request"]["Region"] = json!("ap-guangzhou")
    });
    expect_error(
        files,
        ACTION,
        "/examples/0/request/Region",
        &["not an input member", "InstanceId"],
    );
}

#[test]
fn example_response_must_be_the_envelope() {
    let files = with_json(ACTION, |v| {
        v["examples"][0]["response"] = json!({"RequestId": "x"})
    });
    expect_error(
        files,
        ACTION,
        "/examples/0/response",
        &["{\"Response\": {...}}"],
    );
}

#[test]
fn regional_host_needs_its_placeholder() {
    let files = with_json(SERVICE, |v| {
        v["hosts"]["regional"] = json!("redis.tencentcloudapi.com")
    });
    expect_error(files, SERVICE, "/hosts/regional", &["{region}"]);
}

#[test]
fn service_name_must_be_lowercase() {
    let files = with_json(SERVICE, |v| v["service"] = json!("Redis"));
    expect_error(files, SERVICE, "/service", &["lowercase"]);
}

#[test]
fn missing_service_file() {
    let mut files = committed();
    files.retain(|f| f.path != SERVICE);
    expect_error(files, SERVICE, "", &["missing file"]);
}

#[test]
fn misplaced_file() {
    let files = with_text("schema/misc/extra.json", "{}");
    expect_error(
        files,
        "schema/misc/extra.json",
        "",
        &["unexpected schema file"],
    );
}

#[test]
fn pointer_tokens_are_escaped() {
    let files = with_json(ACTION, |v| v["input"][0]["a/b~c"] = json!(1));
    expect_error(files, ACTION, "/input/0/a~1b~0c", &["unknown key"]);
}
