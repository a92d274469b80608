//! Diagnostics: every problem nexus reports is one [`Diagnostic`] with a stable code, a
//! message, labelled spans in the spec, and a help line. They render through `miette`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{
    LabeledSpan, MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
};

use crate::span::{FileId, Span};

/// One source file nexus has read.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as given).
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
}

/// All source files of one run, so that a [`Span`]'s [`FileId`] can be turned back into text.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
    /// For each file, where its lines start (built the first time a diagnostic needs it).
    lines: Vec<Arc<LineIndex>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX - 1));
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
        }));
        self.lines.push(Arc::default());
        id
    }

    /// The file with this id, if any.
    pub fn get(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.files.get(id.0 as usize)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational.
    Info,
    /// Worth fixing; does not make the spec invalid.
    Warning,
    /// The spec is invalid (or, for lint, the policy is violated).
    Error,
}

/// A labelled place in a source file.
#[derive(Debug, Clone)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub text: String,
}

/// One problem, located in the spec.
///
/// ```
/// use nexus_spec::{Diagnostic, Span};
/// let d = Diagnostic::error("nexus::spec::example", "something is wrong")
///     .with_label(Span::DETACHED, "here")
///     .with_help("fix it");
/// assert_eq!(d.code, "nexus::spec::example");
/// ```
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable code, such as `nexus::spec::unknown_key`.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One-line message.
    pub message: String,
    /// Labelled spans; the first is the primary location.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// The source file of the primary label, attached by [`Diagnostic::attach_source`].
    source: Option<Located>,
}

impl Diagnostic {
    /// A new error-level diagnostic.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            source: None,
        }
    }

    /// Sets the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Adds a labelled span (the first one added is the primary location).
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The primary span, if the diagnostic has one.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// Attaches the source text of the primary label's file so that miette can draw it.
    pub fn attach_source(&mut self, sources: &SourceMap) {
        if let Some(span) = self.primary_span()
            && !span.is_detached()
        {
            self.source = sources.get(span.file).cloned().map(|file| Located {
                file,
                lines: sources
                    .lines
                    .get(span.file.0 as usize)
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }

    /// The file name of the primary location, if known.
    pub fn file_name(&self) -> Option<&str> {
        self.source.as_ref().map(|s| s.file.name.as_str())
    }

    /// `file:line:column` of the primary location, if known.
    pub fn location(&self) -> Option<String> {
        let span = self.primary_span()?;
        if span.is_detached() {
            return None;
        }
        let file = self.file_name().unwrap_or("<input>");
        Some(format!("{file}:{}:{}", span.line, span.column))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let file = self.primary_span()?.file;
        self.source.as_ref()?;
        // Only labels in the primary file can be drawn against its source text.
        Some(Box::new(
            self.labels
                .iter()
                .enumerate()
                .filter(move |(_, l)| l.span.file == file && !l.span.is_detached())
                .map(|(i, l)| {
                    let text = (!l.text.is_empty()).then(|| l.text.clone());
                    // A label over a huge value is drawn over its first bytes only.
                    let span = l.span.source_span();
                    let span = SourceSpan::new(span.offset().into(), span.len().min(CLIP));
                    if i == 0 {
                        LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        LabeledSpan::new_with_span(text, span)
                    }
                }),
        ))
    }
}

/// Where the lines of a file start: the byte offset just after every line break, with a
/// line break as miette counts one (`\n`, `\r\n` or a lone `\r`).
#[derive(Debug, Default)]
struct LineIndex {
    breaks: OnceLock<Vec<usize>>,
}

impl LineIndex {
    fn breaks(&self, text: &[u8]) -> &[usize] {
        self.breaks.get_or_init(|| {
            let mut out = Vec::new();
            let mut i = 0;
            while i < text.len() {
                match text[i] {
                    b'\n' => out.push(i + 1),
                    b'\r' if text.get(i + 1) == Some(&b'\n') => {
                        i += 1;
                        out.push(i + 1);
                    }
                    b'\r' => out.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
            out
        })
    }
}

/// A diagnostic's source file as miette reads it.
///
/// miette's own `SourceCode` for text scans from the start of the file to the span for every
/// snippet it draws, so printing the thousands of problems a large broken file can have took
/// time quadratic in its size (20,000 problems in a 1.2 MB file: 50 s). This hands miette a
/// window of a few lines around the span instead, found with the file's line index, and
/// shifts the answer back: the same snippet, drawn the same way, in time independent of
/// where in the file the span is.
#[derive(Debug, Clone)]
struct Located {
    file: Arc<SourceFile>,
    lines: Arc<LineIndex>,
}

impl SourceCode for Located {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.file.text.as_bytes();
        let (start, end) = (span.offset(), span.offset() + span.len());
        if start > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let breaks = self.lines.breaks(text);
        // Line breaks before the span's start, and after its end.
        let before = breaks.partition_point(|&b| b <= start);
        let after = breaks.partition_point(|&b| b <= end.saturating_sub(1).max(start));
        // Start a couple of whole lines earlier than miette will show, and stop a couple of
        // lines later, so that its scan of the window ends exactly as a scan of the whole
        // file would.
        let first = before.saturating_sub(context_lines_before + 2);
        let window_start = if first == 0 { 0 } else { breaks[first - 1] };
        let lines_skipped = first;
        let window_end = breaks
            .get(after + context_lines_after + 2)
            .copied()
            .unwrap_or(text.len())
            .max(end.min(text.len()));
        if window_end - window_start > MAX_WINDOW {
            return Ok(self.clipped(start, end, before));
        }
        let window = &text[window_start..window_end];
        let shifted = SourceSpan::new((start - window_start).into(), span.len());
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        let data: &'a [u8] = &text[window_start + inner.span().offset()
            ..window_start + inner.span().offset() + inner.span().len()];
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            data,
            SourceSpan::new(
                (window_start + inner.span().offset()).into(),
                inner.span().len(),
            ),
            inner.line() + lines_skipped,
            inner.column(),
            inner.line_count() + lines_skipped,
        )))
    }
}

