//! Placement: what an environment's namespace must hold at full scale, the figures of a
//! container that declares none, and the scheduling priority of each tier. The Kubernetes
//! target renders them as a `ResourceQuota`, a `LimitRange` and `PriorityClass`es; lint
//! compares a declared quota with the same [`demand`].
//!
//! # The demand
//!
//! Every pod nexus renders is counted at its most:
//!
//! * a workload's servers at their maximum replicas (the autoscaler's maximum when it
//!   autoscales), plus the surge of a rolling update (`maxSurge` of that maximum, rounded up
//!   as Kubernetes rounds it); a blue-green workload twice, each slot with its own
//!   [`SLOT_MAX_SURGE`]; a StatefulSet replaces its pods one at a time and has no surge;
//! * one migration pod per service with a migration (a finished Job's pod no longer counts);
//! * one backup pod per declared backup schedule (the CronJobs forbid overlapping runs),
//!   and one restore pod with a fresh volume claim of the engine's size per backed-up
//!   stateful workload (a restore is applied on demand, and must fit when it is); an
//!   engine that takes its own snapshots (Elasticsearch) has a setup pod and a restore
//!   pod instead, and no restore volume (it restores into the running engine);
//! * the WAL shipper beside each server of an engine with continuous archiving;
//! * one volume claim per replica of a stateful workload with storage, at its size;
//! * on the Gateway API edge, the gateway's proxy pods the controller runs in the
//!   namespace ([`edge_share`]).
//!
//! A pod counts what the scheduler reserves for it: the larger of its containers' sum and
//! its largest init container. A container that declares no request or limit gets the
//! namespace's defaults ([`CONTAINER_DEFAULTS`], the `LimitRange`); one that declares only a
//! limit requests the limit, as Kubernetes defaults it. The containers nexus adds (image
//! seeds, waits, backup steps) have the same figures as the defaults.
//!
//! ```
//! use nexus_spec::placement::{Figures, surge};
//! assert_eq!(surge("25%", 3), 1); // rounded up
//! assert_eq!(surge("2", 3), 2);
//! assert_eq!(Figures { cpu: 500, memory: 0 }.times(3).cpu, 1500);
//! ```

use crate::ir::{Platform, Resources, Rollout, Workload};
use crate::model::Tier;
use crate::span::Spanned;
use crate::values::Quantity;

/// Requests and limits as Kubernetes quantities (`100m`, `256Mi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerFigures {
    /// CPU request.
    pub request_cpu: &'static str,
    /// Memory request.
    pub request_memory: &'static str,
    /// CPU limit.
    pub limit_cpu: &'static str,
    /// Memory limit.
    pub limit_memory: &'static str,
}

/// The figures of a container that declares none (the namespace's `LimitRange` defaults),
/// and of every container nexus adds to a pod.
pub const CONTAINER_DEFAULTS: ContainerFigures = ContainerFigures {
    request_cpu: "100m",
    request_memory: "256Mi",
    limit_cpu: "1",
    limit_memory: "1Gi",
};

/// The rolling-update surge of each blue-green slot's Deployment.
pub const SLOT_MAX_SURGE: &str = "25%";

/// CPU (in millicores) and memory (in thousandths of a byte, as [`Quantity::milli`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Millicores.
    pub cpu: u128,
    /// Thousandths of a byte.
    pub memory: u128,
}

impl Figures {
    /// Each figure the larger of the two.
    pub fn max(self, other: Figures) -> Figures {
        Figures {
            cpu: self.cpu.max(other.cpu),
            memory: self.memory.max(other.memory),
        }
    }

    /// The sum.
    pub fn plus(self, other: Figures) -> Figures {
        Figures {
            cpu: self.cpu.saturating_add(other.cpu),
            memory: self.memory.saturating_add(other.memory),
        }
    }

    /// `n` of these.
    pub fn times(self, n: u64) -> Figures {
        Figures {
            cpu: self.cpu.saturating_mul(u128::from(n)),
            memory: self.memory.saturating_mul(u128::from(n)),
        }
    }
}

/// What one pod (or container) requests and may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodFigures {
    /// Requests.
    pub requests: Figures,
    /// Limits.
    pub limits: Figures,
}

impl PodFigures {
    /// Each figure the larger of the two (a pod with an init container).
    pub fn max(self, other: PodFigures) -> PodFigures {
        PodFigures {
            requests: self.requests.max(other.requests),
            limits: self.limits.max(other.limits),
        }
    }
}

/// What a namespace holds at full scale.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demand {
    /// Requests of every pod.
    pub requests: Figures,
    /// Limits of every pod.
    pub limits: Figures,
    /// Pods at once.
    pub pods: u64,
    /// Persistent volume claims.
    pub claims: u64,
    /// Storage of the claims, in thousandths of a byte.
    pub storage: u128,
}

impl Demand {
    fn add_pods(&mut self, pod: PodFigures, n: u64) {
        self.requests = self.requests.plus(pod.requests.times(n));
        self.limits = self.limits.plus(pod.limits.times(n));
        self.pods = self.pods.saturating_add(n);
    }

