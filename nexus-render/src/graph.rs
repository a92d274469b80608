//! The platform's dependency and exposure graph, from the IR: who depends on whom, what the
//! gateway routes where, and what the outside world can reach. Printed as Mermaid (for
//! Markdown, GitHub renders it) or Graphviz DOT, deterministically: nodes grouped by tier
//! in tier order, workloads by name, routes in the gateway's order.
//!
//! ```
//! let spec = nexus_spec::Spec::from_str("demo.yaml", r#"
//! apiVersion: nexus.dev/v1alpha1
//! kind: Platform
//! metadata: { name: demo, version: 1.0.0 }
//! spec:
//!   services:
//!     web:
//!       image: registry.example.com/demo/web:1.0.0
//!       ports: [{ name: http, port: 8080 }]
//!   environments:
//!     staging: {}
//! "#).unwrap();
//! let graph = nexus_render::graph::Graph::from_platform(&spec.resolve("staging").unwrap());
//! assert!(graph.mermaid().starts_with("flowchart LR\n"));
//! assert!(graph.dot().starts_with("digraph \"demo-staging\" {\n"));
//! ```

use std::fmt::Write;

use nexus_spec::ir::{Platform, Workload};
use nexus_spec::model::{Exposure, Tier};

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The outside world.
    External,
    /// The gateway.
    Gateway,
    /// A stateless workload.
    Service,
    /// A workload that keeps data.
    Store,
}

/// A node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Identifier, safe in Mermaid and DOT (`w_api_gateway`).
    pub id: String,
    /// First label line (the workload's name).
    pub label: String,
    /// Second label line (kind and replicas, or the gateway's hosts).
    pub detail: String,
    /// The tier it is drawn in, if any.
    pub tier: Option<Tier>,
    /// How it is drawn.
    pub shape: Shape,
}

/// What an edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// Traffic from outside into the gateway.
    Ingress,
    /// A gateway route to a workload.
    Route,
    /// A declared dependency (start order and a connection).
    DependsOn,
    /// A connection without start order (`talksTo`): drawn dotted.
    TalksTo,
    /// A public workload no route reaches (exposed without the gateway).
    Public,
}

/// An edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// What it means.
    pub kind: EdgeKind,
    /// Label (a route's path, `https`).
    pub label: Option<String>,
}

/// The graph of one environment of a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// `namespace` of the environment (`nexus-staging`).
    pub name: String,
    /// Nodes: the outside world and gateway first, then workloads by tier and name.
    pub nodes: Vec<Node>,
    /// Edges: ingress, routes, then dependencies.
    pub edges: Vec<Edge>,
}

const TIERS: [Tier; 4] = [Tier::Frontend, Tier::Backend, Tier::Data, Tier::Monitoring];

