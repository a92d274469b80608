//! NetworkPolicies. The namespace denies all traffic in and out by default and allows DNS
//! (see [`super::namespace`]); each pod group then gets one policy that lets in exactly the
//! flows derived from the IR and lets out exactly the flows it starts:
//!
//! * a workload reaches each workload it declares in `dependsOn` or `talksTo`, on that
//!   workload's client ports (an engine's administration and clustering ports stay closed)
//!   and on the ports a `talksTo` entry names; its migration Job reaches only the
//!   migration's own dependencies (by default the service's databases), on their client
//!   ports;
//! * the edge's proxies reach each routed workload, on the routed ports: with Gateway API,
//!   the Gateway's proxy pods in the platform's namespace (NGINX Gateway Fabric labels them
//!   `gateway.networking.k8s.io/gateway-name: <platform>`), which get their own policy
//!   ([`edge_proxy_policy`]); with Ingress, the controller's pods (the spec's
//!   `gateway.kubernetes.controller` namespace and labels);
//! * Prometheus reaches each workload that declares `metrics`, on the metrics port;
//! * Grafana reaches Prometheus and Jaeger (its provisioned data sources);
//! * Prometheus reaches Alertmanager, and the cluster add-ons it scrapes (kube-state-metrics,
//!   cert-manager) in their namespaces; Alertmanager reaches its receivers (Slack,
//!   PagerDuty) on HTTPS outside the cluster's private address ranges;
//! * the KEDA operator reaches the RabbitMQ whose queue a service scales on, on its client
//!   ports;
//! * a backup job reaches the port its dump tool uses on the service it backs up, and the
//!   S3 port of the MinIO it writes to;
//! * Elasticsearch's nodes reach the S3 port of the MinIO holding their snapshot
//!   repository, and its backup pods (the setup and restore Jobs) its HTTP port.
//!
//! Pod groups are told apart by `app.kubernetes.io/name`: `<workload>` for its servers,
//! `<workload>-migrate` for its migration, `<workload>-backup` for its backups.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use nexus_spec::ir::{self, WorkloadKind};
use nexus_spec::model::EdgeKind;

use super::gateway_api::{GATEWAY_NAME_LABEL, HTTP_PORT, HTTPS_PORT};

use super::backup;
use super::meta::{Labels, NAME_LABEL, Naming, selector};
use super::pod::protocol;

/// The port NGINX Gateway Fabric's control plane takes its proxies' agents on (the
/// `agent-grpc` container port behind its Service's 443).
pub(super) const NGF_AGENT_PORT: u16 = 8443;
/// The label every namespace carries with its own name (set by Kubernetes since 1.22).
pub(super) const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The pod group of a workload's migration Job.
pub(crate) fn migration_group(workload: &str) -> String {
    nexus_spec::names::derived(workload, nexus_spec::names::MIGRATE)
}

/// The pod group of a workload's backup CronJobs.
pub(crate) fn backup_group(workload: &str) -> String {
    nexus_spec::names::derived(workload, nexus_spec::names::BACKUP)
}

/// The other end of a flow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Peer {
    /// Pods of this group, in the platform's namespace.
    Pods(String),
    /// A cluster add-on's pods (`app.kubernetes.io/name`, namespace).
    Addon(&'static str, &'static str),
    /// Addresses outside the private ranges (the internet).
    Outside,
    /// The edge's proxy pods: in the namespace named (the platform's when `None`), with
    /// these labels.
    Edge(Option<String>, BTreeMap<String, String>),
}

/// The pods of the edge that proxy requests to routed workloads.
fn edge_peer(p: &ir::Platform, g: &ir::Gateway) -> Peer {
    match g.kubernetes.edge {
        EdgeKind::GatewayApi => Peer::Edge(
            None,
            BTreeMap::from([(GATEWAY_NAME_LABEL.to_owned(), p.name.value.clone())]),
        ),
        EdgeKind::Ingress => Peer::Edge(
            Some(g.kubernetes.controller_namespace.clone()),
            g.kubernetes.controller_labels.clone(),
        ),
    }
}

