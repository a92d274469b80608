//! `nexus schema`

use std::process::ExitCode;

pub fn run() -> ExitCode {
    super::output::out(nexus::spec::schema::json_schema());
    ExitCode::SUCCESS
}
