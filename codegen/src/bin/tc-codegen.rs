//! `tc-codegen`: check the schema, render the binding, import documentation into the schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tencentcloud_codegen::schema::{load, read_schema_dir, write};
use tencentcloud_codegen::{import, render, Options};

const USAGE: &str = "usage:
  tc-codegen check  [--schema DIR]
      Validate the schema (default DIR: schema); print a summary or the first error.
  tc-codegen render [--schema DIR] [-o FILE] [--crate NAME]
      Print or write the generated Rust source. --crate names the crate it is compiled
      into, for the doc examples (build.rs passes its own package name).
  tc-codegen fmt [--schema DIR]
      Rewrite every action and data type file in the canonical layout importers use.
  tc-codegen import-page PAGE.txt [--schema DIR] [-o FILE|-]
      Import a doc page (text form) into DIR/actions/ACTION.json, applying the named
      fixups in DIR/fixups/ACTION.json. -o - prints instead of writing.
  tc-codegen import-api-json API.json [--examples EXAMPLES.json [--fixups FILE]]
                             [--action NAME]... [--schema DIR] [--overwrite]
      Import actions (all, or each --action) and the data types they use from the
      official CLI's api.json into DIR/actions and DIR/types. Existing files are kept
      unless --overwrite. --fixups corrects broken vendor examples by name
      (schema/fixups/vendor-examples.json).

exit codes: 0 success, 1 invalid schema, import or I/O error, 2 bad usage";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Usage(String),
    Failed(String),
}

fn failed(e: impl ToString) -> Failure {
    Failure::Failed(e.to_string())
}

/// Parsed command-line arguments: one positional at most, and options.
#[derive(Default)]
struct Args {
    positional: Option<String>,
    schema: Option<PathBuf>,
    output: Option<String>,
    crate_name: Option<String>,
    examples: Option<PathBuf>,
    fixups: Option<PathBuf>,
    actions: Vec<String>,
    overwrite: bool,
}

fn parse(command: &str, rest: &[String]) -> Result<Args, Failure> {
    let mut args = Args::default();
    let mut iter = rest.iter();
    let allowed: &[&str] = match command {
        "check" | "fmt" => &["--schema"],
        "render" => &["--schema", "-o", "--output", "--crate"],
        "import-page" => &["--schema", "-o", "--output"],
        "import-api-json" => &[
            "--schema",
            "--examples",
            "--fixups",
            "--action",
            "--overwrite",
        ],
        other => {
            return Err(Failure::Usage(format!(
            "unknown command {other}; expected check, fmt, render, import-page or import-api-json"
        )))
        }
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
            "--examples" => args.examples = Some(PathBuf::from(value()?)),
            "--fixups" => args.fixups = Some(PathBuf::from(value()?)),
            "--action" => args.actions.push(value()?),
            "--overwrite" => args.overwrite = true,
            other if args.positional.is_none() => args.positional = Some(other.to_owned()),
            other => return Err(Failure::Usage(format!("unexpected argument {other}"))),
        }
    }
    Ok(args)
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    if matches!(command.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(());
    }
    let args = parse(command, rest)?;
    let schema_dir = args
        .schema
        .clone()
        .unwrap_or_else(|| PathBuf::from("schema"));
    match command.as_str() {
        "check" => {
            let schema = load(&read_schema_dir(&schema_dir).map_err(failed)?).map_err(failed)?;
            println!(
                "{}: valid; service {} {}, {} actions, {} data types, {} common error codes",
                schema_dir.display(),
                schema.service.service,
                schema.service.version,
                schema.actions.len(),
                schema.types.len(),
                schema.common_errors.errors.len()
            );
            Ok(())
        }
        "render" => {
            let schema = load(&read_schema_dir(&schema_dir).map_err(failed)?).map_err(failed)?;
            let options = Options {
                crate_name: args.crate_name,
            };
            let source = render(&schema, &options).map_err(failed)?;
            emit(args.output.as_deref(), &source)
        }
        "fmt" => {
            let schema = load(&read_schema_dir(&schema_dir).map_err(failed)?).map_err(failed)?;
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
                let path = parent.join(label);
                std::fs::write(&path, write::to_pretty(&value)).map_err(|e| {
                    Failure::Failed(format!("cannot write {}: {e}", path.display()))
                })?;
            }
            Ok(())
        }
        "import-page" => import_page(&args, &schema_dir),
        "import-api-json" => import_api_json(&args, &schema_dir),
        _ => Err(Failure::Usage(format!("unknown command {command}"))),
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Failed(format!("cannot read {}: {e}", path.display())))
}

