//! Cycles of `dependsOn`, reported compactly: one diagnostic per strongly connected component
//! (a group of workloads that all wait for each other), naming one cycle through it as
//! `a → b → c → a` with a label on each of its edges, at most [`MAX_EDGE_LABELS`] labels and
//! at most [`MAX_CYCLES`] diagnostics, whatever the size of the graph; a last diagnostic counts
//! the rest. Everything is iterative, so a long chain cannot overflow the stack.

use std::collections::VecDeque;

use super::ctx::Resolver;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::span::Span;

/// Components reported in full; the rest are counted in one more diagnostic.
pub(crate) const MAX_CYCLES: usize = 5;
/// Edges labelled per cycle; the rest are counted in the help.
pub(crate) const MAX_EDGE_LABELS: usize = 4;
/// Workloads written out per cycle path; the rest are counted in it.
const MAX_PATH: usize = 8;

/// For each workload (by index), the workloads it depends on, with the span of each entry.
pub(crate) type Edges = Vec<Vec<(usize, Span)>>;

/// Reports every cycle group of the `dependsOn` graph `edges` (no edge to itself).
pub(crate) fn report(ctx: &mut Resolver, workloads: &[ir::Workload], edges: &Edges) {
    let groups: Vec<Vec<usize>> = components(edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    for group in groups.iter().take(MAX_CYCLES) {
        ctx.push(diagnostic(workloads, edges, group));
    }
    if groups.len() > MAX_CYCLES {
        let rest = &groups[MAX_CYCLES..];
        let workloads_in: usize = rest.iter().map(Vec::len).sum();
        let firsts: Vec<&str> = rest
            .iter()
            .take(MAX_PATH)
            .map(|g| workloads[g[0]].name.value.as_str())
            .collect();
        ctx.push(
            Diagnostic::error(
                codes::DEPENDENCY_CYCLE,
                format!(
                    "{} more dependency cycles, among {workloads_in} workloads (through {}{})",
                    rest.len(),
                    firsts.join(", "),
                    if rest.len() > firsts.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
            )
            .with_help("fix the cycles above first; `nexus validate` then reports these"),
        );
    }
}

/// The strongly connected components (Tarjan's algorithm, iteratively), each sorted, in order
/// of their smallest member.
fn components(edges: &Edges) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut out: Vec<Vec<usize>> = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = calls.last_mut() {
            if let Some(&(w, _)) = edges[v].get(*e) {
                *e += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut group = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    group.push(w);
                    if w == v {
                        break;
                    }
                }
                group.sort_unstable();
                out.push(group);
            }
        }
    }
    out.sort_by_key(|g| g[0]);
    out
}

/// The shortest cycle through the group's first member, as the edges taken: (from, to, span).
fn shortest_cycle(edges: &Edges, group: &[usize]) -> Vec<(usize, usize, Span)> {
    let start = group[0];
    let mut came_from: Vec<Option<(usize, Span)>> = vec![None; edges.len()];
    let mut queue = VecDeque::from([start]);
    let mut closing = None;
    while let Some(v) = queue.pop_front() {
        for &(w, span) in &edges[v] {
            if w == start {
                closing = Some((v, span));
                break;
            }
            if came_from[w].is_none() && group.binary_search(&w).is_ok() {
                came_from[w] = Some((v, span));
                queue.push_back(w);
            }
        }
        if closing.is_some() {
            break;
        }
    }
    let Some((last, span)) = closing else {
        return Vec::new();
    };
    let mut path = vec![(last, start, span)];
    let mut at = last;
    while at != start {
        let Some((prev, span)) = came_from[at] else {
            break;
        };
        path.push((prev, at, span));
        at = prev;
    }
    path.reverse();
    path
}

fn diagnostic(workloads: &[ir::Workload], edges: &Edges, group: &[usize]) -> Diagnostic {
    let name = |i: usize| workloads[i].name.value.as_str();
    let cycle = shortest_cycle(edges, group);
    let mut nodes: Vec<&str> = cycle.iter().map(|(from, _, _)| name(*from)).collect();
    let hidden = nodes.len().saturating_sub(MAX_PATH);
    nodes.truncate(MAX_PATH);
    let more = format!("… {hidden} more");
    if hidden > 0 {
        nodes.push(&more);
    }
    let mut path = nodes.join(" → ");
    path.push_str(" → ");
    path.push_str(name(group[0]));
    let mut d = Diagnostic::error(codes::DEPENDENCY_CYCLE, format!("dependency cycle: {path}"));
    for (from, to, span) in cycle.iter().take(MAX_EDGE_LABELS) {
        d = d.with_label(
            *span,
            format!("`{}` depends on `{}`", name(*from), name(*to)),
        );
    }
    let unlabelled = cycle.len().saturating_sub(MAX_EDGE_LABELS);
    let mut help = String::from(
        "break the cycle: a workload cannot wait for one that waits for it; a connection that needs no start order belongs in `talksTo`, which may form cycles",
    );
    if unlabelled > 0 {
        help.push_str(&format!(
            " ({unlabelled} more edges of this cycle are not shown)"
        ));
    }
    if group.len() > cycle.len() {
        help.push_str(&format!(
            "; {} workloads wait on each other in this group, through other cycles too",
            group.len()
        ));
    }
    d.with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(pairs: &[(usize, usize)], n: usize) -> Edges {
        let mut e: Edges = vec![Vec::new(); n];
        for (a, b) in pairs {
            e[*a].push((*b, Span::default()));
        }
        e
    }

    #[test]
    fn components_group_the_cycles_and_leave_the_rest_alone() {
        // 0 → 1 → 2 → 0, 2 → 3, 3 → 4 → 3, 5 alone.
        let e = graph(&[(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3)], 6);
        let c: Vec<Vec<usize>> = components(&e).into_iter().filter(|c| c.len() > 1).collect();
        assert_eq!(c, vec![vec![0, 1, 2], vec![3, 4]]);
    }

    #[test]
    fn the_shortest_cycle_through_the_first_member_is_named() {
        // 0 → 1 → 2 → 3 → 0 and the shortcut 1 → 3.
        let e = graph(&[(0, 1), (1, 2), (2, 3), (3, 0), (1, 3)], 4);
        let cycle: Vec<(usize, usize)> = shortest_cycle(&e, &[0, 1, 2, 3])
            .into_iter()
            .map(|(a, b, _)| (a, b))
            .collect();
        assert_eq!(cycle, vec![(0, 1), (1, 3), (3, 0)]);
    }
}
