//! `nexus-render`: generators from the resolved platform IR ([`nexus_spec::ir::Platform`]) to
//! the files that run it. Each generator is a pure function from the IR to an
//! [`OutputPlan`] (relative path → bytes); nothing here decides policy (that is lint's job)
//! or touches the file system except [`output`]'s writer.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]
#![warn(missing_docs)]

pub mod alerts;
pub mod compose;
mod dashboards;
mod destinations;
mod destinations_runbook;
pub mod error;
mod es_runbook;
mod es_snapshots;
mod grafana;
pub mod graph;
pub mod k8s;
pub mod minio_setup;
pub mod nginx;
pub mod output;
pub mod parity;
pub mod plan;
pub mod readme;
mod restore_runbook;
mod runbook;
pub mod shared;
pub mod yaml;

pub use error::RenderError;
pub use plan::OutputPlan;
