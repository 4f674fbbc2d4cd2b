//! The Rust code generator for Tencent Cloud API bindings, and the importers that turn the
//! vendor's documentation into schema files.
//!
//! The flow: [`schema::load`] the schema files (the [`tencentcloud_schema`] crate, re-exported
//! as [`schema`]), then [`generate`] tokens, [`render_files`] one source file per module, or
//! `render` one formatted file. None of them touches the file system; `build.rs` and the
//! `tc-codegen` tool do the reading and writing.
//!
//! Features: `pretty` formats with prettyplease (`render`, `Format::Pretty`); `tools` (on by
//! default, implies `pretty`) adds the importers, sync, change reports and the `tc-codegen`
//! binary. A binding's `build.rs` turns both off and compiles neither `syn` nor a formatter.

mod docs;
mod emit;
mod error;
#[cfg(feature = "tools")]
pub mod import;
mod render;
#[cfg(feature = "tools")]
pub mod report;
#[cfg(feature = "tools")]
pub mod schema_files;
#[cfg(feature = "tools")]
pub mod sync;

pub use emit::Options;
pub use error::GenerateError;
#[cfg(feature = "pretty")]
pub use render::render;
pub use render::{render_files, Format, GeneratedFile};
/// The schema model, reader, validation and writer this generator works from.
pub use tencentcloud_schema as schema;

use schema::Schema;

/// Generates the binding's tokens from a validated schema, as one self-contained crate root.
/// Pure and deterministic.
pub fn generate(
    schema: &Schema,
    options: &Options,
) -> Result<proc_macro2::TokenStream, GenerateError> {
    Ok(emit::generate(schema, options).tokens(&emit::ModuleBodies::Inline))
}
