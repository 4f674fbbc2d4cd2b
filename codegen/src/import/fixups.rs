//! Named corrections applied after an import, kept next to the schema in
//! `schema/fixups/ACTION.json`.
//!
//! Each fixup names one key of one object (the action itself, or a member found by name),
//! states what the importer produces there today (`expect`, `null` for absent) and what the
//! schema should say instead (`set`, `null` to remove). When the importer's output no longer
//! matches `expect`, the fixup fails loudly: the docs changed, and a person must look.
//!
//! ```json
//! {
//!   "action": "DescribeBackupUrl",
//!   "fixups": [
//!     {
//!       "name": "vpc-comparison-symbol-values",
//!       "why": "The page gives the one allowed value in prose, not as a list.",
//!       "target": "/input/VpcComparisonSymbol",
//!       "key": "values",
//!       "expect": null,
//!       "set": [{"value": "In", "description": "..."}]
//!     }
//!   ]
//! }
//! ```

use serde_json::{Map, Value};

use super::error::ImportError;

/// One parsed fixup.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixup {
    /// Its name, quoted when it no longer applies.
    pub name: String,
    /// Why the imported value is wrong, in words.
    pub why: String,
    /// `""` for the action object, or `/input/NAME`, `/output/NAME`, `/members/NAME`.
    pub target: String,
    /// The key of the target it changes, e.g. `values`.
    pub key: String,
    /// What the importer produces there today (`null`: absent).
    pub expect: Value,
    /// What the schema says instead (`null`: remove the key).
    pub set: Value,
}

/// A fixups file: which action it is for and its fixups, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct FixupFile {
    /// The action the fixups are for.
    pub action: String,
    /// The fixups, applied in this order.
    pub fixups: Vec<Fixup>,
}

/// Parses a fixups file; errors name the file and the JSON pointer.
pub fn parse(label: &str, text: &str) -> Result<FixupFile, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(
            label,
            format!("line {}", e.line()),
            format!("malformed JSON: {e}"),
        )
    })?;
    let at = |pointer: &str, message: &str| {
        ImportError::new(label, pointer.to_owned(), message.to_owned())
    };
    let action = value
        .get("action")
        .and_then(Value::as_str)
        .ok_or_else(|| at("/action", "expected the action name as a string"))?
        .to_owned();
    let items = value
        .get("fixups")
        .and_then(Value::as_array)
        .ok_or_else(|| at("/fixups", "expected an array of fixups"))?;
    let mut fixups = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/fixups/{i}");
        let text = |key: &str| -> Result<String, ImportError> {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    at(
                        &format!("{pointer}/{key}"),
                        &format!("expected \"{key}\" as a string"),
                    )
                })
        };
        let fixup = Fixup {
            name: text("name")?,
            why: text("why")?,
            target: text("target")?,
            key: text("key")?,
            expect: item
                .get("expect")
                .cloned()
                .ok_or_else(|| at(&pointer, "missing \"expect\" (null for absent)"))?,
            set: item
                .get("set")
                .cloned()
                .ok_or_else(|| at(&pointer, "missing \"set\" (null to remove)"))?,
        };
        if fixup.why.trim().is_empty() {
            return Err(at(&format!("{pointer}/why"), "say why the fixup exists"));
        }
        fixups.push(fixup);
    }
    Ok(FixupFile { action, fixups })
}

/// Applies every fixup to an imported file's JSON. Fails on the first fixup whose target is
/// missing or whose `expect` no longer matches what the importer produced.
pub fn apply(label: &str, file: &FixupFile, value: &mut Value) -> Result<(), ImportError> {
    for fixup in &file.fixups {
        let stale = |message: String| {
            ImportError::new(
                label,
                format!("fixup \"{}\"", fixup.name),
                format!("{message}; the docs or the importer changed: review the fixup and update or remove it"),
            )
        };
        let object = target(value, &fixup.target).ok_or_else(|| {
            stale(format!(
                "no longer applies: target {} not found",
                display_target(&fixup.target)
            ))
        })?;
        let current = object.get(&fixup.key).cloned().unwrap_or(Value::Null);
        if current != fixup.expect {
            return Err(stale(format!(
                "no longer applies: at {} the importer now gives {} = {}, the fixup expects {}",
                display_target(&fixup.target),
                fixup.key,
                current,
                fixup.expect
            )));
        }
        if fixup.set.is_null() {
            object.remove(&fixup.key);
        } else {
            object.insert(fixup.key.clone(), fixup.set.clone());
        }
    }
    Ok(())
}

