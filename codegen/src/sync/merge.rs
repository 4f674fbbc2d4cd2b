//! Bringing the schema's facts up to a vendor spec: actions, data types and members are added,
//! updated and removed as the spec says; everything the project owns is kept.
//!
//! The spec owns a member's type, integer width, `required` (requests), `always_returned`,
//! `nullable` and `deprecated`, and an action's examples while none has a title (the project's
//! own examples carry one). The project owns descriptions, enum values, enum names, defaults,
//! units, error codes, rate limits, titled examples, and whether a response member is
//! `required` (only `RequestId` is: the spec's own examples leave out members it calls always
//! returned). Items transcribed from a doc page (`schema/pages/`) follow
//! `import-page`; for those the spec's differences become notes.

use std::collections::{BTreeMap, BTreeSet};

use crate::import::spec::{SpecAction, SpecMember, VendorSpec};
use crate::report::Note;
use crate::schema::{Action, BaseType, DataType, Member, Provenance, Schema};

/// What every item synced from the spec records as its provenance.
fn spec_provenance(schema: &Schema) -> Provenance {
    let service = &schema.service;
    Provenance {
        source: format!(
            "member names, types and flags from the vendor API spec (PyPI tccli-intl-en, \
             tccli/services/{}/v{}/api.json); descriptions written by this project",
            service.service,
            service.version.replace('-', "")
        ),
        file: None,
    }
}

/// The schema after the merge, before examples, and the notes it made.
pub(super) struct Merged {
    pub schema: Schema,
    pub notes: Vec<Note>,
}

/// Merges `spec` into `old`.
pub(super) fn merge(old: &Schema, spec: &VendorSpec) -> Merged {
    let mut notes = Vec::new();
    let folder = old
        .service
        .file
        .rsplit_once('/')
        .map(|(dir, _)| format!("{dir}/"))
        .unwrap_or_default();
    let provenance = spec_provenance(old);
    // The sentence every action's RequestId carries, from the schema itself.
    let request_id_text = old
        .actions
        .iter()
        .flat_map(|a| a.output.iter())
        .find(|m| m.name == "RequestId" && !m.description.is_empty())
        .map(|m| m.description.clone())
        .unwrap_or_default();

    let old_actions: BTreeMap<&str, &Action> =
        old.actions.iter().map(|a| (a.name.as_str(), a)).collect();
    let spec_actions: BTreeMap<&str, &SpecAction> =
        spec.actions.iter().map(|a| (a.name.as_str(), a)).collect();
    let mut actions = Vec::new();
    for (name, spec_action) in &spec_actions {
        let action = match old_actions.get(name) {
            Some(existing) if is_page(&existing.provenance) => {
                compare_page(
                    &mut notes,
                    name,
                    "input",
                    &existing.input,
                    &spec_action.input,
                );
                compare_page(
                    &mut notes,
                    name,
                    "output",
                    &existing.output,
                    &spec_action.output,
                );
                (*existing).clone()
            }
            Some(existing) => Action {
                input: merge_members(&existing.input, &spec_action.input, Side::Input, ""),
                output: merge_members(
                    &existing.output,
                    &spec_action.output,
                    Side::Output,
                    &request_id_text,
                ),
                ..(*existing).clone()
            },
            None => Action {
                file: format!("{folder}actions/{name}.json"),
                name: (*name).to_owned(),
                description: String::new(),
                rate_limit_per_second: None,
                provenance: Some(provenance.clone()),
                input: merge_members(&[], &spec_action.input, Side::Input, ""),
                output: merge_members(&[], &spec_action.output, Side::Output, &request_id_text),
                errors: Vec::new(),
                examples: Vec::new(),
            },
        };
        actions.push(action);
    }
    // Actions the spec no longer has go, unless a doc page owns them.
    for (name, existing) in &old_actions {
        if spec_actions.contains_key(name) {
            continue;
        }
        if is_page(&existing.provenance) {
            notes.push(Note {
                path: (*name).to_owned(),
                message: "the vendor spec has no such action; the doc page's stays".into(),
            });
            actions.push((*existing).clone());
        }
    }
    actions.sort_by(|a, b| a.name.cmp(&b.name));

    let old_types: BTreeMap<&str, &DataType> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut types = Vec::new();
    for (name, spec_members) in &spec.types {
        let path = format!("types/{name}");
        let data_type = match old_types.get(name.as_str()) {
            Some(existing) if is_page(&existing.provenance) => {
                compare_page(
                    &mut notes,
                    &path,
                    "members",
                    &existing.members,
                    spec_members,
                );
                (*existing).clone()
            }
            Some(existing) => DataType {
                members: merge_members(&existing.members, spec_members, Side::Type, ""),
                ..(*existing).clone()
            },
            None => DataType {
                file: format!("{folder}types/{name}.json"),
                name: name.clone(),
                description: String::new(),
                provenance: Some(provenance.clone()),
                members: merge_members(&[], spec_members, Side::Type, ""),
            },
        };
        types.push(data_type);
    }
    // A type the spec no longer has stays only while a doc page's item still uses it.
    let mut used = BTreeSet::new();
    collect_used(&actions, &types, &old.types, &mut used);
    for (name, existing) in &old_types {
        if !spec.types.contains_key(*name) && used.contains(*name) {
            types.push((*existing).clone());
        }
    }
    types.sort_by(|a, b| a.name.cmp(&b.name));

    let mut schema = Schema {
        actions,
        types,
        ..old.clone()
    };
    schema.service = old.service.clone();
    Merged { schema, notes }
}

