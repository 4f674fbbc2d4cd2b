//! Names derived from wire names: Rust fields (`InstanceId` → `instance_id`), variants
//! (`FailedOperation.SystemError` → `FailedOperationSystemError`) and command-line options
//! (`DescribeBackupUrl` → `describe-backup-url`).
//!
//! Words are split the way the `heck` crate splits them (a test holds the two equal), so names
//! stay what they were when the generator used it: a boundary before an upper-case letter that
//! follows a lower-case one or a digit after one (`Ipv6Addr` → `ipv6`, `addr`), and before the
//! last upper-case letter of a run followed by a lower-case one (`IPLimit` → `ip`, `limit`).

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

/// The words of a name: split at characters that are not ASCII letters or digits, and at
/// case boundaries inside a run of them.
fn words(name: &str) -> Vec<&str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut out = Vec::new();
    for run in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for (k, &(i, c)) in chars.iter().enumerate() {
            let Some(&(next_i, next)) = chars.get(k + 1) else {
                out.push(&run[start..]);
                break;
            };
            let next_mode = if c.is_lowercase() {
                Mode::Lower
            } else if c.is_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_uppercase() {
                out.push(&run[start..next_i]);
                start = next_i;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_uppercase() && next.is_lowercase() {
                out.push(&run[start..i]);
                start = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// `InstanceId` → `instance_id`.
pub fn snake_case(name: &str) -> String {
    joined_lower(name, '_')
}

/// `DescribeBackupUrl` → `describe-backup-url`.
pub fn kebab_case(name: &str) -> String {
    joined_lower(name, '-')
}

/// `IPLimitExceeded` → `IpLimitExceeded`, `no_limit` → `NoLimit`.
pub fn upper_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    out
}

fn joined_lower(name: &str, separator: char) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, word) in words(name).into_iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The Rust field name of a member: snake case, with a trailing `_` for keywords.
pub fn field_name(wire: &str) -> String {
    escape_keyword(snake_case(wire))
}

/// The variant name of an error code: its dot-separated parts joined in upper camel case.
pub fn error_variant(code: &str) -> String {
    code.split('.').map(upper_camel_case).collect::<String>()
}

/// The variant name of an enumerated value, or `None` if the value has no letters or digits
/// to build one from. Values starting with a digit get a `V` prefix.
pub fn enum_variant(value: &str) -> Option<String> {
    let camel = upper_camel_case(value);
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
    fn case_conversions_split_words_like_heck() {
        assert_eq!(snake_case("IPLimitExceeded"), "ip_limit_exceeded");
        assert_eq!(snake_case("Ipv6Addr"), "ipv6_addr");
        assert_eq!(snake_case("VPCIds"), "vpc_ids");
        assert_eq!(snake_case("WanAddress"), "wan_address");
        assert_eq!(kebab_case("DescribeBackupUrl"), "describe-backup-url");
        assert_eq!(upper_camel_case("LimitOnlyIntranet"), "LimitOnlyIntranet");
        assert_eq!(upper_camel_case("no_limit"), "NoLimit");
        assert_eq!(upper_camel_case("Redis 4.0"), "Redis40");
        assert_eq!(upper_camel_case(""), "");
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
