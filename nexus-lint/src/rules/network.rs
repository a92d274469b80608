//! Network and TLS: what is exposed, how it is encrypted, and which tiers may talk.

use nexus_spec::Severity::{Error, Info, Warning};
use nexus_spec::model::{EdgeKind, Exposure, TlsVersion};

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[
    &NO_TLS,
    &OLD_TLS,
    &HSTS,
    &ROUTE_NOT_PUBLIC,
    &TIER_EDGE,
    &SSH_PORT,
    &PRIVILEGED_PORT,
    &PUBLIC_UNROUTED,
    &EDGE_TLS_FLOOR,
];

const IN_TRANSIT: Compliance = Compliance {
    cis: &[],
    nsa: &[],
    pss: None,
    soc2: &["CC6.1", "CC6.6", "CC6.7"],
};

pub(super) static NO_TLS: Rule = Rule {
    id: "NX-NET-001",
    group: Group::Network,
    title: "Public routes served without TLS",
    severity: Error,
    enabled: true,
    rationale: "Without TLS, passwords, session cookies and data cross the internet in clear text, and anyone on the path can read or change them.",
    fix: "Add `gateway.tls` (with a cert-manager `issuer` for Kubernetes, certificate files for Nginx).",
    compliance: IN_TRANSIT,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        if g.tls.is_none() && !g.routes.is_empty() {
            out.add(
                &Subject::gateway(g),
                g.span,
                format!(
                    "the gateway serves {} route(s) over plain HTTP",
                    g.routes.len()
                ),
            )
            .label("no tls block");
        }
    },
};

pub(super) static OLD_TLS: Rule = Rule {
    id: "NX-NET-002",
    group: Group::Network,
    title: "TLS version below the policy's minimum",
    severity: Error,
    enabled: true,
    rationale: "TLS 1.0 and 1.1 have known weaknesses (BEAST, weak hashes) and are disabled by every current browser; accepting them only helps downgrade attacks.",
    fix: "Set `gateway.tls.minVersion` to `TLSv1.2` or `TLSv1.3`.",
    compliance: IN_TRANSIT,
    check: |ctx, p, out| {
        let Some(g) = &p.gateway else { return };
        let Some(tls) = &g.tls else { return };
        let min = ctx.policy.tls.min_version;
        if tls.min_version.value < min {
            out.add(
                &Subject::gateway(g),
                tls.min_version.span,
                format!(
                    "the gateway accepts {}; the policy requires at least {min}",
                    tls.min_version.value
                ),
            )
            .label(format!("below {min}"));
        }
    },
};

pub(super) static HSTS: Rule = Rule {
    id: "NX-NET-003",
    group: Group::Network,
    title: "HSTS missing or short",
    severity: Warning,
    enabled: true,
    rationale: "Without Strict-Transport-Security (or with a short max-age) a browser's first request, or any after the header expires, can be downgraded to plain HTTP by an attacker on the network.",
    fix: "Keep `gateway.hsts` on with `maxAge` of at least the policy's minimum (two years is usual: 63072000).",
    compliance: IN_TRANSIT,
    check: |ctx, p, out| {
        let Some(g) = &p.gateway else { return };
        let Some(tls) = &g.tls else { return };
        let min = ctx.policy.tls.hsts_min_age;
        match &g.hsts {
            None => {
                out.add(
                    &Subject::gateway(g),
                    tls.span,
                    "the gateway serves TLS without Strict-Transport-Security",
                )
                .label("HSTS is off");
            }
            Some(h) if h.max_age.value < min => {
                out.add(
                    &Subject::gateway(g),
                    h.max_age.span,
                    format!(
                        "HSTS max-age is {} seconds; the policy requires at least {min}",
                        h.max_age.value
                    ),
                )
                .label("too short");
            }
            Some(_) => {}
        }
    },
};

pub(super) static ROUTE_NOT_PUBLIC: Rule = Rule {
    id: "NX-NET-004",
    group: Group::Network,
    title: "Route to a workload not marked public",
    severity: Error,
    enabled: true,
    rationale: "Exposure is a decision the workload's owner makes in one place (`exposure: public`); a route elsewhere that publishes an internal workload bypasses that decision and the review that goes with it.",
    fix: "Mark the workload `exposure: public` if it is meant to be reachable from outside, or remove the route.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        for r in &g.routes {
            let Some(w) = p.workload(&r.workload.value) else {
                continue;
            };
            if w.exposure.value != Exposure::Public {
                out.add(
                    &Subject::workload(w),
                    r.workload.span,
                    format!(
                        "the route `{}` publishes `{}`, which is not marked public",
                        r.path.value, w.name.value
                    ),
                )
                .label("internal workload")
                .related(w.exposure.span, "exposure");
            }
        }
    },
};

pub(super) static TIER_EDGE: Rule = Rule {
    id: "NX-NET-005",
    group: Group::Network,
    title: "Dependency crosses tiers the policy keeps apart",
    severity: Error,
    enabled: true,
    rationale: "Network policies allow exactly the declared dependencies; an edge such as frontend → data lets a compromised front end reach the databases directly, skipping the back end's authorization.",
    fix: "Route the access through a workload of an allowed tier (usually the back end), or change the policy's `network.forbiddenTierEdges`.",
    compliance: Compliance {
        cis: &[],
        nsa: &["C-0054 Cluster internal networking"],
        pss: None,
        soc2: &["CC6.1", "CC6.6"],
    },
    check: |ctx, p, out| {
        let forbidden = &ctx.policy.network.forbidden_tier_edges;
        for w in &p.workloads {
            for d in w.connections() {
                let Some(target) = p.workload(&d.value) else {
                    continue;
                };
                if forbidden
                    .iter()
                    .any(|e| e.from == w.tier && e.to == target.tier)
                {
                    out.add(
                        &Subject::workload(w),
                        d.span,
                        format!(
                            "`{}` ({}) connects to `{}` ({}); the policy forbids {} → {}",
                            w.name.value,
                            w.tier,
                            target.name.value,
                            target.tier,
                            w.tier,
                            target.tier
                        ),
                    )
                    .label(format!("{} → {}", w.tier, target.tier));
                }
            }
        }
    },
};

