//! Flow collections of the fast path (`[a, b]`, `{ k: v }`), each on one line.

use crate::span::Spanned;

use super::super::node::{Node, NodeKind};
use super::super::scalar::resolve_plain_str;
use super::{Cursor, Fast};

impl Cursor<'_> {
    /// A flow collection or a scalar inside one, at `pos`.
    pub(super) fn flow_node(&mut self, depth: usize) -> Fast<Node> {
        match self.peek() {
            b'[' => self.flow_seq(depth),
            b'{' => self.flow_map(depth),
            b'\'' | b'"' => {
                let (value, span) = self.quoted()?;
                self.count()?;
                Some(Node::new(span, NodeKind::Str(value)))
            }
            _ => {
                let (start, end) = self.plain_flow(false)?;
                self.count()?;
                let kind = resolve_plain_str(&self.text[start..end]);
                Some(Node::new(self.span(start, end), kind))
            }
        }
    }

    fn flow_seq(&mut self, depth: usize) -> Fast<Node> {
        self.depth_ok(depth)?;
        self.count()?;
        let start = self.pos;
        self.pos += 1;
        self.skip_spaces();
        // On the cursor's stack, as block collections are, so the sequence is allocated
        // once at its size.
        let base = self.items.len();
        if self.peek() != b']' {
            loop {
                let item = self.flow_node(depth + 1)?;
                self.items.push(item);
                self.skip_spaces();
                if !self.flow_separator(b']')? {
                    break;
                }
            }
        }
        self.pos += 1;
        let items = self.items.drain(base..).collect();
        Some(Node::new(self.span(start, self.pos), NodeKind::Seq(items)))
    }

    fn flow_map(&mut self, depth: usize) -> Fast<Node> {
        self.depth_ok(depth)?;
        self.count()?;
        let start = self.pos;
        self.pos += 1;
        self.skip_spaces();
        let base = self.entries.len();
        if self.peek() != b'}' {
            loop {
                let (key, span) = match self.peek() {
                    b'\'' | b'"' => self.quoted()?,
                    _ => {
                        let (start, end) = self.plain_flow(true)?;
                        (self.text[start..end].to_owned(), self.span(start, end))
                    }
                };
                self.count()?;
                if key == "<<" || self.entries[base..].iter().any(|(k, _)| k.value == key) {
                    return None;
                }
                if self.peek() != b':' || self.at(self.pos + 1) != b' ' {
                    return None;
                }
                self.pos += 1;
                self.skip_spaces();
                let value = self.flow_node(depth + 1)?;
                self.entries.push((Spanned::new(key, span), value));
                self.skip_spaces();
                if !self.flow_separator(b'}')? {
                    break;
                }
            }
        }
        self.pos += 1;
        let entries = self.entries.drain(base..).collect();
        Some(Node::new(
            self.span(start, self.pos),
            NodeKind::Map(entries),
        ))
    }

    /// After an item: `,` and more items (`true`), or the closing bracket at `pos`
    /// (`false`); declines anything else and a trailing comma.
    fn flow_separator(&mut self, close: u8) -> Fast<bool> {
        match self.peek() {
            b',' => {
                self.pos += 1;
                if self.skip_spaces() == 0 {
                    return None;
                }
                let next = self.peek();
                (next != close && next != b',' && next != b'\n' && next != 0).then_some(true)
            }
            c if c == close => Some(false),
            _ => None,
        }
    }
}
