//! `nexus validate [PATH...]`

use std::path::PathBuf;

use nexus::spec::{Diagnostics, Severity, Spec};

use super::failure::{Failure, Outcome, Status};
use super::{output, specs};

/// Arguments of `nexus validate`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Spec files or folders of them (default: specs/).
    paths: Vec<PathBuf>,
}

pub(super) fn run(args: Args) -> Outcome {
    let files = specs::files(args.paths, None)?;
    let mut all = Diagnostics::new();
    for file in &files {
        match Spec::from_path(file) {
            Ok(spec) => all.extend(spec.validate()),
            Err(d) => all.extend(d),
        }
    }
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    if errors > 0 {
        return Err(Failure::invalid(all)
            .note(format!("{errors} error(s) in {} spec file(s)", files.len())));
    }
    output::print(&all);
    output::errln(format_args!("{} spec file(s) valid", files.len()));
    Ok(Status::Clean)
}
