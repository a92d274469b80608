//! The loader's document tree: every value with the span it was written at.

use crate::span::{Span, Spanned};

/// One YAML value of a loaded document, with the span of its source text.
///
/// For a scalar the span covers its text as written (quotes included); for a mapping or a
/// sequence it covers the whole collection. A value that came from an alias (`*name`) carries
/// the alias's span, while the values inside it keep the spans of the anchored original.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value was written.
    pub span: Span,
    /// The value.
    pub kind: NodeKind,
}

/// The value of a [`Node`].
///
/// Plain scalars resolve with the YAML 1.2 core schema; quoted and block scalars are always
/// [`NodeKind::Str`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null`, `~` or nothing at all.
    Null,
    /// `true` or `false` (also `True`, `TRUE`, ...). `yes`, `no`, `on` and `off` are strings.
    Bool(bool),
    /// An integer: decimal, `0x` hexadecimal or `0o` octal.
    Int(i64),
    /// A floating-point number, including `.inf`, `-.inf` and `.nan`. A plain integer too large
    /// for `i64` also lands here.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence, in source order.
    Seq(Vec<Node>),
    /// A mapping, in source order. Keys are unique and always strings.
    Map(Vec<(Spanned<String>, Node)>),
}

impl Node {
    /// A node with the given span and value.
    pub fn new(span: Span, kind: NodeKind) -> Self {
        Node { span, kind }
    }

    /// What kind of value this is, in words for diagnostics (`"a string"`, `"a mapping"`, ...).
    pub fn describe(&self) -> &'static str {
        self.kind.describe()
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to a `serde_json::Value` (see [`super::node_to_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        super::node_to_json(self)
    }
}

impl NodeKind {
    /// What kind of value this is, in words for diagnostics (`"a string"`, `"a mapping"`, ...).
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "nothing (null)",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }
}
