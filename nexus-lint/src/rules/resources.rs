//! Resources: requests and limits of each container (namespace totals are in `quota.rs`).

use nexus_spec::Severity::{Error, Warning};
use nexus_spec::ir::{Platform, Resources, WorkloadKind};
use nexus_spec::values::Quantity;
use nexus_spec::{Span, Spanned};

use crate::finding::{Findings, Subject};
use crate::policy::Bounds;
use crate::rule::{Compliance, Group, Rule};

use super::resources;

pub(super) static RULES: &[&Rule] = &[
    &CPU_REQUEST_MISSING,
    &MEMORY_REQUEST_MISSING,
    &CPU_LIMIT_MISSING,
    &MEMORY_LIMIT_MISSING,
    &LIMIT_BELOW_REQUEST,
    &RATIO,
    &REQUEST_BOUNDS,
    &STATEFUL_MEMORY,
];

#[derive(Clone, Copy)]
enum Kind {
    Cpu,
    Memory,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Cpu => "CPU",
            Kind::Memory => "memory",
        }
    }
    fn request(self, r: &Resources) -> Option<&Spanned<Quantity>> {
        match self {
            Kind::Cpu => r.cpu_request.as_ref(),
            Kind::Memory => r.memory_request.as_ref(),
        }
    }
    fn limit(self, r: &Resources) -> Option<&Spanned<Quantity>> {
        match self {
            Kind::Cpu => r.cpu_limit.as_ref(),
            Kind::Memory => r.memory_limit.as_ref(),
        }
    }
}

fn who(t: &Subject) -> String {
    match &t.container {
        Some(c) => format!("`{}` ({c})", t.object),
        None => format!("`{}`", t.object),
    }
}

fn missing(p: &Platform, out: &mut Findings, kind: Kind, limit: bool) {
    for (t, r) in resources(p) {
        let present = if limit {
            kind.limit(r)
        } else {
            kind.request(r)
        };
        if present.is_none() {
            let what = if limit { "limit" } else { "request" };
            out.add(
                &t,
                Span::DETACHED,
                format!("{} has no {} {what}", who(&t), kind.name()),
            )
            .label(format!("no {} {what}", kind.name()));
        }
    }
}

pub(super) static CPU_REQUEST_MISSING: Rule = Rule {
    id: "NX-RES-001",
    group: Group::Resources,
    title: "No CPU request",
    severity: Warning,
    enabled: true,
    rationale: "Without a CPU request the scheduler places the pod as if it needed nothing, and under contention it is the first to starve.",
    fix: "Set `resources.requests.cpu` to what the workload uses at ordinary load.",
    compliance: Compliance::NONE,
    check: |_, p, out| missing(p, out, Kind::Cpu, false),
};

pub(super) static MEMORY_REQUEST_MISSING: Rule = Rule {
    id: "NX-RES-002",
    group: Group::Resources,
    title: "No memory request",
    severity: Warning,
    enabled: true,
    rationale: "Without a memory request the scheduler can pack the pod onto a node that cannot hold it, and it is among the first evicted under memory pressure.",
    fix: "Set `resources.requests.memory` to the workload's working set.",
    compliance: Compliance::NONE,
    check: |_, p, out| missing(p, out, Kind::Memory, false),
};

pub(super) static CPU_LIMIT_MISSING: Rule = Rule {
    id: "NX-RES-003",
    group: Group::Resources,
    title: "No CPU limit",
    severity: Warning,
    enabled: true,
    rationale: "A workload without a CPU limit can take every idle core of its node, so a busy loop in one service slows every neighbour. Teams that deliberately run without CPU limits turn the rule off in the policy.",
    fix: "Set `resources.limits.cpu`, or turn NX-RES-003 off in the policy if you rely on requests alone.",
    compliance: Compliance {
        cis: &[],
        nsa: &["C-0270 Ensure CPU limits are set"],
        pss: None,
        soc2: &[],
    },
    check: |_, p, out| missing(p, out, Kind::Cpu, true),
};

pub(super) static MEMORY_LIMIT_MISSING: Rule = Rule {
    id: "NX-RES-004",
    group: Group::Resources,
    title: "No memory limit",
    severity: Warning,
    enabled: true,
    rationale: "A workload without a memory limit can exhaust its node's memory; the kernel then kills processes of other workloads too.",
    fix: "Set `resources.limits.memory`.",
    compliance: Compliance {
        cis: &[],
        nsa: &["C-0271 Ensure memory limits are set"],
        pss: None,
        soc2: &[],
    },
    check: |_, p, out| missing(p, out, Kind::Memory, true),
};

