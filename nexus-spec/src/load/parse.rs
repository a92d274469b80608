//! From text to a [`Node`] tree: granit-parser events, spans, structural checks and alias
//! expansion under a node budget.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::ControlFlow;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, StructureStyle};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::{FileId, Span, Spanned, saturate};

use super::decode::check_size;
use super::limits::Limits;
use super::node::{Node, NodeKind};
use super::scalar::resolve_plain;

mod report;

/// Mappings with more entries than this get a hash index for the duplicate-key check.
const INDEX_FROM: usize = 16;

/// Parses one YAML document into a [`Node`] tree with a span on every value.
///
/// Every structural problem of the file is reported, each as a [`Diagnostic`] with a code
/// from [`crate::codes`], a label and a help line:
///
/// - text longer than [`Limits::max_bytes`]: [`crate::codes::TOO_LARGE`] (nothing else is checked);
/// - a syntax error: [`crate::codes::SYNTAX`], with the parser's message and position (the parser
///   cannot go on after one, so later problems are not seen);
/// - a key repeated in a mapping: [`crate::codes::DUPLICATE_KEY`], labelling both occurrences;
/// - an explicit tag (`!foo`), a complex key (a mapping or sequence as a key), a merge key
///   (`<<`) or an alias that refers to a collection containing it: [`crate::codes::UNSUPPORTED`];
/// - a second document in the stream: [`crate::codes::MULTIPLE_DOCUMENTS`];
/// - no document, or a document with nothing in it: [`crate::codes::EMPTY`];
/// - nesting deeper than [`Limits::max_depth`]: [`crate::codes::TOO_DEEP`];
/// - more than [`Limits::max_nodes`] values once aliases are expanded:
///   [`crate::codes::ALIAS_BUDGET`] (or [`crate::codes::TOO_LARGE`] when no alias is involved);
/// - aliases that copy more than [`Limits::max_bytes`] of scalar text in all:
///   [`crate::codes::ALIAS_BUDGET`].
///
/// The last five stop the parse; the others are collected and parsing goes on.
///
/// Aliases are expanded by copying the anchored value. The copy's top node takes the span of
/// the alias (`*name`), the values inside keep the spans of the original. Each anchored
/// subtree's expanded size is known when the alias is met, so an alias bomb is refused before
/// any copy is made. Nothing here recurses on the input's nesting: the depth limit is enforced
/// (by the parser and here) before a deep tree can exist.
///
/// ```
/// use nexus_spec::{FileId, load::{parse, Limits, NodeKind}};
/// let node = parse("name: api\nreplicas: 3\n", FileId(0), &Limits::default()).unwrap();
/// let replicas = node.get("replicas").unwrap();
/// assert_eq!(replicas.kind, NodeKind::Int(3));
/// assert_eq!((replicas.span.line, replicas.span.column), (2, 11));
/// ```
pub fn parse(text: &str, file: FileId, limits: &Limits) -> Result<Node, Diagnostics> {
    check_size(text.len(), file, limits)?;
    // The common case, several times faster; it declines whatever it does not handle
    // exactly like the general parser (docs/decisions/0024-fast-path-yaml-loader.md).
    if let Some(node) = super::fast::parse(text, file, limits) {
        return Ok(node);
    }
    Builder::new(text, file, *limits).run()
}

/// [`parse()`] without its fast path: the general parser (granit-parser's events) for
/// every document. The result is the same; it exists for the fast path's equivalence tests
/// and for `nexus-bench`, which measures both.
///
/// ```
/// use nexus_spec::{FileId, load::{parse, parse_general, Limits}};
/// let text = "name: api\nports: [80, 443]\n";
/// let limits = Limits::default();
/// assert_eq!(parse(text, FileId(0), &limits).ok(), parse_general(text, FileId(0), &limits).ok());
/// ```
pub fn parse_general(text: &str, file: FileId, limits: &Limits) -> Result<Node, Diagnostics> {
    check_size(text.len(), file, limits)?;
    Builder::new(text, file, *limits).run()
}

