//! The schema this crate was generated from, embedded, for programs that interpret it at run
//! time: the emulator validates requests with it, `tcredis` builds its subcommands from it.
//! Enabled by the `schema` feature.

use std::sync::OnceLock;

/// The model, reader, names and request checks of the schema crate, for working with the
/// loaded schema.
pub use tencentcloud_schema::*;

mod files {
    include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));
}

pub use files::FILES;

/// The embedded schema, read and validated once.
///
/// `build.rs` generated this crate from the same files after validating them, so an error here
/// means the embedded copy and the build disagree: a build problem, reported rather than
/// hidden.
pub fn load() -> Result<&'static Schema, SchemaError> {
    static LOADED: OnceLock<Result<Schema, SchemaError>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let files: Vec<SourceFile> = FILES
                .iter()
                .map(|(path, text)| SourceFile {
                    path: (*path).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect();
            tencentcloud_schema::load(&files)
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_schema_loads_and_names_every_generated_action() {
        let schema = super::load().expect("the embedded schema loads");
        assert_eq!(
            schema
                .actions
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            crate::ACTION_NAMES
        );
        assert!(std::ptr::eq(schema, super::load().unwrap()), "loaded once");
    }
}
