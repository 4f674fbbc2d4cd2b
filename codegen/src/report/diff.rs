//! Comparing two schemas into a list of changes, each classified by what it does to the
//! generated crate.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::change::{Change, ChangeKind, Semver};
use crate::schema::{Action, BaseType, DataType, ErrorCode, Example, Member, Schema};

/// Which list a member is in; the classes of some changes depend on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
    Type,
}

struct Diff {
    changes: Vec<Change>,
}

impl Diff {
    fn push(
        &mut self,
        path: &str,
        kind: ChangeKind,
        semver: Semver,
        before: Value,
        after: Value,
        meaning: &str,
    ) {
        self.changes.push(Change {
            path: path.to_owned(),
            kind,
            semver,
            before,
            after,
            meaning: meaning.to_owned(),
        });
    }

    fn text(&mut self, path: &str, what: &str, before: &str, after: &str) {
        if before != after {
            self.push(
                path,
                ChangeKind::Description,
                Semver::Patch,
                json!(before),
                json!(after),
                &format!("the {what} changed: documentation only"),
            );
        }
    }
}

/// Every change from `old` to `new`: actions, data types, their members, enum values, error
/// codes, texts and examples.
pub fn diff(old: &Schema, new: &Schema) -> Vec<Change> {
    let mut d = Diff {
        changes: Vec::new(),
    };
    let old_actions: BTreeMap<&str, &Action> =
        old.actions.iter().map(|a| (a.name.as_str(), a)).collect();
    let new_actions: BTreeMap<&str, &Action> =
        new.actions.iter().map(|a| (a.name.as_str(), a)).collect();
    for (name, action) in &new_actions {
        match old_actions.get(name) {
            None => d.push(
                name,
                ChangeKind::Added,
                Semver::Minor,
                Value::Null,
                json!(name),
                "a new action: new request, response and error types",
            ),
            Some(before) => action_changes(&mut d, before, action),
        }
    }
    for name in old_actions.keys().filter(|n| !new_actions.contains_key(*n)) {
        d.push(
            name,
            ChangeKind::Removed,
            Semver::Major,
            json!(name),
            Value::Null,
            "the action's request, response and error types are gone",
        );
    }
    let old_types: BTreeMap<&str, &DataType> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &DataType> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for (name, data_type) in &new_types {
        let path = format!("types/{name}");
        match old_types.get(name) {
            None => d.push(
                &path,
                ChangeKind::Added,
                Semver::Minor,
                Value::Null,
                json!(name),
                "a new data type",
            ),
            Some(before) => {
                d.text(
                    &path,
                    "type's description",
                    &before.description,
                    &data_type.description,
                );
                members(
                    &mut d,
                    &format!("{path}/members"),
                    Side::Type,
                    &before.members,
                    &data_type.members,
                );
            }
        }
    }
    for name in old_types.keys().filter(|n| !new_types.contains_key(*n)) {
        d.push(
            &format!("types/{name}"),
            ChangeKind::Removed,
            Semver::Major,
            json!(name),
            Value::Null,
            "the data type is gone",
        );
    }
    d.changes
}

fn action_changes(d: &mut Diff, old: &Action, new: &Action) {
    let name = &new.name;
    d.text(
        name,
        "action's description",
        &old.description,
        &new.description,
    );
    if old.rate_limit_per_second != new.rate_limit_per_second {
        d.push(
            name,
            ChangeKind::RateLimit,
            Semver::Patch,
            json!(old.rate_limit_per_second),
            json!(new.rate_limit_per_second),
            "the documented rate limit changed: the client keeps to the new one",
        );
    }
    members(
        d,
        &format!("{name}/input"),
        Side::Input,
        &old.input,
        &new.input,
    );
    members(
        d,
        &format!("{name}/output"),
        Side::Output,
        &old.output,
        &new.output,
    );
    errors(d, &format!("{name}/errors"), &old.errors, &new.errors);
    examples(d, &format!("{name}/examples"), &old.examples, &new.examples);
}

