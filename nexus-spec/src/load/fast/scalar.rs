//! Scalars of the fast path: plain (block and flow), quoted, and block scalars.

use crate::span::Span;

use super::super::node::{Node, NodeKind};
use super::super::scalar::resolve_plain_str;
use super::{Cursor, Fast};

/// Characters a plain scalar may not start with (the fast path also declines `-`, `?` and
/// `:` there, which YAML allows before a non-space).
pub(super) fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// A flow indicator, which ends a plain scalar inside `[...]` or `{...}`.
fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl Cursor<'_> {
    /// A plain scalar in block context, ending before a comment or the line's end.
    pub(super) fn plain_block(&mut self) -> Fast<Node> {
        let start = self.pos;
        let c = self.peek();
        // `-1` and `-x` are plain scalars; `- ` would be a sequence where none may be.
        if c == b'-' {
            if matches!(self.at(start + 1), b' ' | b'\n' | 0) {
                return None;
            }
        } else if is_indicator(c) {
            return None;
        }
        let mut i = start;
        loop {
            match self.at(i) {
                b'\n' | 0 => break,
                b' ' if self.at(i + 1) == b'#' => break,
                b':' if matches!(self.at(i + 1), b' ' | b'\n' | 0) => return None,
                _ => i += 1,
            }
        }
        let mut end = i;
        while self.at(end - 1) == b' ' {
            end -= 1;
        }
        self.pos = end;
        let span = self.span(start, end);
        Some(Node::new(span, resolve_plain_str(&self.text[start..end])))
    }

    /// A plain scalar inside a flow collection, as its byte range; `key` when it is a flow
    /// mapping's key (which its `: ` ends).
    pub(super) fn plain_flow(&mut self, key: bool) -> Fast<(usize, usize)> {
        let start = self.pos;
        let c = self.peek();
        if c == b'-' {
            let next = self.at(start + 1);
            if matches!(next, b' ' | b'\n' | 0) || is_flow_indicator(next) {
                return None;
            }
        } else if is_indicator(c) {
            return None;
        }
        let mut i = start;
        loop {
            match self.at(i) {
                b'\n' | 0 => return None,
                b' ' if self.at(i + 1) == b'#' => return None,
                c if is_flow_indicator(c) => break,
                b':' if matches!(self.at(i + 1), b' ' | b'\n' | 0)
                    || is_flow_indicator(self.at(i + 1)) =>
                {
                    if key {
                        break;
                    }
                    return None;
                }
                _ => i += 1,
            }
        }
        let mut end = i;
        while self.at(end - 1) == b' ' {
            end -= 1;
        }
        self.pos = end;
        Some((start, end))
    }

    /// A single- or double-quoted scalar that ends on its line: its value and span.
    pub(super) fn quoted(&mut self) -> Fast<(String, Span)> {
        let start = self.pos;
        let quote = self.peek();
        let mut value = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            match self.at(i) {
                b'\n' | 0 => return None,
                b'\'' if quote == b'\'' => {
                    value.push_str(&self.text[run..i]);
                    if self.at(i + 1) == b'\'' {
                        value.push('\'');
                        i += 2;
                        run = i;
                    } else {
                        break;
                    }
                }
                b'"' if quote == b'"' => {
                    value.push_str(&self.text[run..i]);
                    break;
                }
                b'\\' if quote == b'"' => {
                    value.push_str(&self.text[run..i]);
                    i = self.escape(i + 1, &mut value)?;
                    run = i;
                }
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        Some((value, self.span(start, i + 1)))
    }

    /// The escape after a `\` at `i` in a double-quoted scalar: pushes the character,
    /// returns the offset after the escape.
    fn escape(&self, i: usize, value: &mut String) -> Fast<usize> {
        let simple = match self.at(i) {
            b'0' => '\0',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\u{b}',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'e' => '\u{1b}',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i + 1, 2, value),
            b'u' => return self.hex_escape(i + 1, 4, value),
            b'U' => return self.hex_escape(i + 1, 8, value),
            _ => return None,
        };
        value.push(simple);
        Some(i + 1)
    }

    fn hex_escape(&self, i: usize, digits: usize, value: &mut String) -> Fast<usize> {
        let hex = self.text.get(i..i + digits)?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(hex, 16).ok()?;
        value.push(char::from_u32(code)?);
        Some(i + digits)
    }

    /// A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar at `pos`, under a
    /// collection at column `n`, whose lines all have one indentation (a literal one's may
    /// go deeper) and no blank line among or right after them; leaves `pos` at the next
    /// content line.
    pub(super) fn block_scalar(&mut self, n: usize) -> Fast<Node> {
        let folded = self.peek() == b'>';
        self.pos += 1;
        let strip = self.peek() == b'-';
        if strip {
            self.pos += 1;
        }
        if !matches!(self.peek(), b' ' | b'\n' | 0) {
            return None;
        }
        self.end_of_line()?;
        let mut value = String::new();
        let mut indent = None;
        // At the end of the text, unless a line below ends the scalar.
        let mut end = self.b.len();
        // The span starts at the first line's text and ends where the general parser's
        // scanner stops: after the indentation of the line below.
        let mut first: Option<Span> = None;
        while self.pos < self.b.len() {
            // At the newline ending the header or the last content line.
            let line = self.pos + 1;
            let mut i = line;
            while self.at(i) == b' ' {
                i += 1;
            }
            let spaces = i - line;
            if matches!(self.at(i), b'\n' | 0) {
                // A blank line (or trailing spaces at the end): left to the general parser.
                if spaces > 0 || i < self.b.len() {
                    return None;
                }
                end = i;
                break;
            }
            let m = *indent.get_or_insert(spaces);
            if spaces < m {
                end = i;
                break;
            }
            if m <= n || (folded && spaces > m) {
                return None;
            }
            if !value.is_empty() {
                value.push(if folded { ' ' } else { '\n' });
            }
            let line_end = match self.b[i..].iter().position(|&c| c == b'\n') {
                Some(k) => i + k,
                None => self.b.len(),
            };
            value.push_str(&self.text[line + m..line_end]);
            self.pos = line_end;
            self.line += 1;
            self.line_start = line;
            if first.is_none() {
                first = Some(self.span(line + m, line + m));
            }
        }
        let head = first?;
        if !strip {
            value.push('\n');
        }
        self.count()?;
        let span = head.with_len(end - head.start());
        self.next_content()?;
        Some(Node::new(span, NodeKind::Str(value)))
    }
}