fn display_target(target: &str) -> &str {
    if target.is_empty() {
        "the action"
    } else {
        target
    }
}

/// Finds `""` (the root object) or `/LIST/NAME` (the member of LIST named NAME).
fn target<'a>(value: &'a mut Value, target: &str) -> Option<&'a mut Map<String, Value>> {
    if target.is_empty() {
        return value.as_object_mut();
    }
    let (list, name) = target.strip_prefix('/')?.split_once('/')?;
    value
        .get_mut(list)?
        .as_array_mut()?
        .iter_mut()
        .find(|m| m.get("name").and_then(Value::as_str) == Some(name))?
        .as_object_mut()
}

/// A decision about one broken vendor example (`examples.json`): a text correction, or
/// leaving it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFixup {
    /// Its name, quoted when it no longer applies.
    pub name: String,
    /// What is broken in the vendor's example, in words.
    pub why: String,
    /// `ACTION/INDEX`, e.g. `AllocateWanAddress/0`.
    pub example: String,
    /// What to do about it.
    pub fix: ExampleFix,
}

/// What an [`ExampleFixup`] does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleFix {
    /// Replace `replace`, which must occur in the example's `part` (`input` or `output`, or
    /// the fixup is stale), with `with`.
    Replace {
        /// `input` or `output`.
        part: String,
        /// The text as the vendor wrote it.
        replace: String,
        /// The text that makes the example valid.
        with: String,
    },
    /// Leave the example out (`"skip": true`): it cannot be corrected, or is not worth it.
    Skip,
}

/// Parses a vendor example fixups file: `{"fixups": [{name, why, example, part, replace,
/// with} or {name, why, example, "skip": true}]}`.
pub fn parse_example_fixups(label: &str, text: &str) -> Result<Vec<ExampleFixup>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(
            label,
            format!("line {}", e.line()),
            format!("malformed JSON: {e}"),
        )
    })?;
    let items = value
        .get("fixups")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::new(label, "/fixups", "expected an array of fixups"))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text = |key: &str| -> Result<String, ImportError> {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ImportError::new(
                        label,
                        format!("/fixups/{i}/{key}"),
                        format!("expected \"{key}\" as a string"),
                    )
                })
        };
        let fix = match item.get("skip") {
            Some(Value::Bool(true)) => ExampleFix::Skip,
            None => {
                let part = text("part")?;
                if !matches!(part.as_str(), "input" | "output") {
                    return Err(ImportError::new(
                        label,
                        format!("/fixups/{i}/part"),
                        "expected \"input\" or \"output\"",
                    ));
                }
                ExampleFix::Replace {
                    part,
                    replace: text("replace")?,
                    with: text("with")?,
                }
            }
            Some(_) => {
                return Err(ImportError::new(
                    label,
                    format!("/fixups/{i}/skip"),
                    "expected true (leave the example out), or no \"skip\" with a text fixup",
                ))
            }
        };
        out.push(ExampleFixup {
            name: text("name")?,
            why: text("why")?,
            example: text("example")?,
            fix,
        });
    }
    Ok(out)
}

/// Applies example fixups to a parsed `examples.json`; a fixup whose example or text is gone
/// is an error.
pub fn apply_example_fixups(
    label: &str,
    fixups: &[ExampleFixup],
    examples: &mut Value,
) -> Result<(), ImportError> {
    for fixup in fixups {
        let stale = |message: String| {
            ImportError::new(
                label,
                format!("fixup \"{}\"", fixup.name),
                format!("{message}; the vendor examples changed: review the fixup and update or remove it"),
            )
        };
        let (action, index) = fixup
            .example
            .split_once('/')
            .ok_or_else(|| stale(format!("\"{}\" is not ACTION/INDEX", fixup.example)))?;
        let example = examples
            .pointer_mut(&format!("/actions/{action}/{index}"))
            .ok_or_else(|| {
                stale(format!(
                    "no longer applies: example {} not found",
                    fixup.example
                ))
            })?;
        let ExampleFix::Replace {
            part,
            replace,
            with,
        } = &fixup.fix
        else {
            continue;
        };
        let slot = example
            .get_mut(part.as_str())
            .ok_or_else(|| stale(format!("example {} has no {part}", fixup.example)))?;
        let text = slot
            .as_str()
            .ok_or_else(|| stale(format!("example {} {part} is not text", fixup.example)))?;
        if !text.contains(replace.as_str()) {
            return Err(stale(format!(
                "no longer applies: example {} {part} no longer contains {replace:?}",
                fixup.example
            )));
        }
        *slot = Value::String(text.replacen(replace.as_str(), with, 1));
    }
    Ok(())
}