pub(super) static LIMIT_BELOW_REQUEST: Rule = Rule {
    id: "NX-RES-005",
    group: Group::Resources,
    title: "Limit below request",
    severity: Error,
    enabled: true,
    rationale: "Kubernetes rejects a container whose limit is below its request; Compose would start it with a reservation it can never use.",
    fix: "Raise the limit to at least the request, or lower the request.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for (t, r) in resources(p) {
            for kind in [Kind::Cpu, Kind::Memory] {
                if let (Some(req), Some(lim)) = (kind.request(r), kind.limit(r))
                    && lim.value < req.value
                {
                    out.add(
                        &t,
                        lim.span,
                        format!(
                            "{} has a {} limit of {} below its request of {}",
                            who(&t),
                            kind.name(),
                            lim.value,
                            req.value
                        ),
                    )
                    .label("below the request")
                    .related(req.span, "the request");
                }
            }
        }
    },
};

pub(super) static RATIO: Rule = Rule {
    id: "NX-RES-006",
    group: Group::Resources,
    title: "Limit far above request",
    severity: Warning,
    enabled: true,
    rationale: "A limit many times the request overcommits the node: the scheduler counts the request, but the workload may use the limit, and when several do at once the node runs out.",
    fix: "Bring the limit within the policy's ratio of the request (`resources.maxLimitRequestRatio`), usually by raising the request.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        let policy = &ctx.policy.resources;
        for (t, r) in resources(p) {
            for (kind, bound) in [
                (Kind::Cpu, policy.max_cpu_ratio),
                (Kind::Memory, policy.max_memory_ratio),
            ] {
                let (Some(bound), Some(req), Some(lim)) = (bound, kind.request(r), kind.limit(r))
                else {
                    continue;
                };
                if req.value.milli() == 0 {
                    continue;
                }
                let ratio = lim.value.milli() as f64 / req.value.milli() as f64;
                if ratio > bound + 1e-9 {
                    out.add(&t, lim.span, format!("{} has a {} limit {ratio:.1} times its request; the policy allows {bound}", who(&t), kind.name()))
                        .label(format!("{ratio:.1}× the request"))
                        .related(req.span, "the request");
                }
            }
        }
    },
};

fn outside(q: &Quantity, b: &Bounds) -> Option<String> {
    if let Some(min) = &b.min
        && q < min
    {
        return Some(format!("below the policy's minimum of {min}"));
    }
    if let Some(max) = &b.max
        && q > max
    {
        return Some(format!("above the policy's maximum of {max}"));
    }
    None
}

pub(super) static REQUEST_BOUNDS: Rule = Rule {
    id: "NX-RES-007",
    group: Group::Resources,
    title: "Request outside policy bounds",
    severity: Warning,
    enabled: true,
    rationale: "Requests far below what any process needs are typos or placeholders; requests above a node's size can never be scheduled. The policy's bounds catch both before a deploy does.",
    fix: "Bring the request within `resources.requests` of the policy, or change the policy's bounds.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        let policy = &ctx.policy.resources;
        for (t, r) in resources(p) {
            for (kind, bounds) in [
                (Kind::Cpu, &policy.cpu_request),
                (Kind::Memory, &policy.memory_request),
            ] {
                if let Some(req) = kind.request(r)
                    && let Some(why) = outside(&req.value, bounds)
                {
                    out.add(
                        &t,
                        req.span,
                        format!("{} requests {} {}, {why}", who(&t), req.value, kind.name()),
                    )
                    .label(why);
                }
            }
        }
    },
};

pub(super) static STATEFUL_MEMORY: Rule = Rule {
    id: "NX-RES-009",
    group: Group::Resources,
    title: "Stateful engine's memory limit differs from its request",
    severity: Warning,
    enabled: true,
    rationale: "A database whose memory limit exceeds its request is promised memory the node may not have; under pressure the kernel kills it mid-write. With limit equal to request its memory is guaranteed, and the engine's own caches can be sized to it.",
    fix: "Set the engine's memory request equal to its memory limit.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for w in p
            .workloads
            .iter()
            .filter(|w| matches!(w.kind, WorkloadKind::Backing(_)))
        {
            let r = &w.resources;
            if let (Some(req), Some(lim)) = (&r.memory_request, &r.memory_limit)
                && lim.value != req.value
            {
                out.add(
                    &Subject::workload(w),
                    lim.span,
                    format!(
                        "`{}` ({}) may use {} of memory but is guaranteed only {}",
                        w.name.value,
                        w.kind.as_str(),
                        lim.value,
                        req.value
                    ),
                )
                .label("differs from the request")
                .related(req.span, "the request");
            }
        }
    },
};
