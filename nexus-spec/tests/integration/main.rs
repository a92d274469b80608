//! The integration tests of this crate, as one test binary (one module per area), so they
//! link once.

mod backup_destinations;
mod environments;
mod loading;
mod observability;
