//! Turning spans into file, line and column for machine-readable reports.

use nexus_spec::{SourceMap, Span};
use serde::Serialize;

/// A position in a source file, as reports give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The file name as given to nexus (relative paths stay relative).
    pub file: String,
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column (in characters) of the first character.
    pub column: u32,
    /// 1-based line of the last character.
    pub end_line: u32,
    /// 1-based column just past the last character.
    pub end_column: u32,
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub length: usize,
}

impl Location {
    /// The location of a span, if it points into a known file.
    pub fn of(span: Span, sources: &SourceMap) -> Option<Location> {
        if span.is_detached() {
            return None;
        }
        let file = sources.get(span.file)?;
        let (mut end_line, mut end_column) = (span.line, span.column);
        let end = span.end().min(file.text.len());
        if let Some(text) = file.text.get(span.start()..end) {
            for c in text.chars() {
                if c == '\n' {
                    end_line += 1;
                    end_column = 1;
                } else {
                    end_column += 1;
                }
            }
        }
        Some(Location {
            file: file.name.clone(),
            line: span.line,
            column: span.column,
            end_line,
            end_column,
            offset: span.start(),
            length: span.len as usize,
        })
    }
}