fn errors(d: &mut Diff, path: &str, old: &[ErrorCode], new: &[ErrorCode]) {
    let before: BTreeMap<&str, &ErrorCode> = old.iter().map(|e| (e.code.as_str(), e)).collect();
    let after: BTreeMap<&str, &ErrorCode> = new.iter().map(|e| (e.code.as_str(), e)).collect();
    for (code, error) in &after {
        let at = format!("{path}/{code}");
        match before.get(code) {
            None => d.push(
                &at,
                ChangeKind::ErrorCode,
                Semver::Minor,
                Value::Null,
                json!(code),
                "a new variant of the non-exhaustive error enum",
            ),
            Some(was) => {
                d.text(
                    &at,
                    "error code's description",
                    &was.description,
                    &error.description,
                );
                if was.retryable != error.retryable {
                    d.push(
                        &at,
                        ChangeKind::ErrorCode,
                        Semver::Minor,
                        json!(was.retryable),
                        json!(error.retryable),
                        "whether the client retries the code changed",
                    );
                }
            }
        }
    }
    for code in before.keys().filter(|c| !after.contains_key(*c)) {
        d.push(
            &format!("{path}/{code}"),
            ChangeKind::ErrorCode,
            Semver::Major,
            json!(code),
            Value::Null,
            "the error enum's variant for the code is gone",
        );
    }
}

fn examples(d: &mut Diff, path: &str, old: &[Example], new: &[Example]) {
    if old != new {
        d.push(
            path,
            ChangeKind::Example,
            Semver::Patch,
            json!(old.len()),
            json!(new.len()),
            "the documented examples changed: documentation only",
        );
    }
}

/// The Rust-visible shape of a type: its words and its integer width.
fn type_words(member: &Member) -> Value {
    json!(member.ty.doc_name())
}

fn width_words(member: &Member) -> Option<String> {
    match &member.ty.base {
        BaseType::Integer(int) => Some(format!(
            "{}{}-bit",
            if int.unsigned { "unsigned " } else { "signed " },
            int.width
        )),
        _ => None,
    }
}

fn members(d: &mut Diff, path: &str, side: Side, old: &[Member], new: &[Member]) {
    let before: BTreeMap<&str, &Member> = old.iter().map(|m| (m.name.as_str(), m)).collect();
    for member in new {
        let at = format!("{path}/{}", member.name);
        match before.get(member.name.as_str()) {
            None => {
                let (semver, meaning) = match side {
                    Side::Input | Side::Type if member.required => (
                        Semver::Major,
                        "a new required member: new(..) takes one more argument",
                    ),
                    Side::Input => (Semver::Minor, "a new optional member with its setter"),
                    _ => (Semver::Minor, "a new field of a non-exhaustive struct"),
                };
                d.push(
                    &at,
                    ChangeKind::Added,
                    semver,
                    Value::Null,
                    json!(member.name),
                    meaning,
                );
            }
            Some(was) => member_changes(d, &at, side, was, member),
        }
    }
    let after: BTreeMap<&str, &Member> = new.iter().map(|m| (m.name.as_str(), m)).collect();
    for member in old.iter().filter(|m| !after.contains_key(m.name.as_str())) {
        d.push(
            &format!("{path}/{}", member.name),
            ChangeKind::Removed,
            Semver::Major,
            json!(member.name),
            Value::Null,
            "the field (and its setter) is gone",
        );
    }
    // Required members are new(..)'s arguments, in schema order.
    if side != Side::Output {
        let order = |list: &[Member]| -> Vec<String> {
            list.iter()
                .filter(|m| m.required)
                .map(|m| m.name.clone())
                .collect()
        };
        let (was, now) = (order(old), order(new));
        let same_set = {
            let (mut a, mut b) = (was.clone(), now.clone());
            a.sort();
            b.sort();
            a == b
        };
        if was != now && same_set {
            d.push(
                path,
                ChangeKind::RequiredOrder,
                Semver::Major,
                json!(was),
                json!(now),
                "new(..) takes the same arguments in another order",
            );
        }
    }
}

