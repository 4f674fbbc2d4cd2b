//! Schema errors: every one names the file, the JSON pointer inside it, and what was expected.

use std::fmt;

/// A problem found while loading or validating the schema.
///
/// `Display` gives one line a person can act on:
/// `schema/actions/DescribeBackupUrl.json at /input/5/type: unknown type "Foo"; ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The schema file, as given to the loader (relative to the schema folder's parent when
    /// loaded by `build.rs`, e.g. `schema/actions/DescribeBackupUrl.json`).
    pub file: String,
    /// RFC 6901 JSON pointer to the offending value inside the file; empty for the whole file.
    pub pointer: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl SchemaError {
    /// An error at `pointer` inside `file`.
    pub fn new(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{} at {}: {}", self.file, pointer, self.message)
    }
}

impl std::error::Error for SchemaError {}

/// Escapes one JSON pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
