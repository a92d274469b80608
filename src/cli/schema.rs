//! `nexus schema`

use std::io::Write;
use std::process::ExitCode;

pub fn run() -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(nexus::spec::schema::json_schema().as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(super::EXIT_USAGE),
    }
}
