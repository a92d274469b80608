//! Block collections of the fast path: mappings, sequences, and what follows a `key:` or
//! a `- `.

use std::collections::HashSet;

use crate::span::{Span, Spanned};

use super::super::node::{Node, NodeKind};
use super::{Cursor, Fast};

/// Mappings with more entries than this check duplicates with a hash set.
const INDEX_FROM: usize = 16;

/// What a value follows, which decides what may come after it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    /// A mapping key's `:` at this offset (an empty value is a null there).
    Key(usize),
    /// A sequence entry's `-`.
    Dash,
}

impl<'t> Cursor<'t> {
    /// The collection starting at `pos`, the first character of a line indented by `n`.
    pub(super) fn block_node(&mut self, n: usize, depth: usize) -> Fast<Node> {
        self.depth_ok(depth)?;
        if self.at_dash() {
            self.block_seq(n, depth, false)
        } else {
            self.block_map(n, depth)
        }
    }

    /// A block mapping whose keys are at column `n` (0-based), starting at `pos`.
    fn block_map(&mut self, n: usize, depth: usize) -> Fast<Node> {
        self.depth_ok(depth)?;
        self.count()?;
        let start = self.span(self.pos, self.pos);
        let mut end = start.offset;
        let base = self.entries.len();
        let mut index: Option<HashSet<String>> = None;
        loop {
            let key = self.key()?;
            self.count()?;
            if is_duplicate(&self.entries[base..], &mut index, &key.value) {
                return None;
            }
            end = end.max(key.span.offset + key.span.len);
            let colon = self.pos - 1;
            let value = self.value(n, depth, After::Key(colon))?;
            end = end.max(value.span.offset + value.span.len);
            self.entries.push((key, value));
            match self.indent {
                Some(m) if m == n && !self.at_dash() => {}
                Some(m) if m < n => break,
                None => break,
                _ => return None,
            }
        }
        let span = Span {
            len: end - start.offset,
            ..start
        };
        let entries = self.entries.drain(base..).collect();
        Some(Node::new(span, NodeKind::Map(entries)))
    }

    /// A block sequence whose `-` are at column `n`, starting at `pos`.
    /// An indentless one (a mapping's value, its `-` at the mapping's column) starts at its
    /// first entry's value, as the general parser has it.
    fn block_seq(&mut self, n: usize, depth: usize, indentless: bool) -> Fast<Node> {
        self.depth_ok(depth)?;
        self.count()?;
        let mut start = self.span(self.pos, self.pos);
        let mut end = start.offset;
        let base = self.items.len();
        loop {
            self.pos += 1; // the `-`
            if indentless && self.items.len() == base {
                start = self.first_token()?;
            }
            let item = self.value(n, depth, After::Dash)?;
            end = end.max(item.span.offset + item.span.len);
            self.items.push(item);
            match self.indent {
                Some(m) if m == n && self.at_dash() => {}
                // A line at `n` that is not an entry ends an indentless sequence; the
                // mapping around it checks that it is one of its keys.
                Some(m) if m <= n => break,
                None => break,
                _ => return None,
            }
        }
        let span = Span {
            len: end - start.offset,
            ..start
        };
        let items = self.items.drain(base..).collect();
        Some(Node::new(span, NodeKind::Seq(items)))
    }

    /// Where the first token after `pos` is, on this line (declines an entry that starts
    /// on a later line).
    fn first_token(&self) -> Fast<Span> {
        let mut i = self.pos;
        while self.at(i) == b' ' {
            i += 1;
        }
        (!matches!(self.at(i), b'\n' | 0 | b'#')).then(|| self.span(i, i))
    }

