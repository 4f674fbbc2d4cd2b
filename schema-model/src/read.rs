//! The strict reader: JSON text to the [`model`](crate::model), one file at a time.
//!
//! Unknown keys, wrong JSON types and missing keys are errors that name the file and the JSON
//! pointer, so a typo in a schema file can never silently change the binding. Rules that span
//! files (type references, name clashes, enum defaults) are [`validate`](crate::validate())'s.

use serde_json::{Map, Value};

use crate::error::{pointer_token, SchemaError};
use crate::json::kind;
use crate::model::{
    Action, BaseType, CommonErrors, DataType, EnumValue, ErrorCode, Example, Hosts, IntegerType,
    Member, Provenance, Schema, Service, SourceFile, TypeExpr,
};

/// Reads the files of a schema folder into a [`Schema`], without the cross-file rules
/// ([`crate::load`] reads and then validates).
///
/// Pure: the caller does the file reading. Files are classified by path: `service.json`,
/// `common-errors.json`, `types/*.json`, `actions/*.json`; anything else that ends in `.json`
/// is an error, so a misplaced file is noticed.
pub fn read(files: &[SourceFile]) -> Result<Schema, SchemaError> {
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));

    let mut service = None;
    let mut common_errors = None;
    let mut types = Vec::new();
    let mut actions = Vec::new();
    for file in sorted {
        let value = parse_json(file)?;
        let path = file.path.replace('\\', "/");
        let file_name = path.rsplit('/').next().unwrap_or(&path);
        let parent = path.rsplit('/').nth(1).unwrap_or("");
        let stem = file_name.strip_suffix(".json");
        match (parent, file_name, stem) {
            (_, "service.json", _) if parent != "types" && parent != "actions" => {
                service = Some(read_service(&file.path, &value)?)
            }
            (_, "common-errors.json", _) if parent != "types" && parent != "actions" => {
                common_errors = Some(read_common_errors(&file.path, &value)?)
            }
            // Importer fixups live beside the schema; the importer reads them, not the loader.
            ("fixups", _, _) => {}
            ("types", _, Some(stem)) => types.push(read_data_type(&file.path, stem, &value)?),
            ("actions", _, Some(stem)) => actions.push(read_action(&file.path, stem, &value)?),
            _ => {
                return Err(SchemaError::new(
                    &file.path,
                    "",
                    "unexpected schema file; expected service.json, common-errors.json, \
                     types/NAME.json or actions/NAME.json",
                ))
            }
        }
    }
    let service = service.ok_or_else(|| {
        SchemaError::new(
            "schema/service.json",
            "",
            "missing file: the schema needs service.json",
        )
    })?;
    let common_errors = common_errors.ok_or_else(|| {
        SchemaError::new(
            "schema/common-errors.json",
            "",
            "missing file: the schema needs common-errors.json (it may list no codes)",
        )
    })?;
    types.sort_by(|a, b| a.name.cmp(&b.name));
    actions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Schema {
        service,
        common_errors,
        types,
        actions,
    })
}

