//! `tc-codegen`: check the schema and render the binding from the command line.
//!
//! ```text
//! tc-codegen check  [SCHEMA_DIR]            validate; print a summary or the first error
//! tc-codegen render [SCHEMA_DIR] [-o FILE] [--crate NAME]
//!                                           print (or write) the generated Rust source
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  tc-codegen check  [SCHEMA_DIR]            validate the schema (default: schema)
  tc-codegen render [SCHEMA_DIR] [-o FILE] [--crate NAME]
                                            print or write the generated Rust source;
                                            --crate names the crate it is compiled into,
                                            for the doc examples (as build.rs does)

exit codes: 0 success, 1 invalid schema or I/O error, 2 bad usage";

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

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    let mut schema_dir = PathBuf::from("schema");
    let mut output: Option<PathBuf> = None;
    let mut options = tencentcloud_codegen::Options::default();
    let mut positional = 0;
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-o" | "--output" if command == "render" => {
                let file = iter
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{arg} needs a file name")))?;
                output = Some(PathBuf::from(file));
            }
            "--crate" if command == "render" => {
                let name = iter
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{arg} needs a crate name")))?;
                options.crate_name = Some(name.replace('-', "_"));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with('-') => {
                return Err(Failure::Usage(format!("unknown option {other}")));
            }
            other if positional == 0 => {
                schema_dir = PathBuf::from(other);
                positional += 1;
            }
            other => return Err(Failure::Usage(format!("unexpected argument {other}"))),
        }
    }
    let files = tencentcloud_codegen::read_schema_dir(&schema_dir)
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let schema = tencentcloud_codegen::load(&files).map_err(|e| Failure::Failed(e.to_string()))?;
    match command.as_str() {
        "check" => {
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
            let source = tencentcloud_codegen::render(&schema, &options)
                .map_err(|e| Failure::Failed(e.to_string()))?;
            match output {
                Some(path) => std::fs::write(&path, source)
                    .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", path.display()))),
                None => {
                    print!("{source}");
                    Ok(())
                }
            }
        }
        other => Err(Failure::Usage(format!(
            "unknown command {other}; expected check or render"
        ))),
    }
}
