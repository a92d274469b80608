//! `nexus lint [PATH...] [--env NAME] [--format human|json|sarif] [--fail-on LEVEL]`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use nexus::spec::{Diagnostics, Severity, SourceMap, Spec, discover};
use nexus_lint::report::{Report, human, json, sarif};
use nexus_lint::{Date, LintOptions, Linter, Policy};

use super::{EXIT_FAILED, EXIT_USAGE, output};

/// The policy file `nexus lint` reads when `--policy` is not given, if it exists.
pub const DEFAULT_POLICY: &str = "nexus-policy.yaml";

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with spec excerpts, on stderr.
    Human,
    /// The JSON report (schema in README), on stdout.
    Json,
    /// SARIF 2.1.0, on stdout.
    Sarif,
}

/// Severity thresholds for `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
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
pub struct Args {
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
}

fn policy(args: &Args) -> Result<Policy, Diagnostics> {
    match &args.policy {
        Some(p) => nexus_lint::policy::load(p),
        // Anything at that name is read: a dangling link or a device there is an error,
        // not a reason to fall back on the built-in policy silently.
        None if std::fs::symlink_metadata(DEFAULT_POLICY).is_ok() => {
            nexus_lint::policy::load(std::path::Path::new(DEFAULT_POLICY))
        }
        None => Ok(Policy::default()),
    }
}

/// Runs `nexus lint`.
pub fn run(args: Args) -> ExitCode {
    let policy = match policy(&args) {
        Ok(p) => p,
        Err(d) => {
            output::print(&d);
            output::errln(format_args!("nexus lint: the policy is not valid"));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let files = match discover(&super::default_paths(args.paths.clone())) {
        Ok(f) => f,
        Err(d) => {
            let all = Diagnostics(vec![d]);
            output::print(&all);
            return ExitCode::from(output::exit_code(&all));
        }
    };
    let options = LintOptions {
        today: args.today.unwrap_or_else(Date::today_utc),
    };
    let mut report = Report::default();
    let mut sources = SourceMap::new();
    let mut invalid = Diagnostics::new();
    for file in &files {
        let spec = match Spec::from_path(file) {
            Ok(s) => s,
            Err(d) => {
                invalid.extend(d);
                continue;
            }
        };
        // Validation resolves every environment; the linter reads those resolutions.
        let platforms = match spec.validate_resolve() {
            Ok(p) => p,
            Err(problems) => {
                invalid.extend(problems);
                continue;
            }
        };
        let mut linter = Linter::new(&policy, options);
        match &args.env {
            None => platforms.iter().for_each(|p| linter.check(p)),
            Some(env) => match platforms.iter().find(|p| &p.environment.value == env) {
                Some(p) => linter.check(p),
                // Not an environment of this spec: resolving it says so.
                None => {
                    if let Err(d) = spec.resolve(env) {
                        invalid.extend(d);
                    }
                }
            },
        }
        report.append(linter.finish(), spec.sources(), &mut sources);
    }
    output::print(&invalid);
    let text = match args.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let options = human::HumanOptions {
                color,
                min_severity: args.min_severity.severity(),
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
        let written = match &args.output {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
            None => {
                output::out(text);
                Ok(())
            }
        };
        if let Err(e) = written {
            output::errln(format_args!("nexus lint: {e}"));
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let code = output::exit_code(&invalid);
    if code != 0 {
        return ExitCode::from(code);
    }
    if report.fails(args.fail_on.severity()) {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}
