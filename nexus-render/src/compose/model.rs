//! The subset of the Compose specification nexus writes, as typed structs. Field order is
//! the order keys appear in `compose.yaml`; maps are `BTreeMap`s, so output is sorted and
//! stable. `project.rs` puts the project together, each service written as it is built.
//!
//! Every string that reaches these structs has already been through
//! [`super::interpolate`]: a literal `$` is written `$$`, and only secret references are
//! `${VAR:?message}` interpolations.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

/// Where a Compose secret's value comes from: a variable of the environment Compose runs in
/// (or `.env`), never the file itself.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SecretSource {
    /// The variable's name.
    pub environment: String,
}

/// A secret mounted into a service, long syntax.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ServiceSecret {
    /// The project secret.
    pub source: String,
    /// Path of the file in the container.
    pub target: String,
}

/// One service.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Service {
    /// Image reference.
    pub image: String,
    /// Profiles that must be enabled for the service to start.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    /// Entrypoint override (Kubernetes `command`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// Command override (Kubernetes `args`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// `uid:gid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Restart policy.
    pub restart: String,
    /// Services that must be healthy (or done) first.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: BTreeMap<String, DependsOn>,
    /// Environment variables.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// Replicas and resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Deploy>,
    /// Read-only root filesystem.
    pub read_only: bool,
    /// Writable in-memory paths.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tmpfs: Vec<String>,
    /// Size of `/dev/shm` (`1024m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shm_size: Option<String>,
    /// Capabilities dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_drop: Vec<String>,
    /// Capabilities added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    /// Security options (`no-new-privileges:true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_opt: Vec<String>,
    /// Privileged mode (only written when the spec asks for it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
    /// `host` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    /// `host` when the spec shares the host PID namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    /// `host` when the spec shares the host IPC namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc: Option<String>,
    /// Networks the service joins.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    /// Published ports (the gateway only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortMapping>,
    /// Mounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Mount>,
    /// Secrets mounted as files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<ServiceSecret>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A `depends_on` entry.
#[derive(Debug, Clone, Serialize)]
pub struct DependsOn {
    /// `service_healthy`, `service_started` or `service_completed_successfully`.
    pub condition: String,
}

/// A health check.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Healthcheck {
    /// `["CMD", ...]` or `["CMD-SHELL", "..."]`.
    pub test: Vec<String>,
    /// Time between checks.
    pub interval: String,
    /// Time a check may take.
    pub timeout: String,
    /// Failures in a row before unhealthy.
    pub retries: u32,
    /// Grace period after start.
    pub start_period: String,
}

/// `deploy`.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Deploy {
    /// Containers to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Limits and reservations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<DeployResources>,
}

/// `deploy.resources`.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct DeployResources {
    /// Hard limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceFigures>,
    /// Reservations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservations: Option<ResourceFigures>,
}

/// CPU and memory figures.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct ResourceFigures {
    /// CPUs (`"0.5"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpus: Option<String>,
    /// Memory (`"512m"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// A published port, long syntax.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PortMapping {
    /// Port in the container.
    pub target: u16,
    /// Port on the host.
    pub published: String,
    /// Host address it binds to.
    pub host_ip: String,
    /// `tcp`.
    pub protocol: String,
}

/// A mount, long syntax.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Mount {
    /// `volume` or `bind`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Volume name or host path.
    pub source: String,
    /// Path in the container.
    pub target: String,
    /// Read-only.
    pub read_only: bool,
}

/// A network.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Network {
    /// No route outside the network.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// Labels.
    #[serde(skip_serializing_if = "NetworkLabels::is_empty")]
    pub labels: NetworkLabels,
}

/// A network's labels: the platform's, shared by every network, and for the network of one
/// edge its two ends (`nexus.dev/from`, `nexus.dev/to`). A platform of 5,000 services has
/// about 14,000 edges; a copy of the platform's labels in each took about 14 MB.
#[derive(Debug, Clone)]
pub(super) struct NetworkLabels {
    platform: Arc<BTreeMap<String, String>>,
    edge: Option<[(&'static str, String); 2]>,
}

impl NetworkLabels {
    /// The platform's labels only.
    pub(super) fn platform(labels: &Arc<BTreeMap<String, String>>) -> Self {
        NetworkLabels {
            platform: Arc::clone(labels),
            edge: None,
        }
    }

    /// The platform's labels, and the ends of the edge from `client` to `server`.
    pub(super) fn edge(labels: &Arc<BTreeMap<String, String>>, client: &str, server: &str) -> Self {
        NetworkLabels {
            platform: Arc::clone(labels),
            edge: Some([
                ("nexus.dev/from", client.to_owned()),
                ("nexus.dev/to", server.to_owned()),
            ]),
        }
    }

    /// Whether there is no label at all.
    pub(super) fn is_empty(&self) -> bool {
        self.platform.is_empty() && self.edge.is_none()
    }

    /// Every label in key order; an edge's end replaces a platform label of the same key.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut ends = self
            .edge
            .iter()
            .flatten()
            .map(|(k, v)| (*k, v.as_str()))
            .peekable();
        let mut platform = self
            .platform
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .peekable();
        std::iter::from_fn(move || match (platform.peek(), ends.peek()) {
            (Some(p), Some(e)) if p.0 < e.0 => platform.next(),
            (Some(p), Some(e)) if p.0 == e.0 => {
                platform.next();
                ends.next()
            }
            (_, Some(_)) => ends.next(),
            (Some(_), None) => platform.next(),
            (None, None) => None,
        })
    }
}

impl Serialize for NetworkLabels {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// A named volume.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Volume {
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the labels were before they were shared: a copy with the ends inserted.
    fn copied(platform: &BTreeMap<String, String>, c: &str, s: &str) -> Vec<(String, String)> {
        let mut l = platform.clone();
        l.insert("nexus.dev/from".into(), c.into());
        l.insert("nexus.dev/to".into(), s.into());
        l.into_iter().collect()
    }

    #[test]
    fn an_edge_s_labels_are_the_platform_s_with_its_ends_in_key_order() {
        let cases: [&[(&str, &str)]; 4] = [
            &[],
            &[("a", "1"), ("nexus.dev/platform", "p"), ("z", "2")],
            &[("nexus.dev/from", "user"), ("nexus.dev/too", "x")],
            &[("nexus.dev/to", "user"), ("nexus.dev/fro", "x"), ("~", "y")],
        ];
        for case in cases {
            let platform: BTreeMap<String, String> = case
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let shared = Arc::new(platform.clone());
            let edge: Vec<(String, String)> = NetworkLabels::edge(&shared, "web", "db")
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(edge, copied(&platform, "web", "db"), "{case:?}");
            let platform_only = NetworkLabels::platform(&shared);
            let only: Vec<(&str, &str)> = platform_only.iter().collect();
            assert_eq!(
                only,
                case.iter()
                    .copied()
                    .collect::<BTreeMap<_, _>>()
                    .into_iter()
                    .collect::<Vec<_>>()
            );
            assert_eq!(NetworkLabels::platform(&shared).is_empty(), case.is_empty());
        }
    }
}
