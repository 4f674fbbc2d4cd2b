//! `tc-codegen`: check the schema, render the binding, follow the documentation (a doc page or
//! the vendor's API spec) into the schema with a report of every change.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tencentcloud_codegen::import::{self, fixups};
use tencentcloud_codegen::report::{add_to_changelog, Report};
use tencentcloud_codegen::schema::{load, read_schema_dir, write};
use tencentcloud_codegen::schema_files::FileChange;
use tencentcloud_codegen::sync::{sync, SyncInput};
use tencentcloud_codegen::{render, Options};

const USAGE: &str = "usage:
  tc-codegen check  [--schema DIR]
      Validate the schema (default DIR: schema); print a summary or the first error.
  tc-codegen render [--schema DIR] [-o FILE] [--crate NAME]
      Print or write the generated Rust source. --crate names the crate it is compiled
      into, for the doc examples (build.rs passes its own package name).
  tc-codegen fmt [--schema DIR]
      Rewrite every action and data type file in the canonical layout importers use.
  tc-codegen sync --api-json FILE [--examples FILE] [--fixups FILE] [--source TEXT]
                  [--schema DIR] [--dry-run] [--check] [--report text|json]
                  [--changelog FILE | --no-changelog]
      Bring DIR up to a release of the vendor's API spec (api.json of PyPI tccli-intl-en):
      new actions, data types and members are added, changed facts updated, removed ones
      removed; descriptions, enum values, error codes and examples the project wrote are
      kept. Examples come from --examples for actions that have none; broken ones are
      reported with the fixup that would settle them (--fixups, default
      DIR/fixups/vendor-examples.json). --source names what is synced in the provenance and
      the report (default: SOURCE beside api.json, else its file name). The report lists
      every change with its semver class; the changelog (default: CHANGELOG.md beside DIR)
      gets an \"API changes\" section.
  tc-codegen import-page PAGE.txt [--schema DIR] [--dry-run] [--check] [--report text|json]
                         [--changelog FILE | --no-changelog]
      Follow a doc page (text form) into DIR/actions/ACTION.json, applying the named fixups
      in DIR/fixups/ACTION.json; members that share an enum with the page's get its new
      values. Reports like sync.

--dry-run writes nothing; --check writes nothing and exits 1 when anything would change or
a problem in the vendor data is open (for CI).

exit codes: 0 success, 1 --check found work to do, 2 bad usage or bad input (an invalid
schema, a malformed spec, a stale fixup: the message names the file and the place), 3 a file
could not be written";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(failure) => {
            let (message, code) = match failure {
                Failure::Usage(m) => (format!("{m}\n\n{USAGE}"), 2),
                Failure::Input(m) => (m, 2),
                Failure::Write(m) => (m, 3),
            };
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

enum Failure {
    Usage(String),
    /// Bad input: an invalid schema, spec, page or fixup.
    Input(String),
    /// A file could not be written.
    Write(String),
}

fn input(e: impl ToString) -> Failure {
    Failure::Input(e.to_string())
}

/// Parsed command-line arguments: one positional at most, and options.
#[derive(Default)]
struct Args {
    positional: Option<String>,
    schema: Option<PathBuf>,
    output: Option<String>,
    crate_name: Option<String>,
    api_json: Option<PathBuf>,
    examples: Option<PathBuf>,
    fixups: Option<PathBuf>,
    source: Option<String>,
    changelog: Option<PathBuf>,
    no_changelog: bool,
    dry_run: bool,
    check: bool,
    report_json: bool,
}

