//! `tc-codegen import-page`: following a doc page the way `sync` follows the vendor spec. The
//! page is parsed, its named fixups applied, the shared enums brought along, the result
//! validated, and every change reported with its semver class.

use crate::report::{diff, Report};
use crate::schema::{load, read::read_action, write, Schema, SourceFile};
use crate::schema_files::{plan, render, FileChange};

use super::error::ImportError;
use super::shared_enums::propagate;
use super::{fixups, page};

/// What an import produced.
#[derive(Debug, Clone)]
pub struct PageImport {
    /// The schema with the page's action, validated.
    pub schema: Schema,
    /// What changed; notes on shared enum values kept.
    pub report: Report,
    /// The files to write; empty when nothing changed.
    pub files: Vec<FileChange>,
}

/// Imports `page_text` (labelled `page_label`) into the schema `files`; `fixups_file` is the
/// action's named fixups as `(label, text)`.
pub fn import_page(
    page_label: &str,
    page_text: &str,
    files: &[SourceFile],
    fixups_file: Option<(&str, &str)>,
) -> Result<PageImport, ImportError> {
    let schema_error =
        |e: crate::schema::SchemaError| ImportError::new(e.file, e.pointer, e.message);
    let old = load(files).map_err(schema_error)?;
    let (action, facts) = page::import_page(page_label, page_text, &old)?;
    if facts.domain != old.service.hosts.default {
        return Err(ImportError::new(
            page_label,
            "line 1",
            format!(
                "the page's domain {} differs from the schema's default host {} (schema/service.json)",
                facts.domain, old.service.hosts.default
            ),
        ));
    }
    let mut value = write::action_json(&action);
    if let Some((label, text)) = fixups_file {
        let parsed = fixups::parse(label, text)?;
        if parsed.action != action.name {
            return Err(ImportError::new(
                label,
                "/action",
                format!(
                    "these fixups are for {}, the page documents {}",
                    parsed.action, action.name
                ),
            ));
        }
        fixups::apply(label, &parsed, &mut value)?;
    }
    let action = read_action(&action.file, &action.name, &value).map_err(schema_error)?;

    let mut schema = old.clone();
    let name = action.name.clone();
    schema.actions.retain(|a| a.name != name);
    schema.actions.push(action);
    schema.actions.sort_by(|a, b| a.name.cmp(&b.name));
    let notes = propagate(&mut schema, &name)?;

    let rendered = render(&schema, files);
    let schema = load(&rendered).map_err(schema_error)?;
    let report = Report {
        source: page_label
            .rsplit('/')
            .next()
            .unwrap_or(page_label)
            .to_owned(),
        changes: diff(&old, &schema),
        notes,
        problems: Vec::new(),
    };
    let files = plan(files, &rendered);
    Ok(PageImport {
        schema,
        report,
        files,
    })
}
