//! `nexus schema`

use super::failure::{Outcome, Status};

pub(super) fn run() -> Outcome {
    super::output::out(nexus::spec::schema::json_schema());
    Ok(Status::Clean)
}