fn workload_id(name: &str) -> String {
    format!(
        "w_{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    )
}

fn workload_node(w: &Workload) -> Node {
    let replicas = w.replicas.value;
    let detail = format!(
        "{} · {replicas} replica{}",
        w.kind.as_str(),
        if replicas == 1 { "" } else { "s" }
    );
    Node {
        id: workload_id(&w.name.value),
        label: w.name.value.clone(),
        detail,
        tier: Some(w.tier),
        shape: if w.kind.is_stateful() {
            Shape::Store
        } else {
            Shape::Service
        },
    }
}

impl Graph {
    /// Builds the graph of a resolved platform.
    pub fn from_platform(p: &Platform) -> Graph {
        let mut nodes = vec![Node {
            id: "internet".into(),
            label: "internet".into(),
            detail: String::new(),
            tier: None,
            shape: Shape::External,
        }];
        let mut edges = Vec::new();
        let mut routed = Vec::new();
        if let Some(g) = &p.gateway {
            let hosts: Vec<&str> = g.hosts.iter().map(|h| h.value.as_str()).collect();
            nodes.push(Node {
                id: "gateway".into(),
                label: "gateway".into(),
                detail: hosts.join(", "),
                tier: None,
                shape: Shape::Gateway,
            });
            edges.push(Edge {
                from: "internet".into(),
                to: "gateway".into(),
                kind: EdgeKind::Ingress,
                label: Some(if g.tls.is_some() { "https" } else { "http" }.into()),
            });
            for r in &g.routes {
                routed.push(r.workload.value.as_str());
                edges.push(Edge {
                    from: "gateway".into(),
                    to: workload_id(&r.workload.value),
                    kind: EdgeKind::Route,
                    label: Some(r.path.value.clone()),
                });
            }
        }
        for tier in TIERS {
            nodes.extend(
                p.workloads
                    .iter()
                    .filter(|w| w.tier == tier)
                    .map(workload_node),
            );
        }
        for w in &p.workloads {
            if w.exposure.value == Exposure::Public && !routed.contains(&w.name.value.as_str()) {
                edges.push(Edge {
                    from: "internet".into(),
                    to: workload_id(&w.name.value),
                    kind: EdgeKind::Public,
                    label: Some("public".into()),
                });
            }
        }
        for w in &p.workloads {
            for d in &w.depends_on {
                edges.push(Edge {
                    from: workload_id(&w.name.value),
                    to: workload_id(&d.value),
                    kind: EdgeKind::DependsOn,
                    label: None,
                });
            }
            for t in &w.talks_to {
                if w.depends_on.iter().any(|d| d.value == t.workload.value) {
                    continue;
                }
                edges.push(Edge {
                    from: workload_id(&w.name.value),
                    to: workload_id(&t.workload.value),
                    kind: EdgeKind::TalksTo,
                    label: None,
                });
            }
        }
        Graph {
            name: p.namespace.value.clone(),
            nodes,
            edges,
        }
    }

    /// The graph as a Mermaid flowchart (ends in a newline).
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let text = |n: &Node| {
            let mut t = mermaid_text(&n.label);
            if !n.detail.is_empty() {
                t.push_str("<br/>");
                t.push_str(&mermaid_text(&n.detail));
            }
            t
        };
        let line = |out: &mut String, indent: &str, n: &Node| {
            let t = text(n);
            let _ = match n.shape {
                Shape::External => writeln!(out, "{indent}{}((\"{t}\"))", n.id),
                Shape::Gateway => writeln!(out, "{indent}{}{{{{\"{t}\"}}}}", n.id),
                Shape::Service => writeln!(out, "{indent}{}[\"{t}\"]", n.id),
                Shape::Store => writeln!(out, "{indent}{}[(\"{t}\")]", n.id),
            };
        };
        for n in self.nodes.iter().filter(|n| n.tier.is_none()) {
            line(&mut out, "  ", n);
        }
        for tier in TIERS {
            let members: Vec<&Node> = self.nodes.iter().filter(|n| n.tier == Some(tier)).collect();
            if members.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  subgraph tier_{0}[\"{0}\"]", tier.as_str());
            for n in members {
                line(&mut out, "    ", n);
            }
            out.push_str("  end\n");
        }
        for e in &self.edges {
            let arrow = match e.kind {
                EdgeKind::Ingress => "==>",
                EdgeKind::Route | EdgeKind::DependsOn => "-->",
                EdgeKind::Public | EdgeKind::TalksTo => "-.->",
            };
            let _ = match &e.label {
                Some(l) => writeln!(
                    out,
                    "  {} {arrow}|\"{}\"| {}",
                    e.from,
                    mermaid_text(l),
                    e.to
                ),
                None => writeln!(out, "  {} {arrow} {}", e.from, e.to),
            };
        }
        out
    }

    /// The graph in Graphviz DOT (ends in a newline).
    pub fn dot(&self) -> String {
        let mut out = format!("digraph {} {{\n", dot_str(&self.name));
        out.push_str("  rankdir=LR;\n  node [shape=box];\n");
        let line = |out: &mut String, indent: &str, n: &Node| {
            let label = if n.detail.is_empty() {
                n.label.clone()
            } else {
                format!("{}\n{}", n.label, n.detail)
            };
            let shape = match n.shape {
                Shape::External => "ellipse",
                Shape::Gateway => "hexagon",
                Shape::Service => "box",
                Shape::Store => "cylinder",
            };
            let _ = writeln!(
                out,
                "{indent}{} [label={}, shape={shape}];",
                dot_str(&n.id),
                dot_str(&label)
            );
        };
        for n in self.nodes.iter().filter(|n| n.tier.is_none()) {
            line(&mut out, "  ", n);
        }
        for tier in TIERS {
            let members: Vec<&Node> = self.nodes.iter().filter(|n| n.tier == Some(tier)).collect();
            if members.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "  subgraph {} {{\n    label={};",
                dot_str(&format!("cluster_{}", tier.as_str())),
                dot_str(tier.as_str())
            );
            for n in members {
                line(&mut out, "    ", n);
            }
            out.push_str("  }\n");
        }
        for e in &self.edges {
            let mut attrs = Vec::new();
            if let Some(l) = &e.label {
                attrs.push(format!("label={}", dot_str(l)));
            }
            match e.kind {
                EdgeKind::Ingress => attrs.push("style=bold".into()),
                EdgeKind::Public => attrs.push("style=dashed".into()),
                EdgeKind::TalksTo => attrs.push("style=dotted".into()),
                EdgeKind::Route | EdgeKind::DependsOn => {}
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(out, "  {} -> {}{attrs};", dot_str(&e.from), dot_str(&e.to));
        }
        out.push_str("}\n");
        out
    }
}

/// Text inside a quoted Mermaid label: quotes and markup characters as entities.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A DOT quoted string.
fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_labels() {
        assert_eq!(mermaid_text("a\"<b>#"), "a#quot;#lt;b#gt;#35;");
        assert_eq!(dot_str("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(workload_id("api-gateway"), "w_api_gateway");
    }
}
