//! Docker Compose: spec settings Compose cannot express. Nexus renders what Compose can and
//! reports the rest here, so nothing is dropped silently.

use std::collections::BTreeMap;

use nexus_spec::Severity::{Info, Warning};
use nexus_spec::ir::Rollout;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[
    &AUTOSCALING,
    &DISRUPTION_BUDGET,
    &BLUE_GREEN,
    &EXTERNAL_SECRETS,
    &LIVENESS,
    &BIND_ALL,
    &NO_BACKUPS,
];

pub(super) static AUTOSCALING: Rule = Rule {
    id: "NX-CMP-001",
    group: Group::Compose,
    title: "Compose cannot autoscale",
    severity: Info,
    enabled: true,
    rationale: "Compose has no autoscaler: the Compose project runs a fixed number of replicas whatever the load.",
    fix: "Nothing to change for Kubernetes; size `replicas` for the load the Compose environment must carry.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            if let Some(a) = &w.autoscaling {
                out.add(
                    &Subject::workload(w),
                    a.span,
                    format!(
                        "`{}` autoscales in Kubernetes; Compose runs {} fixed replica(s)",
                        w.name.value, w.replicas.value
                    ),
                )
                .label("not expressible in Compose");
            }
        }
    },
};

pub(super) static DISRUPTION_BUDGET: Rule = Rule {
    id: "NX-CMP-002",
    group: Group::Compose,
    title: "Compose cannot enforce a disruption budget",
    severity: Info,
    enabled: true,
    rationale: "Compose has no notion of voluntary disruption: `docker compose up` recreates containers without regard to how many stay available.",
    fix: "Nothing to change for Kubernetes; expect downtime when updating the Compose project.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            if let Some(b) = &w.disruption_budget {
                let span = match b {
                    nexus_spec::ir::DisruptionBudget::MinAvailable(m)
                    | nexus_spec::ir::DisruptionBudget::MaxUnavailable(m) => m.span,
                };
                out.add(
                    &Subject::workload(w),
                    span,
                    format!(
                        "the disruption budget of `{}` has no Compose equivalent",
                        w.name.value
                    ),
                )
                .label("not expressible in Compose");
            }
        }
    },
};

pub(super) static BLUE_GREEN: Rule = Rule {
    id: "NX-CMP-003",
    group: Group::Compose,
    title: "Compose cannot switch blue-green traffic",
    severity: Info,
    enabled: true,
    rationale: "Compose has no traffic switch between two copies of a service; a Compose project runs only the active copy, so releases there are not blue-green.",
    fix: "Nothing to change for Kubernetes; test blue-green switches in a Kubernetes environment.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            if let Rollout::BlueGreen { active, .. } = &w.rollout {
                out.add(
                    &Subject::workload(w),
                    active.span,
                    format!(
                        "`{}` rolls out blue-green in Kubernetes; Compose runs only the {} copy",
                        w.name.value,
                        active.value.as_str()
                    ),
                )
                .label("not expressible in Compose");
            }
        }
    },
};

pub(super) static EXTERNAL_SECRETS: Rule = Rule {
    id: "NX-CMP-004",
    group: Group::Compose,
    title: "Compose cannot read an external secret store",
    severity: Info,
    enabled: true,
    rationale: "Compose has no External Secrets operator: secrets kept in an external store reach a Compose project only through the environment of whoever runs `docker compose up`.",
    fix: "Export the secrets' variables (or write the `.env` file) from the store before starting the Compose project.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let mut by_store: BTreeMap<&str, Vec<&nexus_spec::ir::Secret>> = BTreeMap::new();
        for s in &p.secrets {
            if let Some(e) = &s.external {
                by_store.entry(e.store.value.as_str()).or_default().push(s);
            }
        }
        for (store, secrets) in by_store {
            let first = secrets[0];
            let span = first
                .external
                .as_ref()
                .map_or(first.name.span, |e| e.store.span);
            let vars: Vec<&str> = secrets.iter().map(|s| s.env_var.as_str()).collect();
            out.add(&Subject::platform(p), span, format!("{} secret(s) come from the store `{store}`, which Compose cannot read; it takes them from the variables {}", secrets.len(), vars.join(", ")))
                .label("not expressible in Compose");
        }
    },
};