/// Builds the tree from parser events with an explicit stack (no recursion).
struct Builder<'t> {
    text: &'t str,
    file: FileId,
    limits: Limits,
    diags: Vec<Diagnostic>,
    /// The open collections, outermost first.
    stack: Vec<Frame>,
    /// For each open collection but the outermost, its index in its parent.
    path: Vec<usize>,
    root: Option<Node>,
    /// Values so far, counting every alias as the size of what it expands to.
    nodes: usize,
    /// Bytes of scalar text (keys included) that aliases have copied so far.
    alias_bytes: usize,
    anchors: HashMap<usize, Anchor>,
    /// Aliases of collections, to be expanded once the whole tree is known to be valid.
    fixups: Vec<Fixup>,
    documents: usize,
}

struct Frame {
    /// Start of the collection (`len` is set when it closes).
    start: Span,
    flow: bool,
    anchor: usize,
    /// Expanded node count of the collection so far, itself included.
    size: usize,
    /// Expanded bytes of scalar text (keys included) in the collection so far.
    bytes: usize,
    /// Byte offset of the end of the furthest child so far.
    end: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map(MapBody),
}

struct MapBody {
    entries: Vec<(Spanned<String>, Node)>,
    key: KeyState,
    /// Key → span of its first occurrence, once the mapping is large.
    index: Option<HashMap<String, Span>>,
}

/// Where a mapping is between its key and value events.
enum KeyState {
    /// The next value is a key.
    Expect,
    /// The next value belongs to this key.
    Have(Spanned<String>),
    /// The next value is dropped (its key was refused).
    Discard,
}

enum Anchor {
    /// An anchored scalar: copied on the spot, and usable as a key.
    Scalar { kind: NodeKind, key: String },
    /// An anchored collection that is still open.
    Open,
    /// An anchored collection: where it is in the tree, its expanded node count and its
    /// expanded bytes of scalar text.
    Collection {
        path: Vec<usize>,
        size: usize,
        bytes: usize,
    },
}

/// A placeholder at `at` to be replaced by a copy of the collection at `target`.
struct Fixup {
    target: Vec<usize>,
    at: Vec<usize>,
    span: Span,
}

impl MapBody {
    fn first_occurrence(&self, key: &str) -> Option<Span> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .find(|(k, _)| k.value == key)
                .map(|(k, _)| k.span),
        }
    }

    fn push(&mut self, key: Spanned<String>, value: Node) {
        match &mut self.index {
            Some(index) => {
                index.insert(key.value.clone(), key.span);
            }
            None if self.entries.len() >= INDEX_FROM => {
                let mut index: HashMap<String, Span> = self
                    .entries
                    .iter()
                    .map(|(k, _)| (k.value.clone(), k.span))
                    .collect();
                index.insert(key.value.clone(), key.span);
                self.index = Some(index);
            }
            None => {}
        }
        self.entries.push((key, value));
    }
}

type Flow = ControlFlow<()>;

impl<'t> Builder<'t> {
    fn new(text: &'t str, file: FileId, limits: Limits) -> Self {
        Builder {
            text,
            file,
            limits,
            diags: Vec::new(),
            stack: Vec::new(),
            path: Vec::new(),
            root: None,
            nodes: 0,
            alias_bytes: 0,
            anchors: HashMap::new(),
            fixups: Vec::new(),
            documents: 0,
        }
    }

    fn run(mut self) -> Result<Node, Diagnostics> {
        // The parser keeps its own collection stack; bounding it by our depth limit makes
        // `[[[[...` fail at the first bracket too many, in the parser, in microseconds.
        let options = granit_parser::options! {
            flow_nesting_limit: self.limits.max_depth,
            block_nesting_limit: self.limits.max_depth,
            emit_comments: false,
        };
        for item in Parser::new_from_str_with_options(self.text, options) {
            let flow = match item {
                Ok((event, span)) => self.event(event, span),
                Err(e) => {
                    self.scan_error(&e);
                    ControlFlow::Break(())
                }
            };
            if flow.is_break() {
                break;
            }
        }
        self.finish()
    }