fn parse_json(file: &SourceFile) -> Result<Value, SchemaError> {
    serde_json::from_str(&file.text).map_err(|e| {
        SchemaError::new(
            &file.path,
            "",
            format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })
}

/// A JSON object being read, with its file and pointer, that rejects keys it does not know.
struct Obj<'a> {
    file: &'a str,
    pointer: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(
        file: &'a str,
        pointer: &str,
        value: &'a Value,
        allowed: &[&str],
    ) -> Result<Self, SchemaError> {
        let map = value.as_object().ok_or_else(|| {
            SchemaError::new(
                file,
                pointer,
                format!("expected a JSON object, found {}", kind(value)),
            )
        })?;
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(SchemaError::new(
                    file,
                    format!("{pointer}/{}", pointer_token(key)),
                    format!(
                        "unknown key \"{key}\"; expected one of: {}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(Self {
            file,
            pointer: pointer.to_owned(),
            map,
        })
    }

    fn child_pointer(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, pointer_token(key))
    }

    fn err(&self, key: &str, message: impl Into<String>) -> SchemaError {
        SchemaError::new(self.file, self.child_pointer(key), message)
    }

    fn required(&self, key: &str) -> Result<&'a Value, SchemaError> {
        self.map.get(key).ok_or_else(|| {
            SchemaError::new(
                self.file,
                self.pointer.clone(),
                format!("missing required key \"{key}\""),
            )
        })
    }

    fn string(&self, key: &str) -> Result<String, SchemaError> {
        let value = self.required(key)?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.err(key, format!("expected a string, found {}", kind(value))))
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, SchemaError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(_) => self.string(key).map(Some),
        }
    }

    fn opt_bool(&self, key: &str) -> Result<bool, SchemaError> {
        match self.map.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.err(
                key,
                format!("expected true or false, found {}", kind(other)),
            )),
        }
    }

    /// A text the project may not have written yet: absent means none (empty); a present but
    /// blank one is refused, so that "none yet" has one spelling.
    fn written_text(&self, key: &str) -> Result<String, SchemaError> {
        match self.opt_string(key)? {
            None => Ok(String::new()),
            Some(text) if text.trim().is_empty() => Err(self.err(
                key,
                format!("\"{key}\" is blank; leave the key out while no text is written"),
            )),
            Some(text) => Ok(text),
        }
    }

    /// A boolean that may be absent (`None`), unlike [`Obj::opt_bool`] where absent is false.
    fn opt_flag(&self, key: &str) -> Result<Option<bool>, SchemaError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(_) => self.opt_bool(key).map(Some),
        }
    }

    /// An array of strings that may be absent (empty).
    fn opt_strings(&self, key: &str) -> Result<Vec<String>, SchemaError> {
        let mut out = Vec::new();
        for (i, item) in self.opt_array(key)?.iter().enumerate() {
            let text = item.as_str().ok_or_else(|| {
                SchemaError::new(
                    self.file,
                    format!("{}/{i}", self.child_pointer(key)),
                    format!("expected a string, found {}", kind(item)),
                )
            })?;
            out.push(text.to_owned());
        }
        Ok(out)
    }

    fn opt_u64(&self, key: &str) -> Result<Option<u64>, SchemaError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(value) => value.as_u64().map(Some).ok_or_else(|| {
                self.err(
                    key,
                    format!("expected a non-negative integer, found {}", kind(value)),
                )
            }),
        }
    }

    fn array(&self, key: &str) -> Result<&'a Vec<Value>, SchemaError> {
        let value = self.required(key)?;
        value
            .as_array()
            .ok_or_else(|| self.err(key, format!("expected an array, found {}", kind(value))))
    }

    fn opt_array(&self, key: &str) -> Result<&'a [Value], SchemaError> {
        match self.map.get(key) {
            None => Ok(&[]),
            Some(_) => self.array(key).map(Vec::as_slice),
        }
    }

    fn object(&self, key: &str, allowed: &[&str]) -> Result<Obj<'a>, SchemaError> {
        let value = self.required(key)?;
        Obj::new(self.file, &self.child_pointer(key), value, allowed)
    }
}

fn read_provenance(obj: &Obj<'_>, key: &str) -> Result<Option<Provenance>, SchemaError> {
    if !obj.map.contains_key(key) {
        return Ok(None);
    }
    let p = obj.object(key, &["source", "file"])?;
    Ok(Some(Provenance {
        source: p.string("source")?,
        file: p.opt_string("file")?,
    }))
}

