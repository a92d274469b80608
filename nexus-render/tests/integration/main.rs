//! The integration tests of this crate, as one test binary (one module per area, one
//! support module), so they link once.

mod alerting_conformance;
mod backup_drill;
mod compose_conformance;
mod compose_determinism;
mod compose_fixture;
mod compose_fixtures;
mod compose_injection;
mod compose_spec;
mod dashboards_conformance;
mod engine_contracts;
mod engines_contract;
mod engines_harness;
mod engines_real;
mod k8s_backups;
mod k8s_blue_green;
mod k8s_conformance;
mod k8s_crds;
mod k8s_determinism;
mod k8s_network;
mod k8s_placement;
mod k8s_secrets;
mod k8s_security;
mod k8s_snapshots;
mod keda_crd;
mod nginx_behaviour;
mod nginx_conformance;
mod nginx_fixture;
mod nginx_hardening;
mod nginx_injection;
mod nginx_spec;
mod nginx_tls_floor;
mod output_check;
mod output_semantic;
mod output_write;
mod support;
