//! Reading a schema folder from disk: the one place of this crate that touches files.

use std::path::Path;

use crate::error::SchemaError;
use crate::model::SourceFile;

/// Reads every `.json` file of a schema folder (recursively), with paths given relative to
/// the folder's parent so messages read `schema/actions/X.json`. Files come back sorted.
pub fn read_schema_dir(dir: &Path) -> Result<Vec<SourceFile>, SchemaError> {
    let label_root = dir.parent().unwrap_or(dir);
    let folder_error = |folder: &Path, e: std::io::Error| {
        SchemaError::new(
            folder.display().to_string(),
            "",
            format!("cannot read folder: {e}"),
        )
    };
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| folder_error(&folder, e))?;
        for entry in entries {
            let path = entry.map_err(|e| folder_error(&folder, e))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                let label = path
                    .strip_prefix(label_root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| SchemaError::new(&label, "", format!("cannot read file: {e}")))?;
                files.push(SourceFile { path: label, text });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
