//! Loading the specs named on the command line (files or folders; default `specs/`), for
//! the subcommands that compile them.

use std::path::PathBuf;
use std::process::ExitCode;

use nexus::spec::{Diagnostics, Spec, discover};

use super::output;

/// Every spec under `paths`; on failure, prints every problem and returns the exit code.
pub fn load(paths: Vec<PathBuf>) -> Result<Vec<Spec>, ExitCode> {
    let files = discover(&super::default_paths(paths)).map_err(|d| {
        let all = Diagnostics(vec![d]);
        output::print(&all);
        ExitCode::from(output::exit_code(&all))
    })?;
    if files.is_empty() {
        eprintln!("error: no spec files (*.yaml) found");
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
