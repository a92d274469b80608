//! `nexus validate [PATH...]`

use std::path::PathBuf;
use std::process::ExitCode;

use nexus::spec::{Diagnostics, Spec, discover};

use super::output;

/// Arguments of `nexus validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spec files or folders of them (default: specs/).
    paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let files = match discover(&super::default_paths(args.paths)) {
        Ok(f) => f,
        Err(d) => {
            let all = Diagnostics(vec![d]);
            output::print(&all);
            return ExitCode::from(output::exit_code(&all));
        }
    };
    let mut all = Diagnostics::new();
    for file in &files {
        match Spec::from_path(file) {
            Ok(spec) => all.extend(spec.validate()),
            Err(d) => all.extend(d),
        }
    }
    output::print(&all);
    let errors = all
        .iter()
        .filter(|d| d.severity == nexus::spec::Severity::Error)
        .count();
    if errors == 0 {
        output::errln(format_args!("{} spec file(s) valid", files.len()));
    } else {
        output::errln(format_args!(
            "{errors} error(s) in {} spec file(s)",
            files.len()
        ));
    }
    ExitCode::from(output::exit_code(&all))
}
