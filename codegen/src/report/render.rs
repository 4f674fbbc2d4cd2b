//! The report as text, as JSON, and as a CHANGELOG section.

use serde_json::{json, Value};

use super::change::{Change, Report, Semver};

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn line(change: &Change) -> String {
    format!(
        "{}: {} {} -> {} ({})",
        change.path,
        change.kind.as_str(),
        shown(&change.before),
        shown(&change.after),
        change.meaning
    )
}

impl Report {
    /// For people: a summary line, then one line per change with its class, the notes, and
    /// the open problems with what would settle each.
    pub fn text(&self) -> String {
        let mut out = format!("following {}\n", self.source);
        if self.changes.is_empty() {
            out.push_str("no changes\n");
        } else {
            out.push_str(&format!(
                "{} change(s): {} major, {} minor, {} patch\n",
                self.changes.len(),
                self.count(Semver::Major),
                self.count(Semver::Minor),
                self.count(Semver::Patch)
            ));
            for change in &self.changes {
                out.push_str(&format!(
                    "  {:<5}  {}\n",
                    change.semver.as_str(),
                    line(change)
                ));
            }
        }
        if !self.notes.is_empty() {
            out.push_str(&format!("{} note(s):\n", self.notes.len()));
            for note in &self.notes {
                out.push_str(&format!("  {}: {}\n", note.path, note.message));
            }
        }
        if !self.problems.is_empty() {
            out.push_str(&format!(
                "{} problem(s) in the vendor data (the facts were followed anyway; --check fails \
                 until each is settled):\n",
                self.problems.len()
            ));
            for problem in &self.problems {
                out.push_str(&format!(
                    "  {}: {}\n    settle it: {}\n",
                    problem.path, problem.message, problem.fix
                ));
            }
        }
        out
    }

    /// For tools: `{"source", "semver", "summary", "changes": [{path, change, semver, before,
    /// after, meaning}], "notes": [...], "problems": [...]}`.
    pub fn json(&self) -> Value {
        json!({
            "source": self.source,
            "semver": self.semver().map(Semver::as_str),
            "summary": {
                "major": self.count(Semver::Major),
                "minor": self.count(Semver::Minor),
                "patch": self.count(Semver::Patch),
            },
            "changes": self.changes.iter().map(|c| json!({
                "path": c.path,
                "change": c.kind.as_str(),
                "semver": c.semver.as_str(),
                "before": c.before,
                "after": c.after,
                "meaning": c.meaning,
            })).collect::<Vec<_>>(),
            "notes": self.notes.iter().map(|n| json!({"path": n.path, "message": n.message}))
                .collect::<Vec<_>>(),
            "problems": self.problems.iter()
                .map(|p| json!({"path": p.path, "message": p.message, "fix": p.fix}))
                .collect::<Vec<_>>(),
        })
    }

    /// The "API changes" section this run adds to CHANGELOG.md, grouped by class; `None`
    /// when nothing changed.
    pub fn changelog_section(&self) -> Option<String> {
        if self.changes.is_empty() {
            return None;
        }
        let mut out = format!("## API changes: {}\n", self.source);
        for (class, heading) in [
            (Semver::Major, "Breaking (major)"),
            (Semver::Minor, "Added (minor)"),
            (Semver::Patch, "Documentation (patch)"),
        ] {
            let entries: Vec<&Change> = self.changes.iter().filter(|c| c.semver == class).collect();
            if entries.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {heading}\n\n"));
            for change in entries {
                out.push_str(&format!("- `{}`\n", line(change).replacen(": ", "`: ", 1)));
            }
        }
        Some(out)
    }
}

/// `changelog` with `section` added first, under the title (a new file gets one).
pub fn add_to_changelog(changelog: Option<&str>, section: &str) -> String {
    const TITLE: &str = "# Changelog\n";
    let existing = changelog.unwrap_or("");
    let rest = existing.strip_prefix(TITLE).unwrap_or(existing);
    let rest = rest.trim_start_matches('\n');
    if rest.is_empty() {
        format!("{TITLE}\n{section}")
    } else {
        format!("{TITLE}\n{section}\n{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ChangeKind;

    fn report() -> Report {
        Report {
            source: "tccli-intl-en 9.9".into(),
            changes: vec![
                Change {
                    path: "A/input/X".into(),
                    kind: ChangeKind::Added,
                    semver: Semver::Minor,
                    before: Value::Null,
                    after: json!("X"),
                    meaning: "a new optional member".into(),
                },
                Change {
                    path: "types/T/members/Size".into(),
                    kind: ChangeKind::Width,
                    semver: Semver::Major,
                    before: json!("unsigned 64-bit"),
                    after: json!("signed 64-bit"),
                    meaning: "the field's Rust integer type changes".into(),
                },
            ],
            ..Report::default()
        }
    }

    #[test]
    fn json_entries_carry_path_change_semver_before_after() {
        let v = report().json();
        assert_eq!(v["semver"], "major");
        assert_eq!(v["summary"]["minor"], 1);
        assert_eq!(v["changes"][1]["path"], "types/T/members/Size");
        assert_eq!(v["changes"][1]["change"], "width");
        assert_eq!(v["changes"][1]["before"], "unsigned 64-bit");
        assert_eq!(v["changes"][0]["before"], Value::Null);
    }

    #[test]
    fn changelog_groups_by_class_newest_first() {
        let section = report().changelog_section().unwrap();
        assert!(section.starts_with("## API changes: tccli-intl-en 9.9\n"));
        let major = section.find("### Breaking (major)").unwrap();
        let minor = section.find("### Added (minor)").unwrap();
        assert!(major < minor && !section.contains("patch)"));
        assert!(
            section.contains("- `types/T/members/Size`: width unsigned 64-bit -> signed 64-bit")
        );
        let first = add_to_changelog(None, &section);
        assert!(first.starts_with("# Changelog\n\n## API changes"));
        let second = add_to_changelog(Some(&first), "## API changes: next\n");
        assert!(second.find("next").unwrap() < second.find("9.9").unwrap());
        assert!(Report::default().changelog_section().is_none());
    }
}