    /// The value after a key's `:` or an entry's `-` (at `pos`, right after it) in a
    /// collection at column `n`; leaves `pos` at the next content line.
    fn value(&mut self, n: usize, depth: usize, after: After) -> Fast<Node> {
        let spaces = self.skip_spaces();
        let c = self.peek();
        if c == b'\n' || c == 0 || (c == b'#' && spaces > 0) {
            // Nothing on this line: the value is the block below, or empty.
            let empty = match after {
                After::Key(colon) => Some(self.span(colon, colon)),
                After::Dash => None,
            };
            self.skip_to_newline();
            self.next_content()?;
            return match self.indent {
                Some(m) if m > n => self.block_node(m, depth + 1),
                // An indentless sequence as a mapping's value.
                Some(m) if m == n && after != After::Dash && self.at_dash() => {
                    self.block_seq(n, depth + 1, true)
                }
                _ => empty.map(|span| Node::new(span, NodeKind::Null)),
            };
        }
        if spaces == 0 && after == After::Dash {
            return None;
        }
        if after == After::Dash {
            // A compact collection: `- key: value` or `- - item`.
            let col = self.pos - self.line_start;
            if self.at_dash() {
                return self.block_seq(col, depth + 1, false);
            }
            if self.key_ahead() {
                return self.block_map(col, depth + 1);
            }
        }
        if c == b'|' || c == b'>' {
            return self.block_scalar(n);
        }
        let node = self.inline(depth + 1)?;
        self.end_of_line()?;
        self.next_content()?;
        Some(node)
    }

    /// A scalar or flow collection that fits on the current line.
    fn inline(&mut self, depth: usize) -> Fast<Node> {
        match self.peek() {
            b'[' | b'{' => self.flow_node(depth),
            b'\'' | b'"' => {
                let (value, span) = self.quoted()?;
                self.count()?;
                Some(Node::new(span, NodeKind::Str(value)))
            }
            _ => {
                let node = self.plain_block()?;
                self.count()?;
                Some(node)
            }
        }
    }

    /// A mapping key and its `:`; `pos` ends after the `:`.
    fn key(&mut self) -> Fast<Spanned<String>> {
        let (value, span) = match self.peek() {
            b'\'' | b'"' => self.quoted()?,
            c if super::scalar::is_indicator(c) => return None,
            _ => {
                let start = self.pos;
                let end = self.plain_key_end()?;
                let text = &self.text[start..end];
                if text == "<<" {
                    return None;
                }
                self.pos = end;
                (text.to_owned(), self.span(start, end))
            }
        };
        if self.peek() != b':' || !matches!(self.at(self.pos + 1), b' ' | b'\n' | 0) {
            return None;
        }
        self.pos += 1;
        Some(Spanned::new(value, span))
    }

    /// The end of a plain key at `pos` (where its `:` is), or `None`.
    fn plain_key_end(&self) -> Fast<usize> {
        let mut i = self.pos;
        loop {
            match self.at(i) {
                b':' if matches!(self.at(i + 1), b' ' | b'\n' | 0) => {
                    return (i > self.pos && self.at(i - 1) != b' ').then_some(i);
                }
                b'\n' | 0 | b'#' | b'[' | b']' | b'{' | b'}' | b',' => return None,
                _ => i += 1,
            }
        }
    }

    /// Whether a mapping key starts at `pos`.
    fn key_ahead(&mut self) -> bool {
        let c = self.peek();
        if c == b'\'' || c == b'"' {
            let (pos, line, line_start) = (self.pos, self.line, self.line_start);
            let found = self.quoted().is_some()
                && self.peek() == b':'
                && matches!(self.at(self.pos + 1), b' ' | b'\n' | 0);
            (self.pos, self.line, self.line_start) = (pos, line, line_start);
            return found;
        }
        !super::scalar::is_indicator(c) && self.plain_key_end().is_some()
    }
}

/// Whether `key` is already in the mapping; keeps a hash set once it is large.
fn is_duplicate(
    entries: &[(Spanned<String>, Node)],
    index: &mut Option<HashSet<String>>,
    key: &str,
) -> bool {
    match index {
        Some(set) => !set.insert(key.to_owned()),
        None if entries.len() >= INDEX_FROM => {
            let mut set: HashSet<String> = entries.iter().map(|(k, _)| k.value.clone()).collect();
            let dup = !set.insert(key.to_owned());
            *index = Some(set);
            dup
        }
        None => entries.iter().any(|(k, _)| k.value == key),
    }
}