pub(super) static SSH_PORT: Rule = Rule {
    id: "NX-NET-006",
    group: Group::Network,
    title: "SSH port exposed",
    severity: Warning,
    enabled: true,
    rationale: "An SSH server in a container is a second way in that bypasses the platform's deployment, logging and access control.",
    fix: "Remove the SSH server and port 22; use `kubectl exec` or `docker compose exec` for debugging.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            for port in w.ports.iter().filter(|port| port.port.value == 22) {
                out.add(
                    &Subject::workload(w),
                    port.port.span,
                    format!("`{}` listens on port 22 (SSH)", w.name.value),
                )
                .label("SSH");
            }
        }
    },
};

pub(super) static PRIVILEGED_PORT: Rule = Rule {
    id: "NX-NET-007",
    group: Group::Network,
    title: "Port below 1024",
    severity: Info,
    enabled: true,
    rationale: "Ports below 1024 need NET_BIND_SERVICE (or a runtime that lowers the unprivileged port start); a non-root process may fail to bind them. Listen on a high port and let the service map it.",
    fix: "Listen on a port of 1024 or above.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in &p.workloads {
            for port in w
                .ports
                .iter()
                .filter(|port| port.port.value < 1024 && port.port.value != 22)
            {
                out.add(
                    &Subject::workload(w),
                    port.port.span,
                    format!(
                        "`{}` listens on the privileged port {}",
                        w.name.value, port.port.value
                    ),
                )
                .label("below 1024");
            }
        }
    },
};

pub(super) static PUBLIC_UNROUTED: Rule = Rule {
    id: "NX-NET-008",
    group: Group::Network,
    title: "Public workload without a route",
    severity: Info,
    enabled: true,
    rationale: "`exposure: public` with no route reaching the workload is either a forgotten route or an exposure that should be withdrawn.",
    fix: "Add a gateway route to the workload, or remove `exposure: public`.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        for w in p
            .workloads
            .iter()
            .filter(|w| w.exposure.value == Exposure::Public)
        {
            if !g.routes.iter().any(|r| r.workload.value == w.name.value) {
                out.add(
                    &Subject::workload(w),
                    w.exposure.span,
                    format!(
                        "`{}` is marked public but no route reaches it",
                        w.name.value
                    ),
                )
                .label("no route");
            }
        }
    },
};

/// The oldest TLS version the NGINX Ingress Controller accepts by default: without its
/// ConfigMap key `ssl-protocols` it renders no `ssl_protocols` (nginx/kubernetes-ingress
/// v5.5.4, `internal/configs/version1/nginx.tmpl`), so Nginx's own default applies:
/// `TLSv1.2 TLSv1.3` since Nginx 1.23.4.
const INGRESS_DEFAULT_FLOOR: TlsVersion = TlsVersion::V1_2;

pub(super) static EDGE_TLS_FLOOR: Rule = Rule {
    id: "NX-NET-021",
    group: Group::Network,
    title: "TLS floor the Kubernetes Ingress edge cannot enforce per host",
    severity: Warning,
    enabled: true,
    rationale: "On the `ingress` edge nexus renders Ingress objects for the NGINX Ingress Controller, and an Ingress cannot set TLS versions: the controller has no annotation for them, and its `ssl-protocols` is a key of its ConfigMap that applies to every host it serves. Its default is `TLSv1.2 TLSv1.3`, so a floor above TLSv1.2 is not enforced by what nexus renders: with an unchanged controller, TLS 1.2 handshakes to these hosts succeed. nexus neither renders nor sees the controller's configuration, so it cannot tell whether a cluster already enforces the floor; the finding stays until it is waived. A floor below TLSv1.2 is not reported here (the default controller refuses those versions, which is stricter than declared; NX-NET-002 reports such floors). The Nginx target and the Gateway API edge (NGINX Gateway Fabric's `nginx.org/ssl-protocols` listener option) enforce the declared floor themselves.",
    fix: "Use the default Gateway API edge (`gateway.kubernetes.edge: gatewayApi`), or set `ssl-protocols: \"TLSv1.3\"` in the ConfigMap of the Ingress controller of `gateway.ingressClass` (it applies to every host of that controller) and waive this finding with that as the reason, or declare `TLSv1.2` for environments deployed to Kubernetes.",
    compliance: IN_TRANSIT,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        let Some(tls) = &g.tls else { return };
        if g.kubernetes.edge != EdgeKind::Ingress {
            return;
        }
        let floor = tls.min_version.value;
        if floor > INGRESS_DEFAULT_FLOOR {
            let hosts: Vec<&str> = g.hosts.iter().map(|h| h.value.as_str()).collect();
            out.add(
                &Subject::gateway(g),
                tls.min_version.span,
                format!(
                    "the gateway declares {floor} as its floor, but its Ingress objects cannot set TLS versions; an Ingress controller with the default `ssl-protocols` (TLSv1.2 TLSv1.3) accepts {INGRESS_DEFAULT_FLOOR} for {}",
                    hosts.join(", ")
                ),
            )
            .label("not enforced by the Ingress");
        }
    },
};
