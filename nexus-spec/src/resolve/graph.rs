//! The dependency graph: references checked, cycles found (iteratively, so a long chain of
//! services cannot overflow the stack).

use super::ctx::Resolver;
use super::cycles::Edges;
use super::workloads::HostUses;
use crate::codes;
use crate::ir;

/// Checks every `dependsOn` entry and every placeholder's target, then looks for cycles.
pub(crate) fn check(ctx: &mut Resolver, workloads: &[ir::Workload], uses: &[(String, HostUses)]) {
    let names: Vec<&str> = workloads.iter().map(|w| w.name.value.as_str()).collect();
    let index = |n: &str| names.binary_search(&n).ok();
    // Each entry is looked up once, here; the cycle search walks the indices.
    let mut edges: Edges = Vec::with_capacity(workloads.len());
    for w in workloads {
        let mut to = Vec::with_capacity(w.depends_on.len());
        for d in &w.depends_on {
            if d.value == w.name.value {
                ctx.error(
                    codes::DEPENDENCY_CYCLE,
                    d.span,
                    format!("`{}` depends on itself", d.value),
                    "self-dependency",
                    "remove it from `dependsOn`",
                );
            } else if let Some(i) = index(&d.value) {
                to.push((i, d.span));
            } else {
                ctx.unresolved(
                    codes::UNRESOLVED_REFERENCE,
                    d,
                    "workload",
                    names.iter().copied(),
                );
            }
        }
        edges.push(to);
    }
    for w in workloads {
        talks(ctx, w, workloads, &names);
    }
    for (owner, hosts) in uses {
        let Some(w) = index(owner).map(|i| &workloads[i]) else {
            continue;
        };
        let mut reported: Vec<&str> = Vec::new();
        for (target, span) in hosts {
            if target != owner
                && !w.depends_on.iter().any(|d| &d.value == target)
                && !w.talks_to.iter().any(|t| &t.workload.value == target)
                && !reported.contains(&target.as_str())
            {
                reported.push(target);
                ctx.error(
                    codes::UNDECLARED_DEPENDENCY,
                    *span,
                    format!("`{owner}` uses `{target}` but declares it in neither `dependsOn` nor `talksTo`"),
                    "undeclared connection",
                    format!("add `{target}` to `{owner}`'s `dependsOn` (to start after it) or `talksTo`: network rules only let a workload reach what it declares"),
                );
            }
        }
    }
    super::cycles::report(ctx, workloads, &edges);
}

/// Checks each `talksTo` entry: a known workload other than itself, and ports it has.
fn talks(ctx: &mut Resolver, w: &ir::Workload, workloads: &[ir::Workload], names: &[&str]) {
    for t in &w.talks_to {
        if t.workload.value == w.name.value {
            ctx.error(
                codes::UNRESOLVED_REFERENCE,
                t.workload.span,
                format!("`{}` talks to itself", t.workload.value),
                "itself",
                "remove it from `talksTo`: a workload reaches its own pods without a rule",
            );
            continue;
        }
        let Ok(i) = names.binary_search(&t.workload.value.as_str()) else {
            ctx.unresolved(
                codes::UNRESOLVED_REFERENCE,
                &t.workload,
                "workload",
                names.iter().copied(),
            );
            continue;
        };
        let target = &workloads[i];
        for p in &t.ports {
            if target.port(&p.value).is_none() {
                ctx.unresolved(
                    codes::UNRESOLVED_REFERENCE,
                    p,
                    "port",
                    target.ports.iter().map(|q| q.name.value.as_str()),
                );
            }
        }
    }
}
