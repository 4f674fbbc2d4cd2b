//! The importers' error: where (a file and a line, pointer or fixup name) and what.

use std::fmt;

/// An import problem: where (a file and a line, pointer or fixup name) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file or page read, as given.
    pub source: String,
    /// Where in it: `line N`, a JSON pointer or a fixup's name; empty for the whole file.
    pub location: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl ImportError {
    pub(crate) fn new(
        source: impl Into<String>,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            source: source.into(),
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.source, self.message)
        } else {
            write!(f, "{} at {}: {}", self.source, self.location, self.message)
        }
    }
}

impl std::error::Error for ImportError {}
