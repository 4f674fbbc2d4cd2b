//! Rust names from wire names: `InstanceId` → `instance_id`, `LimitOnlyIntranet` →
//! `LimitOnlyIntranet`, `FailedOperation.SystemError` → `FailedOperationSystemError`.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Whether `name` is a PascalCase wire identifier: an ASCII letter, then letters and digits.
pub fn is_pascal_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Whether `code` looks like a Tencent Cloud error code: dot-separated identifiers.
pub fn is_error_code(code: &str) -> bool {
    !code.is_empty()
        && code.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric())
        })
}

/// The Rust field name of a member: snake case, with a trailing `_` for keywords.
pub fn field_name(wire: &str) -> String {
    escape_keyword(wire.to_snake_case())
}

/// The variant name of an error code: its dot-separated parts joined in upper camel case.
pub fn error_variant(code: &str) -> String {
    code.split('.')
        .map(|part| part.to_upper_camel_case())
        .collect::<String>()
}

/// The variant name of an enumerated value, or `None` if the value has no letters or digits
/// to build one from. Values starting with a digit get a `V` prefix.
pub fn enum_variant(value: &str) -> Option<String> {
    let camel = value.to_upper_camel_case();
    let camel: String = camel
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match camel.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("V{camel}")),
        Some(_) => Some(camel),
    }
}

/// The module-free name of an action's generated items, e.g. `DescribeBackupUrlRequest`.
pub fn action_item(action: &str, suffix: &str) -> String {
    format!("{action}{suffix}")
}

fn escape_keyword(name: String) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else",
        "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
        "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
        "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe",
        "unsized", "use", "virtual", "where", "while", "yield", "abstract", "become", "do",
    ];
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_snake_case_and_escape_keywords() {
        assert_eq!(field_name("InstanceId"), "instance_id");
        assert_eq!(field_name("VpcComparisonSymbol"), "vpc_comparison_symbol");
        assert_eq!(field_name("Type"), "type_");
        assert_eq!(field_name("LimitIp"), "limit_ip");
    }

    #[test]
    fn error_variants_join_the_code_parts() {
        assert_eq!(
            error_variant("FailedOperation.SystemError"),
            "FailedOperationSystemError"
        );
        assert_eq!(error_variant("InternalError"), "InternalError");
        assert_eq!(
            error_variant("RequestLimitExceeded.IPLimitExceeded"),
            "RequestLimitExceededIpLimitExceeded"
        );
    }

    #[test]
    fn enum_variants_handle_digits_and_punctuation() {
        assert_eq!(enum_variant("NoLimit").as_deref(), Some("NoLimit"));
        assert_eq!(enum_variant("in").as_deref(), Some("In"));
        assert_eq!(enum_variant("2.8").as_deref(), Some("V28"));
        assert_eq!(enum_variant("---"), None);
    }

    #[test]
    fn identifiers_and_codes_are_checked() {
        assert!(is_pascal_identifier("BackupId"));
        assert!(!is_pascal_identifier("backupId"));
        assert!(!is_pascal_identifier("Backup-Id"));
        assert!(is_error_code("AuthFailure.SignatureFailure"));
        assert!(!is_error_code("AuthFailure..X"));
        assert!(!is_error_code("Auth Failure"));
    }
}
