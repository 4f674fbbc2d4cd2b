//! The emulator's errors: an answer in `Response.Error`, and why it could not start.

/// An error answered in `Response.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The error code, e.g. `InvalidParameterValue.BackupNotExists`.
    pub code: String,
    /// The message.
    pub message: String,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The embedded schema does not load (a build problem).
    Schema(String),
    /// Writing or reading data files failed.
    Data(std::io::Error),
    /// The listening socket could not be opened.
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Schema(e) => write!(f, "the embedded API schema does not load: {e}"),
            StartError::Data(_) => write!(f, "cannot prepare the emulator's backup files"),
            StartError::Bind(_) => write!(f, "cannot listen"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Schema(_) => None,
            StartError::Data(e) | StartError::Bind(e) => Some(e),
        }
    }
}