pub(super) static LIVENESS: Rule = Rule {
    id: "NX-CMP-005",
    group: Group::Compose,
    title: "Compose does not restart unhealthy containers",
    severity: Info,
    enabled: true,
    rationale: "Docker marks a container whose health check fails as unhealthy but does not restart it; the liveness check's restart only happens in Kubernetes.",
    fix: "Nothing to change for Kubernetes; in Compose, watch for unhealthy containers (or run an auto-heal helper).",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            if let Some(l) = &w.health.liveness
                && !l.span.is_detached()
            {
                out.add(
                    &Subject::workload(w),
                    l.span,
                    format!(
                        "the liveness check of `{}` does not restart it in Compose",
                        w.name.value
                    ),
                )
                .label("only marks the container unhealthy in Compose");
            }
        }
    },
};

pub(super) static BIND_ALL: Rule = Rule {
    id: "NX-CMP-006",
    group: Group::Compose,
    title: "Compose gateway published on every interface",
    severity: Warning,
    enabled: true,
    rationale: "Docker publishes ports on every interface of the host and inserts its own firewall rules ahead of the host's, so a gateway bound to `0.0.0.0` is reachable from any network the host is on, whatever its firewall says.",
    fix: "Bind the gateway to one address (`gateway.nginx.bindAddress`, default `127.0.0.1`) and put the host's own reverse proxy or load balancer in front.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        let addr = &g.nginx.bind_address;
        if matches!(addr.value.as_str(), "0.0.0.0" | "::" | "[::]" | "") {
            let mut t = Subject::gateway(g);
            t.container = Some("nginx".into());
            out.add(
                &t,
                addr.span,
                format!(
                    "the Compose gateway publishes its ports on every interface (`{}`)",
                    addr.value
                ),
            )
            .label("every interface");
        }
    },
};

pub(super) static NO_BACKUPS: Rule = Rule {
    id: "NX-CMP-007",
    group: Group::Compose,
    title: "Compose runs no backups",
    severity: Info,
    enabled: true,
    rationale: "Compose has no scheduler; nexus renders one per backed-up engine (a `NAME-backup` service running the engine's dump at the declared minutes, and an uploader) when the engine catalog can dump the engine, the `backup` block names a `destination` with credentials, and the engine keeps its data on a volume; for an engine that takes its own snapshots (Elasticsearch), one-shot services that set its repository up, when an in-cluster destination declares its snapshot user. Otherwise the Compose project takes no backups of it, whatever its `backup` block says.",
    fix: "Name a MinIO `destination` with credentials in the `backup` block and give the engine `storage`; for an engine nexus cannot dump, protect it outside the platform or run the Kubernetes target.",
    compliance: Compliance {
        cis: &[],
        nsa: &[],
        pss: None,
        soc2: &["A1.2"],
    },
    check: |_, p, out| {
        for w in &p.workloads {
            let Some(b) = &w.backup else { continue };
            let why = match w.kind {
                // An engine's own snapshots are set up on a declared in-cluster destination
                // that holds a snapshot user for it (as in Kubernetes).
                nexus_spec::ir::WorkloadKind::Backing(engine)
                    if nexus_spec::catalog::engine(engine).backup.snapshots() =>
                {
                    let set_up = b
                        .destinations
                        .iter()
                        .filter_map(|n| p.backup_destination(&n.value))
                        .any(|d| d.managed() && d.snapshot_user(&w.name.value).is_some());
                    (!set_up).then(|| {
                        "no in-cluster backup destination declares a snapshot user for it"
                            .to_owned()
                    })
                }
                nexus_spec::ir::WorkloadKind::Backing(engine) => {
                    match nexus_spec::catalog::engine(engine).backup.gap() {
                        Some(gap) => Some(format!("nexus cannot dump {engine}: {gap}")),
                        None if w.storage.is_none() => Some("it keeps no data volume".to_owned()),
                        None => {
                            let dest = b.destination.as_ref().and_then(|d| p.workload(&d.value));
                            match dest {
                                None => Some("its `backup` names no destination".to_owned()),
                                Some(d) if d.credentials.is_none() => Some(format!(
                                    "the destination `{}` has no credentials",
                                    d.name.value
                                )),
                                Some(_) => None,
                            }
                        }
                    }
                }
                _ => Some("only backing services are backed up".to_owned()),
            };
            if let Some(why) = why {
                out.add(
                    &Subject::workload(w),
                    b.span,
                    format!(
                        "`{}` declares backups the Compose project does not take: {why}",
                        w.name.value
                    ),
                )
                .label("not carried out in Compose");
            }
        }
    },
};
