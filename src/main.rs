//! The `nexus` command line. It parses arguments, calls the library, prints, and picks the
//! exit code (in `cli::failure`): 0 clean, 1 invalid input / findings at or above the
//! threshold / drift, 2 usage or I/O error. Machine-readable output goes to stdout,
//! diagnostics to stderr.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod cli;

/// mimalloc instead of the system allocator: rendering allocates millions of small strings,
/// and glibc's malloc was a third of `nexus render`'s CPU time at 5,000 services.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    #[cfg(all(feature = "mimalloc", unix))]
    purge::promptly();
    cli::main()
}

/// mimalloc's purge delay, the one allocator setting nexus changes (decision 0036).
#[cfg(all(feature = "mimalloc", unix))]
mod purge {
    use std::os::unix::process::CommandExt;

    /// The variable mimalloc reads its purge delay from, in milliseconds.
    const VARIABLE: &str = "MIMALLOC_PURGE_DELAY";
    /// mimalloc 2's default, and what its version 3 (1,000 ms) replaced.
    const DELAY_MS: &str = "10";

    /// Starts this program again with [`VARIABLE`] set to [`DELAY_MS`], unless it is set
    /// already (by the user, or by the start before). mimalloc reads the variable only from
    /// the environment and the program cannot set its own environment without `unsafe`, so
    /// it replaces itself (`execve`: the same process, arguments, streams and exit code).
    /// If that fails, nexus runs on with mimalloc's default.
    pub(crate) fn promptly() {
        if std::env::var_os(VARIABLE).is_some() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut again = std::process::Command::new(exe);
        if let Some(arg0) = args.next() {
            again.arg0(arg0);
        }
        // Returns only when the program could not be started again.
        let _ = again.args(args).env(VARIABLE, DELAY_MS).exec();
    }
}
