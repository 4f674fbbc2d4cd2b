//! The crate's own word splitting gives the names the `heck` crate gave when the generator used
//! it, on every name of the committed schema and of the whole vendor spec (installed by
//! `scripts/install-test-deps`): a change of a generated field or variant name would break
//! every user.

use std::collections::BTreeSet;
use std::path::Path;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;
use tencentcloud_schema::names::{kebab_case, snake_case, upper_camel_case};

fn collect(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.insert(key.clone());
                collect(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        // Names, codes and enumerated values are short strings; sentences are skipped.
        Value::String(s) if s.len() <= 80 && !s.contains(' ') => {
            out.insert(s.clone());
        }
        _ => {}
    }
}

#[test]
fn every_schema_and_vendor_name_converts_as_heck_converts_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = root.join(".cache/tccli-spec/api.json");
    let spec_text = std::fs::read_to_string(&spec).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); scripts/install-test-deps downloads it",
            spec.display()
        )
    });
    let mut names = BTreeSet::new();
    collect(
        &serde_json::from_str(&spec_text).expect("api.json is JSON"),
        &mut names,
    );
    let schema = tencentcloud_schema::read_schema_dir(&root.join("schema")).expect("schema");
    for file in &schema {
        collect(&serde_json::from_str(&file.text).expect("JSON"), &mut names);
    }
    for extra in [
        "IPLimitExceeded",
        "Ipv6Addr",
        "VPCIds",
        "Redis 4.0",
        "a--b",
        "x_y_Z",
        "ÄbcDé",
    ] {
        names.insert(extra.to_owned());
    }
    assert!(names.len() > 1_000, "only {} names collected", names.len());
    for name in &names {
        assert_eq!(
            snake_case(name),
            name.to_snake_case(),
            "snake case of {name:?}"
        );
        assert_eq!(
            kebab_case(name),
            name.to_kebab_case(),
            "kebab case of {name:?}"
        );
        assert_eq!(
            upper_camel_case(name),
            name.to_upper_camel_case(),
            "upper camel case of {name:?}"
        );
    }
}
