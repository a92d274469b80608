//! Helpers shared by the test modules.

pub mod alerting;
pub mod compose_nginx;
pub mod engine;
pub mod k8s;
pub mod keda;
pub mod tree;
