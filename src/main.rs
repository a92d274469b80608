//! The `nexus` command line. It parses arguments, calls the library, prints, and picks the
//! exit code: 0 clean, 1 invalid input / findings at or above the threshold / drift,
//! 2 usage or I/O error. Machine-readable output goes to stdout, diagnostics to stderr.
#![forbid(unsafe_code)]

mod cli;

/// mimalloc instead of the system allocator: rendering allocates millions of small strings,
/// and glibc's malloc was a third of `nexus render`'s CPU time at 5,000 services.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // Help or version that cannot be printed (stdout full or closed) is an I/O error.
            return match e.print() {
                Ok(()) => ExitCode::from(code),
                Err(_) => ExitCode::from(2),
            };
        }
    };
    cli::run(args)
}
