//! Resources: requests, limits, and what an environment may reserve in total.

use nexus_spec::Severity::{Error, Warning};
use nexus_spec::ir::{Platform, Resources, Rollout, WorkloadKind};
use nexus_spec::values::Quantity;
use nexus_spec::{Span, Spanned};

use crate::ctx::Ctx;
use crate::finding::{Findings, Target};
use crate::policy::Bounds;
use crate::rule::{Compliance, Group, Rule};

use super::{bytes, cores, max_replicas, resources};

pub(super) static RULES: &[&Rule] = &[
    &CPU_REQUEST_MISSING,
    &MEMORY_REQUEST_MISSING,
    &CPU_LIMIT_MISSING,
    &MEMORY_LIMIT_MISSING,
    &LIMIT_BELOW_REQUEST,
    &RATIO,
    &REQUEST_BOUNDS,
    &BUDGET,
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
    fn show(self, milli: u128) -> String {
        match self {
            Kind::Cpu => format!("{} CPU", cores(milli)),
            Kind::Memory => bytes(milli),
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

fn who(t: &Target) -> String {
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

/// Picks one figure of a container's resources.
type Pick = fn(&Resources) -> Option<&Spanned<Quantity>>;

/// What one workload contributes to the namespace's totals, at full scale.
struct Usage<'a> {
    name: &'a str,
    amount: u128,
}

fn budget_line(
    ctx: &Ctx<'_>,
    p: &Platform,
    out: &mut Findings,
    what: &str,
    budget: &Quantity,
    kind: Kind,
    usages: Vec<Usage<'_>>,
) {
    let total: u128 = usages.iter().map(|u| u.amount).sum();
    if total <= budget.milli() {
        return;
    }
    let mut top: Vec<&Usage<'_>> = usages.iter().filter(|u| u.amount > 0).collect();
    top.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.name.cmp(b.name)));
    let largest: Vec<String> = top
        .iter()
        .take(3)
        .map(|u| format!("`{}` {}", u.name, kind.show(u.amount)))
        .collect();
    // The largest contributors are named in the message rather than drawn as labels: miette
    // merges distant labels of one file into one long excerpt.
    out.add(
        &Target::platform(p),
        p.namespace.span,
        format!(
            "at full scale the workloads of `{}` need {what} of {}; the policy's budget for `{}` is {} (largest: {})",
            ctx.environment,
            kind.show(total),
            ctx.environment,
            kind.show(budget.milli()),
            largest.join(", ")
        ),
    )
    .label(format!("{what} over budget"));
}

pub(super) static BUDGET: Rule = Rule {
    id: "NX-RES-008",
    group: Group::Resources,
    title: "Environment over its resource budget",
    severity: Error,
    enabled: true,
    rationale: "The namespace quota is what the cluster grants the environment; a platform that needs more at full scale (every autoscaler at its maximum, both blue-green copies, one volume per stateful replica) fails to scale or deploy exactly when load is highest.",
    fix: "Lower requests, limits, replica maxima or volume sizes, or raise the environment's `budget` in the policy.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        let Some(budget) = ctx.budget() else { return };
        let per_copy = |w: &nexus_spec::ir::Workload| {
            let copies = if matches!(w.rollout, Rollout::BlueGreen { .. }) {
                2
            } else {
                1
            };
            u128::from(max_replicas(w)) * copies
        };
        let figure = |pick: Pick| -> Vec<Usage<'_>> {
            p.workloads
                .iter()
                .map(|w| {
                    let q = pick(&w.resources);
                    Usage {
                        name: &w.name.value,
                        amount: q.map_or(0, |q| q.value.milli()) * per_copy(w),
                    }
                })
                .collect()
        };
        let lines: [(&str, &Option<Quantity>, Kind, Pick); 4] = [
            ("requests.cpu", &budget.requests_cpu, Kind::Cpu, |r| {
                r.cpu_request.as_ref()
            }),
            (
                "requests.memory",
                &budget.requests_memory,
                Kind::Memory,
                |r| r.memory_request.as_ref(),
            ),
            ("limits.cpu", &budget.limits_cpu, Kind::Cpu, |r| {
                r.cpu_limit.as_ref()
            }),
            ("limits.memory", &budget.limits_memory, Kind::Memory, |r| {
                r.memory_limit.as_ref()
            }),
        ];
        for (what, limit, kind, pick) in lines {
            if let Some(limit) = limit {
                budget_line(ctx, p, out, what, limit, kind, figure(pick));
            }
        }
        if let Some(limit) = &budget.storage {
            let usages = p
                .workloads
                .iter()
                .filter_map(|w| {
                    w.storage.as_ref().map(|s| Usage {
                        name: &w.name.value,
                        amount: s.size.value.milli() * u128::from(max_replicas(w)),
                    })
                })
                .collect();
            budget_line(ctx, p, out, "storage", limit, Kind::Memory, usages);
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
                    &Target::workload(w),
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
