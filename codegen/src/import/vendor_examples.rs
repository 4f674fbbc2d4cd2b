//! The vendor's documented examples (`examples.json`, beside `api.json`), as request bodies
//! and response envelopes. The data are facts (example values); the vendor's titles and
//! prose are not kept.
//!
//! An example is a POST with a JSON body, or a GET whose query string is the docs' flattened
//! parameter form (`LimitVpc.0.Region=...`), decoded with the schema's members. Some releases
//! carry broken examples; each is reported with the decision that would settle it, and never
//! stops the facts from being followed.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::ImportError;
use super::fixups::{apply_example_fixups, ExampleFix, ExampleFixup};
use crate::report::Problem;
use crate::schema::flat;
use crate::schema::{Action, Example, Member, Schema};

/// The examples of one release, after the named fixups, by action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VendorExamples {
    /// (input text, output text) per example, per action; `None` for one a fixup skips.
    actions: BTreeMap<String, Vec<Option<(String, String)>>>,
}

impl VendorExamples {
    /// Reads `examples.json` (`label` names it in errors) and applies `fixups`; a fixup that no
    /// longer applies is an error naming it.
    pub fn parse(
        label: &str,
        text: &str,
        fixups: Option<(&str, &[ExampleFixup])>,
    ) -> Result<Self, ImportError> {
        let mut value: Value = serde_json::from_str(text).map_err(|e| {
            ImportError::new(
                label,
                format!("line {}", e.line()),
                format!("malformed JSON: {e}"),
            )
        })?;
        let skips: Vec<&str> = match fixups {
            Some((fixups_label, fixups)) => {
                apply_example_fixups(fixups_label, fixups, &mut value)?;
                fixups
                    .iter()
                    .filter(|f| matches!(f.fix, ExampleFix::Skip))
                    .map(|f| f.example.as_str())
                    .collect()
            }
            None => Vec::new(),
        };
        let actions = value
            .get("actions")
            .and_then(Value::as_object)
            .ok_or_else(|| ImportError::new(label, "/actions", "expected an object of actions"))?;
        let mut out = BTreeMap::new();
        for (name, list) in actions {
            let list = list.as_array().ok_or_else(|| {
                ImportError::new(
                    label,
                    format!("/actions/{name}"),
                    "expected an array of examples",
                )
            })?;
            let examples = list
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let text = |key: &str| e.get(key).and_then(Value::as_str).unwrap_or("");
                    let id = format!("{name}/{i}");
                    (!skips.contains(&id.as_str()))
                        .then(|| (text("input").to_owned(), text("output").to_owned()))
                })
                .collect();
            out.insert(name.clone(), examples);
        }
        Ok(Self { actions: out })
    }

    /// The examples of `action`, decoded against `schema` (which holds the action's members
    /// and the data types they name), and the problems of those that cannot be used.
    pub fn for_action(&self, action: &Action, schema: &Schema) -> (Vec<Example>, Vec<Problem>) {
        let mut examples = Vec::new();
        let mut problems = Vec::new();
        let Some(list) = self.actions.get(&action.name) else {
            return (examples, problems);
        };
        for (i, example) in list.iter().enumerate() {
            let Some((input, output)) = example else {
                continue;
            };
            match decode(input, output, action, schema) {
                Ok(example) => examples.push(example),
                Err((part, message)) => problems.push(Problem {
                    path: format!("{}/examples/{i}", action.name),
                    message: format!("the vendor's example {part} {message}"),
                    fix: format!(
                        "add to schema/fixups/vendor-examples.json a text fixup {{\"name\": ..., \
                         \"why\": ..., \"example\": \"{name}/{i}\", \"part\": \"{part}\", \
                         \"replace\": ..., \"with\": ...}}, or the decision to leave it out: \
                         {{\"name\": ..., \"why\": ..., \"example\": \"{name}/{i}\", \"skip\": true}}",
                        name = action.name
                    ),
                }),
            }
        }
        (examples, problems)
    }
}

/// One example: its request body and its response envelope, or which part is broken and how.
fn decode(
    input: &str,
    output: &str,
    action: &Action,
    schema: &Schema,
) -> Result<Example, (&'static str, String)> {
    let request = request_body(input, &action.input, schema).map_err(|m| ("input", m))?;
    if let Some(body) = request.as_object() {
        if let Some(unknown) = body
            .keys()
            .find(|k| !action.input.iter().any(|m| &m.name == *k))
        {
            return Err((
                "input",
                format!("sends \"{unknown}\", which is not a request member"),
            ));
        }
    } else {
        return Err(("input", "is not a JSON object".into()));
    }
    let response: Value =
        serde_json::from_str(output).map_err(|e| ("output", format!("is not JSON: {e}")))?;
    if !response.get("Response").is_some_and(Value::is_object) {
        return Err(("output", "is not an envelope {\"Response\": {...}}".into()));
    }
    Ok(Example {
        title: String::new(),
        request,
        response,
    })
}

/// The JSON body of a POST, or the query string of a GET decoded with the flattened parameter
/// codec, typed by the action's members.
fn request_body(input: &str, members: &[Member], schema: &Schema) -> Result<Value, String> {
    const COMMON: &str = "<Common request parameters>";
    if let Some(at) = input.find(COMMON) {
        if input.trim_start().starts_with("POST") {
            let body = input[at + COMMON.len()..].trim();
            return serde_json::from_str(body).map_err(|e| format!("is not JSON: {e}"));
        }
    }
    let query = input
        .split_once('?')
        .map(|(_, q)| q)
        .ok_or("is neither a JSON body nor a query string")?;
    let joined: String = query.lines().map(str::trim).collect();
    let mut pairs = Vec::new();
    for part in joined.split('&') {
        if part.is_empty() || part.starts_with('<') {
            continue;
        }
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        if matches!(key, "Action" | "Version" | "Region") {
            continue;
        }
        let decode = |text: &str| {
            flat::percent_decode(text)
                .ok_or_else(|| format!("has {part:?}, which is not valid percent-encoding"))
        };
        pairs.push((decode(key)?, decode(value)?));
    }
    let resolve = |name: &str| -> Option<Vec<Member>> {
        schema
            .types
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.members.clone())
    };
    flat::decode(&pairs, members, &resolve).map_err(|m| format!("cannot be decoded: {m}"))
}
