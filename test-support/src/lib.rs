//! Helpers shared by the integration tests of the crates in this workspace. **For the
//! workspace's tests only**: it is never published, and each crate takes it as a
//! `[dev-dependencies]` path entry.
//!
//! Helpers that only one crate's tests use stay in that crate's `tests/common/mod.rs`; this
//! crate holds what the tests of more than one crate need. It depends on no crate of the
//! workspace (so any of them can take it without a cycle), only on `proptest`, `serde_json`
//! and `tokio`.
//!
//! - [`fuzz`]: the proptest configuration of the fuzz tests, their committed seeds, and edits
//!   of JSON values at JSON pointers.
//! - [`leaks`]: a recording TCP relay, to learn the signatures that went over the wire, the
//!   search for them (and for secrets) in what a program wrote, and an in-memory sink for
//!   `tracing` output.

pub mod fuzz;
pub mod leaks;
