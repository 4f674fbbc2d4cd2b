//! Every documented code and every common code maps to its own variant; anything else keeps
//! its raw text. The expected codes are read from the schema files, so the test follows the
//! schema, and the counts are pinned to what the seed page and the reference list give.

use std::collections::HashSet;
use std::mem::discriminant;

use serde_json::Value;
use tencentcloud_redis::{ActionError, DescribeBackupUrlError, ServiceError};

fn codes(path_suffix: &str, pointer: &str) -> Vec<String> {
    let (_, text) = tencentcloud_redis::schema::FILES
        .iter()
        .find(|(path, _)| path.ends_with(path_suffix))
        .expect("schema file present");
    let value: Value = serde_json::from_str(text).expect("schema JSON");
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .expect("error list")
        .iter()
        .map(|e| e["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn each_code_has_its_own_variant() {
    let documented = codes("actions/DescribeBackupUrl.json", "/errors");
    let common = codes("common-errors.json", "/errors");
    assert_eq!(documented.len(), 13, "the seed page documents 13 codes");
    assert_eq!(common.len(), 38, "the reference lists 38 common codes");

    let mut seen = HashSet::new();
    for code in documented.iter().chain(&common) {
        let raw = ServiceError::new(code.as_str(), format!("message for {code}"), "req-1");
        let error = DescribeBackupUrlError::from_service_error(raw.clone());
        assert!(
            !matches!(error, DescribeBackupUrlError::Unhandled(_)),
            "{code} fell through to Unhandled"
        );
        assert_eq!(error.code(), code);
        assert_eq!(error.message(), format!("message for {code}"));
        assert_eq!(error.request_id(), "req-1");
        assert_eq!(error.service_error(), &raw);
        assert!(
            seen.insert(discriminant(&error)),
            "{code} shares a variant with another code"
        );
    }
    assert_eq!(seen.len(), 13 + 38);
}

#[test]
fn specific_codes_map_to_the_expected_variants() {
    let classify =
        |code: &str| DescribeBackupUrlError::from_service_error(ServiceError::new(code, "m", "r"));
    assert!(matches!(
        classify("InvalidParameterValue.BackupNotExists"),
        DescribeBackupUrlError::InvalidParameterValueBackupNotExists(_)
    ));
    assert!(matches!(
        classify("ResourceNotFound.InstanceNotExists"),
        DescribeBackupUrlError::ResourceNotFoundInstanceNotExists(_)
    ));
    assert!(matches!(
        classify("AuthFailure.SignatureFailure"),
        DescribeBackupUrlError::AuthFailureSignatureFailure(_)
    ));
    assert!(matches!(
        classify("InternalError"),
        DescribeBackupUrlError::InternalError(_)
    ));
    assert!(matches!(
        classify("InternalError.InternalError"),
        DescribeBackupUrlError::InternalErrorInternalError(_)
    ));
}

#[test]
fn unknown_codes_keep_their_raw_text() {
    let raw = ServiceError::new("FailedOperation.SomethingNew", "brand new failure", "req-9");
    let error = DescribeBackupUrlError::from_service_error(raw.clone());
    assert_eq!(error, DescribeBackupUrlError::Unhandled(raw));
    assert_eq!(error.code(), "FailedOperation.SomethingNew");
    assert_eq!(
        error.to_string(),
        "FailedOperation.SomethingNew: brand new failure (RequestId: req-9)"
    );
    // Matching is exact: case or a trailing dot make a different code.
    assert!(matches!(
        DescribeBackupUrlError::from_service_error(ServiceError::new("internalerror", "m", "r")),
        DescribeBackupUrlError::Unhandled(_)
    ));
}

#[test]
fn the_trait_and_inherent_accessors_agree() {
    fn via_trait<E: ActionError>(e: &E) -> (&str, &str, &str) {
        (e.code(), e.message(), e.request_id())
    }
    let error = <DescribeBackupUrlError as ActionError>::from_service_error(ServiceError::new(
        "ResourceUnavailable.BackupStatusInvalid",
        "not running",
        "req-2",
    ));
    assert_eq!(
        via_trait(&error),
        (
            "ResourceUnavailable.BackupStatusInvalid",
            "not running",
            "req-2"
        )
    );
    let source: &dyn std::error::Error = &error;
    assert_eq!(
        source.to_string(),
        "ResourceUnavailable.BackupStatusInvalid: not running (RequestId: req-2)"
    );
}