fn read_service(file: &str, value: &Value) -> Result<Service, SchemaError> {
    let obj = Obj::new(
        file,
        "",
        value,
        &[
            "service",
            "version",
            "title",
            "hosts",
            "region_required",
            "provenance",
            "synced",
        ],
    )?;
    let hosts = obj.object("hosts", &["default", "mainland", "regional"])?;
    let provenance = read_provenance(&obj, "provenance")?
        .ok_or_else(|| SchemaError::new(file, "", "missing required key \"provenance\""))?;
    Ok(Service {
        file: file.to_owned(),
        service: obj.string("service")?,
        version: obj.string("version")?,
        title: obj.string("title")?,
        hosts: Hosts {
            default: hosts.string("default")?,
            mainland: hosts.string("mainland")?,
            regional: hosts.string("regional")?,
        },
        region_required: obj.opt_bool("region_required")?,
        provenance,
        synced: obj.opt_string("synced")?,
    })
}

fn read_common_errors(file: &str, value: &Value) -> Result<CommonErrors, SchemaError> {
    let obj = Obj::new(
        file,
        "",
        value,
        &["description", "provenance", "retryable_classes", "errors"],
    )?;
    let provenance = read_provenance(&obj, "provenance")?
        .ok_or_else(|| SchemaError::new(file, "", "missing required key \"provenance\""))?;
    Ok(CommonErrors {
        file: file.to_owned(),
        description: obj.string("description")?,
        provenance,
        errors: read_errors(&obj, "errors")?,
        retryable_classes: obj.opt_strings("retryable_classes")?,
    })
}

fn read_errors(obj: &Obj<'_>, key: &str) -> Result<Vec<ErrorCode>, SchemaError> {
    let mut out = Vec::new();
    for (i, item) in obj.opt_array(key)?.iter().enumerate() {
        let pointer = format!("{}/{i}", obj.child_pointer(key));
        let e = Obj::new(
            obj.file,
            &pointer,
            item,
            &["code", "description", "retryable"],
        )?;
        out.push(ErrorCode {
            code: e.string("code")?,
            description: e.string("description")?,
            retryable: e.opt_flag("retryable")?,
            pointer,
        });
    }
    Ok(out)
}

/// Reads one data type file (`types/NAME.json`); `stem` is the file name without `.json`,
/// which must equal the type's name.
pub fn read_data_type(file: &str, stem: &str, value: &Value) -> Result<DataType, SchemaError> {
    let obj = Obj::new(
        file,
        "",
        value,
        &["name", "description", "provenance", "members"],
    )?;
    let name = obj.string("name")?;
    if name != stem {
        return Err(obj.err(
            "name",
            format!("type name \"{name}\" does not match its file name \"{stem}.json\""),
        ));
    }
    Ok(DataType {
        file: file.to_owned(),
        name,
        description: obj.written_text("description")?,
        provenance: read_provenance(&obj, "provenance")?,
        members: read_members(&obj, "members", true)?,
    })
}

/// Reads one action file (`actions/NAME.json`); `stem` is the file name without `.json`,
/// which must equal the action's name.
pub fn read_action(file: &str, stem: &str, value: &Value) -> Result<Action, SchemaError> {
    let obj = Obj::new(
        file,
        "",
        value,
        &[
            "name",
            "description",
            "rate_limit_per_second",
            "provenance",
            "input",
            "output",
            "errors",
            "examples",
        ],
    )?;
    let name = obj.string("name")?;
    if name != stem {
        return Err(obj.err(
            "name",
            format!("action name \"{name}\" does not match its file name \"{stem}.json\""),
        ));
    }
    let rate_limit_per_second = match obj.opt_u64("rate_limit_per_second")? {
        None => None,
        Some(n) if n >= 1 && n <= u64::from(u32::MAX) => Some(n as u32),
        Some(n) => {
            return Err(obj.err(
                "rate_limit_per_second",
                format!("rate limit {n} is out of range; expected 1 to {}", u32::MAX),
            ))
        }
    };
    let mut examples = Vec::new();
    for (i, item) in obj.opt_array("examples")?.iter().enumerate() {
        let pointer = format!("/examples/{i}");
        let e = Obj::new(file, &pointer, item, &["title", "request", "response"])?;
        let request = e.required("request")?.clone();
        if !request.is_object() {
            return Err(e.err("request", "expected the request body as a JSON object"));
        }
        let response = e.required("response")?.clone();
        if !response.get("Response").is_some_and(Value::is_object) {
            return Err(e.err(
                "response",
                "expected the whole response envelope, an object {\"Response\": {...}}",
            ));
        }
        examples.push(Example {
            title: e.written_text("title")?,
            request,
            response,
        });
    }
    Ok(Action {
        file: file.to_owned(),
        name,
        description: obj.written_text("description")?,
        rate_limit_per_second,
        provenance: read_provenance(&obj, "provenance")?,
        input: read_members(&obj, "input", true)?,
        output: read_members(&obj, "output", false)?,
        errors: read_errors(&obj, "errors")?,
        examples,
    })
}

