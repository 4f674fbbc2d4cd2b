//! Members that share an enum (the same `enum_name`, or the same member name) must document
//! the same values. When a doc page documents a new value for its member, every member of the
//! enum gets it; a value another member still documents is kept. Defaults that contradict
//! each other cannot be merged: that is a decision for a person.

use crate::report::Note;
use crate::schema::{EnumValue, Member, Schema};

use super::error::ImportError;

/// Brings every member that shares an enum with a member of `action_name` to the union of
/// their values (the action's values first, in its order). Returns the notes of values kept
/// because another member documents them.
pub(super) fn propagate(schema: &mut Schema, action_name: &str) -> Result<Vec<Note>, ImportError> {
    let mut notes = Vec::new();
    let Some(action) = schema
        .actions
        .iter()
        .find(|a| a.name == action_name)
        .cloned()
    else {
        return Ok(notes);
    };
    for source in action.input.iter().chain(action.output.iter()) {
        let Some(enum_name) = source.enum_type_name().map(str::to_owned) else {
            continue;
        };
        let sharing: Vec<Member> = all_members(schema)
            .filter(|m| m.enum_type_name() == Some(enum_name.as_str()))
            .cloned()
            .collect();
        let mut values: Vec<EnumValue> = source.values.clone();
        let mut default = source.default.clone();
        for other in &sharing {
            for value in &other.values {
                if !values.iter().any(|v| v.value == value.value) {
                    notes.push(Note {
                        path: format!("{action_name}/{}", source.name),
                        message: format!(
                            "the value {} of the enum {enum_name} is not on this page but {} \
                             at {} documents it; it is kept",
                            value.value, other.file, other.pointer
                        ),
                    });
                    values.push(value.clone());
                }
            }
            match (&default, &other.default) {
                (Some(a), Some(b)) if a != b => {
                    return Err(ImportError::new(
                        &other.file,
                        format!("{}/default", other.pointer),
                        format!(
                            "the enum {enum_name} defaults to {b} here but to {a} on the page \
                             for {action_name} ({}); decide which the API documents: align them \
                             with a named fixup of the page, or give one member an enum of its \
                             own with \"enum_name\"",
                            source.pointer
                        ),
                    ))
                }
                (None, Some(b)) => default = Some(b.clone()),
                _ => {}
            }
        }
        for member in all_members_mut(schema) {
            if member.enum_type_name() == Some(enum_name.as_str()) {
                member.values = values.clone();
                member.default = default.clone();
            }
        }
    }
    Ok(notes)
}

fn all_members(schema: &Schema) -> impl Iterator<Item = &Member> {
    schema.types.iter().flat_map(|t| t.members.iter()).chain(
        schema
            .actions
            .iter()
            .flat_map(|a| a.input.iter().chain(a.output.iter())),
    )
}

fn all_members_mut(schema: &mut Schema) -> impl Iterator<Item = &mut Member> {
    let Schema { types, actions, .. } = schema;
    types.iter_mut().flat_map(|t| t.members.iter_mut()).chain(
        actions
            .iter_mut()
            .flat_map(|a| a.input.iter_mut().chain(a.output.iter_mut())),
    )
}
