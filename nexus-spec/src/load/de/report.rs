//! Wording of the deserializer's diagnostics: message, label and help line.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::load::node::{Node, NodeKind};
use crate::span::Span;
use crate::suggest;

use super::decoding::{Decoding, Place};
use super::error::SerdeError;

/// What a deserializer asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect {
    Str,
    Int,
    Number,
    Bool,
    Map,
    Seq,
    Null,
    Char,
    Bytes,
    Variant(&'static [&'static str]),
}

impl Expect {
    pub(crate) fn describe(self) -> String {
        match self {
            Expect::Str => "a string".into(),
            Expect::Int => "an integer".into(),
            Expect::Number => "a number".into(),
            Expect::Bool => "a boolean".into(),
            Expect::Map => "a mapping".into(),
            Expect::Seq => "a sequence".into(),
            Expect::Null => "no value".into(),
            Expect::Char => "a single character".into(),
            Expect::Bytes => "a string".into(),
            Expect::Variant(names) => format!("one of {}", suggest::list(names)),
        }
    }
}

/// `key: value`, `- value` or `value`, as an example of what to write.
fn example(place: Place<'_>, value: &str) -> String {
    match place {
        Place::Key(k) => format!("{k}: {value}"),
        Place::Item(_) => format!("- {value}"),
        Place::Root => value.to_owned(),
    }
}

/// ` for `key``, to name the place in a message.
fn for_place(place: Place<'_>) -> String {
    match place {
        Place::Key(k) => format!(" for `{k}`"),
        Place::Item(Some(k)) => format!(" for an item of `{k}`"),
        _ => String::new(),
    }
}

/// ` in `key``, to name the mapping a key belongs to.
fn in_place(place: Place<'_>) -> String {
    match place {
        Place::Key(k) => format!(" in `{k}`"),
        Place::Item(Some(k)) => format!(" in an item of `{k}`"),
        _ => String::new(),
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The scalar as written in the source if known, otherwise as YAML would print it.
pub(crate) fn raw(ctx: &Decoding<'_>, node: &Node) -> String {
    if let Some(text) = ctx.text(node.span) {
        return text.to_owned();
    }
    match &node.kind {
        NodeKind::Null => "null".into(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) if f.is_nan() => ".nan".into(),
        NodeKind::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                ".inf".into()
            } else {
                "-.inf".into()
            }
        }
        NodeKind::Float(f) => format!("{f:?}"),
        NodeKind::Str(s) => s.clone(),
        NodeKind::Seq(_) => "[...]".into(),
        NodeKind::Map(_) => "{...}".into(),
    }
}

/// What was found, for a message: `the string "abc"`, `the integer 15`, `a mapping`...
pub(crate) fn found(ctx: &Decoding<'_>, node: &Node) -> String {
    match &node.kind {
        NodeKind::Null => "nothing (null)".into(),
        NodeKind::Bool(_) => format!("the boolean `{}`", raw(ctx, node)),
        NodeKind::Int(_) => format!("the integer `{}`", raw(ctx, node)),
        NodeKind::Float(_) => format!("the number `{}`", raw(ctx, node)),
        NodeKind::Str(s) => format!("the string \"{}\"", shorten(s)),
        NodeKind::Seq(_) => "a sequence".into(),
        NodeKind::Map(_) => "a mapping".into(),
    }
}

/// A value of the wrong type ([`codes::WRONG_TYPE`]).
pub(crate) fn wrong_type(
    ctx: &Decoding<'_>,
    node: &Node,
    place: Place<'_>,
    expect: Expect,
) -> Diagnostic {
    let expected = expect.describe();
    Diagnostic::error(
        codes::WRONG_TYPE,
        format!(
            "wrong type{}: expected {expected}, found {}",
            for_place(place),
            found(ctx, node)
        ),
    )
    .with_label(node.span, format!("expected {expected}"))
    .with_help(wrong_type_help(ctx, node, place, expect))
}

