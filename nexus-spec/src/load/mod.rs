//! YAML loading with a source span for every value, and every structural problem of a file
//! reported at once.
//!
//! Loading goes in three steps, each of which can also be used alone:
//!
//! 1. [`decode()`]: raw bytes to text, refusing oversized files and invalid UTF-8;
//! 2. [`parse()`]: text to a [`Node`] tree (YAML 1.2 core schema, one document, spans on every
//!    value, duplicate keys, tags, merge keys and complex keys refused, aliases expanded under
//!    a budget, nesting bounded). Specs written in the common subset of YAML take a fast
//!    path that builds the same tree straight from the bytes; everything else, and every
//!    invalid file, goes through granit-parser ([`parse_general`] alone);
//! 3. [`from_node`]: the tree to a typed value through serde, collecting every unknown key,
//!    wrong type and missing key instead of stopping at the first.
//!
//! [`from_str`] does steps 2 and 3. All problems are [`Diagnostic`](crate::Diagnostic)s with a
//! code from [`crate::codes`], a label on the offending span and a help line. Nothing here
//! panics on any input or prints anything. The resource limits are in [`Limits`].
//!
//! [`node_to_json`] turns a tree into a `serde_json::Value`, for JSON-Schema validation.

mod de;
mod decode;
mod fast;
mod json;
mod limits;
mod node;
mod parse;
mod read;
mod scalar;

#[cfg(test)]
mod tests;

pub use de::{MAX_PASSES, from_node, from_node_with_source};
pub(crate) use decode::check_size;
pub use decode::decode;
pub use json::node_to_json;
pub use limits::Limits;
pub use node::{Node, NodeKind};
pub use parse::{parse, parse_general};
pub use read::read_bounded;

use crate::diagnostic::Diagnostics;
use crate::span::FileId;

/// Parses `text` and deserializes it: [`parse()`], then [`from_node_with_source`].
///
/// ```
/// use nexus_spec::{FileId, load::{from_str, Limits}};
/// #[derive(Debug, serde::Deserialize)]
/// struct Port { port: u16 }
/// let errors = from_str::<Port>("port: 70000\n", FileId(0), &Limits::default()).unwrap_err();
/// assert_eq!(errors.as_slice()[0].code, nexus_spec::codes::INVALID_VALUE);
/// ```
pub fn from_str<T: serde::de::DeserializeOwned>(
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<T, Diagnostics> {
    let node = parse(text, file, limits)?;
    from_node_with_source(&node, text)
}
