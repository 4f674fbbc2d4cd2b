//! Every documented code of every action, every common code and an unknown code map to the
//! right variant, keeping code, message and RequestId; retries follow the schema. The expected
//! variants and flags are read from the embedded schema, so the tests follow it, and the counts
//! are pinned to what the seed page and the reference list give.

use std::collections::HashSet;
use std::mem::discriminant;

use serde::de::DeserializeOwned;
use tencentcloud_redis::schema::names::error_variant;
use tencentcloud_redis::schema::Schema;
use tencentcloud_redis::{
    visit_action, Action, ActionError, ActionVisitor, CallOptions, Client, CommonError,
    Credentials, DescribeBackupUrlError, DescribeBackupUrlRequest, Endpoint, Error, RetryPolicy,
    ServiceError,
};
use tencentcloud_redis_emulator::Emulator;

fn schema() -> &'static Schema {
    tencentcloud_redis::schema::load().expect("the embedded schema loads")
}

/// What one action's error type makes of every code the schema knows, and of unknown ones.
struct CheckErrors<'a> {
    schema: &'a Schema,
    action: &'a tencentcloud_redis::schema::Action,
}

impl ActionVisitor for CheckErrors<'_> {
    type Output = usize;

    fn visit<A>(self) -> usize
    where
        A: Action + DeserializeOwned + 'static,
        A::Response: serde::Serialize,
    {
        let (schema, action) = (self.schema, self.action);
        let mut seen = HashSet::new();
        let documented = action.errors.iter().map(|e| (e, false));
        let common = schema.common_errors.errors.iter().map(|e| (e, true));
        for (error, is_common) in documented.chain(common) {
            let code = error.code.as_str();
            let raw = ServiceError::new(code, format!("message for {code}"), "req-1");
            let typed = A::Error::from_service_error(raw.clone());
            // Debug shows the variant path: `Variant(ServiceError {..})` for an action's own
            // code, `Common(Variant(..))` for a common one (also when the action documents it).
            let shown = format!("{typed:?}");
            let variant = error_variant(code);
            let expected = if is_common || schema.is_common_code(code) {
                format!("Common({variant}(")
            } else {
                format!("{variant}(")
            };
            assert!(
                shown.starts_with(&expected),
                "{}: {code} became {shown}, expected {expected}..",
                action.name
            );
            assert_eq!(typed.code(), code);
            assert_eq!(typed.message(), format!("message for {code}"));
            assert_eq!(typed.request_id(), "req-1");
            assert_eq!(typed.service_error(), &raw);
            assert_eq!(
                typed.is_retryable(),
                schema.is_retryable(error),
                "{}: retryability of {code}",
                action.name
            );
            assert_eq!(typed.to_string(), raw.to_string());
            seen.insert(shown.split('(').take(2).collect::<Vec<_>>().join("("));
        }
        let unknown = ServiceError::new("FailedOperation.SomethingNew", "new", "req-9");
        let typed = A::Error::from_service_error(unknown.clone());
        assert!(format!("{typed:?}").starts_with("Unhandled("), "{typed:?}");
        assert_eq!(typed.service_error(), &unknown);
        seen.len()
    }
}

#[test]
fn every_code_of_every_action_has_its_variant() {
    let schema = schema();
    let common = schema.common_errors.errors.len();
    assert_eq!(common, 38, "the reference lists 38 common codes");
    for action in &schema.actions {
        let distinct = visit_action(&action.name, CheckErrors { schema, action })
            .unwrap_or_else(|| panic!("{} is not in the registry", action.name));
        let own = action
            .errors
            .iter()
            .filter(|e| !schema.is_common_code(&e.code))
            .count();
        assert_eq!(
            distinct,
            own + common,
            "{}: variants are distinct",
            action.name
        );
    }
}

