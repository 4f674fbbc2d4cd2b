//! Importer for an API doc page in its text form (the seed's layout): domain line,
//! description, rate-limit sentence, input table, output table, examples, error table.
//!
//! What prose cannot say reliably is left to named fixups (see [`super::fixups`]).

use serde_json::Value;

use super::error::ImportError;
use crate::schema::{
    Action, BaseType, EnumValue, ErrorCode, Example, IntegerType, Member, Provenance, Schema,
    TypeExpr,
};

/// Common request parameters: transport concerns, never request members.
const COMMON_PARAMETERS: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "Token",
    "Language",
];

const NULLABLE_NOTE: &str =
    "Note: This field may return null, indicating that no valid values can be obtained.";
const DEPRECATED_NOTE: &str = "This field will be disused soon.";

/// What the page says besides the action itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFacts {
    /// The host from the "Domain name for API request" line.
    pub domain: String,
}

/// Imports one doc page. `label` names the page in errors and provenance; `schema` is the
/// existing schema, used to resolve data type names.
pub fn import_page(
    label: &str,
    text: &str,
    schema: &Schema,
) -> Result<(Action, PageFacts), ImportError> {
    let lines: Vec<&str> = text.lines().collect();
    let err = |line: usize, message: String| {
        ImportError::new(label, format!("line {}", line + 1), message)
    };

    let domain = lines
        .first()
        .and_then(|l| l.strip_prefix("Domain name for API request: "))
        .map(|d| d.trim().trim_end_matches('.').to_owned())
        .ok_or_else(|| {
            err(
                0,
                "expected the first line \"Domain name for API request: HOST.\"".into(),
            )
        })?;

    let rate_line = lines.iter().position(|l| {
        l.starts_with("A maximum of ") && l.contains(" requests can be initiated per second")
    });
    let rate_limit_per_second = match rate_line {
        Some(i) => Some(
            lines[i]["A maximum of ".len()..]
                .split(' ')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    err(
                        i,
                        format!("cannot read the rate limit from \"{}\"", lines[i]),
                    )
                })?,
        ),
        None => None,
    };
    let input_header = find_line(&lines, "Parameter Name | Required | Type | Description |")
        .ok_or_else(|| {
            err(
                0,
                "no input table (header \"Parameter Name | Required | Type | Description |\")"
                    .into(),
            )
        })?;
    let description_end = rate_line.unwrap_or(input_header);
    let description = lines[1..description_end].join(" ").trim().to_owned();
    if description.is_empty() {
        return Err(err(
            1,
            "expected the action's description on the line after the domain".into(),
        ));
    }

    let (input_rows, after_input) = table_rows(&lines, input_header, 4);
    let mut action_name = None;
    let mut input = Vec::new();
    for (line, cells) in &input_rows {
        let name = cells[0].as_str();
        if name == "Action" {
            action_name = cells[3]
                .strip_prefix("Common Params. The value used for this API: ")
                .map(|v| v.trim_end_matches('.').to_owned());
            continue;
        }
        if COMMON_PARAMETERS.contains(&name) {
            continue;
        }
        let required = match cells[1].as_str() {
            "Yes" => true,
            "No" => false,
            other => {
                return Err(err(
                    *line,
                    format!("Required must be Yes or No, found \"{other}\""),
                ))
            }
        };
        input.push(member(
            label,
            *line,
            name,
            &cells[2],
            &cells[3],
            required,
            "input",
            input.len(),
            schema,
        )?);
    }
    let name = action_name.ok_or_else(|| {
        err(input_header, "the input table has no Action row naming the action (\"Common Params. The value used for this API: NAME.\")".into())
    })?;

    let output_header = lines[after_input..]
        .iter()
        .position(|l| l.trim() == "Parameter Name | Type | Description |")
        .map(|i| i + after_input)
        .ok_or_else(|| {
            // At the input table's last line: the page may end right after it.
            err(
                after_input - 1,
                "no output table after the input table (header \"Parameter Name | Type | Description |\")"
                    .into(),
            )
        })?;
    let (output_rows, after_output) = table_rows(&lines, output_header, 3);
    let mut output = Vec::new();
    for (line, cells) in &output_rows {
        // RequestId is returned with every response, the page says so in its own words.
        let required = cells[0] == "RequestId";
        output.push(member(
            label,
            *line,
            &cells[0],
            &cells[1],
            &cells[2],
            required,
            "output",
            output.len(),
            schema,
        )?);
    }

    let examples = examples(label, &lines[after_output..], after_output)?;

    let errors = match find_line(&lines, "Error Code | Description |") {
        None => Vec::new(),
        Some(header) => table_rows(&lines, header, 2)
            .0
            .into_iter()
            .enumerate()
            .map(|(i, (_, cells))| ErrorCode {
                code: cells[0].clone(),
                description: cells[1].clone(),
                retryable: None,
                pointer: format!("/errors/{i}"),
            })
            .collect(),
    };

    let file = format!("schema/actions/{name}.json");
    let action = Action {
        file: file.clone(),
        name: name.clone(),
        description,
        rate_limit_per_second,
        provenance: Some(Provenance {
            source: format!(
                "Tencent Cloud API documentation page for {name} (international site, English)"
            ),
            file: Some(provenance_file(label)),
        }),
        input: input
            .into_iter()
            .map(|m| Member {
                file: file.clone(),
                ..m
            })
            .collect(),
        output: output
            .into_iter()
            .map(|m| Member {
                file: file.clone(),
                ..m
            })
            .collect(),
        errors,
        examples,
    };
    Ok((action, PageFacts { domain }))
}