/// The policy of the Gateway's proxy pods (Gateway API only): anyone may reach the listener
/// ports; they reach the routed workloads on the routed ports and the controller's agent
/// port (the namespace's default deny covers them too).
pub(crate) fn edge_proxy_policy(ctx: &Naming<'_>, g: &ir::Gateway) -> Option<NetworkPolicy> {
    if g.kubernetes.edge != EdgeKind::GatewayApi {
        return None;
    }
    let p = ctx.platform;
    let mut listen = Ports::from([(HTTP_PORT, "TCP")]);
    if g.tls.is_some() {
        listen.insert((HTTPS_PORT, "TCP"));
    }
    let mut to: BTreeMap<Peer, Ports> = BTreeMap::new();
    for r in &g.routes {
        to.entry(Peer::Pods(r.workload.value.clone()))
            .or_default()
            .insert((r.port, "TCP"));
    }
    to.insert(
        Peer::Edge(
            Some(g.kubernetes.controller_namespace.clone()),
            g.kubernetes.controller_labels.clone(),
        ),
        Ports::from([(NGF_AGENT_PORT, "TCP")]),
    );
    let name = format!("{}-gateway-proxy", p.name.value);
    let Peer::Edge(_, labels) = edge_peer(p, g) else {
        return None;
    };
    Some(NetworkPolicy {
        metadata: ctx.meta(&name, ctx.labels(&name, "gateway")),
        spec: Some(NetworkPolicySpec {
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: None,
                ports: Some(policy_ports(&listen)),
            }]),
            egress: Some(
                to.iter()
                    .map(|(peer, ports)| NetworkPolicyEgressRule {
                        to: Some(vec![peer_of(peer)]),
                        ports: Some(policy_ports(ports)),
                    })
                    .collect(),
            ),
            pod_selector: Some(selector(labels)),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
        }),
    })
}

/// Address ranges a flow to [`Peer::Outside`] excludes: the private ranges pods, services and
/// nodes live in.
const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

pub(crate) use super::ports::Ports;
type Rules = BTreeMap<String, BTreeMap<Peer, Ports>>;

/// Every allowed flow of a platform, by pod group.
#[derive(Debug, Default)]
pub(crate) struct Flows {
    ingress: Rules,
    egress: Rules,
}

/// The ports a dependency opens: the target's client ports.
fn client_ports(w: &ir::Workload) -> Ports {
    w.ports
        .iter()
        .filter(|p| p.role == ir::PortRole::Client)
        .map(|p| (p.port.value, protocol(p.protocol)))
        .collect()
}

/// The ports a `talksTo` entry opens: those it names, or the target's client ports.
fn talk_ports(t: &ir::Talk, target: &ir::Workload) -> Ports {
    if t.ports.is_empty() {
        return client_ports(target);
    }
    t.ports
        .iter()
        .filter_map(|n| target.port(&n.value))
        .map(|p| (p.port.value, protocol(p.protocol)))
        .collect()
}

