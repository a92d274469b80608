//! The one YAML emitter of all generators, with its options set explicitly (not left at
//! defaults) so that output bytes only change when we mean them to.
//!
//! Strings that a YAML 1.1 reader would take for booleans, numbers, nulls or timestamps
//! (`yes`, `on`, `0755`, `12:30`, `~`) are quoted, so Kubernetes and Compose read them back
//! as the strings they are.
//!
//! Two emitters write the same bytes: serde-saphyr (the reference, which decides every
//! style) and `fast`, which writes the block mappings and sequences of rendered manifests
//! directly and asks the reference only about strings that are not evidently plain. A
//! document `fast` cannot write is written by the reference; the tests hold `fast` to the
//! reference's bytes on generated documents.

use serde::Serialize;

use crate::error::RenderError;

mod fast;
mod literal;
mod plain;
#[cfg(test)]
mod tests;

fn options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: false,
        yaml_12: false,
        quote_all: false,
        prefer_block_scalars: true,
    }
}

/// Serializes one value as a YAML document (no leading `---`), ending in a newline.
///
/// ```
/// let yaml = nexus_render::yaml::to_yaml(&std::collections::BTreeMap::from([("enabled", "on")]), "example").unwrap();
/// assert_eq!(yaml, "enabled: \"on\"\n");
/// ```
pub fn to_yaml<T: Serialize>(value: &T, what: &str) -> Result<String, RenderError> {
    to_yaml_sized(value, what, 1024)
}

/// [`to_yaml`] into a string with room for `estimate` bytes to start with (see [`room`]):
/// for a text of megabytes, a generous estimate. A string grown by doubling writes its
/// bytes again at each step, into pages never touched before (a 13 MB text touched about
/// 40 MB); room it never uses is address space only, never touched.
pub(crate) fn to_yaml_sized<T: Serialize>(
    value: &T,
    what: &str,
    estimate: usize,
) -> Result<String, RenderError> {
    let mut out = String::with_capacity(room(estimate));
    append_yaml(&mut out, value, what)?;
    Ok(out)
}

/// The most room a text is given up front, whatever its estimate: the estimates are
/// generous, and a system that counts address space against a limit (strict overcommit)
/// should not refuse a platform for room it would never use. A text past it grows by
/// doubling from there.
const MAX_ROOM: usize = 64 * 1024 * 1024;

/// The room to give a text estimated at `estimate` bytes: the estimate, up to
/// [`MAX_ROOM`].
pub(crate) fn room(estimate: usize) -> usize {
    estimate.min(MAX_ROOM)
}

/// [`to_yaml`], appended to `out` (a file being assembled document by document, so a
/// document is written in place instead of in a string of its own and copied).
pub(crate) fn append_yaml<T: Serialize>(
    out: &mut String,
    value: &T,
    what: &str,
) -> Result<(), RenderError> {
    let start = out.len();
    // The fast emitter writes what it can prove the reference would write; the rest of the
    // documents go to the reference itself (see `fast`).
    if let Err(fast::Unsupported) = fast::write(out, value) {
        out.truncate(start);
        let text = reference(value).map_err(|source| RenderError::Serialize {
            what: what.to_owned(),
            source,
        })?;
        out.push_str(&text);
    }
    if out.len() == start || !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(())
}

/// The reference emitter: serde-saphyr with the options above.
fn reference<T: Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string_with_options(value, options())
}

/// Serializes several values as one multi-document YAML stream, `---` between documents.
pub fn to_yaml_stream<T: Serialize>(values: &[T], what: &str) -> Result<String, RenderError> {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(v, what)?);
    }
    Ok(out)
}
