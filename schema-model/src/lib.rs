//! The schema of a Tencent Cloud API as data.
//!
//! `schema/` holds the API as JSON files (see its README): the service, the common error codes,
//! data types and actions. This crate reads them strictly ([`read()`]: every mistake is an error
//! naming the file and the JSON pointer), checks the rules that span files ([`validate()`]),
//! derives the names generated code uses ([`names`]), writes the files back in their canonical
//! layout ([`mod@write`]), checks request bodies against an action's members ([`request`]), and
//! decodes the docs' flattened `LimitVpc.N` parameter form into JSON ([`flat`]).
//! [`load`] is read, then validate.
//!
//! It depends on `serde_json` only, so that the programs that interpret the schema at run time
//! (the emulator, the command-line tool) need none of the code generator.
//!
//! ```
//! use tencentcloud_schema::{load, SourceFile};
//!
//! let file = |path: &str, text: &str| SourceFile { path: path.into(), text: text.into() };
//! let schema = load(&[
//!     file("schema/service.json", r#"{"service": "redis", "version": "2018-04-12",
//!         "title": "TencentDB for Redis", "region_required": true,
//!         "hosts": {"default": "redis.intl.tencentcloudapi.com",
//!                   "mainland": "redis.tencentcloudapi.com",
//!                   "regional": "redis.{region}.tencentcloudapi.com"},
//!         "provenance": {"source": "an example"}}"#),
//!     file("schema/common-errors.json",
//!          r#"{"description": "none yet", "provenance": {"source": "an example"}, "errors": []}"#),
//! ])?;
//! assert_eq!(schema.service.version, "2018-04-12");
//! assert!(schema.actions.is_empty());
//! # Ok::<(), tencentcloud_schema::SchemaError>(())
//! ```

mod dir;
mod error;
pub mod flat;
pub mod json;
pub mod model;
pub mod names;
pub mod pagination;
pub mod read;
pub mod request;
pub mod task;
pub mod validate;
pub mod write;

pub use dir::read_schema_dir;
pub use error::{pointer_token, SchemaError};
pub use model::*;
pub use read::read;
pub use validate::validate;

/// Reads the files of a schema folder ([`read()`]) and checks the rules that span them
/// ([`validate()`]): the schema every consumer works from.
pub fn load(files: &[SourceFile]) -> Result<Schema, SchemaError> {
    let schema = read(files)?;
    validate(&schema)?;
    Ok(schema)
}
