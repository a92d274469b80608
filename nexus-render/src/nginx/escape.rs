//! Escaping for Nginx's configuration syntax: the one place a value becomes config text.
//!
//! Every `{{ value }}` in a template goes through [`formatter`], which writes it as exactly
//! one Nginx argument token:
//! - integers are written as they are;
//! - a string made only of `[A-Za-z0-9._/:=@+,%~-]` is written bare (it can hold nothing
//!   Nginx's tokenizer treats specially);
//! - any other string is written in double quotes, with `\` and `"` escaped, so `;`, `{`, `}`,
//!   `#`, `'` and spaces stay inside the one argument;
//! - control characters (newline, carriage return, tab, NUL, DEL, ...) and `$` are refused:
//!   Nginx turns `\n` in quotes into a real line break and has no escape for `$`, which
//!   would name a variable;
//! - every other kind of value (booleans, lists, undefined) is refused, so a template bug
//!   cannot print `none` or `[...]` into a config.
//!
//! Strings marked "safe" get no special treatment: there is no way to print raw text.

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Error, ErrorKind, Output, State};

/// The auto-escape mode name of Nginx templates.
pub(super) const MODE: &str = "nginx";

/// Why a string cannot become an Nginx argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refused {
    /// It holds a control character (a line break, tab, NUL, ...).
    Control(char),
    /// It holds `$`, which Nginx reads as a variable and cannot escape.
    Dollar,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Control(c) => write!(
                f,
                "holds the control character U+{:04X}, which could end the directive",
                u32::from(*c)
            ),
            Refused::Dollar => f.write_str("holds `$`, which Nginx would read as a variable"),
        }
    }
}

/// Checks a string for what no Nginx argument may hold.
pub(super) fn check(s: &str) -> Result<(), Refused> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(Refused::Control(c));
    }
    if s.contains('$') {
        return Err(Refused::Dollar);
    }
    Ok(())
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '.' | '_' | '/' | ':' | '=' | '@' | '+' | ',' | '%' | '~' | '-'
        )
}

/// A string as one Nginx argument token: bare when it can be, else double-quoted.
pub(super) fn argument(s: &str) -> Result<String, Refused> {
    check(s)?;
    if !s.is_empty() && s.chars().all(is_bare) {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// The minijinja formatter of Nginx templates (see the module docs).
pub(super) fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if *state.auto_escape() != AutoEscape::Custom(MODE.into()) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "only Nginx templates are rendered here",
        ));
    }
    let text = match value.kind() {
        ValueKind::Number if value.is_integer() => value
            .as_i64()
            .map(|n| n.to_string())
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "integer out of range"))?,
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default();
            argument(s).map_err(|why| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!(
                        "refusing to write `{}` into the Nginx config: it {why}",
                        s.escape_debug()
                    ),
                )
            })?
        }
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("refusing to print a {other} into the Nginx config"),
            ));
        }
    };
    out.write_str(&text).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_bare_or_quoted() {
        assert_eq!(argument("nexus.example.com").unwrap(), "nexus.example.com");
        assert_eq!(
            argument("default-src 'self'; x").unwrap(),
            "\"default-src 'self'; x\""
        );
        assert_eq!(argument(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(argument("a\nb").is_err());
        assert!(argument("$host").is_err());
    }

    #[test]
    fn refuses_line_breaks_controls_and_dollars() {
        for bad in [
            "a\nb", "a\rb", "a\tb", "a\0b", "a\u{7f}b", "a\u{85}b", "$x", "a${b}",
        ] {
            assert!(argument(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quotes_everything_tokenizer_relevant() {
        for s in [
            "", "a b", "a;b", "a{b", "a}b", "a#b", "a'b", "\"", "\\", "a\\nb",
        ] {
            let q = argument(s).unwrap();
            assert!(q.starts_with('"') && q.ends_with('"'), "{s:?} -> {q}");
            let inner = &q[1..q.len() - 1];
            // Inside, every quote and backslash is escaped: unescaping gives the input back.
            let mut unescaped = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let next = chars.next().unwrap();
                    assert!(matches!(next, '"' | '\\'), "{q}");
                    unescaped.push(next);
                } else {
                    assert_ne!(c, '"', "{q}");
                    unescaped.push(c);
                }
            }
            assert_eq!(unescaped, s);
        }
    }
}
