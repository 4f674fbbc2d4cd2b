//! A schema as the files of its folder: rendering it in the canonical layout, and which files
//! turn one folder into another (every file whose text differs, every new one, every one
//! whose action or data type is gone). Sync and import-page both write through it.

use std::collections::BTreeMap;

use crate::schema::{write, Schema, SourceFile};

/// One file to write (`Some(text)`) or delete (`None`), by its label (`schema/actions/X.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file, relative to the schema folder's parent.
    pub path: String,
    /// Its new contents, or `None` to delete it.
    pub contents: Option<String>,
}

/// The changes that turn `old` into `new`, sorted by path.
pub fn plan(old: &[SourceFile], new: &[SourceFile]) -> Vec<FileChange> {
    let before: BTreeMap<&str, &str> = old
        .iter()
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let after: BTreeMap<&str, &str> = new
        .iter()
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let mut changes: Vec<FileChange> = after
        .iter()
        .filter(|(path, text)| before.get(*path) != Some(*text))
        .map(|(path, text)| FileChange {
            path: (*path).to_owned(),
            contents: Some((*text).to_owned()),
        })
        .collect();
    changes.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .map(|path| FileChange {
                path: (*path).to_owned(),
                contents: None,
            }),
    );
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

/// The schema's files as the canonical writer lays them out, with the files the writer does
/// not own (common errors, fixups) as they are.
pub fn render(schema: &Schema, old: &[SourceFile]) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = old
        .iter()
        .filter(|f| {
            let path = f.path.replace('\\', "/");
            !path.contains("/actions/")
                && !path.contains("/types/")
                && f.path != schema.service.file
        })
        .cloned()
        .collect();
    files.push(SourceFile {
        path: schema.service.file.clone(),
        text: write::to_pretty(&write::service_json(&schema.service)),
    });
    for action in &schema.actions {
        files.push(SourceFile {
            path: action.file.clone(),
            text: write::to_pretty(&write::action_json(action)),
        });
    }
    for data_type in &schema.types {
        files.push(SourceFile {
            path: data_type.file.clone(),
            text: write::to_pretty(&write::data_type_json(data_type)),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
