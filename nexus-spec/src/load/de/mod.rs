//! A serde deserializer over the node tree that reports every problem it can find (see
//! [`from_node`]).

mod access;
mod decoding;
mod dummy;
mod error;
mod key;
mod node;
mod report;

#[cfg(test)]
mod tests;

use serde::Deserialize;

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};

use super::node::Node;
use decoding::{Decoding, Place};
use error::Error;
use node::NodeDe;

/// Most passes over the tree that one [`from_node`] call makes (each pass after the first is
/// caused by an error serde cannot recover from, such as a missing required key).
pub const MAX_PASSES: usize = 32;

/// Deserializes a value from a node tree, reporting every problem found.
///
/// On failure, every diagnostic found is returned, in the order found. Without the source
/// text, help lines quote values as YAML resolved them; [`from_node_with_source`] quotes them
/// exactly as written.
///
/// # How problems are collected
///
/// serde stops at the first error a `Deserialize` impl returns, so the deserializer avoids
/// returning errors wherever it can:
///
/// - An unknown key in a struct is reported ([`crate::codes::UNKNOWN_KEY`],
///   with a "did you mean") and skipped; the struct never sees it. The deserializer knows the
///   struct's keys from `deserialize_struct(name, fields, ..)`, so `deny_unknown_fields` is
///   not needed. Keys starting with `x-` are skipped silently in every struct (extension and
///   anchor storage, as in Compose).
/// - A scalar of the wrong type, an integer out of range or an unknown enum value is reported
///   and a made-up ("dummy") value of the right type is fed to the visitor instead, so the
///   rest of the document is still read. A dummy never produces diagnostics of its own, so a
///   wrong value causes one diagnostic, not a cascade.
/// - A missing required key only shows up as an error from serde, after which nothing can be
///   read further. The deserializer then notes that the field is required for that struct
///   type and reads the document again; in the new pass it reports the key missing up front
///   (on the enclosing mapping) and fills it in with a dummy. Any other error serde returns
///   (from a custom `Deserialize`, say) is reported at the innermost value it passed through,
///   and the next pass feeds a dummy there; if even the dummy is refused, the enclosing value
///   gets the dummy. Each pass gets further; after at most [`MAX_PASSES`] passes, or when a
///   pass learns nothing new, every diagnostic found so far is returned.
///
/// # Supported
///
/// `bool`, all integers, `f32`/`f64`, `char`, `String`/`&str`, `Option` (null is `None`), unit,
/// newtype and unit structs, structs, tuples, `Vec` and other sequences, `BTreeMap`/`HashMap`
/// and other maps (keys may be strings, [`Spanned<String>`](crate::Spanned), numbers, booleans
/// or unit enum variants), externally tagged enums (a unit variant as a bare string,
/// `strategy: rolling`; a data variant as a single-key mapping, `strategy: {blue-green: {..}}`),
/// `#[serde(default)]`, `#[serde(rename_all = "...")]`, `#[serde(alias = "...")]`, and
/// [`Spanned<T>`](crate::Spanned) anywhere (struct fields, map keys, sequence items, inside
/// `Option`).
///
/// Types are strict and agree with the JSON Schema that schemars derives for the same types: a
/// string is never read as a number or a boolean, nor a number as a string; an integer is
/// accepted for a float, and a float without a fractional part (`3.0`) for an integer; integers
/// out of the target's range are refused with the range.
///
/// # Not supported
///
/// `#[serde(flatten)]`, `#[serde(untagged)]` and internally or adjacently tagged enums
/// (`#[serde(tag = "...")]`): serde buffers those through its private `Content` type, which
/// loses every span (and bypasses the key checks). `#[serde(other)]` is not honoured: a value
/// not in the enum's list is an error, since the spec is closed. Model types avoid all of these.
///
/// The bound is `Deserialize<'de>` rather than `DeserializeOwned` so that types may borrow
/// `&str` from the tree; every `DeserializeOwned` type qualifies.
///
/// ```
/// use nexus_spec::{FileId, Spanned, load::{parse, from_node, Limits}};
/// #[derive(Debug, serde::Deserialize)]
/// struct Service { image: Spanned<String>, replicas: u32 }
///
/// let node = parse("image: nginx\nreplicas: 2\n", FileId(0), &Limits::default()).unwrap();
/// let svc: Service = from_node(&node).unwrap();
/// assert_eq!((svc.image.value.as_str(), svc.image.span.line), ("nginx", 1));
///
/// let node = parse("image: nginx\nreplica: 2\n", FileId(0), &Limits::default()).unwrap();
/// let errors = from_node::<Service>(&node).unwrap_err();
/// assert_eq!(errors.len(), 1);
/// assert_eq!(errors.as_slice()[0].code, nexus_spec::codes::UNKNOWN_KEY);
/// assert_eq!(errors.as_slice()[0].help.as_deref(), Some("did you mean `replicas`?"));
/// ```
pub fn from_node<'de, T: Deserialize<'de>>(node: &'de Node) -> Result<T, Diagnostics> {
    run(node, None)
}

/// Like [`from_node`], with the source text the tree was parsed from, so that help lines can
/// quote values exactly as written (`version: "1.10"` rather than `version: "1.1"`).
pub fn from_node_with_source<'de, T: Deserialize<'de>>(
    node: &'de Node,
    source: &str,
) -> Result<T, Diagnostics> {
    run(node, Some(source))
}

fn run<'de, T: Deserialize<'de>>(node: &'de Node, source: Option<&str>) -> Result<T, Diagnostics> {
    let ctx = Decoding::new(source);
    let mut diags = Vec::new();
    for _ in 0..MAX_PASSES {
        ctx.begin_pass();
        let result = T::deserialize(NodeDe::new(node, &ctx, Place::Root));
        diags = ctx.take_diags();
        match result {
            Ok(value) if diags.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(Error::Recorded | Error::Escalate { .. }) if ctx.progressed() => {}
            Err(Error::Recorded | Error::Escalate { .. }) => break,
            Err(Error::Serde(e)) => {
                diags.push(report::from_serde(&ctx, e, node, Place::Root));
                break;
            }
        }
    }
    if diags.is_empty() {
        // Every unwinding error is recorded first; this is a safety net, not a path.
        diags.push(
            Diagnostic::error(codes::INVALID_VALUE, "the spec could not be read")
                .with_label(node.span, "here")
                .with_help("please report this as a nexus bug, with the spec file"),
        );
    }
    Err(Diagnostics(diags))
}
