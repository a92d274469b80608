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
    cli::main()
}
