//! Rules that span members, files and the generated names: type references resolve, names
//! are valid identifiers and unique after conversion to Rust, enum defaults are documented
//! values, error codes are well formed and distinct.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{pointer_token, SchemaError};
use crate::model::{Action, BaseType, ErrorCode, Member, Schema};
use crate::names;

/// Base type words, and the names generated code uses unqualified, that a data type or enum
/// may not take.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "String",
    "Integer",
    "Boolean",
    "Float",
    "Option",
    "Some",
    "None",
    "Vec",
    "Result",
    "Ok",
    "Err",
    "Default",
    "Into",
    "IntoIterator",
    "From",
    "Serialize",
    "Deserialize",
    "Self",
    "CommonError",
];

/// Variants every generated action error has besides its own codes.
const RESERVED_ERROR_VARIANTS: &[&str] = &["Common", "Unhandled"];

/// Checks the rules that span members, files and generated names; the first broken rule is
/// the error.
pub fn validate(schema: &Schema) -> Result<(), SchemaError> {
    validate_service(schema)?;
    let common = &schema.common_errors;
    check_error_codes(&common.file, &common.errors, &mut BTreeMap::new())?;
    for (i, class) in common.retryable_classes.iter().enumerate() {
        if !names::is_pascal_identifier(class) {
            return Err(SchemaError::new(
                &common.file,
                format!("/retryable_classes/{i}"),
                format!(
                    "\"{class}\" is not an error class; expected the part of a code before its \
                     first dot, e.g. InternalError"
                ),
            ));
        }
    }

    let type_names: BTreeSet<&str> = schema.types.iter().map(|t| t.name.as_str()).collect();
    for data_type in &schema.types {
        if !names::is_pascal_identifier(&data_type.name)
            || RESERVED_TYPE_NAMES.contains(&data_type.name.as_str())
        {
            return Err(SchemaError::new(
                &data_type.file,
                "/name",
                format!(
                    "\"{}\" is not a usable type name; expected PascalCase letters and digits, \
                     not one of {}",
                    data_type.name,
                    RESERVED_TYPE_NAMES.join(", ")
                ),
            ));
        }
        check_members(&data_type.file, "/members", &data_type.members, &type_names)?;
    }

    let mut item_names: BTreeMap<String, String> = BTreeMap::new();
    for data_type in &schema.types {
        item_names.insert(data_type.name.clone(), format!("{} /name", data_type.file));
    }
    for action in &schema.actions {
        validate_action(schema, action, &type_names, &mut item_names)?;
    }
    check_enums(schema, &item_names)?;
    Ok(())
}

fn validate_service(schema: &Schema) -> Result<(), SchemaError> {
    let service = &schema.service;
    let lower = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    if !lower(&service.service) {
        return Err(SchemaError::new(
            &service.file,
            "/service",
            format!(
                "service name \"{}\" must be lowercase letters and digits, as in host names",
                service.service
            ),
        ));
    }
    if service.version.is_empty() {
        return Err(SchemaError::new(
            &service.file,
            "/version",
            "the version must not be empty",
        ));
    }
    if !service.hosts.regional.contains("{region}") {
        return Err(SchemaError::new(
            &service.file,
            "/hosts/regional",
            "the regional host must contain the placeholder {region}",
        ));
    }
    for (key, host) in [
        ("default", &service.hosts.default),
        ("mainland", &service.hosts.mainland),
    ] {
        if host.is_empty() || host.contains('/') || host.contains(' ') {
            return Err(SchemaError::new(
                &service.file,
                format!("/hosts/{key}"),
                format!("\"{host}\" is not a host name; expected e.g. redis.tencentcloudapi.com"),
            ));
        }
    }
    Ok(())
}