fn is_page(provenance: &Option<Provenance>) -> bool {
    provenance.as_ref().is_some_and(Provenance::is_page)
}

/// Names of the data types the actions reach, through the merged types and then the old ones.
fn collect_used(
    actions: &[Action],
    merged: &[DataType],
    old: &[DataType],
    used: &mut BTreeSet<String>,
) {
    let find = |name: &str| {
        merged
            .iter()
            .chain(old.iter())
            .find(|t| t.name == name)
            .map(|t| &t.members)
    };
    let mut pending: Vec<String> = actions
        .iter()
        .flat_map(|a| a.input.iter().chain(a.output.iter()))
        .filter_map(named)
        .collect();
    while let Some(name) = pending.pop() {
        if used.insert(name.clone()) {
            if let Some(members) = find(&name) {
                pending.extend(members.iter().filter_map(named));
            }
        }
    }
}

fn named(member: &Member) -> Option<String> {
    match &member.ty.base {
        BaseType::Named(name) => Some(name.clone()),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
    Type,
}

/// The members of the spec, in its order, with what the project wrote about each kept.
fn merge_members(
    existing: &[Member],
    spec: &[SpecMember],
    side: Side,
    request_id_text: &str,
) -> Vec<Member> {
    spec.iter()
        .map(|s| {
            let facts = |m: Member| Member {
                ty: s.ty.clone(),
                // A response member's `required` is the project's promise, not the spec's.
                required: if side == Side::Output {
                    m.required
                } else {
                    s.required
                },
                always_returned: s.always_returned,
                nullable: s.nullable,
                deprecated: s.deprecated,
                ..m
            };
            match existing.iter().find(|m| m.name == s.name) {
                Some(m) => facts(m.clone()),
                None => {
                    let request_id = side == Side::Output && s.name == "RequestId";
                    facts(Member {
                        name: s.name.clone(),
                        ty: s.ty.clone(),
                        description: if request_id {
                            request_id_text.to_owned()
                        } else {
                            String::new()
                        },
                        required: request_id,
                        always_returned: false,
                        nullable: false,
                        deprecated: false,
                        values: Vec::new(),
                        enum_name: None,
                        default: None,
                        unit: None,
                        file: String::new(),
                        pointer: String::new(),
                    })
                }
            }
        })
        .collect()
}

/// Notes on how the spec differs from a member list a doc page owns.
fn compare_page(
    notes: &mut Vec<Note>,
    owner: &str,
    list: &str,
    page: &[Member],
    spec: &[SpecMember],
) {
    let mut note = |member: &str, message: String| {
        notes.push(Note {
            path: format!("{owner}/{list}/{member}"),
            message: format!("{message}; the doc page, which this item follows, is kept"),
        })
    };
    for s in spec {
        let Some(m) = page.iter().find(|m| m.name == s.name) else {
            note(
                &s.name,
                "the vendor spec has this member, the doc page does not".into(),
            );
            continue;
        };
        if m.ty != s.ty {
            note(
                &s.name,
                format!(
                    "the vendor spec says {}, the doc page {}",
                    s.ty.doc_name(),
                    m.ty.doc_name()
                ),
            );
        }
        if list == "input" && m.required != s.required {
            note(
                &s.name,
                format!(
                    "the vendor spec says required {}, the doc page {}",
                    s.required, m.required
                ),
            );
        }
        for (what, spec_flag, page_flag) in [
            ("may be null", s.nullable, m.nullable),
            ("deprecated", s.deprecated, m.deprecated),
        ] {
            if spec_flag != page_flag {
                note(
                    &s.name,
                    format!("the vendor spec says {what} {spec_flag}, the doc page {page_flag}"),
                );
            }
        }
    }
    for m in page {
        if !spec.iter().any(|s| s.name == m.name) {
            note(
                &m.name,
                "the doc page has this member, the vendor spec does not".into(),
            );
        }
    }
}
