//! How a subcommand ends, and the one place that turns it into an exit code: `0` clean, `1`
//! the input is invalid, lint found problems at or above the threshold, or `--check` found
//! drift; `2` usage or I/O error. Subcommands return an [`Outcome`]; [`super::run`] prints
//! a [`Failure`] and exits with [`code`].

use nexus::render::output::OutputError;
use nexus::spec::{Diagnostics, Severity, codes};
use nexus::{CompileError, Diagnostic};

use super::output;

/// Exit code for invalid input, lint findings or drift.
const EXIT_FAILED: u8 = 1;
/// Exit code for usage and I/O errors.
const EXIT_USAGE: u8 = 2;

/// What a subcommand returns.
pub(super) type Outcome = Result<Status, Failure>;

/// A subcommand that ran to its end: its output is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    /// Nothing to report: exit 0.
    Clean,
    /// Findings at or above the threshold, or drift: exit 1.
    Failed,
}

/// A subcommand that could not do its work: what to print, and the exit code.
#[derive(Debug)]
pub(super) struct Failure {
    problem: Problem,
    code: u8,
    /// A line printed after the problem (what it means for the command).
    note: Option<String>,
}

#[derive(Debug)]
enum Problem {
    /// Problems of the input, each a located diagnostic.
    Diagnostics(Diagnostics),
    /// An error of the library.
    Error(Box<dyn miette::Diagnostic + Send + Sync>),
    /// A message of the command line itself.
    Message(String),
}

impl Failure {
    /// Invalid input: exit 1, or 2 when a diagnostic is an I/O error.
    pub(super) fn invalid(d: Diagnostics) -> Failure {
        let io = d
            .iter()
            .any(|d| d.severity == Severity::Error && d.code == codes::IO);
        Failure {
            code: if io { EXIT_USAGE } else { EXIT_FAILED },
            problem: Problem::Diagnostics(d),
            note: None,
        }
    }

    /// Input the command line cannot use (a policy, a path): exit 2.
    pub(super) fn usage_input(d: Diagnostics) -> Failure {
        Failure {
            code: EXIT_USAGE,
            ..Failure::invalid(d)
        }
    }

    /// One problem of one input file (I/O errors included).
    pub(super) fn diagnostic(d: Diagnostic) -> Failure {
        Failure::invalid(Diagnostics::from(d))
    }

    /// A usage error said in one line, printed as it is (`nexus NAME: ...`, `error: ...`):
    /// exit 2.
    pub(super) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            problem: Problem::Message(message.into()),
            code: EXIT_USAGE,
            note: None,
        }
    }

    /// Adds a line printed after the problem.
    pub(super) fn note(mut self, text: impl Into<String>) -> Failure {
        self.note = Some(text.into());
        self
    }

    /// Prints the problem and the note to stderr.
    pub(super) fn print(&self) {
        match &self.problem {
            Problem::Diagnostics(d) => output::print(d),
            Problem::Error(e) => output::print_error(e.as_ref()),
            Problem::Message(m) => output::errln(m),
        }
        if let Some(note) = &self.note {
            output::errln(note);
        }
    }
}

/// The exit code of an outcome.
pub(super) fn code(outcome: &Outcome) -> u8 {
    match outcome {
        Ok(Status::Clean) => 0,
        Ok(Status::Failed) => EXIT_FAILED,
        Err(f) => f.code,
    }
}

/// The exit code when standard output or error cannot be written, or clap finds a usage
/// error.
pub(super) const EXIT_IO: u8 = EXIT_USAGE;

impl From<CompileError> for Failure {
    /// Invalid specs are 1 (2 for an unreadable file); naming an environment a spec does not
    /// have, or two specs that would render into one folder, is a usage error (2); any other
    /// problem of the specs is 1.
    fn from(e: CompileError) -> Failure {
        let code = match e {
            CompileError::Invalid(d) => return Failure::invalid(d),
            CompileError::UnknownEnvironment { .. } | CompileError::DuplicatePlatform(_) => {
                EXIT_USAGE
            }
            _ => EXIT_FAILED,
        };
        Failure {
            problem: Problem::Error(Box::new(e)),
            code,
            note: None,
        }
    }
}

impl From<OutputError> for Failure {
    /// Reading or writing the output folder failed: an I/O error (2).
    fn from(e: OutputError) -> Failure {
        Failure {
            problem: Problem::Error(Box::new(e)),
            code: EXIT_USAGE,
            note: None,
        }
    }
}
