//! The integration tests of this crate, as one test binary (one module per area, one
//! support module), so they link once.

mod blue_green_release;
mod builder;
mod cli_contract;
mod gateway_parity;
mod graph_cli;
mod hostile_inputs;
mod hostile_reads;
mod hostile_values;
mod lint_cli;
mod name_properties;
mod output_errors;
mod properties;
mod render_atomic;
mod render_cli;
mod render_environments;
mod render_generated;
mod render_streaming;
mod render_threads;
mod resolve;
mod schema;
mod support;
mod validate_diagnostics;
mod writer_crash;
mod writer_lock;
