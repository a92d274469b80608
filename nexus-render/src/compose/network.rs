//! Networks: the Kubernetes NetworkPolicies, as Compose networks.
//!
//! Compose has no allow rules, only membership: every member of a network reaches every other.
//! So nexus makes one `internal` network per allowed connection (an *edge*), named
//! `CLIENT_to_SERVER` (workload names never contain `_`, so names cannot collide), with the two
//! ends as its only members. A workload joins the networks of its edges and no other, so it
//! reaches exactly what it declared, like the default-deny policies with their allow rules.
//!
//! Edges:
//! - every `dependsOn` and `talksTo` (the client reaches the target; two services that talk
//!   to each other get one network each way, harmless since both ends are members of both);
//! - the gateway to every workload a route targets;
//! - Prometheus to every workload with a metrics endpoint;
//! - Grafana to Prometheus and Jaeger (its provisioned data sources);
//! - Prometheus to Alertmanager.
//!
//! These are the flows the Kubernetes NetworkPolicies allow.
//!
//! `internal: true` also cuts every edge network off from outside. Only the gateway joins the
//! non-internal network [`PUBLIC`], to publish its ports, and only Alertmanager joins the
//! non-internal network [`OUTBOUND`], to reach its receivers (it publishes no port). A workload with no edge gets
//! `network_mode: none`. Docker takes an address pool per network (about 30 by default);
//! hosts running several projects may need a larger `default-address-pools` in `daemon.json`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use nexus_spec::ir::{self, WorkloadKind};

use super::model::{Network, NetworkLabels};

/// The one network with a route outside, joined by the gateway only.
pub(super) const PUBLIC: &str = "public";

/// The network with a route outside: Alertmanager joins it to reach its receivers, backup
/// steps to reach an off-site destination.
pub(super) const OUTBOUND: &str = "outbound";

/// `networks` with [`OUTBOUND`] declared when some service joins it.
pub(super) fn with_outbound(
    mut networks: BTreeMap<String, Network>,
    labels: &Arc<BTreeMap<String, String>>,
    joined: bool,
) -> BTreeMap<String, Network> {
    if joined {
        networks.insert(
            OUTBOUND.to_owned(),
            Network {
                internal: false,
                labels: NetworkLabels::platform(labels),
            },
        );
    }
    networks
}

/// A service's `networks` with [`OUTBOUND`] joined (kept sorted) when it talks to something
/// outside: Alertmanager's receivers, an off-site backup destination.
pub(super) fn joining_outbound(mut networks: Vec<String>, outside: bool) -> Vec<String> {
    if outside {
        networks.push(OUTBOUND.to_owned());
        networks.sort();
    }
    networks
}

/// The allowed connections of a platform.
#[derive(Debug, Clone, Default)]
pub(super) struct Topology {
    edges: BTreeSet<(String, String)>,
    /// The same edges as (server, client), so that a workload's inbound edges are a range,
    /// not a scan of every edge (which made rendering quadratic in the number of workloads).
    reversed: BTreeSet<(String, String)>,
}

impl Topology {
    /// The edges of the platform; `gateway` is the gateway service's name, if there is one.
    pub(super) fn new(p: &ir::Platform, gateway: Option<&str>) -> Self {
        let mut edges = BTreeSet::new();
        for w in &p.workloads {
            for d in w.connections() {
                edges.insert((w.name.value.clone(), d.value.clone()));
            }
        }
        // WAL shippers reach the backup destination.
        for w in &p.workloads {
            if let Some((dests, _)) = super::archive::shipping(p, w) {
                let ship = nexus_spec::names::derived(&w.name.value, super::archive::SHIPPER);
                for m in crate::destinations::minios(p, &dests) {
                    edges.insert((ship.clone(), m.name.value.clone()));
                }
            }
        }
        // MinIO's setup reaches the MinIO it sets up.
        for (_, m) in crate::minio_setup::managed(p) {
            edges.insert((
                super::minio_setup::name(&m.name.value),
                m.name.value.clone(),
            ));
        }
        // Backups: the dump reaches the engine, the uploader and the restore's fetch the
        // destination, a restore into the running engine (RabbitMQ) the engine.
        for w in &p.workloads {
            edges.extend(super::backup::edges(p, w));
            edges.extend(super::es_snapshots::edges(p, w));
        }
        if let (Some(g), Some(gw)) = (gateway, &p.gateway) {
            for r in &gw.routes {
                edges.insert((g.to_owned(), r.workload.value.clone()));
            }
        }
        if let Some(prom) = p
            .workloads
            .iter()
            .find(|w| w.kind == WorkloadKind::Prometheus)
        {
            for w in p.workloads.iter().filter(|w| w.metrics.is_some()) {
                if w.name.value != prom.name.value {
                    edges.insert((prom.name.value.clone(), w.name.value.clone()));
                }
            }
        }
        if let (Some(prom), Some(am)) = (
            p.workloads
                .iter()
                .find(|w| w.kind == WorkloadKind::Prometheus),
            p.workloads
                .iter()
                .find(|w| w.kind == WorkloadKind::Alertmanager),
        ) {
            edges.insert((prom.name.value.clone(), am.name.value.clone()));
        }
        if let Some(grafana) = p.workloads.iter().find(|w| w.kind == WorkloadKind::Grafana) {
            for source in super::grafana::sources(p) {
                edges.insert((grafana.name.value.clone(), source.name.value.clone()));
            }
        }
        let reversed = edges.iter().map(|(c, s)| (s.clone(), c.clone())).collect();
        Topology { edges, reversed }
    }

    /// The edges whose first end is `name`, in order of the other end.
    fn from<'a>(
        set: &'a BTreeSet<(String, String)>,
        name: &'a str,
    ) -> impl Iterator<Item = &'a (String, String)> + 'a {
        set.range((name.to_owned(), String::new())..)
            .take_while(move |(first, _)| first == name)
    }

    /// The name of the network of one edge.
    pub(super) fn network_name(client: &str, server: &str) -> String {
        format!("{client}_to_{server}")
    }

    /// Networks a service joins to reach what `client` may reach.
    pub(super) fn outbound(&self, client: &str) -> Vec<String> {
        Self::from(&self.edges, client)
            .map(|(c, s)| Self::network_name(c, s))
            .collect()
    }

    /// Networks a service joins to be reached as `server`.
    pub(super) fn inbound(&self, server: &str) -> Vec<String> {
        Self::from(&self.reversed, server)
            .map(|(s, c)| Self::network_name(c, s))
            .collect()
    }

    /// Every network of the workload `name`, sorted.
    pub(super) fn of(&self, name: &str) -> Vec<String> {
        let mut v = self.outbound(name);
        v.extend(self.inbound(name));
        v.sort();
        v.dedup();
        v
    }

    /// The top-level `networks` section; `labels` go on every network.
    pub(super) fn networks(
        &self,
        labels: &Arc<BTreeMap<String, String>>,
        with_public: bool,
    ) -> BTreeMap<String, Network> {
        let mut out: BTreeMap<String, Network> = self
            .edges
            .iter()
            .map(|(c, s)| {
                (
                    Self::network_name(c, s),
                    Network {
                        internal: true,
                        labels: NetworkLabels::edge(labels, c, s),
                    },
                )
            })
            .collect();
        if with_public {
            out.insert(
                PUBLIC.to_owned(),
                Network {
                    internal: false,
                    labels: NetworkLabels::platform(labels),
                },
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Topology;

    #[test]
    fn edge_names_cannot_collide() {
        assert_ne!(
            Topology::network_name("a-to", "b"),
            Topology::network_name("a", "to-b")
        );
    }
}
