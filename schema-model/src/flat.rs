//! The flattened parameter form of API 3.0 GET requests, as the doc pages write it
//! (`LimitVpc.N`): `InstanceIds.0=crs-1&LimitVpc.0.Region=ap-guangzhou&LimitVpc.0.VpcList.1=vpc-2`.
//!
//! Decoding needs the schema: `Limit=10` is a number only because `Limit` is an Integer.

use serde_json::{Map, Value};

use crate::model::{BaseType, Member};

/// Decodes `(key, value)` pairs into the JSON body they stand for, typed by `members`.
/// `resolve` returns the members of a data type by name.
pub fn decode(
    pairs: &[(String, String)],
    members: &[Member],
    resolve: &dyn Fn(&str) -> Option<Vec<Member>>,
) -> Result<Value, String> {
    let mut root = Value::Object(Map::new());
    for (key, raw) in pairs {
        let segments: Vec<&str> = key.split('.').collect();
        insert(&mut root, &segments, raw, members, resolve).map_err(|m| format!("{key}: {m}"))?;
    }
    Ok(root)
}

fn insert(
    target: &mut Value,
    segments: &[&str],
    raw: &str,
    members: &[Member],
    resolve: &dyn Fn(&str) -> Option<Vec<Member>>,
) -> Result<(), String> {
    let Some((name, rest)) = segments.split_first() else {
        return Err("empty parameter name".into());
    };
    let member = members.iter().find(|m| m.name == *name).ok_or_else(|| {
        let known: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        format!(
            "unknown parameter {name}; expected one of: {}",
            known.join(", ")
        )
    })?;
    let object = target
        .as_object_mut()
        .ok_or("a value and a structure share one name")?;
    if member.ty.array {
        let (index, rest) = rest
            .split_first()
            .ok_or("a list needs an index, e.g. Name.0")?;
        let index: usize = index
            .parse()
            .map_err(|_| format!("\"{index}\" is not a list index"))?;
        if index > 10_000 {
            return Err(format!("list index {index} is implausibly large"));
        }
        let list = object
            .entry(member.name.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        let list = list
            .as_array_mut()
            .ok_or("a list and a value share one name")?;
        while list.len() <= index {
            list.push(Value::Null);
        }
        element(&mut list[index], member, rest, raw, resolve)
    } else {
        let slot = object.entry(member.name.clone()).or_insert(Value::Null);
        element(slot, member, rest, raw, resolve)
    }
}

fn element(
    slot: &mut Value,
    member: &Member,
    rest: &[&str],
    raw: &str,
    resolve: &dyn Fn(&str) -> Option<Vec<Member>>,
) -> Result<(), String> {
    match &member.ty.base {
        BaseType::Named(type_name) => {
            let fields = resolve(type_name).ok_or_else(|| format!("unknown type {type_name}"))?;
            if rest.is_empty() {
                return Err(format!(
                    "{} is a {type_name}; name a field, e.g. {}.Field",
                    member.name, member.name
                ));
            }
            if slot.is_null() {
                *slot = Value::Object(Map::new());
            }
            insert(slot, rest, raw, &fields, resolve)
        }
        BaseType::String => scalar(slot, member, rest, Value::String(raw.to_owned())),
        BaseType::Integer(_) => {
            let number = raw
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| raw.parse::<u64>().map(Value::from))
                .map_err(|_| format!("\"{raw}\" is not an integer"))?;
            scalar(slot, member, rest, number)
        }
        BaseType::Float => {
            let number = raw
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("\"{raw}\" is not a number"))?;
            scalar(slot, member, rest, number)
        }
        BaseType::Boolean => {
            let flag = match raw {
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                other => return Err(format!("\"{other}\" is not true or false")),
            };
            scalar(slot, member, rest, flag)
        }
    }
}

fn scalar(slot: &mut Value, member: &Member, rest: &[&str], value: Value) -> Result<(), String> {
    if !rest.is_empty() {
        return Err(format!(
            "{} is a plain value and has no field {}",
            member.name,
            rest.join(".")
        ));
    }
    *slot = value;
    Ok(())
}

/// Decodes `%XX` escapes and `+` (space), as HTML forms encode a query; `None` for a
/// malformed escape or bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(percent_decode("a+b%20c").as_deref(), Some("a b c"));
        assert_eq!(percent_decode("%2e%2E").as_deref(), Some(".."));
        assert_eq!(percent_decode("%E5%90%8D").as_deref(), Some("名"));
        assert_eq!(percent_decode(""), Some(String::new()));
        for bad in ["%zz", "%4", "%", "%ff", "a%e5%90"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }
}
