//! The resolution context: collects diagnostics and turns raw values into checked ones.

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::{Span, Spanned};
use crate::suggest;
use crate::values::{self, ImageRef, Quantity};

/// Collects every problem found while resolving one environment.
pub(crate) struct Resolver {
    pub diags: Diagnostics,
}

impl Resolver {
    pub(super) fn new() -> Self {
        Resolver {
            diags: Diagnostics::new(),
        }
    }

    /// Records an error with one label and a help line.
    pub(super) fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::error(code, message)
                .with_label(span, label)
                .with_help(help),
        );
    }

    /// Records a prepared diagnostic.
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Checks a name with `check`; records INVALID_NAME on failure.
    pub(super) fn name(
        &mut self,
        name: &Spanned<String>,
        what: &str,
        check: fn(&str) -> Result<(), String>,
    ) -> bool {
        match check(&name.value) {
            Ok(()) => true,
            Err(msg) => {
                self.error(
                    codes::INVALID_NAME,
                    name.span,
                    format!("invalid {what}: {msg}"),
                    "not a valid name",
                    name_help(what),
                );
                false
            }
        }
    }

    /// An integer within `lo..=hi`, or an error (INVALID_VALUE) and `None`.
    pub(super) fn int(
        &mut self,
        v: &Spanned<i64>,
        lo: i64,
        hi: i64,
        what: &str,
    ) -> Option<Spanned<u32>> {
        self.int_code(v, lo, hi, what, codes::INVALID_VALUE)
    }

    /// Like [`Resolver::int`], with a chosen code.
    pub(super) fn int_code(
        &mut self,
        v: &Spanned<i64>,
        lo: i64,
        hi: i64,
        what: &str,
        code: &'static str,
    ) -> Option<Spanned<u32>> {
        if (lo..=hi).contains(&v.value) {
            u32::try_from(v.value).ok().map(|n| Spanned::new(n, v.span))
        } else {
            self.error(
                code,
                v.span,
                format!("{what} must be from {lo} to {hi}, not {}", v.value),
                "out of range",
                format!("use a value from {lo} to {hi}"),
            );
            None
        }
    }

    /// An optional integer with a default.
    pub(super) fn int_or(
        &mut self,
        v: Option<&Spanned<i64>>,
        default: u32,
        lo: i64,
        hi: i64,
        what: &str,
    ) -> Spanned<u32> {
        match v {
            Some(v) => self
                .int(v, lo, hi, what)
                .unwrap_or(Spanned::new(default, v.span)),
            None => Spanned::detached(default),
        }
    }

    /// A parsed quantity, or an error and `None`.
    pub(super) fn quantity(
        &mut self,
        v: &Spanned<crate::model::QuantityText>,
        what: &str,
    ) -> Option<Spanned<Quantity>> {
        match Quantity::parse(&v.value.0) {
            Ok(q) => Some(Spanned::new(q, v.span)),
            Err(msg) => {
                self.error(
                    codes::INVALID_QUANTITY,
                    v.span,
                    format!("invalid {what}: {msg}"),
                    "not a Kubernetes quantity",
                    "write CPU as cores or millicores (`500m`, `2`) and memory with a binary suffix (`512Mi`, `2Gi`)",
                );
                None
            }
        }
    }

    /// A parsed image reference, or an error and `None`.
    pub(super) fn image(&mut self, v: &Spanned<String>) -> Option<Spanned<ImageRef>> {
        match ImageRef::parse(&v.value) {
            Ok(i) => Some(Spanned::new(i, v.span)),
            Err(msg) => {
                self.error(
                    codes::INVALID_IMAGE,
                    v.span,
                    format!("invalid image reference: {msg}"),
                    "not an image reference",
                    "write `[registry/]repository:tag` or `...@sha256:<digest>`, all lowercase (`registry.example.com/team/api:1.4.0`)",
                );
                None
            }
        }
    }

    /// A duration in seconds, or an error and `None`.
    pub(super) fn duration(&mut self, v: &Spanned<String>, what: &str) -> Option<u64> {
        match values::duration::parse_seconds(&v.value) {
            Ok(s) => Some(s),
            Err(msg) => {
                self.error(
                    codes::INVALID_DURATION,
                    v.span,
                    format!("invalid {what}: {msg}"),
                    "not a duration",
                    "write a number and a unit: `30s`, `5m`, `1h`, `15d`",
                );
                None
            }
        }
    }

    /// Checks free text that reaches a config file (single line, printable).
    pub(super) fn single_line(&mut self, v: &Spanned<String>, what: &str) -> bool {
        self.checked(v, what, values::name::single_line)
    }

    /// Checks a value with `check`; records UNSAFE_VALUE on failure.
    pub(super) fn checked(
        &mut self,
        v: &Spanned<String>,
        what: &str,
        check: fn(&str) -> Result<(), String>,
    ) -> bool {
        match check(&v.value) {
            Ok(()) => true,
            Err(msg) => {
                self.error(
                    codes::UNSAFE_VALUE,
                    v.span,
                    format!("invalid {what}: {msg}"),
                    "cannot be rendered safely",
                    "nexus writes this value into configuration files; remove the offending characters",
                );
                false
            }
        }
    }

    /// Records an unresolved reference with a "did you mean" help.
    pub(super) fn unresolved<'a>(
        &mut self,
        code: &'static str,
        name: &Spanned<String>,
        what: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) {
        let candidates: Vec<&str> = candidates.into_iter().collect();
        let help = match suggest::did_you_mean(&name.value, &candidates) {
            Some(s) => format!("did you mean `{s}`?"),
            None if candidates.is_empty() => format!("declare the {what} first"),
            None => format!("declared {what}s: {}", suggest::list(&candidates)),
        };
        self.error(
            code,
            name.span,
            format!("unknown {what} `{}`", name.value),
            format!("no {what} has this name"),
            help,
        );
    }
}

fn name_help(what: &str) -> String {
    if what.contains("variable") {
        "use letters, digits and `_`, starting with a letter or `_` (`DATABASE_URL`)".into()
    } else if what.contains("port name") {
        "use at most 15 lowercase letters, digits and `-`, with at least one letter (`http`)".into()
    } else if what.contains("host") {
        "use a DNS name such as `nexus.example.com`".into()
    } else {
        "use lowercase letters, digits and `-`, at most 63 characters, starting and ending with a letter or digit (`nexus-backend`)".into()
    }
}