fn member_changes(d: &mut Diff, at: &str, side: Side, old: &Member, new: &Member) {
    if old.ty.base != new.ty.base || old.ty.array != new.ty.array {
        let both_integers = matches!(
            (&old.ty.base, &new.ty.base),
            (BaseType::Integer(_), BaseType::Integer(_))
        ) && old.ty.array == new.ty.array;
        if both_integers {
            d.push(
                at,
                ChangeKind::Width,
                Semver::Major,
                json!(width_words(old)),
                json!(width_words(new)),
                "the field's Rust integer type changes",
            );
        } else {
            d.push(
                at,
                ChangeKind::Type,
                Semver::Major,
                type_words(old),
                type_words(new),
                "the field's Rust type changes",
            );
        }
    }
    if old.required != new.required {
        let meaning = match side {
            Side::Output => "the field changes between a bare value and an Option",
            _ if new.required => "the member becomes a new(..) argument instead of a setter",
            _ => "the member leaves new(..)'s arguments for a setter",
        };
        d.push(
            at,
            ChangeKind::Required,
            Semver::Major,
            json!(old.required),
            json!(new.required),
            meaning,
        );
    }
    // Flags the generated types tolerate either way: documentation only.
    for (kind, before, after, meaning) in [
        (
            ChangeKind::AlwaysReturned,
            old.always_returned,
            new.always_returned,
            "documentation only: the field decodes its absence either way",
        ),
        (
            ChangeKind::Nullability,
            old.nullable,
            new.nullable,
            "documentation only: the field decodes null either way",
        ),
    ] {
        if before != after {
            d.push(
                at,
                kind,
                Semver::Patch,
                json!(before),
                json!(after),
                meaning,
            );
        }
    }
    if old.deprecated != new.deprecated {
        let (semver, meaning) = if new.deprecated {
            (
                Semver::Minor,
                "the field gets #[deprecated]: uses warn, nothing breaks",
            )
        } else {
            (Semver::Patch, "the field's #[deprecated] goes")
        };
        d.push(
            at,
            ChangeKind::Deprecated,
            semver,
            json!(old.deprecated),
            json!(new.deprecated),
            meaning,
        );
    }
    d.text(
        at,
        "member's description",
        &old.description,
        &new.description,
    );
    if old.unit != new.unit {
        d.text(
            at,
            "member's unit",
            old.unit.as_deref().unwrap_or(""),
            new.unit.as_deref().unwrap_or(""),
        );
    }
    if old.enum_type_name() != new.enum_type_name() {
        d.push(
            at,
            ChangeKind::Enum,
            Semver::Major,
            json!(old.enum_type_name()),
            json!(new.enum_type_name()),
            "the field's type is another enum (or none)",
        );
    } else if old.default != new.default {
        d.push(
            at,
            ChangeKind::Enum,
            if new.default.is_some() {
                Semver::Minor
            } else {
                Semver::Major
            },
            json!(old.default),
            json!(new.default),
            if new.default.is_some() {
                "the enum's Default impl names another value"
            } else {
                "the enum's Default impl is gone"
            },
        );
    }
    let before: BTreeMap<&str, &str> = old
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.description.as_str()))
        .collect();
    for value in &new.values {
        let path = format!("{at}/values/{}", value.value);
        match before.get(value.value.as_str()) {
            None => d.push(
                &path,
                ChangeKind::EnumValue,
                Semver::Minor,
                Value::Null,
                json!(value.value),
                "a new variant of the non-exhaustive enum",
            ),
            Some(was) => d.text(&path, "value's description", was, &value.description),
        }
    }
    for value in &old.values {
        if !new.values.iter().any(|v| v.value == value.value) {
            d.push(
                &format!("{at}/values/{}", value.value),
                ChangeKind::EnumValue,
                Semver::Major,
                json!(value.value),
                Value::Null,
                "the enum's variant is gone (the value then decodes as Unknown)",
            );
        }
    }
}