fn wrong_type_help(ctx: &Decoding<'_>, node: &Node, place: Place<'_>, expect: Expect) -> String {
    let kind = &node.kind;
    let is_scalar = !matches!(kind, NodeKind::Seq(_) | NodeKind::Map(_) | NodeKind::Null);
    match (expect, kind) {
        (
            Expect::Str | Expect::Bytes,
            NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_),
        ) => {
            format!(
                "quote the value to make it a string: `{}`",
                example(place, &format!("\"{}\"", raw(ctx, node)))
            )
        }
        (Expect::Str | Expect::Bytes, NodeKind::Null) => match place {
            Place::Key(k) => {
                format!("write a value after `{k}:` (`{k}: \"\"` for an empty string)")
            }
            _ => "write a value here (`\"\"` for an empty string)".into(),
        },
        (Expect::Int | Expect::Number, NodeKind::Str(s)) if looks_numeric(s) => {
            format!("remove the quotes: `{}`", example(place, s.trim()))
        }
        (Expect::Int, _) => "write a whole number here, without quotes".into(),
        (Expect::Number, _) => "write a number here, without quotes".into(),
        (Expect::Bool, NodeKind::Str(s)) => {
            let lower = s.to_ascii_lowercase();
            if ["yes", "no", "on", "off", "y", "n", "true", "false"].contains(&lower.as_str()) {
                format!(
                    "write `true` or `false` without quotes (YAML 1.2 reads `{}` as a string)",
                    raw(ctx, node)
                )
            } else {
                "write `true` or `false`".into()
            }
        }
        (Expect::Bool, _) => "write `true` or `false`".into(),
        (Expect::Map, NodeKind::Null) => match place {
            Place::Key(k) => format!("write the keys of `{k}` on the lines below it, indented"),
            _ => "write a mapping (`key: value` lines) here".into(),
        },
        (Expect::Map, _) => "write a mapping (`key: value` lines) here".into(),
        (Expect::Seq, NodeKind::Null) => match place {
            Place::Key(k) => format!(
                "list the items of `{k}` on the lines below it, each starting with `- ` \
                 (or write `{k}: []` for none)"
            ),
            _ => "write a sequence (`- item` lines, or `[]` for none) here".into(),
        },
        (Expect::Seq, _) if is_scalar => format!(
            "write a sequence, even for a single item: `{}`",
            example(place, &format!("[{}]", raw(ctx, node)))
        ),
        (Expect::Seq, _) => "write a sequence (`- item` lines) here".into(),
        (Expect::Null, _) => "remove the value".into(),
        (Expect::Char, _) => "write a single character".into(),
        (Expect::Str | Expect::Bytes, _) => "write a single string here".into(),
        (Expect::Variant(names), _) => format!("write one of {}", suggest::list(names)),
    }
}

fn looks_numeric(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.parse::<f64>().is_ok() && s.chars().any(|c| c.is_ascii_digit())
}

/// An integer that does not fit its target ([`codes::INVALID_VALUE`]).
pub(crate) fn out_of_range(
    node: &Node,
    place: Place<'_>,
    value: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_VALUE,
        format!(
            "value out of range{}: {value} is not between {min} and {max}",
            for_place(place)
        ),
    )
    .with_label(node.span, format!("must be between {min} and {max}"))
    .with_help(format!("use a whole number from {min} to {max}"))
}

/// A key a struct does not have ([`codes::UNKNOWN_KEY`]).
pub(crate) fn unknown_key(span: Span, key: &str, fields: &[&str], place: Place<'_>) -> Diagnostic {
    let within = in_place(place);
    Diagnostic::error(codes::UNKNOWN_KEY, format!("unknown key `{key}`{within}"))
        .with_label(span, "unknown key")
        .with_help(suggest::help_for(key, "key", fields))
}

