//! The integration tests of this crate, as one test binary (one module per area), so they
//! link once.

mod docs;
mod fixtures;
// The human report exists with the `fancy` feature only.
#[cfg(feature = "fancy")]
mod human;
mod policy;
mod recovery;
mod sarif;
mod talks_to;
mod waivers;
