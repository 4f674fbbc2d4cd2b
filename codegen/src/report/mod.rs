//! What a sync or an import changed, entry by entry, each with what it means for the crate's
//! users under semver; rendered as text for people, JSON for tools, and a CHANGELOG section.
//!
//! The classes are those of the generated crate, not of the wire: a member that becomes
//! optional in a request is *major* here, because required members are `new(..)` arguments
//! and the constructor's signature changes (cargo-semver-checks agrees).

mod change;
mod diff;
mod render;

pub use change::{Change, ChangeKind, Note, Problem, Report, Semver};
pub use diff::diff;
pub use render::add_to_changelog;
