//! The generator's own error, after the schema validated.

use std::fmt;

use crate::schema::SchemaError;

/// An error from the code generator itself, after the schema validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateError {
    /// The schema is invalid.
    Schema(SchemaError),
    /// The emitted tokens did not parse as a Rust file: a bug in the generator, reported
    /// rather than panicking.
    Render(String),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Schema(e) => e.fmt(f),
            GenerateError::Render(msg) => {
                write!(
                    f,
                    "the generated code does not parse as Rust (a generator bug): {msg}"
                )
            }
        }
    }
}

impl std::error::Error for GenerateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GenerateError::Schema(e) => Some(e),
            GenerateError::Render(_) => None,
        }
    }
}

impl From<SchemaError> for GenerateError {
    fn from(e: SchemaError) -> Self {
        GenerateError::Schema(e)
    }
}
