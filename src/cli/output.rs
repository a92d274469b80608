//! Printing diagnostics and choosing exit codes from them.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use miette::{GraphicalReportHandler, GraphicalTheme};
use nexus::spec::{Diagnostic, Diagnostics, Severity};

use super::failure::EXIT_IO;

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
pub(super) fn render(d: &Diagnostic) -> String {
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
pub(super) fn print(diags: &Diagnostics) {
    for d in diags.iter() {
        err(render(d));
    }
}

/// The first failed write to stdout and to stderr: the command's exit code becomes 2 and
/// the failure is reported on the other stream ([`finish`]).
static LOST: Mutex<[Option<String>; 2]> = Mutex::new([None, None]);

fn lost(stream: usize, e: &std::io::Error) {
    if let Ok(mut lost) = LOST.lock() {
        lost[stream].get_or_insert_with(|| e.to_string());
    }
}

/// Writes machine-readable output to stdout (and flushes it); a failure is remembered.
pub(super) fn out(text: impl AsRef<[u8]>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_ref())
        .and_then(|()| stdout.flush())
    {
        lost(0, &e);
    }
}

/// Writes to stderr, control characters escaped ([`escape`]); a failure is remembered.
pub(super) fn err(text: impl std::fmt::Display) {
    let text = escape(&text.to_string());
    let mut stderr = std::io::stderr().lock();
    if let Err(e) = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.flush())
    {
        lost(1, &e);
    }
}

/// The longest line written to the terminal; longer ones are cut in the middle.
const MAX_LINE: usize = 4096;

/// `text` safe for a terminal: every control character (C0 but tab and line feed, DEL,
/// C1) becomes a visible escape such as `\x{1b}`, except the colour sequences
/// (`ESC [ digits ; m`) the report handler draws with; a line longer than [`MAX_LINE`]
/// characters keeps its two ends. A spec value cannot set the terminal's title, clear the
/// screen, or fill it with 16 MB of NUL.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let chars = line.chars().count();
        if chars > MAX_LINE {
            let head: String = line.chars().take(MAX_LINE / 2).collect();
            let tail: String = line.chars().skip(chars - MAX_LINE / 2).collect();
            escape_into(&head, &mut out);
            out.push_str(&format!(" … ({} characters cut) … ", chars - MAX_LINE));
            escape_into(&tail, &mut out);
        } else {
            escape_into(line, &mut out);
        }
    }
    out
}

fn escape_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b'
            && let Some(len) = sgr_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\x{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// The length of a colour sequence `ESC [ 0-9;* m` at the start of `s`.
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\x1b[")?;
    let digits = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

/// A line on stderr.
pub(super) fn errln(text: impl std::fmt::Display) {
    err(format_args!("{text}\n"));
}

/// The command's exit code, or 2 when a write to stdout or stderr failed: then the failure
/// is said on the stream that still works (if any does).
pub(super) fn finish(code: ExitCode) -> ExitCode {
    let Ok(lost) = LOST.lock() else {
        return ExitCode::from(EXIT_IO);
    };
    match &*lost {
        [None, None] => code,
        [Some(e), _] => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write to standard output: {e}"
            );
            ExitCode::from(EXIT_IO)
        }
        [None, Some(e)] => {
            let mut stdout = std::io::stdout();
            let _ = writeln!(stdout, "error: cannot write to standard error: {e}")
                .and_then(|()| stdout.flush());
            ExitCode::from(EXIT_IO)
        }
    }
}

/// Prints any error that is a miette diagnostic (render and output errors) to stderr.
pub(super) fn print_error(e: &dyn miette::Diagnostic) {
    let handler = handler();
    let mut out = String::new();
    if handler.render_report(&mut out, e).is_err() {
        out = format!("error: {e}\n");
    }
    err(out);
}

/// Prints a warning line to stderr.
pub(super) fn warn(message: impl std::fmt::Display) {
    errln(format_args!("warning: {message}"));
}