/// A value not in an enum's list ([`codes::UNKNOWN_VARIANT`]).
pub(crate) fn unknown_variant(
    span: Span,
    value: &str,
    variants: &[&str],
    place: Place<'_>,
) -> Diagnostic {
    Diagnostic::error(
        codes::UNKNOWN_VARIANT,
        format!("unknown value `{value}`{}", for_place(place)),
    )
    .with_label(span, "not an allowed value")
    .with_help(match suggest::did_you_mean(value, variants) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("expected one of {}", suggest::list(variants)),
    })
}

/// A required key that is absent ([`codes::MISSING_KEY`]), labelled on the mapping.
pub(crate) fn missing_key(span: Span, field: &str, place: Place<'_>) -> Diagnostic {
    let within = in_place(place);
    Diagnostic::error(
        codes::MISSING_KEY,
        format!("missing required key `{field}`{within}"),
    )
    .with_label(span, format!("`{field}` is missing from this mapping"))
    .with_help(format!("add `{field}: ...` to this mapping"))
}

/// An enum variant that needs data but was given as a bare name, or the reverse.
pub(crate) fn variant_shape(span: Span, variant: &str, needs_data: bool) -> Diagnostic {
    let (message, help) = if needs_data {
        (
            format!("`{variant}` needs settings"),
            format!("write it as a mapping with its settings: `{variant}: {{...}}`"),
        )
    } else {
        (
            format!("`{variant}` takes no settings"),
            format!("write just the name: `{variant}`"),
        )
    };
    Diagnostic::error(codes::WRONG_TYPE, message)
        .with_label(span, "here")
        .with_help(help)
}

/// A tuple or fixed-size list with too many items.
pub(crate) fn too_many_items(
    node: &Node,
    place: Place<'_>,
    expected: usize,
    found: usize,
) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_VALUE,
        format!(
            "too many items{}: expected {expected}, found {found}",
            for_place(place)
        ),
    )
    .with_label(node.span, format!("expected {expected} items"))
    .with_help(format!("remove the items after the first {expected}"))
}

/// An error raised by serde or by a type's own `Deserialize`, located at `node`.
pub(crate) fn from_serde(
    ctx: &Decoding<'_>,
    e: SerdeError,
    node: &Node,
    place: Place<'_>,
) -> Diagnostic {
    let span = node.span;
    let at = for_place(place);
    match e {
        SerdeError::Custom(msg) => {
            Diagnostic::error(codes::INVALID_VALUE, format!("invalid value{at}: {msg}"))
                .with_label(span, "invalid value")
                .with_help("check this value against the spec reference (`nexus schema` prints it)")
        }
        SerdeError::InvalidType { found: _, expected } => Diagnostic::error(
            codes::WRONG_TYPE,
            format!(
                "wrong type{at}: expected {expected}, found {}",
                found(ctx, node)
            ),
        )
        .with_label(span, format!("expected {expected}"))
        .with_help(format!("write {expected} here")),
        SerdeError::InvalidValue { found, expected } => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("invalid value{at}: expected {expected}, found {found}"),
        )
        .with_label(span, format!("expected {expected}"))
        .with_help(format!("write {expected} here")),
        SerdeError::InvalidLength { len, expected } => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("wrong number of items{at}: expected {expected}, found {len}"),
        )
        .with_label(span, format!("expected {expected}"))
        .with_help(format!("write {expected} here")),
        SerdeError::UnknownVariant { variant, expected } => {
            unknown_variant(span, &variant, expected, place)
        }
        SerdeError::UnknownField { field, expected } => unknown_key(span, &field, expected, place),
        SerdeError::MissingField(field) => missing_key(span, field, place),
        SerdeError::DuplicateField(field) => {
            Diagnostic::error(codes::DUPLICATE_KEY, format!("duplicate key `{field}`{at}"))
                .with_label(span, format!("`{field}` is given twice in this mapping"))
                .with_help(format!(
                    "`{field}` is given twice (perhaps under another name): keep one"
                ))
        }
    }
}
