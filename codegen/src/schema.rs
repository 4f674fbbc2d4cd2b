//! The schema model, read from the JSON files under `schema/`.
//!
//! Reading is strict: unknown keys, wrong JSON types and missing keys are errors that name the
//! file and the JSON pointer, so a typo in a schema file can never silently change the binding.
//! Cross-file rules (type references, name clashes, enum defaults) live in the `validate` module.

use serde_json::{Map, Value};

use crate::error::{pointer_token, SchemaError};

/// One schema source file: its path (used in error messages and to classify it) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path such as `schema/actions/DescribeBackupUrl.json`; the parent folder name
    /// (`actions`, `types`) or the file name (`service.json`, `common-errors.json`) says what
    /// the file holds.
    pub path: String,
    /// The file's contents.
    pub text: String,
}

/// The whole API description: service metadata, common errors, data types and actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub service: Service,
    pub common_errors: CommonErrors,
    /// Shared data types, sorted by name.
    pub types: Vec<DataType>,
    /// Actions, sorted by name.
    pub actions: Vec<Action>,
}

/// Where a piece of the schema was transcribed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// What the source is, in words.
    pub source: String,
    /// The source file, relative to the team's shared folder, when there is one.
    pub file: Option<String>,
}

/// `service.json`: the service's identity and hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub file: String,
    /// Service name used in host names and the credential scope, e.g. `redis`.
    pub service: String,
    /// API version, e.g. `2018-04-12`.
    pub version: String,
    /// Human-readable product name.
    pub title: String,
    pub hosts: Hosts,
    /// Whether `X-TC-Region` is required on every call.
    pub region_required: bool,
    pub provenance: Provenance,
}

/// The service's API hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// Used when the caller chooses nothing, e.g. `redis.intl.tencentcloudapi.com`.
    pub default: String,
    /// Mainland China host, e.g. `redis.tencentcloudapi.com`.
    pub mainland: String,
    /// Regional host pattern containing `{region}`.
    pub regional: String,
}

/// `common-errors.json`: codes every action may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonErrors {
    pub file: String,
    pub description: String,
    pub provenance: Provenance,
    pub errors: Vec<ErrorCode>,
}

/// One error code with its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code as sent in `Response.Error.Code`, e.g. `ResourceNotFound.InstanceNotExists`.
    pub code: String,
    pub description: String,
    /// Whether a client may retry it with backoff (throttling, transient faults).
    pub retryable: bool,
    /// JSON pointer of this entry, for later error messages.
    pub pointer: String,
}

/// A shared data type (`types/NAME.json`), used by members as `NAME` or `Array of NAME`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataType {
    pub file: String,
    pub name: String,
    pub description: String,
    pub provenance: Option<Provenance>,
    pub members: Vec<Member>,
}

/// An action (`actions/NAME.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub file: String,
    pub name: String,
    pub description: String,
    /// Documented maximum number of requests per second.
    pub rate_limit_per_second: Option<u32>,
    pub provenance: Option<Provenance>,
    /// Request members (common parameters excluded).
    pub input: Vec<Member>,
    /// Members of the `Response` object, including `RequestId`.
    pub output: Vec<Member>,
    /// Error codes documented for this action.
    pub errors: Vec<ErrorCode>,
    pub examples: Vec<Example>,
}

/// A documented example call.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub title: String,
    /// The request body, as a JSON object.
    pub request: Value,
    /// The whole response envelope, `{"Response": {...}}`.
    pub response: Value,
}

/// A member of a request, response or data type.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Wire name, e.g. `InstanceId`.
    pub name: String,
    pub ty: TypeExpr,
    pub description: String,
    /// The docs' "Required: Yes" (for inputs), or "always present" for outputs.
    pub required: bool,
    /// The docs say the value may be `null`.
    pub nullable: bool,
    /// The docs say the member "will be disused soon".
    pub deprecated: bool,
    /// Documented values of a string member.
    pub values: Vec<EnumValue>,
    /// Name of the generated enum when the member's own name is not wanted.
    pub enum_name: Option<String>,
    /// Documented default value (must be one of `values` when those are given).
    pub default: Option<String>,
    /// Unit of a numeric member, e.g. `bytes`.
    pub unit: Option<String>,
    /// File and JSON pointer of this member, for later error messages.
    pub file: String,
    pub pointer: String,
}

impl Member {
    /// The name of the generated enum for a member with documented values.
    pub fn enum_type_name(&self) -> Option<&str> {
        if self.values.is_empty() {
            None
        } else {
            Some(self.enum_name.as_deref().unwrap_or(&self.name))
        }
    }
}

/// One documented value of a string member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    pub value: String,
    pub description: String,
}

/// A member's type, written in the docs' own words: `String`, `Integer`, `Boolean`, `Float`,
/// a data type name, or `Array of X`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeExpr {
    pub base: BaseType,
    pub array: bool,
}

/// The element type of a [`TypeExpr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseType {
    String,
    Integer(IntegerType),
    Boolean,
    Float,
    /// A shared data type, by name.
    Named(String),
}

/// Width and signedness of an integer member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegerType {
    pub width: u8,
    pub unsigned: bool,
}

impl TypeExpr {
    /// Renders the type back in the docs' words, e.g. `Array of BackupLimitVpcItem`.
    pub fn doc_name(&self) -> String {
        let base = match &self.base {
            BaseType::String => "String".to_owned(),
            BaseType::Integer(_) => "Integer".to_owned(),
            BaseType::Boolean => "Boolean".to_owned(),
            BaseType::Float => "Float".to_owned(),
            BaseType::Named(n) => n.clone(),
        };
        if self.array {
            format!("Array of {base}")
        } else {
            base
        }
    }
}

/// Reads the files of a schema folder and returns the validated schema.
///
/// Pure: the caller does the file reading. Files are classified by path: `service.json`,
/// `common-errors.json`, `types/*.json`, `actions/*.json`; anything else that ends in `.json`
/// is an error, so a misplaced file is noticed.
pub fn load(files: &[SourceFile]) -> Result<Schema, SchemaError> {
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
    let schema = Schema {
        service,
        common_errors,
        types,
        actions,
    };
    crate::validate::validate(&schema)?;
    Ok(schema)
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

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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
    })
}

fn read_common_errors(file: &str, value: &Value) -> Result<CommonErrors, SchemaError> {
    let obj = Obj::new(file, "", value, &["description", "provenance", "errors"])?;
    let provenance = read_provenance(&obj, "provenance")?
        .ok_or_else(|| SchemaError::new(file, "", "missing required key \"provenance\""))?;
    Ok(CommonErrors {
        file: file.to_owned(),
        description: obj.string("description")?,
        provenance,
        errors: read_errors(&obj, "errors")?,
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
            retryable: e.opt_bool("retryable")?,
            pointer,
        });
    }
    Ok(out)
}

pub(crate) fn read_data_type(
    file: &str,
    stem: &str,
    value: &Value,
) -> Result<DataType, SchemaError> {
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
        description: obj.string("description")?,
        provenance: read_provenance(&obj, "provenance")?,
        members: read_members(&obj, "members", true)?,
    })
}

pub(crate) fn read_action(file: &str, stem: &str, value: &Value) -> Result<Action, SchemaError> {
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
            title: e.string("title")?,
            request,
            response,
        });
    }
    Ok(Action {
        file: file.to_owned(),
        name,
        description: obj.string("description")?,
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
        description: m.string("description")?,
        required: m.opt_bool("required")?,
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
