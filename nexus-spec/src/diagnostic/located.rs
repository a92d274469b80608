//! A diagnostic's source file as miette reads it: a window of lines around the span, found
//! with a line index, and a long line cut around the span.

use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::SourceFile;

/// Where the lines of a file start: the byte offset just after every line break, with a
/// line break as miette counts one (`\n`, `\r\n` or a lone `\r`).
#[derive(Debug, Default)]
pub(super) struct LineIndex {
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
pub(super) struct Located {
    pub(super) file: Arc<SourceFile>,
    pub(super) lines: Arc<LineIndex>,
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
pub(super) const CLIP: usize = 120;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A span in the middle of a 4 MB line gets a snippet of that line around it, with the
    /// right line number, not the line.
    #[test]
    fn a_span_on_a_huge_line_gets_a_window_of_it() {
        let text = format!(
            "first: 1\nlong: {}X{}\nlast: 2\n",
            "a".repeat(2 << 20),
            "b".repeat(2 << 20)
        );
        let offset = text.find('X').unwrap();
        let located = Located {
            file: Arc::new(SourceFile {
                name: "big.yaml".into(),
                text: text.clone().into(),
            }),
            lines: Arc::default(),
        };
        let span = SourceSpan::new(offset.into(), 1);
        for (before, after) in [(0, 0), (1, 1), (3, 3)] {
            let got = located.read_span(&span, before, after).unwrap();
            assert!(got.data().len() <= 2 * CLIP + 1, "{}", got.data().len());
            assert_eq!(got.line(), 1);
            let shown = std::str::from_utf8(got.data()).unwrap();
            assert!(shown.contains("aXb"), "{shown}");
        }
    }
}
