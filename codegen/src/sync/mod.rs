//! `tc-codegen sync`: bringing `schema/` up to a release of the vendor's API spec in one run,
//! with a report of every change classified for semver.

mod merge;
mod run;

pub use run::{sync, SyncInput, Synced};
