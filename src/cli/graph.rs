//! `nexus graph [PATH...] [--env NAME] [--format mermaid|dot]`

use std::path::PathBuf;

use super::failure::{Outcome, Status};
use super::{output, specs};

/// Graph notations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    /// A Mermaid flowchart (Markdown renders it).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// Arguments of `nexus graph`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
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

pub(super) fn run(args: Args) -> Outcome {
    let specs = specs::load(args.paths, None)?;
    let graphs = nexus::graph_all(&specs, args.env.as_deref())?;
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
    Ok(Status::Clean)
}
