//! The schema as data: what the JSON files under `schema/` describe, after reading.
//!
//! Every item keeps the file (and, for members and error codes, the JSON pointer) it was read
//! from, so that later checks and tools can point at the exact place.

use serde_json::Value;

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
    /// `service.json`.
    pub service: Service,
    /// `common-errors.json`.
    pub common_errors: CommonErrors,
    /// Shared data types, sorted by name.
    pub types: Vec<DataType>,
    /// Actions, sorted by name.
    pub actions: Vec<Action>,
}

impl Schema {
    /// Whether `error` is retryable: its own `retryable` flag when it has one, else whether
    /// its class is one of the common errors' `retryable_classes`.
    pub fn is_retryable(&self, error: &ErrorCode) -> bool {
        error.retryable.unwrap_or_else(|| {
            let class = error.code.split('.').next().unwrap_or_default();
            self.common_errors
                .retryable_classes
                .iter()
                .any(|c| c == class)
        })
    }

    /// Whether `code` is one of the codes common to every action.
    pub fn is_common_code(&self, code: &str) -> bool {
        self.common_errors.errors.iter().any(|e| e.code == code)
    }
}

/// Where a piece of the schema was transcribed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// What the source is, in words.
    pub source: String,
    /// The source file, relative to the repository root, when there is one.
    pub file: Option<String>,
}

impl Provenance {
    /// Whether the item was transcribed from a doc page (`schema/pages/`): such items follow
    /// `tc-codegen import-page`, and `tc-codegen sync` only reports how the vendor spec differs.
    pub fn is_page(&self) -> bool {
        self.file.as_deref().is_some_and(|f| f.contains("pages/"))
    }
}

/// `service.json`: the service's identity and hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The file it was read from.
    pub file: String,
    /// Service name used in host names and the credential scope, e.g. `redis`.
    pub service: String,
    /// API version, e.g. `2018-04-12`.
    pub version: String,
    /// Human-readable product name.
    pub title: String,
    /// The API hosts.
    pub hosts: Hosts,
    /// Whether `X-TC-Region` is required on every call.
    pub region_required: bool,
    /// Where these facts come from.
    pub provenance: Provenance,
    /// The vendor spec `tc-codegen sync` last brought the schema up to, e.g.
    /// `tccli-intl-en 3.1.193.1`.
    pub synced: Option<String>,
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
    /// The file it was read from.
    pub file: String,
    /// What the list is, in words.
    pub description: String,
    /// Where the codes come from.
    pub provenance: Provenance,
    /// The codes, in file order.
    pub errors: Vec<ErrorCode>,
    /// Error classes (the part of a code before its first dot, e.g. `InternalError`) whose
    /// codes are retryable unless the code says otherwise: the rule for the codes an action
    /// documents without a `retryable` flag of their own.
    pub retryable_classes: Vec<String>,
}

/// One error code with its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code as sent in `Response.Error.Code`, e.g. `ResourceNotFound.InstanceNotExists`.
    pub code: String,
    /// What the code means.
    pub description: String,
    /// Whether a client may retry it with backoff (throttling, transient faults), when the
    /// schema says so for this code; see [`Schema::is_retryable`] for the rule that decides
    /// otherwise.
    pub retryable: Option<bool>,
    /// JSON pointer of this entry, for later error messages.
    pub pointer: String,
}

/// A shared data type (`types/NAME.json`), used by members as `NAME` or `Array of NAME`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataType {
    /// The file it was read from.
    pub file: String,
    /// The type's name, e.g. `BackupDownloadInfo`.
    pub name: String,
    /// What the type is, in the project's words; empty while none is written.
    pub description: String,
    /// Where its facts come from.
    pub provenance: Option<Provenance>,
    /// Its members, in documentation order.
    pub members: Vec<Member>,
}

/// An action (`actions/NAME.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The file it was read from.
    pub file: String,
    /// The wire name, sent as `X-TC-Action`, e.g. `DescribeBackupUrl`.
    pub name: String,
    /// What the action does; empty while none is written.
    pub description: String,
    /// Documented maximum number of requests per second.
    pub rate_limit_per_second: Option<u32>,
    /// Where its facts come from.
    pub provenance: Option<Provenance>,
    /// Request members (common parameters excluded).
    pub input: Vec<Member>,
    /// Members of the `Response` object, including `RequestId`.
    pub output: Vec<Member>,
    /// Error codes documented for this action.
    pub errors: Vec<ErrorCode>,
    /// Documented example calls.
    pub examples: Vec<Example>,
}

/// A documented example call.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// What the example shows; empty while none is written.
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
    /// Its type.
    pub ty: TypeExpr,
    /// What it means, without the sentences the flags below stand for; empty while the
    /// project has written none.
    pub description: String,
    /// The docs' "Required: Yes" (for inputs and the types they send): a `new(..)` argument.
    /// For outputs, the project's promise that the member is always present (`RequestId`),
    /// which lets it decode as a bare value.
    pub required: bool,
    /// The vendor spec says the service always returns this member (`output_required`, or
    /// `required` on outputs in older releases). A documented fact only: the generated type
    /// stays tolerant of its absence, since the vendor's own examples omit such members.
    pub always_returned: bool,
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
    /// The file of this member, for later error messages.
    pub file: String,
    /// The JSON pointer of this member inside its file.
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
    /// The value as sent on the wire.
    pub value: String,
    /// What it means.
    pub description: String,
}

/// A member's type, written in the docs' own words: `String`, `Integer`, `Boolean`, `Float`,
/// a data type name, or `Array of X`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeExpr {
    /// The element type.
    pub base: BaseType,
    /// `Array of` the element type.
    pub array: bool,
}

/// The element type of a [`TypeExpr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseType {
    /// `String`.
    String,
    /// `Integer`, of a width and signedness.
    Integer(IntegerType),
    /// `Boolean`.
    Boolean,
    /// `Float`.
    Float,
    /// A shared data type, by name.
    Named(String),
}

/// Width and signedness of an integer member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegerType {
    /// 32 or 64 bits.
    pub width: u8,
    /// Whether negative values are excluded.
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