fn validate_action(
    schema: &Schema,
    action: &Action,
    type_names: &BTreeSet<&str>,
    item_names: &mut BTreeMap<String, String>,
) -> Result<(), SchemaError> {
    if !names::is_pascal_identifier(&action.name) {
        return Err(SchemaError::new(
            &action.file,
            "/name",
            format!(
                "\"{}\" is not a valid action name; expected PascalCase letters and digits",
                action.name
            ),
        ));
    }
    for suffix in ["Request", "Response", "Error"] {
        let item = names::action_item(&action.name, suffix);
        if let Some(other) = item_names.insert(item.clone(), format!("{} /name", action.file)) {
            return Err(SchemaError::new(
                &action.file,
                "/name",
                format!("the generated name {item} is already used by {other}"),
            ));
        }
    }
    check_members(&action.file, "/input", &action.input, type_names)?;
    check_members(&action.file, "/output", &action.output, type_names)?;

    // An action's own codes become variants beside `Common` and `Unhandled`; a documented code
    // that is also a common code is matched as `Common`, so only the others are checked.
    let own: Vec<ErrorCode> = action
        .errors
        .iter()
        .filter(|e| !schema.is_common_code(&e.code))
        .cloned()
        .collect();
    check_error_codes(&action.file, &own, &mut BTreeMap::new())?;
    for error in &own {
        let variant = names::error_variant(&error.code);
        if RESERVED_ERROR_VARIANTS.contains(&variant.as_str()) {
            return Err(SchemaError::new(
                &action.file,
                format!("{}/code", error.pointer),
                format!(
                    "the code {} becomes the variant {variant}, which every action error has \
                     for another purpose ({})",
                    error.code,
                    RESERVED_ERROR_VARIANTS.join(", ")
                ),
            ));
        }
    }

    let inputs: BTreeSet<&str> = action.input.iter().map(|m| m.name.as_str()).collect();
    for (i, example) in action.examples.iter().enumerate() {
        if let Some(body) = example.request.as_object() {
            for key in body.keys() {
                if !inputs.contains(key.as_str()) {
                    return Err(SchemaError::new(
                        &action.file,
                        format!("/examples/{i}/request/{}", pointer_token(key)),
                        format!(
                            "the example request sends \"{key}\", which is not an input member; \
                             inputs are: {}",
                            join(&inputs)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Codes must be well formed, unique, and map to distinct variant names. `variants` maps a
/// variant name to (code, pointer) and is filled as codes are checked.
fn check_error_codes(
    file: &str,
    errors: &[ErrorCode],
    variants: &mut BTreeMap<String, (String, String)>,
) -> Result<(), SchemaError> {
    for error in errors {
        if !names::is_error_code(&error.code) {
            return Err(SchemaError::new(
                file,
                format!("{}/code", error.pointer),
                format!(
                    "\"{}\" is not a valid error code; expected dot-separated identifiers \
                     such as ResourceNotFound.InstanceNotExists",
                    error.code
                ),
            ));
        }
        let variant = names::error_variant(&error.code);
        if let Some((code, pointer)) = variants.get(&variant) {
            let what = if *code == error.code {
                format!("duplicate error code {code} (first at {pointer})")
            } else {
                format!(
                    "error codes {code} (at {pointer}) and {} both become the variant {variant}",
                    error.code
                )
            };
            return Err(SchemaError::new(
                file,
                format!("{}/code", error.pointer),
                what,
            ));
        }
        variants.insert(variant, (error.code.clone(), error.pointer.clone()));
    }
    Ok(())
}

fn check_members(
    file: &str,
    list_pointer: &str,
    members: &[Member],
    type_names: &BTreeSet<&str>,
) -> Result<(), SchemaError> {
    let mut seen_names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut seen_fields: BTreeMap<String, &str> = BTreeMap::new();
    for member in members {
        let at = |key: &str| format!("{}/{key}", member.pointer);
        if !names::is_pascal_identifier(&member.name) {
            return Err(SchemaError::new(
                file,
                at("name"),
                format!(
                    "\"{}\" is not a valid member name; expected PascalCase ASCII letters and \
                     digits, as on the wire (e.g. InstanceId)",
                    member.name
                ),
            ));
        }
        if let Some(first) = seen_names.insert(&member.name, &member.pointer) {
            return Err(SchemaError::new(
                file,
                at("name"),
                format!(
                    "duplicate member \"{}\" in {list_pointer} (first at {first})",
                    member.name
                ),
            ));
        }
        let field = names::field_name(&member.name);
        if let Some(first) = seen_fields.insert(field.clone(), &member.pointer) {
            return Err(SchemaError::new(
                file,
                at("name"),
                format!(
                    "member \"{}\" becomes the Rust field {field}, already used by the member at \
                     {first}",
                    member.name
                ),
            ));
        }
        if let BaseType::Named(name) = &member.ty.base {
            if !type_names.contains(name.as_str()) {
                return Err(SchemaError::new(
                    file,
                    at("type"),
                    format!(
                        "unknown type \"{name}\"; expected String, Integer, Boolean, Float or a \
                         data type defined in types/ ({})",
                        join(type_names)
                    ),
                ));
            }
        }
        check_member_values(file, member)?;
    }
    Ok(())
}

fn check_member_values(file: &str, member: &Member) -> Result<(), SchemaError> {
    let at = |key: &str| format!("{}/{key}", member.pointer);
    if !member.values.is_empty() && member.ty.base != BaseType::String {
        return Err(SchemaError::new(
            file,
            at("values"),
            format!(
                "enumerated values need a String member (or Array of String); \"{}\" is {}",
                member.name,
                member.ty.doc_name()
            ),
        ));
    }
    if member.enum_name.is_some() && member.values.is_empty() {
        return Err(SchemaError::new(
            file,
            at("enum_name"),
            "\"enum_name\" names the enum of a member's \"values\", but this member has none",
        ));
    }
    if let Some(name) = &member.enum_name {
        if !names::is_pascal_identifier(name) {
            return Err(SchemaError::new(
                file,
                at("enum_name"),
                format!(
                    "\"{name}\" is not a valid enum name; expected PascalCase letters and digits"
                ),
            ));
        }
    }
    let mut variants: BTreeMap<String, &str> = BTreeMap::new();
    for (i, value) in member.values.iter().enumerate() {
        let pointer = format!("{}/values/{i}/value", member.pointer);
        let Some(variant) = names::enum_variant(&value.value) else {
            return Err(SchemaError::new(
                file,
                pointer,
                format!(
                    "cannot build a Rust variant name from the value \"{}\"; a value needs \
                     letters or digits",
                    value.value
                ),
            ));
        };
        if variant == "Unknown" {
            return Err(SchemaError::new(
                file,
                pointer,
                "the value \"Unknown\" would clash with the catch-all variant every enum has",
            ));
        }
        if let Some(first) = variants.insert(variant.clone(), &value.value) {
            return Err(SchemaError::new(
                file,
                pointer,
                format!(
                    "values \"{first}\" and \"{}\" both become the variant {variant}",
                    value.value
                ),
            ));
        }
    }
    if let Some(default) = &member.default {
        if !member.values.is_empty() && !member.values.iter().any(|v| &v.value == default) {
            let allowed: Vec<&str> = member.values.iter().map(|v| v.value.as_str()).collect();
            return Err(SchemaError::new(
                file,
                at("default"),
                format!(
                    "default \"{default}\" is not one of the documented values: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    if member.unit.is_some() && !matches!(member.ty.base, BaseType::Integer(_) | BaseType::Float) {
        return Err(SchemaError::new(
            file,
            at("unit"),
            format!(
                "a unit applies to Integer or Float members; \"{}\" is {}",
                member.name,
                member.ty.doc_name()
            ),
        ));
    }
    Ok(())
}

/// Members with values become shared enums in the `types` module. Two members that name the
/// same enum must document the same values, and an enum must not take a data type's name.
fn check_enums(schema: &Schema, item_names: &BTreeMap<String, String>) -> Result<(), SchemaError> {
    let mut enums: BTreeMap<&str, &Member> = BTreeMap::new();
    let all_members = schema.types.iter().flat_map(|t| t.members.iter()).chain(
        schema
            .actions
            .iter()
            .flat_map(|a| a.input.iter().chain(a.output.iter())),
    );
    for member in all_members {
        let Some(name) = member.enum_type_name() else {
            continue;
        };
        if RESERVED_TYPE_NAMES.contains(&name) {
            return Err(SchemaError::new(
                &member.file,
                format!("{}/name", member.pointer),
                format!(
                    "the enum for \"{}\" would be named {name}, a name generated code relies \
                     on; set \"enum_name\" to choose another",
                    member.name
                ),
            ));
        }
        if let Some(owner) = item_names.get(name) {
            return Err(SchemaError::new(
                &member.file,
                format!("{}/name", member.pointer),
                format!(
                    "the enum for \"{}\" would be named {name}, already used by {owner}; \
                     set \"enum_name\" to choose another name",
                    member.name
                ),
            ));
        }
        match enums.get(name) {
            None => {
                enums.insert(name, member);
            }
            Some(first) if first.values == member.values && first.default == member.default => {}
            Some(first) => {
                return Err(SchemaError::new(
                    &member.file,
                    format!("{}/values", member.pointer),
                    format!(
                        "the enum {name} is also defined by {} at {} with other values or \
                         default; make them equal or set \"enum_name\" on one of them",
                        first.file, first.pointer
                    ),
                ))
            }
        }
    }
    Ok(())
}

fn join(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        "none defined".to_owned()
    } else {
        names.iter().copied().collect::<Vec<_>>().join(", ")
    }
}
