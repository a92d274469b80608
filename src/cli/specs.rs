//! Finding and loading the specs named on the command line (files or folders; default
//! `specs/`), the same way for every subcommand.

use std::path::{Path, PathBuf};

use nexus::spec::{Diagnostics, Spec, discover};

use super::failure::Failure;

/// The spec files under `paths` (default `specs/`), except files inside `output` (rendered
/// YAML is not a spec, and `nexus render .` puts `generated/` inside the folder it reads).
/// Finding none is a usage error: a pre-commit hook with a wrong path must not pass.
pub(super) fn files(paths: Vec<PathBuf>, output: Option<&Path>) -> Result<Vec<PathBuf>, Failure> {
    let mut files = discover(&default_paths(paths)).map_err(Failure::diagnostic)?;
    if let Some(out) = output.and_then(|o| std::fs::canonicalize(o).ok()) {
        files.retain(|f| !std::fs::canonicalize(f).is_ok_and(|f| f.starts_with(&out)));
    }
    if files.is_empty() {
        return Err(Failure::usage("error: no spec files (*.yaml, *.yml) found"));
    }
    Ok(files)
}

/// Every spec that loads, and the problems of those that do not.
pub(super) fn load_each(files: &[PathBuf]) -> (Vec<Spec>, Diagnostics) {
    let mut specs = Vec::new();
    let mut problems = Diagnostics::new();
    for file in files {
        match Spec::from_path(file) {
            Ok(spec) => specs.push(spec),
            Err(d) => problems.extend(d),
        }
    }
    (specs, problems)
}

/// Every spec under `paths` except files inside `output`; any that does not load fails the
/// whole (every problem reported).
pub(super) fn load(paths: Vec<PathBuf>, output: Option<&Path>) -> Result<Vec<Spec>, Failure> {
    let (specs, problems) = load_each(&files(paths, output)?);
    if problems.is_empty() {
        Ok(specs)
    } else {
        Err(Failure::invalid(problems))
    }
}

/// The default spec location.
fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        paths
    }
}