fn emit(output: Option<&str>, text: &str) -> Result<(), Failure> {
    match output {
        None | Some("-") => {
            print!("{text}");
            Ok(())
        }
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Failed(format!("cannot write {path}: {e}"))),
    }
}

fn import_page(args: &Args, schema_dir: &Path) -> Result<(), Failure> {
    let page = args
        .positional
        .as_deref()
        .ok_or_else(|| Failure::Usage("import-page needs the page file".into()))?;
    let schema = load(&read_schema_dir(schema_dir).map_err(failed)?).map_err(failed)?;
    let page_text = read(Path::new(page))?;
    // The action's name is needed to find its fixups; the page says it in its input table.
    let (probe, _) = import::page::import_page(page, &page_text, &schema).map_err(failed)?;
    let fixups_path = schema_dir
        .join("fixups")
        .join(format!("{}.json", probe.name));
    let fixups_text = match fixups_path.exists() {
        true => Some(read(&fixups_path)?),
        false => None,
    };
    let fixups_label = fixups_path.display().to_string();
    let (action, text) = import::import_page_to_schema(
        page,
        &page_text,
        &schema,
        fixups_text.as_deref().map(|t| (fixups_label.as_str(), t)),
    )
    .map_err(failed)?;
    let default_out = schema_dir
        .join("actions")
        .join(format!("{}.json", action.name));
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| default_out.display().to_string());
    emit(Some(&out), &text)?;
    if out != "-" {
        eprintln!(
            "imported {} ({} inputs, {} outputs, {} error codes, {} examples) into {out}",
            action.name,
            action.input.len(),
            action.output.len(),
            action.errors.len(),
            action.examples.len()
        );
    }
    Ok(())
}

fn import_api_json(args: &Args, schema_dir: &Path) -> Result<(), Failure> {
    let api = args
        .positional
        .as_deref()
        .ok_or_else(|| Failure::Usage("import-api-json needs the api.json file".into()))?;
    let api_text = read(Path::new(api))?;
    let examples_text = match &args.examples {
        Some(path) => Some(read(path)?),
        None => None,
    };
    let fixups = match &args.fixups {
        Some(path) => {
            let label = path.display().to_string();
            let parsed =
                import::fixups::parse_example_fixups(&label, &read(path)?).map_err(failed)?;
            Some((label, parsed))
        }
        None => None,
    };
    let imported = import::api_json::import_api_json(
        api,
        &api_text,
        examples_text.as_deref(),
        fixups
            .as_ref()
            .map(|(label, f)| (label.as_str(), f.as_slice())),
        &args.actions,
    )
    .map_err(failed)?;
    let mut written = 0;
    let mut kept = Vec::new();
    let files = imported
        .actions
        .iter()
        .map(|a| {
            (
                schema_dir.join("actions").join(format!("{}.json", a.name)),
                write::action_json(a),
            )
        })
        .chain(imported.types.iter().map(|t| {
            (
                schema_dir.join("types").join(format!("{}.json", t.name)),
                write::data_type_json(t),
            )
        }));
    for (path, value) in files {
        if path.exists() && !args.overwrite {
            kept.push(path.display().to_string());
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::Failed(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, write::to_pretty(&value))
            .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", path.display())))?;
        written += 1;
    }
    eprintln!(
        "imported {} actions and {} data types ({} examples from JSON bodies, {} from query strings); wrote {written} files, kept {} existing{}",
        imported.actions.len(),
        imported.types.len(),
        imported.json_examples,
        imported.query_examples,
        kept.len(),
        if kept.is_empty() { String::new() } else { format!(": {}", kept.join(", ")) }
    );
    // Check the result as a whole, so a bad import is reported now, not at build time.
    let schema = load(&read_schema_dir(schema_dir).map_err(failed)?).map_err(failed)?;
    eprintln!(
        "{}: valid; {} actions, {} data types",
        schema_dir.display(),
        schema.actions.len(),
        schema.types.len()
    );
    Ok(())
}