/// The page's path as the schema records it: from the repository's `schema/` folder on
/// (`schema/pages/X.txt`) when the page is kept there, else its file name alone, never a path
/// of the machine the import ran on.
fn provenance_file(label: &str) -> String {
    let label = label.replace('\\', "/");
    match label.rfind("schema/pages/") {
        Some(at) => label[at..].to_owned(),
        None => label.rsplit('/').next().unwrap_or(&label).to_owned(),
    }
}

fn find_line(lines: &[&str], exact: &str) -> Option<usize> {
    lines.iter().position(|l| l.trim() == exact)
}

/// Rows of a `a | b | c |` table whose header is at `header`: (line index, cells). Returns the
/// index of the first line after the table.
fn table_rows(lines: &[&str], header: usize, columns: usize) -> (Vec<(usize, Vec<String>)>, usize) {
    let mut rows = Vec::new();
    let mut i = header + 1;
    if lines.get(i).is_some_and(|l| l.starts_with("---|")) {
        i += 1;
    }
    while let Some(line) = lines.get(i) {
        let Some(body) = line.strip_suffix(" |") else {
            break;
        };
        let cells: Vec<String> = body
            .splitn(columns, " | ")
            .map(|c| c.trim().to_owned())
            .collect();
        if cells.len() != columns {
            break;
        }
        rows.push((i, cells));
        i += 1;
    }
    (rows, i)
}

#[allow(clippy::too_many_arguments)]
fn member(
    label: &str,
    line: usize,
    raw_name: &str,
    type_text: &str,
    raw_description: &str,
    required: bool,
    list: &str,
    index: usize,
    schema: &Schema,
) -> Result<Member, ImportError> {
    let err = |message: String| ImportError::new(label, format!("line {}", line + 1), message);
    let (name, flattened) = match raw_name.strip_suffix(".N") {
        Some(base) => (base, true),
        None => (raw_name, false),
    };
    let ty = doc_type(type_text, schema).map_err(|m| err(format!("{raw_name}: {m}")))?;
    if flattened && !ty.array {
        return Err(err(format!(
            "{raw_name} is written as a list (.N) but its type is {type_text}"
        )));
    }

    let mut text = raw_description.to_owned();
    let nullable = take(&mut text, NULLABLE_NOTE);
    let deprecated = take(&mut text, DEPRECATED_NOTE);
    let (description, values) = enum_list(&text);
    let default = values
        .iter()
        .find(|v| v.description.contains("This is the default value"))
        .map(|v| v.value.clone());
    Ok(Member {
        name: name.to_owned(),
        ty,
        description,
        required,
        always_returned: false,
        nullable,
        deprecated,
        values,
        enum_name: None,
        default,
        unit: None,
        file: String::new(),
        pointer: format!("/{list}/{index}"),
    })
}

