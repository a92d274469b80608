//! Secret values hidden from spec excerpts. A finding of the secrets group points at a
//! credential written into the spec; the human report draws the spec around each finding,
//! so it draws from a copy of the sources where those values are masked. JSON and SARIF
//! carry locations only, never source text.

use std::collections::BTreeMap;

use nexus_spec::{SourceMap, Span};

use crate::finding::Finding;
use crate::rule::Group;

/// The character a masked byte becomes.
const MASK: char = '*';

/// `sources` with the value under every secrets-group finding's span masked, byte for byte
/// (offsets, lines and columns of every other span stay valid).
pub(crate) fn masked_sources<'f>(
    sources: &SourceMap,
    findings: impl IntoIterator<Item = &'f Finding>,
) -> SourceMap {
    let mut spans: BTreeMap<u32, Vec<Span>> = BTreeMap::new();
    for f in findings {
        if f.rule.group == Group::Secrets && !f.span.is_detached() && f.span.len > 0 {
            spans.entry(f.span.file.0).or_default().push(f.span);
        }
    }
    let mut out = SourceMap::new();
    for (id, file) in sources.files() {
        match spans.get(&id.0) {
            None => out.add(file.name.clone(), file.text.clone()),
            Some(spans) => {
                let mut text = file.text.to_string();
                for s in spans {
                    mask(&mut text, s.offset, s.offset + s.len);
                }
                out.add(file.name.clone(), text)
            }
        };
    }
    out
}

/// Masks the value in `text[start..end]`. A value on one line is masked whole; a span over
/// several lines (a workload whose command line holds the credential) keeps each line's
/// key or list marker and masks what follows it, so the excerpt still shows its shape.
fn mask(text: &mut String, start: usize, end: usize) {
    let end = end.min(text.len());
    let (Some(region), true) = (text.get(start..end), start < end) else {
        return;
    };
    let multiline = region.contains('\n');
    let mut masked = String::with_capacity(region.len());
    for line in region.split_inclusive('\n') {
        let keep = if multiline { value_start(line) } else { 0 };
        masked.push_str(&line[..keep]);
        for c in line[keep..].chars() {
            if c.is_whitespace() {
                masked.push(c);
            } else {
                masked.extend(std::iter::repeat_n(MASK, c.len_utf8()));
            }
        }
    }
    text.replace_range(start..end, &masked);
}

/// Where the value of a YAML line starts: after `key: `, after `- `, or nowhere (the whole
/// line is kept) for a line that is only a key.
fn value_start(line: &str) -> usize {
    let body = line.trim_start();
    let indent = line.len() - body.len();
    let after_marker = body
        .strip_prefix("- ")
        .map_or(indent, |rest| line.len() - rest.len());
    let rest = &line[after_marker..];
    match rest.find(": ") {
        Some(i) => after_marker + i + 2,
        None if rest.trim_end().ends_with(':') => line.len(),
        None => after_marker,
    }
}

#[cfg(test)]
mod tests {
    use super::mask;

    fn masked(text: &str, start: usize, end: usize) -> String {
        let mut t = text.to_owned();
        mask(&mut t, start, end);
        t
    }

    #[test]
    fn a_value_on_one_line_is_masked_whole_byte_for_byte() {
        let text = "env:\n  DB_PASSWORD: hünter2\n";
        let start = text.find("hü").unwrap();
        let out = masked(text, start, text.len() - 1);
        assert_eq!(out, "env:\n  DB_PASSWORD: ********\n");
        assert_eq!(out.len(), text.len());
    }

    #[test]
    fn a_span_over_lines_keeps_keys_and_list_markers() {
        let text = "api:\n  image: app:1\n  command:\n    - run\n    - --password=hunter2\n";
        let start = text.find("image").unwrap();
        let out = masked(text, start, text.len());
        assert_eq!(
            out,
            "api:\n  image: *****\n  command:\n    - ***\n    - ******************\n"
        );
        assert!(!out.contains("hunter2"));
    }

    #[test]
    fn a_span_past_the_end_or_inside_a_character_masks_nothing() {
        assert_eq!(masked("ab", 1, 9), "a*");
        assert_eq!(masked("é", 1, 2), "é");
    }
}
