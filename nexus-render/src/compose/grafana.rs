//! `grafana/datasources.yaml` for Compose: Grafana's provisioned data sources (Prometheus,
//! the default, and Jaeger, when the platform runs them), as the Kubernetes output
//! provisions them. Grafana reaches them over their own edge networks
//! (see [`super::network`]).

use nexus_spec::ir;

use crate::error::RenderError;

/// Where the file is, relative to the Compose folder.
pub(super) const PATH: &str = "grafana/datasources.yaml";
/// Where the dashboard provider file is, relative to the Compose folder.
pub(super) const PROVIDER_PATH: &str = "grafana/dashboards.yaml";
/// Where Grafana reads it.
pub(super) const PROVIDER_TARGET: &str = "/etc/grafana/provisioning/dashboards/nexus.yaml";
/// The folder of the dashboards, relative to the Compose folder (bind-mounted whole).
pub(super) const DASHBOARDS_PATH: &str = "grafana/dashboards";

/// Where Grafana reads it.
pub(super) const TARGET: &str = "/etc/grafana/provisioning/datasources/datasources.yaml";

/// The workloads Grafana reads from: Prometheus and Jaeger, when present.
pub(super) fn sources(p: &ir::Platform) -> Vec<&ir::Workload> {
    crate::grafana::sources(p)
}

/// The data-source file, when there is a source. Compose reaches a workload by its service
/// name.
pub(super) fn render(p: &ir::Platform) -> Result<Option<String>, RenderError> {
    crate::grafana::datasources(p, &|name| name.to_owned())
}