/// The most bytes of source a snippet shows before it is cut to the span's own line.
const MAX_WINDOW: usize = 4096;
/// Bytes of a long line shown on each side of the span.
const CLIP: usize = 120;

impl Located {
    /// A snippet of the span's line only, cut to [`CLIP`] bytes around the span (a file of
    /// one 16 MB line must not print 16 MB): miette draws what it is given, starting its
    /// first line where the data starts.
    fn clipped(&self, start: usize, end: usize, line: usize) -> Box<dyn SpanContents<'_> + '_> {
        let text: &str = &self.file.text;
        let breaks = self.lines.breaks(text.as_bytes());
        let line_start = if line == 0 { 0 } else { breaks[line - 1] };
        let line_end = breaks.get(line).map_or(text.len(), |&b| b - 1);
        let from = floor_char(text, start.saturating_sub(CLIP).max(line_start));
        let to = floor_char(
            text,
            end.max(start + 1)
                .saturating_add(CLIP)
                .min(line_end)
                .max(from),
        );
        Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            &text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            line,
            from - line_start,
            1,
        ))
    }
}

/// The largest char boundary of `text` at or before `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A named source for miette, for callers that render a [`Diagnostic`] with a file name.
pub fn named_source(file: &SourceFile) -> NamedSource<Arc<str>> {
    NamedSource::new(file.name.clone(), file.text.clone())
}

/// Every problem found in one run, in the order found (callers sort for output).
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    /// Whether any error-level diagnostic is present.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Iterates over them.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
    /// Attaches source text to all and sorts them by file, line, column and code, so output
    /// is deterministic.
    pub fn finish(&mut self, sources: &SourceMap) {
        for d in &mut self.0 {
            d.attach_source(sources);
        }
        self.0.sort_by(|a, b| {
            let ka = a.primary_span().unwrap_or(Span::DETACHED);
            let kb = b.primary_span().unwrap_or(Span::DETACHED);
            (ka.file, ka.offset, a.code, &a.message).cmp(&(kb.file, kb.offset, b.code, &b.message))
        });
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s) found", self.0.len())
    }
}

impl std::error::Error for Diagnostics {}

impl miette::Diagnostic for Diagnostics {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.0.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The windowed source answers exactly what miette's own scan of the whole text does,
    /// for every span, context size and kind of line break.
    #[test]
    fn windowed_source_matches_a_whole_file_scan() {
        let text = "a: 1\nb:\r\n  c: [x, y]\r\r\n\nlong line here\n\n\rd: é ü\nlast";
        let file = Arc::new(SourceFile {
            name: "t.yaml".into(),
            text: text.into(),
        });
        let located = Located {
            file,
            lines: Arc::default(),
        };
        for start in 0..=text.len() {
            for len in 0..=(text.len() - start).min(12) {
                for before in 0..4 {
                    for after in 0..4 {
                        let span = SourceSpan::new(start.into(), len);
                        let want = text.read_span(&span, before, after);
                        let got = located.read_span(&span, before, after);
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                let case = (start, len, before, after);
                                assert_eq!(w.data(), g.data(), "{case:?}");
                                assert_eq!(w.span(), g.span(), "{case:?}");
                                assert_eq!(w.line(), g.line(), "{case:?}");
                                assert_eq!(w.column(), g.column(), "{case:?}");
                                assert_eq!(w.line_count(), g.line_count(), "{case:?}");
                                assert_eq!(g.name(), Some("t.yaml"));
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!(
                                "{start} {len} {before} {after}: {:?} vs {:?}",
                                w.is_ok(),
                                g.is_ok()
                            ),
                        }
                    }
                }
            }
        }
    }
}