const MEMBER_KEYS: &[&str] = &[
    "name",
    "type",
    "description",
    "required",
    "always_returned",
    "nullable",
    "deprecated",
    "values",
    "enum_name",
    "default",
    "unit",
    "width",
    "unsigned",
];

fn read_members(obj: &Obj<'_>, key: &str, must_exist: bool) -> Result<Vec<Member>, SchemaError> {
    let items: &[Value] = if must_exist {
        obj.array(key)?
    } else {
        obj.opt_array(key)?
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("{}/{i}", obj.child_pointer(key));
        out.push(read_member(obj.file, &pointer, item)?);
    }
    Ok(out)
}

fn read_member(file: &str, pointer: &str, value: &Value) -> Result<Member, SchemaError> {
    let m = Obj::new(file, pointer, value, MEMBER_KEYS)?;
    let type_text = m.string("type")?;
    let width = m.opt_u64("width")?;
    let unsigned = m.opt_bool("unsigned")?;
    let ty = parse_type(&type_text, width, unsigned).map_err(|msg| m.err("type", msg))?;
    if !matches!(ty.base, BaseType::Integer(_)) {
        if width.is_some() {
            return Err(m.err("width", "\"width\" applies only to Integer members"));
        }
        if unsigned {
            return Err(m.err("unsigned", "\"unsigned\" applies only to Integer members"));
        }
    }
    let mut values = Vec::new();
    for (i, item) in m.opt_array("values")?.iter().enumerate() {
        let v = Obj::new(
            file,
            &format!("{pointer}/values/{i}"),
            item,
            &["value", "description"],
        )?;
        values.push(EnumValue {
            value: v.string("value")?,
            description: v.string("description")?,
        });
    }
    Ok(Member {
        name: m.string("name")?,
        ty,
        description: m.written_text("description")?,
        required: m.opt_bool("required")?,
        always_returned: m.opt_bool("always_returned")?,
        nullable: m.opt_bool("nullable")?,
        deprecated: m.opt_bool("deprecated")?,
        values,
        enum_name: m.opt_string("enum_name")?,
        default: m.opt_string("default")?,
        unit: m.opt_string("unit")?,
        file: file.to_owned(),
        pointer: pointer.to_owned(),
    })
}

/// Parses the docs' type words. Data type names are resolved later, in validation.
fn parse_type(text: &str, width: Option<u64>, unsigned: bool) -> Result<TypeExpr, String> {
    let (array, base) = match text.strip_prefix("Array of ") {
        Some(rest) => (true, rest.trim()),
        None => (false, text.trim()),
    };
    let base = match base {
        "String" => BaseType::String,
        "Integer" => {
            let width = match width {
                None | Some(64) => 64,
                Some(32) => 32,
                Some(other) => {
                    return Err(format!(
                        "integer width {other} is not supported; expected 32 or 64 (the default)"
                    ))
                }
            };
            BaseType::Integer(IntegerType { width, unsigned })
        }
        "Boolean" => BaseType::Boolean,
        "Float" => BaseType::Float,
        name if crate::names::is_pascal_identifier(name) => BaseType::Named(name.to_owned()),
        other => {
            return Err(format!(
                "cannot read type \"{other}\"; expected String, Integer, Boolean, Float, \
                 the name of a data type in types/, or \"Array of\" one of those"
            ))
        }
    };
    Ok(TypeExpr { base, array })
}
