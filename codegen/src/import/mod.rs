//! Importers that turn documentation into schema files: the doc page text form
//! ([`page`]), the vendor's machine-readable spec ([`api_json`]) and named corrections
//! ([`fixups`]). The flattened GET parameter form of the vendor's examples is decoded with
//! [`crate::schema::flat`].

pub mod api_json;
pub mod fixups;
pub mod page;

mod error;

pub use error::ImportError;

use crate::schema::write;
use crate::schema::{Action, Schema};

/// Imports a doc page into the text of its action file: parse the page, apply the action's
/// fixups (if a fixups file is given as `(label, text)`), and check the result against the
/// rest of the schema. Returns the action and the file's canonical text.
pub fn import_page_to_schema(
    page_label: &str,
    page_text: &str,
    schema: &Schema,
    fixups_file: Option<(&str, &str)>,
) -> Result<(Action, String), ImportError> {
    let (action, facts) = page::import_page(page_label, page_text, schema)?;
    if facts.domain != schema.service.hosts.default {
        return Err(ImportError::new(
            page_label,
            "line 1",
            format!(
                "the page's domain {} differs from the schema's default host {} (schema/service.json)",
                facts.domain, schema.service.hosts.default
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
    let action = crate::schema::read::read_action(&action.file, &action.name, &value)
        .map_err(|e| ImportError::new(&e.file, e.pointer.clone(), e.message))?;
    check_with(schema, &action)?;
    let text = write::to_pretty(&write::action_json(&action));
    Ok((action, text))
}

/// Validates `schema` with `action` added or replacing the action of the same name.
pub fn check_with(schema: &Schema, action: &Action) -> Result<(), ImportError> {
    let mut candidate = schema.clone();
    candidate.actions.retain(|a| a.name != action.name);
    candidate.actions.push(action.clone());
    candidate.actions.sort_by(|a, b| a.name.cmp(&b.name));
    crate::schema::validate(&candidate).map_err(|e| ImportError::new(e.file, e.pointer, e.message))
}
