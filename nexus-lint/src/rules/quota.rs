//! Namespace totals: what an environment's workloads need at full scale (the demand of
//! [`nexus_spec::placement`]: every autoscaler at its maximum, rollout surge, both
//! blue-green slots, migrations, backups, one volume per stateful replica) against the
//! policy's budget and against the quota the environment declares.

use nexus_spec::Severity::Error;
use nexus_spec::ir::{Platform, Quota};
use nexus_spec::placement::{Demand, demand, edge_share, share};
use nexus_spec::{Span, Spanned};

use crate::finding::{Findings, Subject};
use crate::policy::Budget;
use crate::rule::{Compliance, Group, Rule};

use super::{bytes, cores};

pub(super) static RULES: &[&Rule] = &[&BUDGET, &QUOTA];

/// How a figure is shown.
#[derive(Clone, Copy)]
enum Unit {
    Cpu,
    Bytes,
    Count,
}

impl Unit {
    fn show(self, amount: u128) -> String {
        match self {
            Unit::Cpu => format!("{} CPU", cores(amount)),
            Unit::Bytes => bytes(amount),
            Unit::Count => amount.to_string(),
        }
    }
}

/// One figure of a namespace's totals.
struct Line {
    what: &'static str,
    unit: Unit,
    of: fn(&Demand) -> u128,
}

/// The figures a quota or budget may cap, in the ResourceQuota's words; amounts in the
/// units of [`nexus_spec::values::Quantity::milli`] (pods as plain counts).
static LINES: [Line; 6] = [
    Line {
        what: "requests.cpu",
        unit: Unit::Cpu,
        of: |d| d.requests.cpu,
    },
    Line {
        what: "requests.memory",
        unit: Unit::Bytes,
        of: |d| d.requests.memory,
    },
    Line {
        what: "limits.cpu",
        unit: Unit::Cpu,
        of: |d| d.limits.cpu,
    },
    Line {
        what: "limits.memory",
        unit: Unit::Bytes,
        of: |d| d.limits.memory,
    },
    Line {
        what: "requests.storage",
        unit: Unit::Bytes,
        of: |d| d.storage,
    },
    Line {
        what: "pods",
        unit: Unit::Count,
        of: |d| u128::from(d.pods),
    },
];

/// A cap on one line, and where it is written (detached for the policy's budget).
type Cap = (u128, Span);

fn budget_caps(b: &Budget) -> [Option<Cap>; 6] {
    let q =
        |v: &Option<nexus_spec::values::Quantity>| v.as_ref().map(|q| (q.milli(), Span::DETACHED));
    [
        q(&b.requests_cpu),
        q(&b.requests_memory),
        q(&b.limits_cpu),
        q(&b.limits_memory),
        q(&b.storage),
        None,
    ]
}

fn quota_caps(q: &Quota) -> [Option<Cap>; 6] {
    let f = |v: &Option<Spanned<nexus_spec::values::Quantity>>| {
        v.as_ref().map(|q| (q.value.milli(), q.span))
    };
    [
        f(&q.requests_cpu),
        f(&q.requests_memory),
        f(&q.limits_cpu),
        f(&q.limits_memory),
        f(&q.storage),
        q.pods.as_ref().map(|n| (u128::from(n.value), n.span)),
    ]
}

/// Reports each line whose total exceeds its cap, naming the three largest contributors.
fn over(
    p: &Platform,
    out: &mut Findings,
    caps: [Option<Cap>; 6],
    message: impl Fn(&str, String, String) -> (String, String),
) {
    let total = demand(p);
    let mut shares: Vec<(&str, Demand)> = p
        .workloads
        .iter()
        .map(|w| (w.name.value.as_str(), share(w)))
        .collect();
    shares.push(("gateway proxies", edge_share(p)));
    for (line, cap) in LINES.iter().zip(caps) {
        let Some((cap, span)) = cap else { continue };
        let need = (line.of)(&total);
        if need <= cap {
            continue;
        }
        let mut top: Vec<(&str, u128)> = shares
            .iter()
            .map(|(n, d)| (*n, (line.of)(d)))
            .filter(|(_, a)| *a > 0)
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let largest: Vec<String> = top
            .iter()
            .take(3)
            .map(|(n, a)| format!("`{n}` {}", line.unit.show(*a)))
            .collect();
        let (text, label) = message(
            line.what,
            format!("{} of {}", line.what, line.unit.show(need)),
            format!("{} (largest: {})", line.unit.show(cap), largest.join(", ")),
        );
        // The largest contributors are named in the message rather than drawn as labels:
        // miette merges distant labels of one file into one long excerpt.
        let at = if span.is_detached() {
            p.namespace.span
        } else {
            span
        };
        out.add(&Subject::platform(p), at, text).label(label);
    }
}

pub(super) static BUDGET: Rule = Rule {
    id: "NX-RES-008",
    group: Group::Resources,
    title: "Environment over its resource budget",
    severity: Error,
    enabled: true,
    rationale: "The budget is what the organisation grants the environment; a platform that needs more at full scale (every autoscaler at its maximum, the surge of a rollout, both blue-green copies, migrations and backups running, one volume per stateful replica) fails to scale or deploy exactly when load is highest.",
    fix: "Lower requests, limits, replica maxima or volume sizes, or raise the environment's `budget` in the policy.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        let Some(budget) = ctx.budget() else { return };
        over(p, out, budget_caps(budget), |what, need, cap| {
            (
                format!(
                    "at full scale the workloads of `{env}` need {need}; the policy's budget for `{env}` is {cap}",
                    env = ctx.environment
                ),
                format!("{what} over budget"),
            )
        });
    },
};

pub(super) static QUOTA: Rule = Rule {
    id: "NX-RES-010",
    group: Group::Resources,
    title: "Declared namespace quota below what the workloads need",
    severity: Error,
    enabled: true,
    rationale: "A ResourceQuota refuses the pod that would cross it: with a quota below the workloads' full-scale need, an autoscaler stops short, a rollout's surge pod or the idle blue-green slot is never created, or a backup Job never starts, exactly when it is needed. nexus renders the declared figure as the quota, so the refusal would happen in the cluster.",
    fix: "Raise the environment's `quota` figure to at least what the finding says is needed (or leave it out: nexus then renders the derived figure), or lower requests, limits, replica maxima or volume sizes.",
    compliance: Compliance::NONE,
    check: |ctx, p, out| {
        over(p, out, quota_caps(&p.quota), |what, need, cap| {
            (
                format!(
                    "at full scale (rollout surge, both blue-green slots, migrations and backups included) the workloads of `{}` need {need}; the declared quota is {cap}",
                    ctx.environment
                ),
                format!("{what} below need"),
            )
        });
    },
};
