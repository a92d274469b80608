//! YAML loading with spans. TEMPORARY: the real loader lands from the `load` branch; these
//! signatures are its contract so that dependent code compiles meanwhile.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::FileId;

/// Loader limits.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting.
    pub max_depth: usize,
    /// Most nodes after alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 16 << 20,
            max_depth: 64,
            max_nodes: 2_000_000,
        }
    }
}

/// A YAML node (placeholder).
#[derive(Debug)]
pub struct Node;

fn pending() -> Diagnostics {
    Diagnostics(vec![Diagnostic::error(
        crate::codes::IO,
        "the YAML loader is being merged",
    )])
}

/// Decodes bytes as UTF-8.
pub fn decode<'b>(
    bytes: &'b [u8],
    _file: FileId,
    _limits: &Limits,
) -> Result<&'b str, Diagnostics> {
    std::str::from_utf8(bytes).map_err(|_| pending())
}

/// Parses YAML.
pub fn parse(_text: &str, _file: FileId, _limits: &Limits) -> Result<Node, Diagnostics> {
    Err(pending())
}

/// Deserializes a node.
pub fn from_node<T>(_node: &Node) -> Result<T, Diagnostics> {
    Err(pending())
}
