//! Nginx: the gateway as Nginx serves it outside Kubernetes.

use nexus_spec::Severity::{Info, Warning};
use nexus_spec::model::{Exposure, Protocol};

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[&NO_GATEWAY, &ISSUER, &OLD_NGINX, &UDP_ROUTE];

pub(super) static NO_GATEWAY: Rule = Rule {
    id: "NX-NGX-001",
    group: Group::Nginx,
    title: "Public workloads but no gateway",
    severity: Warning,
    enabled: true,
    rationale: "Without a `gateway` block nexus renders no Ingress and no Nginx configuration, so a workload marked public is reachable from nowhere.",
    fix: "Add a `gateway` with routes to the public workloads, or mark them internal.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        if p.gateway.is_some() {
            return;
        }
        for w in p
            .workloads
            .iter()
            .filter(|w| w.exposure.value == Exposure::Public)
        {
            out.add(&Subject::workload(w), w.exposure.span, format!("`{}` is marked public, but the platform has no gateway: no Nginx configuration or Ingress is rendered", w.name.value))
                .label("nothing routes here");
        }
    },
};

pub(super) static ISSUER: Rule = Rule {
    id: "NX-NGX-002",
    group: Group::Nginx,
    title: "Nginx cannot use a cert-manager issuer",
    severity: Info,
    enabled: true,
    rationale: "cert-manager issues certificates inside Kubernetes only; the Nginx gateway of a Compose project reads certificate and key files that someone must provide and renew.",
    fix: "Provide the certificate and key at the paths in `gateway.tls` (`certificate`, `certificateKey`) for Compose, and automate their renewal.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        let Some(tls) = &g.tls else { return };
        if let Some(issuer) = &tls.issuer {
            out.add(&Subject::gateway(g), issuer.span, format!("the issuer `{}` does not apply to Nginx outside Kubernetes; it reads {} and {}", issuer.value, tls.certificate, tls.certificate_key))
                .label("Kubernetes only");
        }
    },
};

pub(super) static OLD_NGINX: Rule = Rule {
    id: "NX-NGX-003",
    group: Group::Nginx,
    title: "Nginx version below the policy's minimum",
    severity: Warning,
    enabled: true,
    rationale: "Nginx fixes security issues only in its current stable and mainline branches; an older branch keeps its known vulnerabilities.",
    fix: "Raise `gateway.nginx.version` (and its image) to a supported branch.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        let Some(g) = &p.gateway else { return };
        let v = &g.nginx.version;
        let min = ctx.policy.nginx.min_version;
        if v.value < min {
            let mut t = Subject::gateway(g);
            t.container = Some("nginx".into());
            out.add(
                &t,
                v.span,
                format!(
                    "the gateway is rendered for Nginx {}; the policy requires at least {min}",
                    v.value
                ),
            )
            .label("unsupported branch");
        }
    },
};

pub(super) static UDP_ROUTE: Rule = Rule {
    id: "NX-NGX-004",
    group: Group::Nginx,
    title: "Route to a UDP port",
    severity: Warning,
    enabled: true,
    rationale: "The gateway proxies HTTP, which runs over TCP; a route to a UDP port cannot carry a single request.",
    fix: "Route to a TCP port of the workload.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        for r in &g.routes {
            let Some(w) = p.workload(&r.workload.value) else {
                continue;
            };
            if w.port(&r.port_name)
                .is_some_and(|port| port.protocol == Protocol::Udp)
            {
                out.add(
                    &Subject::workload(w),
                    r.span,
                    format!(
                        "the route `{}` targets the UDP port `{}` of `{}`",
                        r.path.value, r.port_name, w.name.value
                    ),
                )
                .label("UDP port");
            }
        }
    },
};
