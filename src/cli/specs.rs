//! Loading the specs named on the command line (files or folders; default `specs/`), for
//! the subcommands that compile them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nexus::spec::{Diagnostics, Spec, discover};

use super::output;

/// Every spec under `paths`; on failure, prints every problem and returns the exit code.
pub fn load(paths: Vec<PathBuf>) -> Result<Vec<Spec>, ExitCode> {
    load_except(paths, None)
}

/// Every spec under `paths` except files inside `output` (rendered YAML is not a spec, and
/// `nexus render .` puts `generated/` inside the folder it reads).
pub fn load_except(paths: Vec<PathBuf>, output: Option<&Path>) -> Result<Vec<Spec>, ExitCode> {
    let mut files = discover(&super::default_paths(paths)).map_err(|d| {
        let all = Diagnostics(vec![d]);
        output::print(&all);
        ExitCode::from(output::exit_code(&all))
    })?;
    if let Some(out) = output.and_then(|o| std::fs::canonicalize(o).ok()) {
        files.retain(|f| !std::fs::canonicalize(f).is_ok_and(|f| f.starts_with(&out)));
    }
    if files.is_empty() {
        output::errln(format_args!("error: no spec files (*.yaml) found"));
        return Err(ExitCode::from(super::EXIT_USAGE));
    }
    let mut specs = Vec::new();
    let mut problems = Diagnostics::new();
    for file in &files {
        match Spec::from_path(file) {
            Ok(spec) => specs.push(spec),
            Err(d) => problems.extend(d),
        }
    }
    if problems.is_empty() {
        Ok(specs)
    } else {
        output::print(&problems);
        Err(ExitCode::from(output::exit_code(&problems)))
    }
}
