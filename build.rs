//! Generates the binding from `schema/` into `$OUT_DIR`: `redis.rs` (the crate root's items),
//! `types.rs` and one `operation/<action>.rs` per action, unformatted (readers have the
//! formatted copy in `generated/`).
//!
//! Only reads, calls the generator, and writes. A bad schema is one clear message naming the
//! file and JSON pointer, then a non-zero exit; nothing here panics.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tencentcloud_codegen::schema;

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=schema");
    println!("cargo:rerun-if-changed=build.rs");
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // cargo shows a failed build script's stderr; `cargo:warning` puts the line in
            // the summary as well.
            eprintln!("error: {message}");
            println!("cargo:warning=invalid schema: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    let schema_dir = manifest_dir.join("schema");
    let files = schema::read_schema_dir(&schema_dir).map_err(|e| e.to_string())?;
    for file in &files {
        // Folders are watched above; individual files make added and edited files count too.
        println!(
            "cargo:rerun-if-changed={}",
            manifest_dir.join(&file.path).display()
        );
    }
    let schema = schema::load(&files).map_err(|e| e.to_string())?;
    let options = tencentcloud_codegen::Options {
        crate_name: std::env::var("CARGO_PKG_NAME")
            .ok()
            .map(|name| name.replace('-', "_")),
    };
    let generated =
        tencentcloud_codegen::render_files(&schema, &options, tencentcloud_codegen::Format::Tokens)
            .map_err(|e| e.to_string())?;
    for file in &generated {
        write(&out_dir.join(&file.path), &file.contents)?;
    }

    // The schema text itself, for programs that interpret it at run time (feature `schema`).
    let mut bundle = String::from("/// The schema files this binding was generated from: (path, contents).\npub const FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        let absolute = manifest_dir.join(&file.path);
        bundle.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            file.path,
            absolute.display().to_string()
        ));
    }
    bundle.push_str("];\n");
    write(&out_dir.join("schema_files.rs"), &bundle)
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
        format!("the environment variable {name} is not set; build.rs must run under cargo")
    })
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
