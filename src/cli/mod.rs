//! Subcommands, one module each.

mod explain;
mod graph;
mod lint;
mod output;
mod render;
mod schema;
mod specs;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// nexus: one typed platform spec in; validated, linted and rendered to Kubernetes,
/// Docker Compose and Nginx.
#[derive(Debug, Parser)]
#[command(name = "nexus", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check specs: every problem, with file:line:column, at once.
    Validate(validate::Args),
    /// Print the spec's JSON Schema.
    Schema,
    /// Check specs against security and resource policy.
    Lint(lint::Args),
    /// What a lint rule checks, why, and how to fix or waive it.
    Explain(explain::Args),
    /// Render every environment into generated/ (all-or-nothing), or check it is current.
    Render(render::Args),
    /// Print the dependency and exposure graph (Mermaid or DOT).
    Graph(graph::Args),
}

/// Exit code for invalid input, lint findings or drift.
pub const EXIT_FAILED: u8 = 1;
/// Exit code for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// The default spec location.
pub fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        paths
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Schema => schema::run(),
        Command::Lint(a) => lint::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Render(a) => render::run(a),
        Command::Graph(a) => graph::run(a),
    };
    output::finish(code)
}
