//! An error and its causes on one line, for log fields and progress messages.
//!
//! Every error here follows the transport's policy: `Display` says what failed at its own
//! level and `source()` carries the cause. So `to_string()` alone can leave out why (the
//! network error under a failed download, the I/O error under a failed write); a log line or
//! a message that must say why shows the whole chain with [`Chain`].

use std::error::Error;
use std::fmt;

/// Shows an error followed by each of its causes, `: `-separated.
pub(crate) struct Chain<'a>(pub(crate) &'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}
