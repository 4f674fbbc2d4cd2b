//! The request log: every request the emulator answered, for tests to assert on retries,
//! resumes and refusals. It never keeps a query string, so no URL signature is logged.

use std::sync::Mutex;

/// One request the emulator answered, for tests to assert on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The HTTP method.
    pub method: String,
    /// The path without the query string (`/` for API calls).
    pub path: String,
    /// The `Range` header, if one was sent.
    pub range: Option<String>,
    /// The HTTP status answered; 0 when the connection was reset by an injected fault.
    pub status: u16,
    /// The API action (`X-TC-Action`), for API calls.
    pub action: Option<String>,
    /// The error code answered: `Response.Error.Code` for API calls that failed, the XML
    /// body's `Code` for downloads that were refused (`AccessDenied`, `NoSuchKey`, ...); `None`
    /// for a success or a reset.
    pub error_code: Option<String>,
    /// The SecretId of an API call that passed authentication.
    pub secret_id: Option<String>,
    /// For downloads cut by a fault: after how many body bytes.
    pub cut_after: Option<u64>,
}

/// The log itself, shared by the handlers.
#[derive(Debug, Default)]
pub(crate) struct RequestLog(Mutex<Vec<LogEntry>>);

impl RequestLog {
    pub fn push(&self, entry: LogEntry) {
        if let Ok(mut log) = self.0.lock() {
            log.push(entry);
        }
    }

    pub fn entries(&self) -> Vec<LogEntry> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut l) = self.0.lock() {
            l.clear();
        }
    }
}
