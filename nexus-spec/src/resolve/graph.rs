//! The dependency graph: references checked, cycles found (iteratively, so a long chain of
//! services cannot overflow the stack).

use super::ctx::Ctx;
use super::workloads::HostUses;
use crate::codes;
use crate::ir;
use crate::span::Span;

/// Checks every `dependsOn` entry and every placeholder's target, then looks for cycles.
pub(crate) fn check(ctx: &mut Ctx, workloads: &[ir::Workload], uses: &[(String, HostUses)]) {
    let names: Vec<&str> = workloads.iter().map(|w| w.name.value.as_str()).collect();
    let index = |n: &str| names.binary_search(&n).ok();
    for w in workloads {
        for d in &w.depends_on {
            if d.value == w.name.value {
                ctx.error(
                    codes::DEPENDENCY_CYCLE,
                    d.span,
                    format!("`{}` depends on itself", d.value),
                    "self-dependency",
                    "remove it from `dependsOn`",
                );
            } else if index(&d.value).is_none() {
                ctx.unresolved(
                    codes::UNRESOLVED_REFERENCE,
                    d,
                    "workload",
                    names.iter().copied(),
                );
            }
        }
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
    cycles(ctx, workloads, &names);
}

/// Checks each `talksTo` entry: a known workload other than itself, and ports it has.
fn talks(ctx: &mut Ctx, w: &ir::Workload, workloads: &[ir::Workload], names: &[&str]) {
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

fn cycles(ctx: &mut Ctx, workloads: &[ir::Workload], names: &[&str]) {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; workloads.len()];
    let edges: Vec<Vec<(usize, Span)>> = workloads
        .iter()
        .map(|w| {
            w.depends_on
                .iter()
                .filter_map(|d| {
                    names
                        .binary_search(&d.value.as_str())
                        .ok()
                        .map(|i| (i, d.span))
                })
                .filter(|(i, _)| workloads[*i].name.value != w.name.value)
                .collect()
        })
        .collect();
    for start in 0..workloads.len() {
        if state[start] != 0 {
            continue;
        }
        // Stack of (node, next edge index); `path` mirrors the nodes on the stack.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(to, span)) = edges[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => report(ctx, workloads, &stack, to, span),
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
}

fn report(
    ctx: &mut Ctx,
    workloads: &[ir::Workload],
    stack: &[(usize, usize)],
    to: usize,
    closing: Span,
) {
    let Some(pos) = stack.iter().position(|(n, _)| *n == to) else {
        return;
    };
    let cycle: Vec<usize> = stack[pos..].iter().map(|(n, _)| *n).collect();
    let mut path: Vec<&str> = cycle
        .iter()
        .map(|i| workloads[*i].name.value.as_str())
        .collect();
    path.push(workloads[to].name.value.as_str());
    let mut d = crate::Diagnostic::error(
        codes::DEPENDENCY_CYCLE,
        format!("dependency cycle: {}", path.join(" → ")),
    )
    .with_label(
        closing,
        format!(
            "`{}` depends on `{}`, closing the cycle",
            path[path.len() - 2],
            path[path.len() - 1]
        ),
    );
    for pair in cycle.windows(2) {
        let (from, to) = (&workloads[pair[0]], &workloads[pair[1]]);
        if let Some(dep) = from.depends_on.iter().find(|d| d.value == to.name.value) {
            d = d.with_label(
                dep.span,
                format!("`{}` depends on `{}`", from.name.value, to.name.value),
            );
        }
    }
    ctx.push(d.with_help("break the cycle: a workload cannot wait for one that waits for it"));
}
