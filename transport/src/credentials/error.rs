//! [`CredentialsError`], why a provider has no credentials, and its [`CredentialsErrorKind`],
//! which tells a chain whether to try the next provider.

use std::fmt;

/// The kind of a [`CredentialsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The source has no credentials (variables not set, no file, not on CVM). A chain moves
    /// on to its next source.
    NotFound,
    /// The source has credentials but they are incomplete or malformed. A chain stops here:
    /// a misconfiguration should not silently fall through to another identity.
    Invalid,
    /// The source could not be read (I/O error, metadata service unreachable or answering
    /// badly). A chain moves on to its next source.
    Unavailable,
}

/// Why no credentials could be obtained. Messages name where the provider looked and never
/// contain a secret.
#[derive(Debug)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl CredentialsError {
    /// A "nothing there" error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            kind: CredentialsErrorKind::NotFound,
            message: message.into(),
            source: None,
        }
    }

    /// An "incomplete or malformed" error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: CredentialsErrorKind::Invalid,
            message: message.into(),
            source: None,
        }
    }

    /// A "could not read it" error with its cause.
    pub fn unavailable(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind: CredentialsErrorKind::Unavailable,
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// An error of `kind` with its cause (e.g. the failed STS call behind a role's
    /// credentials).
    pub(crate) fn with_kind(
        kind: CredentialsErrorKind,
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The message, naming where the provider looked.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message followed by its root cause, for a chain's summary (the intermediate
    /// causes tend to repeat the URL the message already names).
    pub(super) fn full_message(&self) -> String {
        let mut out = self.message.clone();
        let mut cause = self
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        let mut root = None;
        while let Some(e) = cause {
            root = Some(e);
            cause = e.source();
        }
        if let Some(root) = root {
            out.push_str(" (");
            out.push_str(&root.to_string());
            out.push(')');
        }
        out
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
