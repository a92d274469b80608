//! Subcommands, one module each.

mod explain;
mod failure;
mod graph;
mod lint;
mod output;
mod render;
mod schema;
mod specs;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// nexus: one typed platform spec in; validated, linted and rendered to Kubernetes,
/// Docker Compose and Nginx.
#[derive(Debug, Parser)]
#[command(name = "nexus", version, about, propagate_version = true)]
struct Cli {
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

/// Parses the command line and runs it. A usage error clap finds is 2; `--help` and
/// `--version` are 0, or 2 when they cannot be printed (stdout full or closed).
pub(crate) fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            let code = if e.use_stderr() { failure::EXIT_IO } else { 0 };
            ExitCode::from(if e.print().is_ok() {
                code
            } else {
                failure::EXIT_IO
            })
        }
    }
}

/// Runs a parsed command line: the subcommand's outcome is printed and turned into the
/// exit code here, and only here.
fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Schema => schema::run(),
        Command::Lint(a) => lint::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Render(a) => render::run(a),
        Command::Graph(a) => graph::run(a),
    };
    if let Err(failure) = &outcome {
        failure.print();
    }
    output::finish(ExitCode::from(failure::code(&outcome)))
}