fn parse(command: &str, rest: &[String]) -> Result<Args, Failure> {
    let mut args = Args::default();
    let mut iter = rest.iter();
    const FOLLOW: &[&str] = &[
        "--schema",
        "--dry-run",
        "--check",
        "--report",
        "--changelog",
        "--no-changelog",
    ];
    let extra: &[&str] = match command {
        "check" | "fmt" => &["--schema"],
        "render" => &["--schema", "-o", "--output", "--crate"],
        "import-page" => FOLLOW,
        "sync" => &["--api-json", "--examples", "--fixups", "--source"],
        other => {
            return Err(Failure::Usage(format!(
                "unknown command {other}; expected check, fmt, render, sync or import-page"
            )))
        }
    };
    let allowed: Vec<&str> = if command == "sync" {
        FOLLOW.iter().chain(extra).copied().collect()
    } else {
        extra.to_vec()
    };
    while let Some(arg) = iter.next() {
        let mut value = || {
            iter.next()
                .cloned()
                .ok_or_else(|| Failure::Usage(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            flag if flag.starts_with('-') && flag != "-" && !allowed.contains(&flag) => {
                return Err(Failure::Usage(format!(
                    "{command} does not take {flag}; it takes: {}",
                    allowed.join(", ")
                )))
            }
            "--schema" => args.schema = Some(PathBuf::from(value()?)),
            "-o" | "--output" => args.output = Some(value()?),
            "--crate" => args.crate_name = Some(value()?.replace('-', "_")),
            "--api-json" => args.api_json = Some(PathBuf::from(value()?)),
            "--examples" => args.examples = Some(PathBuf::from(value()?)),
            "--fixups" => args.fixups = Some(PathBuf::from(value()?)),
            "--source" => args.source = Some(value()?),
            "--changelog" => args.changelog = Some(PathBuf::from(value()?)),
            "--no-changelog" => args.no_changelog = true,
            "--dry-run" => args.dry_run = true,
            "--check" => args.check = true,
            "--report" => match value()?.as_str() {
                "text" => args.report_json = false,
                "json" => args.report_json = true,
                other => {
                    return Err(Failure::Usage(format!(
                        "--report {other}: expected text or json"
                    )))
                }
            },
            other if args.positional.is_none() && command == "import-page" => {
                args.positional = Some(other.to_owned())
            }
            other => return Err(Failure::Usage(format!("unexpected argument {other}"))),
        }
    }
    if args.changelog.is_some() && args.no_changelog {
        return Err(Failure::Usage(
            "--changelog and --no-changelog contradict each other".into(),
        ));
    }
    Ok(args)
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    if matches!(command.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = parse(command, rest)?;
    let schema_dir = args
        .schema
        .clone()
        .unwrap_or_else(|| PathBuf::from("schema"));
    let schema = || load(&read_schema_dir(&schema_dir).map_err(input)?).map_err(input);
    match command.as_str() {
        "check" => {
            let schema = schema()?;
            println!(
                "{}: valid; service {} {}, {} actions, {} data types, {} common error codes",
                schema_dir.display(),
                schema.service.service,
                schema.service.version,
                schema.actions.len(),
                schema.types.len(),
                schema.common_errors.errors.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        "render" => {
            let options = Options {
                crate_name: args.crate_name.clone(),
            };
            let source = render(&schema()?, &options).map_err(input)?;
            match args.output.as_deref() {
                None | Some("-") => print!("{source}"),
                Some(path) => write_file(Path::new(path), &source)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        "fmt" => {
            let schema = schema()?;
            let parent = schema_dir.parent().unwrap_or(Path::new(""));
            let files = schema
                .actions
                .iter()
                .map(|a| (&a.file, write::action_json(a)))
                .chain(
                    schema
                        .types
                        .iter()
                        .map(|t| (&t.file, write::data_type_json(t))),
                );
            for (label, value) in files {
                // Labels are relative to the schema folder's parent (schema/actions/X.json).
                write_file(&parent.join(label), &write::to_pretty(&value))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        "sync" => follow(&args, &schema_dir, run_sync(&args, &schema_dir)?),
        "import-page" => follow(&args, &schema_dir, run_import_page(&args, &schema_dir)?),
        _ => Err(Failure::Usage(format!("unknown command {command}"))),
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))
}

fn write_file(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Write(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Failure::Write(format!("cannot write {}: {e}", path.display())))
}

/// What a follow command found and would write.
struct Followed {
    report: Report,
    files: Vec<FileChange>,
}

fn run_sync(args: &Args, schema_dir: &Path) -> Result<Followed, Failure> {
    let api_path = args
        .api_json
        .as_deref()
        .ok_or_else(|| Failure::Usage("sync needs --api-json FILE".into()))?;
    let api_text = read(api_path)?;
    let api_label = file_name(api_path);
    let examples = match &args.examples {
        Some(path) => Some((file_name(path), read(path)?)),
        None => None,
    };
    let fixups_path = args
        .fixups
        .clone()
        .unwrap_or_else(|| schema_dir.join("fixups").join("vendor-examples.json"));
    let fixups = match (fixups_path.exists(), &args.fixups) {
        (true, _) => {
            let label = label_of(schema_dir, &fixups_path);
            let parsed =
                fixups::parse_example_fixups(&label, &read(&fixups_path)?).map_err(input)?;
            Some((label, parsed))
        }
        (false, Some(path)) => {
            return Err(Failure::Input(format!(
                "cannot read {}: no such file",
                path.display()
            )))
        }
        (false, None) => None,
    };
    let source = match &args.source {
        Some(source) => source.clone(),
        None => source_beside(api_path).unwrap_or_else(|| api_label.clone()),
    };
    let files = read_schema_dir(schema_dir).map_err(input)?;
    let synced = sync(SyncInput {
        schema: &files,
        api_json: (&api_label, &api_text),
        examples: examples.as_ref().map(|(l, t)| (l.as_str(), t.as_str())),
        example_fixups: fixups.as_ref().map(|(l, f)| (l.as_str(), f.as_slice())),
        source: &source,
    })
    .map_err(input)?;
    Ok(Followed {
        report: synced.report,
        files: synced.files,
    })
}

fn run_import_page(args: &Args, schema_dir: &Path) -> Result<Followed, Failure> {
    let page = args
        .positional
        .as_deref()
        .ok_or_else(|| Failure::Usage("import-page needs the page file".into()))?;
    let page_text = read(Path::new(page))?;
    let files = read_schema_dir(schema_dir).map_err(input)?;
    // The action's fixups are found by its name, which the page states in its input table.
    let probe = load(&files).map_err(input)?;
    let (action, _) = import::page::import_page(page, &page_text, &probe).map_err(input)?;
    let fixups_path = schema_dir
        .join("fixups")
        .join(format!("{}.json", action.name));
    let fixups_text = match fixups_path.exists() {
        true => Some(read(&fixups_path)?),
        false => None,
    };
    let fixups_label = label_of(schema_dir, &fixups_path);
    let imported = import::import_page(
        page,
        &page_text,
        &files,
        fixups_text.as_deref().map(|t| (fixups_label.as_str(), t)),
    )
    .map_err(input)?;
    Ok(Followed {
        report: imported.report,
        files: imported.files,
    })
}

/// Prints the report and, unless it is a dry run or a check, writes the files and the
/// changelog section.
fn follow(args: &Args, schema_dir: &Path, followed: Followed) -> Result<ExitCode, Failure> {
    let Followed { report, files } = followed;
    if args.report_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.json()).unwrap_or_default()
        );
    } else {
        print!("{}", report.text());
    }
    if args.check {
        return Ok(if report.is_settled() {
            ExitCode::SUCCESS
        } else {
            eprintln!(
                "the schema is not up to date with {} ({} change(s), {} open problem(s))",
                report.source,
                report.changes.len(),
                report.problems.len()
            );
            ExitCode::FAILURE
        });
    }
    if args.dry_run {
        eprintln!("dry run: {} file(s) would change", files.len());
        return Ok(ExitCode::SUCCESS);
    }
    let parent = schema_dir.parent().unwrap_or(Path::new(""));
    for change in &files {
        // Labels are relative to the schema folder's parent (schema/actions/X.json).
        let path = parent.join(&change.path);
        match &change.contents {
            Some(text) => write_file(&path, text)?,
            None => std::fs::remove_file(&path)
                .map_err(|e| Failure::Write(format!("cannot remove {}: {e}", path.display())))?,
        }
    }
    if let (Some(section), false) = (report.changelog_section(), args.no_changelog) {
        let path = args
            .changelog
            .clone()
            .unwrap_or_else(|| parent.join("CHANGELOG.md"));
        let existing = std::fs::read_to_string(&path).ok();
        write_file(&path, &add_to_changelog(existing.as_deref(), &section))?;
        eprintln!(
            "{}: added the API changes of {}",
            path.display(),
            report.source
        );
    }
    eprintln!("{} file(s) written or removed", files.len());
    Ok(ExitCode::SUCCESS)
}

/// A file's name, for labels and provenance: never a path of this machine.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A file under the schema folder labelled as the schema's files are (`schema/fixups/X.json`).
fn label_of(schema_dir: &Path, path: &Path) -> String {
    let parent = schema_dir.parent().unwrap_or(Path::new(""));
    path.strip_prefix(parent)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The package and version of a spec unpacked by scripts/install-test-deps, from the wheel
/// name it records beside api.json (`tccli_intl_en-3.1.193.1-py2.py3-none-any.whl` gives
/// `tccli-intl-en 3.1.193.1`).
fn source_beside(api_json: &Path) -> Option<String> {
    let text = std::fs::read_to_string(api_json.with_file_name("SOURCE")).ok()?;
    let wheel = text.lines().next()?.trim();
    let mut parts = wheel.splitn(3, '-');
    let (package, version) = (parts.next()?, parts.next()?);
    Some(format!("{} {version}", package.replace('_', "-")))
}
