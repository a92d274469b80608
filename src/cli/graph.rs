//! `nexus graph [PATH...] [--env NAME] [--format mermaid|dot]`

use std::path::PathBuf;
use std::process::ExitCode;

use nexus::CompileError;

use super::{EXIT_FAILED, output, specs};

/// Graph notations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A Mermaid flowchart (Markdown renders it).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// Arguments of `nexus graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spec files or folders of them (default: specs/).
    paths: Vec<PathBuf>,
    /// Only this environment. Without it, one graph per environment is printed, each after
    /// a comment line naming it (pass --env for a single diagram).
    #[arg(long = "env", value_name = "NAME")]
    env: Option<String>,
    /// Notation.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
}

pub fn run(args: Args) -> ExitCode {
    let specs = match specs::load(args.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut graphs = Vec::new();
    for spec in &specs {
        let problems = spec.validate();
        if problems.has_errors() {
            output::print(&problems);
            return ExitCode::from(output::exit_code(&problems).max(EXIT_FAILED));
        }
        let envs = spec.environments();
        let chosen: Vec<String> = match &args.env {
            None => envs,
            Some(e) if envs.contains(e) => vec![e.clone()],
            Some(e) => {
                return super::render::compile_failed(&CompileError::UnknownEnvironment {
                    spec: spec.name().to_owned(),
                    name: e.clone(),
                    available: envs,
                });
            }
        };
        for env in chosen {
            match spec.resolve(&env) {
                Ok(p) => graphs.push(nexus::graph(&p)),
                Err(d) => {
                    output::print(&d);
                    return ExitCode::from(output::exit_code(&d).max(EXIT_FAILED));
                }
            }
        }
    }
    let mut text = String::new();
    for (i, g) in graphs.iter().enumerate() {
        if graphs.len() > 1 {
            if i > 0 {
                text.push('\n');
            }
            let comment = match args.format {
                Format::Mermaid => "%%",
                Format::Dot => "//",
            };
            text.push_str(&format!("{comment} {}\n", g.name));
        }
        text.push_str(&match args.format {
            Format::Mermaid => g.mermaid(),
            Format::Dot => g.dot(),
        });
    }
    output::out(text);
    ExitCode::SUCCESS
}