    /// The sum of two demands.
    pub fn plus(self, other: Demand) -> Demand {
        Demand {
            requests: self.requests.plus(other.requests),
            limits: self.limits.plus(other.limits),
            pods: self.pods.saturating_add(other.pods),
            claims: self.claims.saturating_add(other.claims),
            storage: self.storage.saturating_add(other.storage),
        }
    }
}

fn milli(text: &str) -> u128 {
    Quantity::parse(text).map_or(0, |q| q.milli())
}

/// [`CONTAINER_DEFAULTS`] as figures.
pub fn default_container() -> PodFigures {
    let d = CONTAINER_DEFAULTS;
    PodFigures {
        requests: Figures {
            cpu: milli(d.request_cpu),
            memory: milli(d.request_memory),
        },
        limits: Figures {
            cpu: milli(d.limit_cpu),
            memory: milli(d.limit_memory),
        },
    }
}

/// What a container with these declared figures gets once Kubernetes and the namespace's
/// `LimitRange` have filled in the rest.
pub fn container(r: &Resources) -> PodFigures {
    let d = default_container();
    let m = |q: &Option<Spanned<Quantity>>| q.as_ref().map(|q| q.value.milli());
    let pick = |request: Option<u128>, limit: Option<u128>, dr: u128, dl: u128| {
        (request.or(limit).unwrap_or(dr), limit.unwrap_or(dl))
    };
    let (rc, lc) = pick(
        m(&r.cpu_request),
        m(&r.cpu_limit),
        d.requests.cpu,
        d.limits.cpu,
    );
    let (rm, lm) = pick(
        m(&r.memory_request),
        m(&r.memory_limit),
        d.requests.memory,
        d.limits.memory,
    );
    PodFigures {
        requests: Figures {
            cpu: rc,
            memory: rm,
        },
        limits: Figures {
            cpu: lc,
            memory: lm,
        },
    }
}

/// The most replicas a workload runs (the autoscaler's maximum when it autoscales).
pub fn max_replicas(w: &Workload) -> u32 {
    w.autoscaling.as_ref().map_or(w.replicas.value, |a| {
        a.max_replicas.value.max(w.replicas.value)
    })
}

/// The extra pods a rolling update of `replicas` may start: a count, or a percentage
/// rounded up (as the Deployment controller rounds `maxSurge`).
pub fn surge(max_surge: &str, replicas: u64) -> u64 {
    match max_surge.strip_suffix('%') {
        Some(p) => p
            .parse::<u64>()
            .map_or(0, |p| (replicas.saturating_mul(p)).div_ceil(100)),
        None => max_surge.parse().unwrap_or(0),
    }
}

/// How many server pods `w` may run at once, surge included.
pub fn server_pods(w: &Workload) -> u64 {
    let most = u64::from(max_replicas(w));
    if w.kind.is_stateful() {
        return most;
    }
    match &w.rollout {
        Rollout::Rolling { max_surge, .. } => most + surge(max_surge, most),
        Rollout::BlueGreen { .. } => 2 * (most + surge(SLOT_MAX_SURGE, most)),
    }
}

/// What one workload adds to its namespace: its servers, its migration, its backups and
/// its volumes.
pub fn share(w: &Workload) -> Demand {
    let helper = default_container();
    let main = container(&w.resources);
    let server = if w.security.seeded_paths.is_empty() {
        main
    } else {
        main.max(helper)
    };
    // An engine with continuous archiving runs its WAL shipper beside each server.
    let archives = w.backup.as_ref().is_some_and(|b| {
        b.continuous.value
            && w.storage.is_some()
            && match w.kind {
                crate::ir::WorkloadKind::Backing(e) => crate::catalog::engine(e)
                    .backup
                    .method()
                    .is_some_and(|m| m.archive.is_some()),
                _ => false,
            }
    });
    let server = if archives {
        PodFigures {
            requests: server.requests.plus(helper.requests),
            limits: server.limits.plus(helper.limits),
        }
    } else {
        server
    };
    let mut d = Demand::default();
    d.add_pods(server, server_pods(w));
    if let Some(m) = &w.migration {
        let job = if m.waits.is_empty() {
            main
        } else {
            main.max(helper)
        };
        d.add_pods(job, 1);
    }
    // An engine that takes its own snapshots runs a setup Job and restores into the
    // running engine: two helper pods, no restore volume.
    let snapshots = matches!(w.kind, crate::ir::WorkloadKind::Backing(e)
        if crate::catalog::engine(e).backup.snapshots());
    if let Some(b) = &w.backup {
        // Each schedule's pod, and the restore's (snapshots: the setup's and the restore's).
        let pods = if snapshots {
            2
        } else {
            2 + u64::from(b.incremental.is_some())
        };
        d.add_pods(helper, pods);
    }
    if let Some(s) = w.storage.as_ref().filter(|_| w.kind.is_stateful()) {
        let n = u64::from(max_replicas(w)) + u64::from(w.backup.is_some() && !snapshots);
        d.claims = n;
        d.storage = s.size.value.milli().saturating_mul(u128::from(n));
    }
    d
}

