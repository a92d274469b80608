//! Wording of the YAML tree builder's diagnostics: message, label and help line, one
//! function per problem (see [`super::parse`] for when each is reported).

use granit_parser::ErrorKind;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};

/// A second `---` document in the stream.
pub(super) fn multiple_documents(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::MULTIPLE_DOCUMENTS,
        "the file holds more than one YAML document",
    )
    .with_label(span, "a second document starts here")
    .with_help(
        "a nexus spec file holds exactly one document: remove the `---` \
         or move the second document to a file of its own",
    )
}

/// Aliases that would expand to more than `max` values; this one adds `n`.
pub(super) fn alias_values(span: Span, n: usize, max: usize) -> Diagnostic {
    Diagnostic::error(
        codes::ALIAS_BUDGET,
        format!("aliases expand to more than {max} values"),
    )
    .with_label(span, format!("this alias would add {n} values"))
    .with_help(format!(
        "nexus expands each alias by copying what it refers to, up to {max} values in all; \
         nested aliases multiply (an \"alias bomb\"): refer to the values directly instead"
    ))
}

/// A document of more than `max` values, without aliases.
pub(super) fn too_many_values(span: Span, max: usize) -> Diagnostic {
    Diagnostic::error(
        codes::TOO_LARGE,
        format!("the document holds more than {max} values"),
    )
    .with_label(span, "the limit is reached here")
    .with_help(format!(
        "nexus reads up to {max} values per spec file; split the spec into several files"
    ))
}

/// Aliases that would copy more than `max` bytes of text; this one adds `n`.
pub(super) fn alias_bytes(span: Span, n: usize, max: usize) -> Diagnostic {
    Diagnostic::error(
        codes::ALIAS_BUDGET,
        format!("aliases expand to more than {max} bytes of text"),
    )
    .with_label(span, format!("this alias would add {n} bytes"))
    .with_help(format!(
        "nexus expands each alias by copying what it refers to, up to {max} bytes of \
         text in all (the size of the largest file it reads): refer to the values \
         directly instead"
    ))
}

/// An explicit tag such as `!foo`.
pub(super) fn explicit_tag(span: Span, tag: &str) -> Diagnostic {
    Diagnostic::error(
        codes::UNSUPPORTED,
        format!("explicit YAML tags such as `{tag}` are not supported"),
    )
    .with_label(span, "tag")
    .with_help(
        "remove the tag: nexus reads the type from the value itself \
         (quote a value to make it a string)",
    )
}

/// A merge key (`<<`).
pub(super) fn merge_key(span: Span) -> Diagnostic {
    Diagnostic::error(codes::UNSUPPORTED, "merge keys (`<<`) are not supported")
        .with_label(span, "merge key")
        .with_help(
            "write the keys out, or give the whole value as an alias \
             (`key: *anchor`)",
        )
}

/// An alias whose anchor was never defined (the parser refuses it first; a safety net).
pub(super) fn unknown_anchor(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, format!("alias `{name}` has no anchor"))
        .with_label(span, "unknown anchor")
        .with_help("define the anchor (`&name`) before the alias that uses it")
}

/// An alias inside the collection it refers to.
pub(super) fn recursive_alias(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        codes::UNSUPPORTED,
        format!("alias `{name}` refers to a collection that contains it"),
    )
    .with_label(span, "recursive alias")
    .with_help("an alias cannot be used inside the value it refers to")
}

/// A key repeated in one mapping, labelled at both occurrences.
pub(super) fn duplicate_key(key: &Spanned<String>, first: Span) -> Diagnostic {
    Diagnostic::error(
        codes::DUPLICATE_KEY,
        format!("duplicate key `{}`", key.value),
    )
    .with_label(key.span, "repeated here")
    .with_label(first, "first defined here")
    .with_help("a mapping cannot hold a key twice: remove one of them or merge them")
}

/// A mapping or sequence used as a key.
pub(super) fn complex_key(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::UNSUPPORTED,
        "mapping keys must be plain strings, not mappings or sequences",
    )
    .with_label(span, "complex key")
    .with_help("use a string as the key")
}

/// Nesting deeper than `max` levels.
pub(super) fn too_deep(span: Span, max: usize) -> Diagnostic {
    Diagnostic::error(codes::TOO_DEEP, format!("nesting deeper than {max} levels"))
        .with_label(span, "too deep")
        .with_help(format!(
            "nexus reads mappings and sequences nested up to {max} levels; \
             a spec never needs more, so check for unclosed brackets"
        ))
}

/// A syntax error of the parser, with its own message (`info`, maybe empty).
pub(super) fn syntax(span: Span, info: &str, kind: &ErrorKind) -> Diagnostic {
    let message = if info.is_empty() {
        "YAML syntax error".to_owned()
    } else {
        format!("YAML syntax error: {info}")
    };
    Diagnostic::error(codes::SYNTAX, message)
        .with_label(span, "here")
        .with_help(syntax_help(kind))
}

/// No document, or a document with nothing in it.
pub(super) fn empty(span: Span) -> Diagnostic {
    Diagnostic::error(codes::EMPTY, "the file holds no YAML document")
        .with_label(span, "empty")
        .with_help(
            "a spec file holds one YAML mapping, starting with \
             `apiVersion: nexus.dev/v1alpha1`",
        )
}

/// An alias the builder recorded but cannot expand: a bug in nexus, reported not panicked.
pub(super) fn unexpandable_alias(span: Span) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, "internal error: cannot expand this alias")
        .with_label(span, "alias")
        .with_help("please report this as a nexus bug, with the spec file")
}

/// A help line for a parser error.
fn syntax_help(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::UnclosedQuotedScalar => "close the quoted string with its matching quote".into(),
        ErrorKind::UnclosedFlowCollection { open } => {
            let close = if *open == '[' { ']' } else { '}' };
            format!("close the `{open}` with a `{close}`")
        }
        ErrorKind::MismatchedFlowCollectionEnd { open, close } => {
            format!("a `{open}` must be closed by its own bracket, not by `{close}`")
        }
        ErrorKind::TabInIndentation
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabNotAllowed
        | ErrorKind::TabAtBlockScalarStart
        | ErrorKind::TabInPlainScalar => "YAML indentation uses spaces, never tabs".into(),
        ErrorKind::UnknownAnchor => {
            "define the anchor (`&name`) before the alias (`*name`) that uses it".into()
        }
        ErrorKind::MappingValueNotAllowed | ErrorKind::InvalidMappingValueWhitespace => {
            "a `: ` inside a plain value starts a mapping: quote the value, or check the \
             indentation"
                .into()
        }
        ErrorKind::InvalidIndentation
        | ErrorKind::ExpectedBlockMappingKey
        | ErrorKind::ExpectedBlockSequenceEntry
        | ErrorKind::BlockSequenceEntryNotAllowed
        | ErrorKind::InvalidBlockScalarIndent => {
            "check the indentation: keys of one mapping line up, and a value nested under a key \
             is indented further than the key"
                .into()
        }
        ErrorKind::UnexpectedCharacter { character } if character.is_control() => format!(
            "remove the control character U+{:04X}: YAML text cannot contain it",
            u32::from(*character)
        ),
        ErrorKind::UnexpectedCharacter { character } => {
            format!("`{character}` is not allowed here unquoted: quote the value")
        }
        _ => "fix the YAML syntax here; quoting a value that contains `:`, `#`, `[` or `{` \
              often helps"
            .into(),
    }
}