/// Removes `sentence` from `text` and says whether it was there.
fn take(text: &mut String, sentence: &str) -> bool {
    match text.find(sentence) {
        Some(at) => {
            text.replace_range(at..at + sentence.len(), "");
            *text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            true
        }
        None => false,
    }
}

/// Splits "Text. - A: first. - B: second." into the text and the documented values.
fn enum_list(text: &str) -> (String, Vec<EnumValue>) {
    let mut pieces = text.split(" - ");
    let head = pieces.next().unwrap_or_default().trim().to_owned();
    let mut values = Vec::new();
    for piece in pieces {
        let Some((value, description)) = piece.split_once(": ") else {
            // Not a "- Value: description" item: the dash belongs to the prose.
            return (text.trim().to_owned(), Vec::new());
        };
        if value.is_empty() || value.contains(' ') {
            return (text.trim().to_owned(), Vec::new());
        }
        values.push(EnumValue {
            value: value.to_owned(),
            description: description.trim().to_owned(),
        });
    }
    (head, values)
}

/// Maps the docs' type words, resolving data type names against the existing schema.
fn doc_type(text: &str, schema: &Schema) -> Result<TypeExpr, String> {
    let (array, base) = match text.strip_prefix("Array of ") {
        Some(rest) => (true, rest.trim()),
        None => (false, text.trim()),
    };
    let base = match base {
        "String" => BaseType::String,
        "Integer" => BaseType::Integer(IntegerType {
            width: 64,
            unsigned: false,
        }),
        "Boolean" => BaseType::Boolean,
        "Float" => BaseType::Float,
        name if schema.types.iter().any(|t| t.name == name) => BaseType::Named(name.to_owned()),
        name => {
            let known: Vec<&str> = schema.types.iter().map(|t| t.name.as_str()).collect();
            return Err(format!(
                "type \"{name}\" is not in the schema; known data types: {}. Add schema/types/{name}.json \
                 (e.g. with tc-codegen import-api-json) and import again",
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            ));
        }
    };
    Ok(TypeExpr { base, array })
}

/// Examples: a title line, `POST / HTTP/1.1` with headers, the JSON body after
/// `<Common request parameters>`, then the JSON response.
fn examples(label: &str, lines: &[&str], offset: usize) -> Result<Vec<Example>, ImportError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "POST / HTTP/1.1" {
            i += 1;
            continue;
        }
        let at = |j: usize| format!("line {}", offset + j + 1);
        let title = if i > 0 {
            lines[i - 1].trim().to_owned()
        } else {
            String::new()
        };
        let marker = lines[i..]
            .iter()
            .position(|l| l.trim() == "<Common request parameters>")
            .map(|p| p + i)
            .ok_or_else(|| {
                ImportError::new(
                    label,
                    at(i),
                    "example without \"<Common request parameters>\"",
                )
            })?;
        let rest = lines[marker + 1..].join("\n");
        // The JSON starts on the line after the marker; the marker's own when the page ends.
        let json_line = (marker + 1).min(lines.len() - 1);
        let (request, used) = first_json(&rest)
            .map_err(|m| ImportError::new(label, at(json_line), format!("example request: {m}")))?;
        let (response, used2) = first_json(&rest[used..]).map_err(|m| {
            ImportError::new(label, at(json_line), format!("example response: {m}"))
        })?;
        out.push(Example {
            title,
            request,
            response,
        });
        let consumed_lines = rest[..used + used2].lines().count();
        i = marker + 1 + consumed_lines;
    }
    Ok(out)
}

/// The first JSON value in `text` and the byte offset just after it.
fn first_json(text: &str) -> Result<(Value, usize), String> {
    let start = text.find('{').ok_or("no JSON object found")?;
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, start + stream.byte_offset())),
        Some(Err(e)) => Err(format!("invalid JSON: {e}")),
        None => Err("no JSON object found".into()),
    }
}
