//! One sync: read the schema and the vendor spec, merge the facts, bring in the examples of
//! actions that have none, validate the result, and report what changed. Pure: the caller
//! reads the inputs and writes the files it returns.

use crate::import::fixups::ExampleFixup;
use crate::import::spec::VendorSpec;
use crate::import::vendor_examples::VendorExamples;
use crate::import::ImportError;
use crate::report::{diff, Report};
use crate::schema::{load, Schema, SourceFile};

use super::merge::merge;
use crate::schema_files::{plan, render, FileChange};

/// What a sync reads.
#[derive(Debug, Clone, Copy)]
pub struct SyncInput<'a> {
    /// The schema folder's files, labelled `schema/...` as `read_schema_dir` gives them.
    pub schema: &'a [SourceFile],
    /// `(label, text)` of the vendor's `api.json`.
    pub api_json: (&'a str, &'a str),
    /// `(label, text)` of its `examples.json`, if given.
    pub examples: Option<(&'a str, &'a str)>,
    /// `(label, fixups)` correcting broken vendor examples.
    pub example_fixups: Option<(&'a str, &'a [ExampleFixup])>,
    /// What is synced, as provenance and the report record it: a package and version
    /// (`tccli-intl-en 3.1.193.1`) or a file name, never a local path.
    pub source: &'a str,
}

/// What a sync produced.
#[derive(Debug, Clone)]
pub struct Synced {
    /// The schema after the sync, validated.
    pub schema: Schema,
    /// What changed, the notes, and the vendor data that needs a decision.
    pub report: Report,
    /// The files to write or delete to bring the folder there; empty when nothing changed.
    pub files: Vec<FileChange>,
}

/// Brings the schema up to the vendor spec.
pub fn sync(input: SyncInput<'_>) -> Result<Synced, ImportError> {
    let schema_error =
        |e: crate::schema::SchemaError| ImportError::new(e.file, e.pointer, e.message);
    let old = load(input.schema).map_err(schema_error)?;
    let (api_label, api_text) = input.api_json;
    let spec = VendorSpec::parse(api_label, api_text)?;
    if !spec.api_version.is_empty() && spec.api_version != old.service.version {
        return Err(ImportError::new(
            api_label,
            "/metadata/apiVersion",
            format!(
                "the spec is API version {}, the schema {} (schema/service.json); sync the \
                 spec of the schema's version",
                spec.api_version, old.service.version
            ),
        ));
    }
    let examples = match input.examples {
        Some((label, text)) => Some(VendorExamples::parse(label, text, input.example_fixups)?),
        None => None,
    };

    let merged = merge(&old, &spec);
    let mut schema = merged.schema;
    let mut problems = Vec::new();
    if let Some(examples) = &examples {
        // The vendor's examples while the project has written none of its own (its examples
        // carry a title); a doc page's action keeps the page's.
        let snapshot = schema.clone();
        let vendors = |a: &crate::schema::Action| {
            !a.provenance.as_ref().is_some_and(|p| p.is_page())
                && a.examples.iter().all(|e| e.title.is_empty())
        };
        for action in schema.actions.iter_mut().filter(|a| vendors(a)) {
            let (found, broken) = examples.for_action(action, &snapshot);
            action.examples = found;
            problems.extend(broken);
        }
    }
    let facts_changed = schema.actions != old.actions || schema.types != old.types;
    if facts_changed || old.service.synced.is_none() {
        schema.service.synced = Some(input.source.to_owned());
    }

    // Through the files and back: the result is validated as the build will read it, and
    // carries the pointers later messages need.
    let files = render(&schema, input.schema);
    let schema = load(&files).map_err(|e| {
        ImportError::new(
            e.file,
            e.pointer,
            format!(
                "{}; the synced schema does not validate, so nothing was written: a vendor change \
                 needs a decision here (for example an enum_name or a fixup)",
                e.message
            ),
        )
    })?;
    let report = Report {
        source: input.source.to_owned(),
        changes: diff(&old, &schema),
        notes: merged.notes,
        problems,
    };
    let files = if report.changes.is_empty() && old.service.synced == schema.service.synced {
        Vec::new()
    } else {
        plan(input.schema, &files)
    };
    Ok(Synced {
        schema,
        report,
        files,
    })
}
