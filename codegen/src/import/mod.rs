//! Readers of the documentation: the doc page text form ([`page`], followed into the schema
//! by [`import_page`]), the vendor's machine-readable spec ([`spec`]) and its examples
//! ([`vendor_examples`], whose GET form is decoded with [`crate::schema::flat`]), and named
//! corrections of both ([`fixups`]). [`crate::sync`] follows the spec into the schema.

pub mod fixups;
pub mod page;
pub mod spec;
pub mod vendor_examples;

mod error;
mod follow_page;
mod shared_enums;

pub use error::ImportError;
pub use follow_page::{import_page, PageImport};
