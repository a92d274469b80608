//! Printing diagnostics and choosing exit codes from them.

use std::io::{IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};
use nexus::spec::{Diagnostic, Diagnostics, Severity, codes};

use super::{EXIT_FAILED, EXIT_USAGE};

/// The report handler every diagnostic is drawn with: colour only on a terminal without
/// `NO_COLOR`, 100 columns wide.
fn handler() -> GraphicalReportHandler {
    let theme = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

/// Renders one diagnostic the way `nexus` prints it.
pub fn render(d: &Diagnostic) -> String {
    let handler = handler();
    let mut out = String::new();
    if handler.render_report(&mut out, d).is_err() {
        out = format!("{}: {}\n", d.code, d.message);
    }
    if let Some(loc) = d.location() {
        // The graphical report shows the location in its frame; state it plainly too, so
        // editors and grep can jump to it.
        out = format!("{loc}: {}\n{out}", severity_word(d.severity));
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Prints diagnostics to stderr.
pub fn print(diags: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for d in diags.iter() {
        let _ = write!(err, "{}", render(d));
    }
}

/// The exit code for a set of diagnostics: 2 if any is an I/O error, 1 if any other error,
/// 0 otherwise.
pub fn exit_code(diags: &Diagnostics) -> u8 {
    let errors = diags.iter().filter(|d| d.severity == Severity::Error);
    let mut code = 0;
    for d in errors {
        if d.code == codes::IO {
            return EXIT_USAGE;
        }
        code = EXIT_FAILED;
    }
    code
}

/// Prints any error that is a miette diagnostic (render and output errors) to stderr.
pub fn print_error(e: &dyn miette::Diagnostic) {
    let handler = handler();
    let mut out = String::new();
    if handler.render_report(&mut out, e).is_err() {
        out = format!("error: {e}\n");
    }
    let _ = write!(std::io::stderr().lock(), "{out}");
}

/// Prints a warning line to stderr.
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "warning: {message}");
}
