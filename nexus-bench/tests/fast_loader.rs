//! The benchmark's own specs load through the loader's fast path, into exactly the tree the
//! general parser builds (values, keys and every span): the figures `nexus-bench` reports
//! for `parse` and `load` are those of the very result the old path gave.

use nexus_spec::load::{Limits, Node, NodeKind, parse, parse_general};
use nexus_spec::{FileId, Span};

/// Every span of the tree, keys included, in document order, with its value's kind.
fn spans(node: &Node, out: &mut Vec<(Span, String)>) {
    let kind = match &node.kind {
        NodeKind::Seq(_) | NodeKind::Map(_) => node.describe().to_owned(),
        NodeKind::Float(f) => format!("float {}", f.to_bits()),
        other => format!("{other:?}"),
    };
    out.push((node.span, kind));
    match &node.kind {
        NodeKind::Seq(items) => items.iter().for_each(|n| spans(n, out)),
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                out.push((key.span, format!("key {}", key.value)));
                spans(value, out);
            }
        }
        _ => {}
    }
}

fn same_tree(text: &str) {
    let limits = Limits::default();
    let fast = parse(text, FileId(0), &limits).expect("parses");
    let general = parse_general(text, FileId(0), &limits).expect("parses");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    spans(&fast, &mut a);
    spans(&general, &mut b);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
}

#[test]
fn synthetic_platform_spec() {
    same_tree(&nexus_bench::synth(300, 1));
}

#[test]
fn peer_workload_spec() {
    same_tree(&nexus_bench::peer(300));
}