    fn event(&mut self, event: Event<'_>, g: granit_parser::Span) -> Flow {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    let span = self.span(&g);
                    self.diags.push(report::multiple_documents(span));
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.is_some(), &g)
            }
            Event::Alias(id) => self.alias(id, &g),
            Event::SequenceStart(style, anchor, tag) => {
                self.open(Body::Seq(Vec::new()), style, anchor, tag.is_some(), &g)
            }
            Event::MappingStart(style, anchor, tag) => {
                let body = Body::Map(MapBody {
                    entries: Vec::new(),
                    key: KeyState::Expect,
                    index: None,
                });
                self.open(body, style, anchor, tag.is_some(), &g)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(&g),
            // Stream and document boundaries, comments and anchor metadata carry no value.
            _ => ControlFlow::Continue(()),
        }
    }

    /// Converts a parser span. String input always has byte offsets.
    fn span(&self, g: &granit_parser::Span) -> Span {
        let offset = g.start.byte_offset().unwrap_or(0);
        let end = g.end.byte_offset().unwrap_or(offset).max(offset);
        Span::at(
            self.file,
            offset,
            end - offset,
            saturate(g.start.line()),
            saturate(g.start.col().saturating_add(1)),
        )
    }

    fn in_key_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map(MapBody {
                    key: KeyState::Expect,
                    ..
                }),
                ..
            })
        )
    }

    /// Index the next child of the innermost open collection will have.
    fn next_index(&self) -> usize {
        match self.stack.last().map(|f| &f.body) {
            Some(Body::Seq(items)) => items.len(),
            Some(Body::Map(map)) => map.entries.len(),
            None => 0,
        }
    }

    /// Counts `n` more values; refuses when the budget is exceeded.
    fn count(&mut self, n: usize, span: Span, alias: bool) -> Flow {
        let total = self.nodes.saturating_add(n);
        if total <= self.limits.max_nodes {
            self.nodes = total;
            return ControlFlow::Continue(());
        }
        let max = self.limits.max_nodes;
        let diag = if alias {
            report::alias_values(span, n, max)
        } else {
            report::too_many_values(span, max)
        };
        self.diags.push(diag);
        ControlFlow::Break(())
    }

    /// Counts `n` more bytes of text copied by an alias; refuses when aliases would copy
    /// more text than a whole file may hold. Without this, a few aliases of one long anchored
    /// string (`a: &a "xxx..."`, `b: [*a, *a, ...]`) stay far under the node budget yet
    /// expand to gigabytes.
    fn count_alias_bytes(&mut self, n: usize, span: Span) -> Flow {
        let total = self.alias_bytes.saturating_add(n);
        let max = self.limits.max_bytes;
        if total <= max {
            self.alias_bytes = total;
            return ControlFlow::Continue(());
        }
        self.diags.push(report::alias_bytes(span, n, max));
        ControlFlow::Break(())
    }

    fn tag_error(&mut self, g: &granit_parser::Span) {
        let span = g.tag_span().map_or_else(|| self.span(g), |t| self.span(&t));
        let tag = self.text.get(span.range()).unwrap_or("!");
        self.diags.push(report::explicit_tag(span, tag));
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tagged: bool,
        g: &granit_parser::Span,
    ) -> Flow {
        let span = self.span(g);
        if tagged {
            self.tag_error(g);
        }
        self.count(1, span, false)?;
        let plain = style == ScalarStyle::Plain;
        // An empty plain scalar (`key:` with nothing after it) is reported as `~`.
        let text = if plain && span.len == 0 {
            String::new()
        } else {
            value.into_owned()
        };
        let resolve = |text: String| {
            if plain {
                resolve_plain(text)
            } else {
                NodeKind::Str(text)
            }
        };
        if anchor != 0 {
            let scalar = Anchor::Scalar {
                kind: resolve(text.clone()),
                key: text.clone(),
            };
            self.anchors.insert(anchor, scalar);
        }
        if self.in_key_position() {
            if plain && text == "<<" {
                self.diags.push(report::merge_key(span));
                self.refuse_key(span);
            } else {
                self.set_key(Spanned::new(text, span));
            }
            return ControlFlow::Continue(());
        }
        let bytes = text.len();
        self.attach(Node::new(span, resolve(text)), 1, bytes);
        ControlFlow::Continue(())
    }

    fn alias(&mut self, id: usize, g: &granit_parser::Span) -> Flow {
        let span = self.span(g);
        let name = self.text.get(span.range()).unwrap_or("*");
        match self.anchors.get(&id) {
            None => {
                // The parser refuses unknown anchors itself; this is a safety net.
                self.diags.push(report::unknown_anchor(span, name));
                ControlFlow::Break(())
            }
            Some(Anchor::Open) => {
                self.diags.push(report::recursive_alias(span, name));
                self.count(1, span, true)?;
                if self.in_key_position() {
                    self.refuse_key(span);
                } else {
                    self.attach(Node::new(span, NodeKind::Null), 1, 0);
                }
                ControlFlow::Continue(())
            }
            Some(Anchor::Scalar { kind, key }) => {
                let (kind, key) = (kind.clone(), key.clone());
                self.count(1, span, true)?;
                self.count_alias_bytes(key.len(), span)?;
                if self.in_key_position() {
                    self.set_key(Spanned::new(key, span));
                } else {
                    let bytes = key.len();
                    self.attach(Node::new(span, kind), 1, bytes);
                }
                ControlFlow::Continue(())
            }
            Some(Anchor::Collection { path, size, bytes }) => {
                let (target, size, bytes) = (path.clone(), *size, *bytes);
                self.count(size, span, true)?;
                self.count_alias_bytes(bytes, span)?;
                if self.in_key_position() {
                    self.complex_key(span);
                    self.refuse_key(span);
                } else {
                    let mut at = self.path.clone();
                    at.push(self.next_index());
                    self.fixups.push(Fixup { target, at, span });
                    self.attach(Node::new(span, NodeKind::Null), size, bytes);
                }
                ControlFlow::Continue(())
            }
        }
    }

    fn open(
        &mut self,
        body: Body,
        style: StructureStyle,
        anchor: usize,
        tagged: bool,
        g: &granit_parser::Span,
    ) -> Flow {
        let span = self.span(g);
        if tagged {
            self.tag_error(g);
        }
        if self.stack.len() >= self.limits.max_depth {
            self.too_deep(span);
            return ControlFlow::Break(());
        }
        self.count(1, span, false)?;
        if !self.stack.is_empty() {
            self.path.push(self.next_index());
        }
        if anchor != 0 {
            self.anchors.insert(anchor, Anchor::Open);
        }
        self.stack.push(Frame {
            start: span,
            flow: style == StructureStyle::Flow,
            anchor,
            size: 1,
            bytes: 0,
            end: span.end(),
            body,
        });
        ControlFlow::Continue(())
    }

    fn close(&mut self, g: &granit_parser::Span) -> Flow {
        let Some(frame) = self.stack.pop() else {
            return ControlFlow::Continue(());
        };
        // A flow collection ends at its bracket; a block collection ends with its last value
        // (its end event sits at the next token, after blank lines and comments).
        let end = if frame.flow {
            self.span(g).end()
        } else {
            frame.end
        };
        let span = frame
            .start
            .with_len(end.saturating_sub(frame.start.start()));
        let kind = match frame.body {
            Body::Seq(items) => NodeKind::Seq(items),
            Body::Map(map) => NodeKind::Map(map.entries),
        };
        if frame.anchor != 0 {
            self.anchors.insert(
                frame.anchor,
                Anchor::Collection {
                    path: self.path.clone(),
                    size: frame.size,
                    bytes: frame.bytes,
                },
            );
        }
        if !self.stack.is_empty() {
            self.path.pop();
        }
        self.attach(Node::new(span, kind), frame.size, frame.bytes);
        ControlFlow::Continue(())
    }

    /// Adds a finished value to the innermost open collection (or makes it the root).
    fn attach(&mut self, node: Node, size: usize, bytes: usize) {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        frame.size = frame.size.saturating_add(size);
        frame.bytes = frame.bytes.saturating_add(bytes);
        frame.end = frame.end.max(node.span.end());
        let complex = match &mut frame.body {
            Body::Seq(items) => {
                items.push(node);
                None
            }
            Body::Map(map) => match std::mem::replace(&mut map.key, KeyState::Expect) {
                KeyState::Have(key) => {
                    map.push(key, node);
                    None
                }
                KeyState::Discard => None,
                KeyState::Expect => {
                    map.key = KeyState::Discard;
                    Some(node.span)
                }
            },
        };
        if let Some(span) = complex {
            self.complex_key(span);
        }
    }

    /// Records a key for the innermost mapping, refusing a duplicate.
    fn set_key(&mut self, key: Spanned<String>) {
        let Some(Frame {
            body: Body::Map(map),
            size,
            bytes,
            end,
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        *size = size.saturating_add(1);
        *bytes = bytes.saturating_add(key.value.len());
        *end = (*end).max(key.span.end());
        match map.first_occurrence(&key.value) {
            Some(first) => {
                map.key = KeyState::Discard;
                self.diags.push(report::duplicate_key(&key, first));
            }
            None => map.key = KeyState::Have(key),
        }
    }

    /// Drops the value that follows a refused key.
    fn refuse_key(&mut self, span: Span) {
        if let Some(Frame {
            body: Body::Map(map),
            size,
            end,
            ..
        }) = self.stack.last_mut()
        {
            map.key = KeyState::Discard;
            *size = size.saturating_add(1);
            *end = (*end).max(span.end());
        }
    }

    fn complex_key(&mut self, span: Span) {
        self.diags.push(report::complex_key(span));
    }

    fn too_deep(&mut self, span: Span) {
        self.diags
            .push(report::too_deep(span, self.limits.max_depth));
    }

    fn scan_error(&mut self, e: &ScanError) {
        let m = e.marker();
        let offset = m.byte_offset().unwrap_or(0).min(self.text.len());
        let len = self
            .text
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        let span = Span::at(
            self.file,
            offset,
            len,
            saturate(m.line()),
            saturate(m.col().saturating_add(1)),
        );
        if *e.kind() == ErrorKind::RecursionLimitExceeded {
            self.too_deep(span);
            return;
        }
        self.diags.push(report::syntax(span, &e.info(), e.kind()));
    }

    fn finish(mut self) -> Result<Node, Diagnostics> {
        if !self.diags.is_empty() {
            return Err(Diagnostics(self.diags));
        }
        let root = match self.root.take() {
            Some(root) if !(root.kind == NodeKind::Null && root.span.len == 0) => root,
            _ => {
                let span = Span {
                    file: self.file,
                    offset: 0,
                    len: 0,
                    line: 1,
                    column: 1,
                };
                return Err(Diagnostics(vec![report::empty(span)]));
            }
        };
        expand(root, self.fixups, self.file)
    }
}

/// Replaces each alias placeholder by a copy of its anchored collection, in document order
/// (so the anchored collection's own aliases are already expanded when it is copied).
fn expand(mut root: Node, fixups: Vec<Fixup>, file: FileId) -> Result<Node, Diagnostics> {
    for fixup in fixups {
        let copy = node_at(&root, &fixup.target).cloned();
        let slot = node_at_mut(&mut root, &fixup.at);
        match (copy, slot) {
            (Some(mut copy), Some(slot)) => {
                copy.span = fixup.span;
                *slot = copy;
            }
            _ => {
                // Paths come from the builder; reaching this is a bug, reported not panicked.
                let span = Span { file, ..fixup.span };
                return Err(Diagnostics(vec![report::unexpandable_alias(span)]));
            }
        }
    }
    Ok(root)
}

fn node_at<'n>(mut node: &'n Node, path: &[usize]) -> Option<&'n Node> {
    for &i in path {
        node = match &node.kind {
            NodeKind::Seq(items) => items.get(i)?,
            NodeKind::Map(entries) => &entries.get(i)?.1,
            _ => return None,
        };
    }
    Some(node)
}

fn node_at_mut<'n>(mut node: &'n mut Node, path: &[usize]) -> Option<&'n mut Node> {
    for &i in path {
        node = match &mut node.kind {
            NodeKind::Seq(items) => items.get_mut(i)?,
            NodeKind::Map(entries) => &mut entries.get_mut(i)?.1,
            _ => return None,
        };
    }
    Some(node)
}