impl Flows {
    /// The flows of a platform.
    pub(super) fn new(p: &ir::Platform) -> Flows {
        let mut f = Flows::default();
        let find = |name: &str| p.workload(name);
        for w in &p.workloads {
            let name = &w.name.value;
            for d in &w.depends_on {
                if let Some(target) = find(&d.value) {
                    f.allow(Peer::Pods(name.clone()), target, client_ports(target));
                }
            }
            for t in &w.talks_to {
                if let Some(target) = find(&t.workload.value) {
                    f.allow(Peer::Pods(name.clone()), target, talk_ports(t, target));
                }
            }
            for d in w.migration.iter().flat_map(|m| &m.depends_on) {
                if let Some(target) = find(&d.value) {
                    f.allow(
                        Peer::Pods(migration_group(name)),
                        target,
                        client_ports(target),
                    );
                }
            }
            for (target, port) in backup::reach(p, w) {
                let ports = Ports::from([(port.port.value, protocol(port.protocol))]);
                f.allow(Peer::Pods(backup_group(name)), target, ports);
            }
            let off_site: Ports = backup::off_site_ports(p, w)
                .into_iter()
                .map(|port| (port, "TCP"))
                .collect();
            if !off_site.is_empty() {
                f.allow_out(&backup_group(name), Peer::Outside, off_site.clone());
            }
            // The server's WAL shipper runs in the server's pod.
            if let Some((plan, _)) = backup::archives(p, w) {
                for m in crate::destinations::minios(p, &plan.dests) {
                    if let Some(port) = m.main_port() {
                        let ports = Ports::from([(port.port.value, protocol(port.protocol))]);
                        f.allow(Peer::Pods(name.clone()), m, ports);
                    }
                }
                if !off_site.is_empty() {
                    f.allow_out(name, Peer::Outside, off_site);
                }
            }
        }
        // Elasticsearch's nodes write their snapshots to the MinIO; its backup pods (the
        // setup and the restore) reach its HTTP port.
        for w in &p.workloads {
            let Some(s) = crate::es_snapshots::plan(p, w) else {
                continue;
            };
            for (from, to) in [
                (w.name.value.clone(), s.minio),
                (backup_group(&w.name.value), w),
            ] {
                if let Some(port) = to.main_port() {
                    let ports = Ports::from([(port.port.value, protocol(port.protocol))]);
                    f.allow(Peer::Pods(from), to, ports);
                }
            }
        }
        // MinIO's setup Job reaches the MinIO it sets up.
        for (_, m) in crate::minio_setup::managed(p) {
            if let Some(port) = m.main_port() {
                let ports = Ports::from([(port.port.value, protocol(port.protocol))]);
                f.allow(
                    Peer::Pods(super::minio_setup::group(&m.name.value)),
                    m,
                    ports,
                );
            }
        }
        let by_kind = |k: WorkloadKind| p.workloads.iter().find(|w| w.kind == k);
        if let Some(prometheus) = by_kind(WorkloadKind::Prometheus) {
            for w in &p.workloads {
                if let Some(m) = &w.metrics {
                    let port = w.port(&m.port_name).map_or("TCP", |p| protocol(p.protocol));
                    f.allow(
                        Peer::Pods(prometheus.name.value.clone()),
                        w,
                        Ports::from([(m.port, port)]),
                    );
                }
            }
        }
        if let Some(prometheus) = by_kind(WorkloadKind::Prometheus) {
            let from = prometheus.name.value.clone();
            if let Some(am) = by_kind(WorkloadKind::Alertmanager)
                && let Some(port) = am.main_port()
            {
                let ports = Ports::from([(port.port.value, protocol(port.protocol))]);
                f.allow(Peer::Pods(from.clone()), am, ports);
            }
            for a in super::monitoring::addons(p) {
                f.allow_out(
                    &from,
                    Peer::Addon(a.name, a.namespace),
                    Ports::from([(a.port, "TCP")]),
                );
            }
        }
        for w in &p.workloads {
            let Some(q) = w.autoscaling.as_ref().and_then(|a| a.queue.as_ref()) else {
                continue;
            };
            if let Some(target) = find(&q.workload.value) {
                f.allow(
                    Peer::Addon(super::keda::KEDA_OPERATOR_NAME, super::keda::KEDA_NAMESPACE),
                    target,
                    client_ports(target),
                );
            }
        }
        if let Some(am) = by_kind(WorkloadKind::Alertmanager) {
            f.allow_out(&am.name.value, Peer::Outside, Ports::from([(443, "TCP")]));
        }
        if let Some(grafana) = by_kind(WorkloadKind::Grafana) {
            for k in [WorkloadKind::Prometheus, WorkloadKind::Jaeger] {
                if let Some(source) = by_kind(k)
                    && let Some(port) = source.main_port()
                {
                    let ports = Ports::from([(port.port.value, protocol(port.protocol))]);
                    f.allow(Peer::Pods(grafana.name.value.clone()), source, ports);
                }
            }
        }
        for (g, r) in p
            .gateway
            .iter()
            .flat_map(|g| g.routes.iter().map(move |r| (g, r)))
        {
            if let Some(target) = find(&r.workload.value) {
                f.allow(edge_peer(p, g), target, Ports::from([(r.port, "TCP")]));
            }
        }
        f
    }

