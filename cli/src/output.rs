//! `--output json` (pretty, 4-space indent, the API's field names, like the official CLI)
//! and `--output table` (for people).

use serde::Serialize;
use serde_json::Value;
use tencentcloud_redis::download::redact_url;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Pretty JSON with the API's own field names.
    Json,
    /// Aligned tables; signed URLs are shortened to scheme, host and path.
    Table,
}

/// A duration as the JSON answers show it: seconds, rounded to the millisecond.
pub fn seconds(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// Pretty JSON with a 4-space indent and a final newline.
pub fn json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut ser).is_err() {
        return format!("{value}\n");
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text.push('\n');
    text
}

fn cell(value: &Value) -> (String, bool) {
    match value {
        Value::Null => ("-".into(), false),
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            let shown = redact_url(s);
            let cut = shown.len() < s.len();
            (if cut { format!("{shown}?…") } else { shown }, cut)
        }
        Value::String(s) => (s.clone(), false),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let mut cut = false;
            let parts: Vec<String> = items
                .iter()
                .map(|i| {
                    let (c, x) = cell(i);
                    cut |= x;
                    c
                })
                .collect();
            (parts.join(", "), cut)
        }
        other => (other.to_string(), false),
    }
}

/// Aligned columns under a header and a rule, two spaces apart.
pub fn render_rows(headers: &[String], rows: &[Vec<String>], out: &mut String) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String], out: &mut String| {
        let mut text = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(c);
            if i + 1 < cells.len() {
                text.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers, out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule, out);
    for row in rows {
        line(row, out);
    }
}

/// A response as tables: its scalar members as `Field  Value` rows, then one table per list
/// of objects (columns from the objects' keys). Long signed URLs are shortened.
pub fn table(value: &Value) -> String {
    let mut out = String::new();
    let mut cut = false;
    let Value::Object(map) = value else {
        return json(value);
    };
    let mut rows = Vec::new();
    let mut lists = Vec::new();
    for (key, v) in map {
        match v {
            Value::Array(items) if items.iter().any(Value::is_object) => lists.push((key, items)),
            _ => {
                let (c, x) = cell(v);
                cut |= x;
                rows.push(vec![key.clone(), c]);
            }
        }
    }
    for (key, items) in lists {
        let mut headers: Vec<String> = Vec::new();
        for item in items.iter() {
            if let Value::Object(o) = item {
                for k in o.keys() {
                    if !headers.contains(k) {
                        headers.push(k.clone());
                    }
                }
            }
        }
        let body: Vec<Vec<String>> = items
            .iter()
            .map(|item| {
                headers
                    .iter()
                    .map(|h| {
                        let (c, x) = cell(item.get(h).unwrap_or(&Value::Null));
                        cut |= x;
                        c
                    })
                    .collect()
            })
            .collect();
        out.push_str(&format!("{key} ({} items)\n", items.len()));
        render_rows(&headers, &body, &mut out);
        out.push('\n');
    }
    render_rows(&["Field".into(), "Value".into()], &rows, &mut out);
    if cut {
        out.push_str("\nSigned URLs are shortened to scheme, host and path; use --output json for the full values.\n");
    }
    out
}
