//! Diagnostics: every problem nexus reports is one [`Diagnostic`] with a stable code, a
//! message, labelled spans in the spec, and a help line. They render through `miette`.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode, SourceSpan};

use crate::span::{FileId, Span};

mod located;

use located::{CLIP, LineIndex, Located};

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

/// A named source for miette, for callers that render a [`Diagnostic`] with a file name.
pub fn named_source(file: &SourceFile) -> NamedSource<Arc<str>> {
    NamedSource::new(file.name.clone(), file.text.clone())
}

/// Every problem found in one run, in the order found (callers sort for output).
///
/// ```
/// let err = nexus_spec::Spec::from_str("shop.yaml", "kind: Platform\n").unwrap_err();
/// let text = err.to_string();
/// assert!(text.contains("shop.yaml:1:1: error:"), "{text}");
/// ```
#[derive(Clone, Default)]
pub struct Diagnostics(pub(crate) Vec<Diagnostic>);

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
    /// All of them, in order.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
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

/// One line per problem, `file:line:column: severity: message [code]`, its help below it;
/// a `Box<dyn Error>` or `?` in `main` shows every problem with its location.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s) found", self.0.len())?;
        for d in &self.0 {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let at = d.location().unwrap_or_else(|| "<no location>".to_owned());
            write!(f, "\n{at}: {severity}: {} [{}]", d.message, d.code)?;
            if let Some(help) = &d.help {
                write!(f, "\n  help: {help}")?;
            }
        }
        Ok(())
    }
}

/// The same as [`Display`](fmt::Display): `fn main() -> Result<(), Box<dyn Error>>` prints
/// an error with `Debug`, and a list of problems reads better than the structs behind it.
impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
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

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Diagnostics(diagnostics)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
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
