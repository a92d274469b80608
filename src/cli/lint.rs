//! `nexus lint [PATH...] [--env NAME] [--format human|json|sarif] [--fail-on LEVEL]`

use std::io::IsTerminal;
use std::path::PathBuf;

use nexus::lint::report::{human, json, sarif};
use nexus::lint::{Date, LintOptions, Policy};
use nexus::spec::{Diagnostics, Severity};

use super::failure::{Failure, Outcome, Status};
use super::{output, specs};

/// The policy file `nexus lint` reads when `--policy` is not given, if it exists.
pub(super) const DEFAULT_POLICY: &str = "nexus-policy.yaml";

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    /// Diagnostics with spec excerpts, on stderr.
    Human,
    /// The JSON report (schema in README), on stdout.
    Json,
    /// SARIF 2.1.0, on stdout.
    Sarif,
}

/// Severity thresholds for `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Level {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Every finding.
    Info,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

/// Arguments of `nexus lint`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Spec files or folders of them (default: specs/).
    pub paths: Vec<PathBuf>,
    /// Lint only this environment (default: every environment of each spec).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when an unwaived finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = Level::Error, value_name = "LEVEL")]
    pub fail_on: Level,
    /// Policy file (default: ./nexus-policy.yaml if there is anything by that name, else
    /// the built-in policy).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Judge waiver expiry as of this date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// Human format: draw only findings at or above this severity (all are counted).
    #[arg(long, value_enum, default_value_t = Level::Info, value_name = "LEVEL")]
    pub min_severity: Level,
    /// Write the JSON or SARIF report to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Human format: list every waived finding with its reason (default: one line counts
    /// them).
    #[arg(long)]
    pub show_waived: bool,
}

fn policy(args: &Args) -> Result<Policy, Diagnostics> {
    match &args.policy {
        Some(p) => nexus::lint::policy::load(p),
        // Anything at that name is read: a dangling link or a device there is an error,
        // not a reason to fall back on the built-in policy silently.
        None if std::fs::symlink_metadata(DEFAULT_POLICY).is_ok() => {
            nexus::lint::policy::load(std::path::Path::new(DEFAULT_POLICY))
        }
        None => Ok(Policy::default()),
    }
}

/// Runs `nexus lint`.
pub(super) fn run(args: Args) -> Outcome {
    let policy = policy(&args)
        .map_err(|d| Failure::usage_input(d).note("nexus lint: the policy is not valid"))?;
    let files = specs::files(args.paths.clone(), None)?;
    // A spec that does not load is reported; the others are still linted.
    let (loaded, mut invalid) = specs::load_each(&files);
    let options = LintOptions {
        today: args.today.unwrap_or_else(Date::today_utc),
    };
    let linted = nexus::lint_all(&loaded, &policy, args.env.as_deref(), options)?;
    invalid.extend(linted.invalid);
    let (report, sources) = (linted.report, linted.sources);
    let text = match args.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let options = human::HumanOptions {
                color,
                min_severity: args.min_severity.severity(),
                show_waived: args.show_waived,
                ..Default::default()
            };
            output::err(format_args!(
                "{}",
                human::render(&report, &sources, options)
            ));
            None
        }
        Format::Json => Some(json::render(&report, &sources, env!("CARGO_PKG_VERSION"))),
        Format::Sarif => Some(sarif::render(&report, &sources, env!("CARGO_PKG_VERSION"))),
    };
    if let Some(text) = text {
        match &args.output {
            Some(path) => std::fs::write(path, text).map_err(|e| {
                Failure::usage(format!(
                    "nexus lint: cannot write `{}`: {e}",
                    path.display()
                ))
            })?,
            None => output::out(text),
        }
    }
    if !invalid.is_empty() {
        // The specs that could not be linted, after the report of those that were.
        return Err(Failure::invalid(invalid));
    }
    Ok(if report.fails(args.fail_on.severity()) {
        Status::Failed
    } else {
        Status::Clean
    })
}
