//! Grafana's provisioned data sources (`datasources.yaml`), shared by every target: Prometheus
//! (the default) and Jaeger, when the platform runs them. Targets differ only in how a
//! workload's host is named, which the caller passes in.

use serde::Serialize;

use nexus_spec::ir::{self, WorkloadKind};

use crate::error::RenderError;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Datasources {
    api_version: u32,
    datasources: Vec<Datasource>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Datasource {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    uid: String,
    access: &'static str,
    url: String,
    is_default: bool,
    editable: bool,
}

/// The workloads Grafana reads from: Prometheus and Jaeger, when present with a port.
pub(crate) fn sources(p: &ir::Platform) -> Vec<&ir::Workload> {
    [WorkloadKind::Prometheus, WorkloadKind::Jaeger]
        .into_iter()
        .filter_map(|k| {
            p.workloads
                .iter()
                .find(|w| w.kind == k && w.main_port().is_some())
        })
        .collect()
}

/// The data-source file, or `None` when the platform runs no source. `host` names a
/// workload the way the target reaches it (a Compose service name, a cluster DNS name).
pub(crate) fn datasources(
    p: &ir::Platform,
    host: &dyn Fn(&str) -> String,
) -> Result<Option<String>, RenderError> {
    let datasources: Vec<Datasource> = sources(p)
        .into_iter()
        .filter_map(|w| {
            let port = w.main_port()?.port.value;
            let prometheus = w.kind == WorkloadKind::Prometheus;
            Some(Datasource {
                name: if prometheus { "Prometheus" } else { "Jaeger" },
                kind: w.kind.as_str(),
                uid: w.name.value.clone(),
                access: "proxy",
                url: format!("http://{}:{port}", host(&w.name.value)),
                is_default: prometheus,
                editable: false,
            })
        })
        .collect();
    if datasources.is_empty() {
        return Ok(None);
    }
    let file = Datasources {
        api_version: 1,
        datasources,
    };
    crate::yaml::to_yaml(&file, "Grafana data sources").map(Some)
}
