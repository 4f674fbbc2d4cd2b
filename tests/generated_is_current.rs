//! The committed `generated/redis.rs` must be exactly what `build.rs` produces from `schema/`,
//! so every change of the binding shows up as a reviewable diff.
//!
//! To accept a change: `TC_BLESS=1 cargo test --test generated_is_current`.

use std::path::Path;

const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/redis.rs"));

#[test]
fn committed_generated_code_matches_the_build() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/redis.rs");
    if std::env::var_os("TC_BLESS").is_some() {
        std::fs::write(&committed_path, BUILT).expect("write generated/redis.rs");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    if committed != BUILT {
        let first_difference = committed
            .lines()
            .zip(BUILT.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(BUILT.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "generated/redis.rs is stale: it first differs from the build output at line \
             {first_difference} ({} committed lines, {} built).\nReview the change, then \
             bless it with: TC_BLESS=1 cargo test --test generated_is_current",
            committed.lines().count(),
            BUILT.lines().count()
        );
    }
}