/// The pods the Gateway API controller provisions in the namespace for the gateway (NGINX
/// Gateway Fabric's data plane: one replica plus its rolling-update surge).
pub const EDGE_PROXY_PODS: u64 = 2;

/// What the Kubernetes edge adds to the namespace: on the Gateway API edge the controller
/// runs the gateway's proxy pods there, and since nexus declares no resources for them they
/// take the namespace's container defaults. The Ingress edge's proxies run in the
/// controller's own namespace.
pub fn edge_share(p: &Platform) -> Demand {
    let mut d = Demand::default();
    if p.gateway
        .as_ref()
        .is_some_and(|g| g.kubernetes.edge == crate::model::EdgeKind::GatewayApi)
    {
        d.add_pods(default_container(), EDGE_PROXY_PODS);
    }
    d
}

/// What MinIO's setup Jobs add: one helper pod per declared in-cluster backup destination.
pub fn setup_share(p: &Platform) -> Demand {
    let mut d = Demand::default();
    let n = p.backup_destinations.iter().filter(|d| d.managed()).count();
    d.add_pods(default_container(), u64::try_from(n).unwrap_or(u64::MAX));
    d
}

/// What the whole environment needs at full scale.
pub fn demand(p: &Platform) -> Demand {
    p.workloads
        .iter()
        .map(share)
        .fold(edge_share(p).plus(setup_share(p)), Demand::plus)
}

/// The scheduling priority of a group of pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    /// The group: a tier's name, or [`JOBS`].
    pub group: &'static str,
    /// The `PriorityClass` value (higher is scheduled first and may preempt lower).
    pub value: i32,
    /// Whether its pods may evict lower-priority pods to get a place.
    pub preempts: bool,
    /// What the class is for.
    pub description: &'static str,
}

/// The group of migration and backup pods.
pub const JOBS: &str = "jobs";

/// Priorities, highest first: data stores before the back end that needs them, the back end
/// before the front end that calls it, monitoring after them, and one-off jobs last and
/// without preemption (a backup or migration waits for room rather than evict a server).
pub static PRIORITIES: &[Priority] = &[
    Priority {
        group: "data",
        value: 1_000_000,
        preempts: true,
        description: "Databases, caches, queues and object storage: everything else needs them.",
    },
    Priority {
        group: "backend",
        value: 900_000,
        preempts: true,
        description: "Application back ends and APIs.",
    },
    Priority {
        group: "frontend",
        value: 800_000,
        preempts: true,
        description: "User-facing front ends.",
    },
    Priority {
        group: "monitoring",
        value: 500_000,
        preempts: true,
        description: "Metrics, dashboards and tracing.",
    },
    Priority {
        group: JOBS,
        value: 300_000,
        preempts: false,
        description: "Migrations and backups: they wait for room and never evict a server.",
    },
];

/// The priority of a tier's servers.
pub fn tier_priority(tier: Tier) -> &'static Priority {
    priority(tier.as_str())
}

/// The priority of a group ([`JOBS`] for one of no tier).
pub fn priority(group: &str) -> &'static Priority {
    PRIORITIES
        .iter()
        .find(|p| p.group == group)
        .unwrap_or(&PRIORITIES[PRIORITIES.len() - 1])
}

/// The name of a group's `PriorityClass` (cluster-wide, so it carries the namespace).
pub fn priority_class(namespace: &str, group: &str) -> String {
    format!("{namespace}-{group}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        let d = default_container();
        assert_eq!(d.requests.cpu, 100);
        assert_eq!(d.limits.cpu, 1000);
        assert_eq!(d.requests.memory, 256 * 1024 * 1024 * 1000);
        assert_eq!(d.limits.memory, 1024 * 1024 * 1024 * 1000);
    }

    #[test]
    fn surge_rounds_up_like_the_deployment_controller() {
        assert_eq!(surge("25%", 1), 1);
        assert_eq!(surge("25%", 4), 1);
        assert_eq!(surge("25%", 5), 2);
        assert_eq!(surge("0", 5), 0);
        assert_eq!(surge("100%", 3), 3);
    }

    #[test]
    fn a_limit_alone_is_also_the_request() {
        let r = Resources {
            cpu_limit: Some(Spanned::detached(Quantity::parse("2").unwrap())),
            ..Resources::default()
        };
        let c = container(&r);
        assert_eq!(c.requests.cpu, 2000);
        assert_eq!(c.limits.cpu, 2000);
        assert_eq!(c.requests.memory, default_container().requests.memory);
    }

    #[test]
    fn every_tier_has_a_priority_and_jobs_come_last() {
        for t in [Tier::Frontend, Tier::Backend, Tier::Data, Tier::Monitoring] {
            assert_eq!(tier_priority(t).group, t.as_str());
        }
        let values: Vec<i32> = PRIORITIES.iter().map(|p| p.value).collect();
        assert!(values.windows(2).all(|w| w[0] > w[1]), "{values:?}");
        assert!(!priority(JOBS).preempts);
    }
}