#[test]
fn the_seed_action_keeps_its_thirteen_codes_and_common_ones_nest() {
    let classify =
        |code: &str| DescribeBackupUrlError::from_service_error(ServiceError::new(code, "m", "r"));
    let own: HashSet<_> = schema()
        .actions
        .iter()
        .find(|a| a.name == "DescribeBackupUrl")
        .expect("DescribeBackupUrl")
        .errors
        .iter()
        .map(|e| discriminant(&classify(&e.code)))
        .collect();
    assert_eq!(own.len(), 13, "the seed page documents 13 codes");
    assert!(matches!(
        classify("InvalidParameterValue.BackupNotExists"),
        DescribeBackupUrlError::InvalidParameterValueBackupNotExists(_)
    ));
    assert!(matches!(
        classify("InternalError.InternalError"),
        DescribeBackupUrlError::InternalErrorInternalError(_)
    ));
    // One match reaches the common codes too.
    assert!(matches!(
        classify("AuthFailure.SignatureFailure"),
        DescribeBackupUrlError::Common(CommonError::AuthFailureSignatureFailure(_))
    ));
    assert!(matches!(
        classify("InternalError"),
        DescribeBackupUrlError::Common(CommonError::InternalError(_))
    ));
    // Matching is exact: case or a trailing dot make a different code.
    for code in ["internalerror", "InternalError.", "RequestLimitExceeded "] {
        assert!(
            matches!(classify(code), DescribeBackupUrlError::Unhandled(_)),
            "{code:?}"
        );
    }
    let common = CommonError::classify(ServiceError::new("ResourceNotFound", "m", "r"))
        .expect("a common code");
    assert_eq!(common.service_error().code, "ResourceNotFound");
    assert!(CommonError::classify(ServiceError::new("ResourceNotFound.X", "m", "r")).is_err());
}

#[test]
fn retryability_is_the_schemas() {
    let retryable = |code: &str| {
        DescribeBackupUrlError::from_service_error(ServiceError::new(code, "m", "r")).is_retryable()
    };
    // Common codes: their `retryable` flag in common-errors.json.
    for code in [
        "InternalError",
        "RequestLimitExceeded.IPLimitExceeded",
        "ServiceUnavailable",
    ] {
        assert!(retryable(code), "{code}");
    }
    for code in [
        "AuthFailure.SignatureFailure",
        "InvalidParameter",
        "ResourceNotFound",
    ] {
        assert!(!retryable(code), "{code}");
    }
    // The action's own codes: the schema's class rule (retryable_classes), as they carry no
    // flag of their own.
    assert!(retryable("InternalError.DbOperationFailed"));
    assert!(retryable("InternalError.InternalError"));
    assert!(!retryable("FailedOperation.SystemError"));
    assert!(!retryable("InvalidParameter.PermissionDenied"));
    // A code no schema describes: the transport's default.
    assert!(retryable("InternalError.SomethingNew"));
    assert!(!retryable("FailedOperation.SomethingNew"));
}

/// The client retries exactly the codes the error type calls retryable: a scripted error on
/// the first attempt, then success (or the same error's final answer).
#[tokio::test]
async fn the_client_retries_what_the_schema_calls_retryable() {
    let emulator = Emulator::builder().start().await.expect("emulator starts");
    let client = Client::builder()
        .region(emulator.region())
        .endpoint(Endpoint::Url(emulator.endpoint().to_owned()))
        .credentials(Credentials::new(
            emulator.secret_id(),
            emulator.secret_key(),
        ))
        .retry(
            RetryPolicy::new()
                .with_max_attempts(3)
                .with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .expect("client");
    let demo = emulator.instances().remove(0);
    let request = DescribeBackupUrlRequest::new(demo.instance_id, &demo.backups[0].backup_id);
    for (code, retried) in [
        ("InternalError.DbOperationFailed", true),
        ("InternalError", true),
        ("InternalError.SomethingNew", true),
        ("InvalidParameter.PermissionDenied", false),
        ("FailedOperation.SomethingNew", false),
    ] {
        emulator.push_error(code, "scripted");
        let outcome = client.send_detailed(&request, CallOptions::new()).await;
        if retried {
            assert!(outcome.result.is_ok(), "{code}: {:?}", outcome.result);
            assert_eq!(outcome.attempts, 2, "{code} is retried once");
        } else {
            let Err(Error::Service(e)) = outcome.result else {
                panic!("{code}: {:?}", outcome.result)
            };
            assert_eq!(e.code(), code);
            assert_eq!(outcome.attempts, 1, "{code} is not retried");
        }
    }
}