    /// A flow out of the namespace: only the egress side is ours to allow.
    fn allow_out(&mut self, from: &str, to: Peer, ports: Ports) {
        self.egress
            .entry(from.to_owned())
            .or_default()
            .entry(to)
            .or_default()
            .extend(ports);
    }

    fn allow(&mut self, from: Peer, to: &ir::Workload, ports: Ports) {
        if ports.is_empty() {
            return;
        }
        let to_name = to.name.value.clone();
        if let Peer::Pods(group) = &from {
            self.egress
                .entry(group.clone())
                .or_default()
                .entry(Peer::Pods(to_name.clone()))
                .or_default()
                .extend(ports.iter().copied());
        }
        self.ingress
            .entry(to_name)
            .or_default()
            .entry(from)
            .or_default()
            .extend(ports);
    }

    /// The policy of one pod group, named after it.
    pub(super) fn policy(&self, ctx: &Naming<'_>, group: &str, labels: Labels) -> NetworkPolicy {
        let ingress: Vec<NetworkPolicyIngressRule> = self
            .ingress
            .get(group)
            .into_iter()
            .flatten()
            .map(|(peer, ports)| NetworkPolicyIngressRule {
                from: Some(vec![peer_of(peer)]),
                ports: Some(policy_ports(ports)),
            })
            .collect();
        let egress: Vec<NetworkPolicyEgressRule> = self
            .egress
            .get(group)
            .into_iter()
            .flatten()
            .map(|(peer, ports)| NetworkPolicyEgressRule {
                to: Some(vec![peer_of(peer)]),
                ports: Some(policy_ports(ports)),
            })
            .collect();
        NetworkPolicy {
            metadata: ctx.meta(group, labels),
            spec: Some(NetworkPolicySpec {
                egress: (!egress.is_empty()).then_some(egress),
                ingress: (!ingress.is_empty()).then_some(ingress),
                pod_selector: Some(group_selector(group)),
                policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            }),
        }
    }
}

fn group_selector(group: &str) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
    selector(Labels::from([(NAME_LABEL.to_owned(), group.to_owned())]))
}

fn peer_of(peer: &Peer) -> NetworkPolicyPeer {
    match peer {
        Peer::Pods(group) => NetworkPolicyPeer {
            pod_selector: Some(group_selector(group)),
            ..NetworkPolicyPeer::default()
        },
        Peer::Edge(namespace, labels) => NetworkPolicyPeer {
            namespace_selector: namespace
                .as_ref()
                .map(|n| selector(Labels::from([(NAMESPACE_NAME_LABEL.to_owned(), n.clone())]))),
            pod_selector: Some(selector(labels.clone())),
            ..NetworkPolicyPeer::default()
        },
        Peer::Addon(name, namespace) => NetworkPolicyPeer {
            namespace_selector: Some(selector(Labels::from([(
                NAMESPACE_NAME_LABEL.to_owned(),
                (*namespace).to_owned(),
            )]))),
            pod_selector: Some(selector(Labels::from([(
                NAME_LABEL.to_owned(),
                (*name).to_owned(),
            )]))),
            ..NetworkPolicyPeer::default()
        },
        Peer::Outside => NetworkPolicyPeer {
            ip_block: Some(IPBlock {
                cidr: "0.0.0.0/0".to_owned(),
                except: Some(PRIVATE_RANGES.iter().map(|r| (*r).to_owned()).collect()),
            }),
            ..NetworkPolicyPeer::default()
        },
    }
}

/// Policy ports from (number, protocol) pairs.
pub(crate) fn policy_ports(ports: &Ports) -> Vec<NetworkPolicyPort> {
    ports
        .iter()
        .map(|(port, proto)| NetworkPolicyPort {
            port: Some(IntOrString::Int(i32::from(*port))),
            protocol: Some((*proto).to_owned()),
            ..NetworkPolicyPort::default()
        })
        .collect()
}
