//! Conversion of a node tree to `serde_json::Value`, for JSON-Schema validation.

use serde_json::{Map, Number, Value};

use super::node::{Node, NodeKind};

/// Converts a node tree to a `serde_json::Value`, dropping spans.
///
/// Mapping keys stay strings; integers stay integers. JSON has no infinity or NaN, so
/// `.inf`, `-.inf` and `.nan` become `null`. Recursion follows the tree's depth, which the
/// loader bounds with [`super::Limits::max_depth`].
///
/// ```
/// use nexus_spec::{Span, Spanned, load::{node_to_json, Node, NodeKind}};
/// let leaf = |kind| Node::new(Span::DETACHED, kind);
/// let node = leaf(NodeKind::Map(vec![(
///     Spanned::detached("a".to_owned()),
///     leaf(NodeKind::Seq(vec![leaf(NodeKind::Int(1)), leaf(NodeKind::Float(f64::NAN))])),
/// )]));
/// assert_eq!(node_to_json(&node), serde_json::json!({"a": [1, null]}));
/// ```
pub fn node_to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => Value::Number(Number::from(*i)),
        NodeKind::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s) => Value::String(s.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(node_to_json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.value.clone(), node_to_json(v)))
                .collect::<Map<String, Value>>(),
        ),
    }
}
