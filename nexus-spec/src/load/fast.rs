//! The fast path of [`super::parse()`]: a parser for the YAML that specs are written in,
//! building the very tree (values and spans) the general parser builds, straight from the
//! bytes, or declining.
//!
//! It reads block mappings and sequences (indentless and compact ones too), single-line flow
//! collections, single-line plain, single- and double-quoted scalars, literal and folded
//! block scalars of one indentation, and comments. Anything else (anchors, aliases, tags,
//! directives, document markers, complex or duplicate keys, merge keys, multi-line scalars,
//! tabs, carriage returns, a byte-order mark, control characters, deep nesting, any syntax
//! error) makes it decline: [`parse`] returns `None` and the whole document goes to the
//! general parser, which alone reports problems. So the fast path never decides what a
//! document means in a case the general parser would treat otherwise, and every diagnostic
//! keeps coming from one place. The tests in `fast/tests.rs` check the trees equal over every
//! YAML file of the repository, edge cases and random documents (docs/decisions/0024).

mod block;
mod flow;
mod scalar;

use crate::span::{FileId, Span, Spanned, saturate};

use super::limits::Limits;
use super::node::Node;

/// `None`: the document is outside the subset (or invalid): use the general parser.
type Fast<T> = Option<T>;

/// Deepest nesting the fast path takes, whatever [`Limits::max_depth`] allows.
const MAX_DEPTH: usize = 48;

/// Parses `text` if it is within the fast path's subset of YAML.
pub(crate) fn parse(text: &str, file: FileId, limits: &Limits) -> Option<Node> {
    if !plain_text(text.as_bytes()) {
        return None;
    }
    let mut c = Cursor {
        text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        file,
        limits: *limits,
        nodes: 0,
        indent: None,
        entries: Vec::new(),
        items: Vec::new(),
    };
    c.content_from_line_start()?;
    // The root is a collection at the left margin.
    if c.indent != Some(0) {
        return None;
    }
    let root = c.block_node(0, 1)?;
    (c.indent.is_none() && c.pos == c.b.len()).then_some(root)
}

/// Whether the text is free of what the fast path leaves to the general parser wherever
/// it occurs: tabs, carriage returns and other control characters, NEL, the Unicode line
/// and paragraph separators, byte-order marks and the non-characters U+FFFE and U+FFFF.
fn plain_text(b: &[u8]) -> bool {
    // Chunks of printable ASCII and newlines (nearly all of a spec) are checked without a
    // branch per byte; a chunk with anything else is checked byte by byte.
    let mut start = 0;
    for chunk in b.chunks(32) {
        let printable = chunk.iter().fold(true, |ok, &c| {
            ok & ((c.wrapping_sub(0x20) < 0x5F) | (c == b'\n'))
        });
        if !printable && !(start..start + chunk.len()).all(|i| allowed_at(b, i)) {
            return false;
        }
        start += chunk.len();
    }
    true
}

/// Whether the byte at `i` is allowed by [`plain_text`].
fn allowed_at(b: &[u8], i: usize) -> bool {
    match b[i] {
        0..=0x09 | 0x0B..=0x1F | 0x7F => false,
        // U+0080..U+009F (C1 controls, NEL among them).
        0xC2 => !matches!(b.get(i + 1), Some(0x80..=0x9F)),
        // U+2028, U+2029.
        0xE2 => !(b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9))),
        // U+FEFF (BOM), U+FFFE, U+FFFF.
        0xEF => {
            !((b.get(i + 1) == Some(&0xBB) && b.get(i + 2) == Some(&0xBF))
                || (b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF))))
        }
        _ => true,
    }
}

/// The reading position, with the line it is on.
struct Cursor<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    /// 1-based line of `pos`.
    line: u32,
    /// Byte offset of the start of that line.
    line_start: usize,
    file: FileId,
    limits: Limits,
    /// Values so far (keys included), against [`Limits::max_nodes`].
    nodes: usize,
    /// Indentation of the content line `pos` is on (at its first character), `None` at the
    /// end of the text. Set by [`Cursor::next_content`].
    indent: Option<usize>,
    /// The entries of the open mappings, innermost last: each mapping takes its own off the
    /// end when it closes, into a vector of exactly their number (no growth, no slack).
    entries: Vec<(Spanned<String>, Node)>,
    /// The items of the open sequences, likewise.
    items: Vec<Node>,
}

impl Cursor<'_> {
    fn peek(&self) -> u8 {
        self.b.get(self.pos).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// The span of `start..end`, both on the current line.
    fn span(&self, start: usize, end: usize) -> Span {
        let before = &self.b[self.line_start..start];
        let column = if before.is_ascii() {
            before.len()
        } else {
            self.text[self.line_start..start].chars().count()
        };
        Span::at(
            self.file,
            start,
            end - start,
            self.line,
            saturate(column + 1),
        )
    }

    /// Counts one more value; declines past the node budget.
    fn count(&mut self) -> Fast<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    /// Declines nesting anywhere near the depth limit (the general parser counts block
    /// nesting its own way; a real spec nests about ten deep), and past [`MAX_DEPTH`]
    /// whatever the limit: the fast path recurses, the general parser does not.
    fn depth_ok(&self, depth: usize) -> Fast<()> {
        (depth <= MAX_DEPTH && depth.saturating_mul(2) <= self.limits.max_depth).then_some(())
    }

    fn skip_spaces(&mut self) -> usize {
        let from = self.pos;
        while self.peek() == b' ' {
            self.pos += 1;
        }
        self.pos - from
    }

    /// After a value: spaces, then an optional comment, then the end of the line.
    fn end_of_line(&mut self) -> Fast<()> {
        let spaces = self.skip_spaces();
        match self.peek() {
            // The text holds no NUL (see `plain_text`): 0 is its end.
            b'\n' | 0 => Some(()),
            b'#' if spaces > 0 => {
                self.skip_to_newline();
                Some(())
            }
            _ => None,
        }
    }

    fn skip_to_newline(&mut self) {
        self.pos = match self.b[self.pos..].iter().position(|&c| c == b'\n') {
            Some(i) => self.pos + i,
            None => self.b.len(),
        };
    }

    /// From the end of a line (its newline or the end of the text), on to the first
    /// character of the next content line, past blank and comment lines.
    fn next_content(&mut self) -> Fast<()> {
        if self.past_newline() {
            self.content_from_line_start()
        } else {
            Some(())
        }
    }

    /// Steps over the newline at `pos` to the next line's start; at the end of the text,
    /// marks it ended (no indentation) and returns `false`.
    fn past_newline(&mut self) -> bool {
        if self.pos >= self.b.len() {
            self.indent = None;
            return false;
        }
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
        true
    }

    /// Like [`Cursor::next_content`], from the start of a line.
    fn content_from_line_start(&mut self) -> Fast<()> {
        loop {
            let indent = self.skip_spaces();
            match self.peek() {
                _ if self.pos >= self.b.len() => {
                    self.indent = None;
                    return Some(());
                }
                b'\n' => {}
                b'#' => self.skip_to_newline(),
                _ => {
                    let rest = &self.b[self.pos..];
                    if indent == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
                        return None;
                    }
                    self.indent = Some(indent);
                    return Some(());
                }
            }
            if !self.past_newline() {
                return Some(());
            }
        }
    }

    /// Whether `pos` is at a sequence entry's `-`.
    fn at_dash(&self) -> bool {
        self.peek() == b'-' && matches!(self.at(self.pos + 1), b' ' | b'\n' | 0)
    }
}

#[cfg(test)]
mod tests;
