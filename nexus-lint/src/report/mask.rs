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
                    mask(&mut text, s.start(), s.end());
                }
                out.add(file.name.clone(), text)
            }
        };
    }
    out
}

/// Masks the value under a finding's span, `text[start..end]`, and what the excerpt could
/// show of the same value around it:
/// - a URL with a password keeps all but the password;
/// - a value after its key (`KEY: value`, `command: [a, b]`) is masked to the end of its line;
/// - a value that starts its line (a list item, a block) is masked with the lines of the same
///   block below it (indented at least as much), keeping each line's key or list marker, so
///   `- migrate` also masks the `- --password` and `- hunter2` that follow it.
fn mask(text: &mut String, start: usize, end: usize) {
    let end = end.min(text.len());
    let Some(region) = text.get(start..end).filter(|r| !r.is_empty()) else {
        return;
    };
    if let (false, Some((from, to))) = (region.contains('\n'), url_password(region)) {
        return mask_values(text, start + from, start + to, false);
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let starts_line = before.trim_start().is_empty() || before.trim_start() == "- ";
    let indent = before.len() - before.trim_start().len();
    let mut to = line_end(text, end.max(start + 1) - 1);
    if starts_line {
        while to < text.len() {
            let next = line_end(text, to + 1);
            let line = &text[to + 1..next];
            let body = line.trim_start();
            if body.is_empty() || line.len() - body.len() < indent {
                break;
            }
            to = next;
        }
    }
    mask_values(text, start, to, true);
}

/// The end of the line holding byte `at` (the offset of its `\n`, or the text's end).
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i)
}

/// Replaces every non-blank character of `text[start..end]` with [`MASK`] bytes; with
/// `keep_keys`, a line's key (`key: `) or list marker (`- `) stays.
fn mask_values(text: &mut String, start: usize, end: usize, keep_keys: bool) {
    let Some(region) = text.get(start..end) else {
        return;
    };
    let mut masked = String::with_capacity(region.len());
    for (i, line) in region.split_inclusive('\n').enumerate() {
        // The first line's key is before the span, unless the span starts the line.
        let keep = if keep_keys && (i > 0 || starts_with_key(line)) {
            value_start(line)
        } else {
            0
        };
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

/// Whether a line (from a span's start) is `key: value` or `key:`, rather than a value that
/// happens to hold `: `. A key is a plain word.
fn starts_with_key(line: &str) -> bool {
    let body = line.trim_start();
    let key_end = body.find(':').unwrap_or(0);
    key_end > 0
        && body[..key_end]
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The byte range of the password in a URL's user-info (`scheme://user:PASSWORD@host`).
fn url_password(value: &str) -> Option<(usize, usize)> {
    let authority = value.find("://")? + 3;
    let rest = &value[authority..];
    let at = rest.find(['/', '?', '#']).map_or(rest.len(), |end| end);
    let at = rest[..at].rfind('@')?;
    let colon = rest[..at].find(':')?;
    (colon + 1 < at).then_some((authority + colon + 1, authority + at))
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
        assert_eq!(t.len(), text.len(), "offsets stay valid");
        t
    }

    fn at(text: &str, needle: &str) -> (usize, usize) {
        let start = text.find(needle).unwrap();
        (start, start + needle.len())
    }

    #[test]
    fn a_value_after_its_key_is_masked_to_the_end_of_its_line_byte_for_byte() {
        let text = "env:\n  DB_PASSWORD: hünter2 # old\n  OTHER: kept\n";
        let (s, e) = at(text, "hünter2");
        assert_eq!(
            masked(text, s, e),
            "env:\n  DB_PASSWORD: ******** * ***\n  OTHER: kept\n"
        );
        let flow = "migration: { command: [migrate, --password, hunter2] }\n";
        let (s, e) = at(flow, "migrate,");
        assert!(!masked(flow, s, e - 1).contains("hunter2"));
    }

    #[test]
    fn a_list_item_is_masked_with_the_rest_of_its_block() {
        let text =
            "    command:\n    - migrate\n    - --password\n    - hunter2\n  api:\n    image: x\n";
        let (s, e) = at(text, "migrate");
        assert_eq!(
            masked(text, s, e),
            "    command:\n    - *******\n    - **********\n    - *******\n  api:\n    image: x\n"
        );
    }

    #[test]
    fn a_block_span_keeps_keys_and_list_markers() {
        let text =
            "api:\n  image: app:1\n  command:\n    - run\n    - --password=hunter2\nweb: {}\n";
        let (s, _) = at(text, "image");
        let e = text.find("web").unwrap() - 1;
        assert_eq!(
            masked(text, s, e),
            "api:\n  image: *****\n  command:\n    - ***\n    - ******************\nweb: {}\n"
        );
    }

    #[test]
    fn a_url_keeps_all_but_its_password() {
        let text = "URL: https://metrics:hunter2@metrics.example.com/push\n";
        let out = masked(text, 5, text.len() - 1);
        assert_eq!(
            out,
            "URL: https://metrics:*******@metrics.example.com/push\n"
        );
        // No password in the user-info (the `:` and `@` are in the path): masked whole.
        let no_password = "URL: https://metrics@metrics.example.com/a:b@c";
        let out = masked(no_password, 5, no_password.len());
        assert_eq!(out, format!("URL: {}", "*".repeat(no_password.len() - 5)));
    }

    #[test]
    fn a_span_past_the_end_or_inside_a_character_masks_nothing_outside_the_text() {
        assert_eq!(masked("a: b", 3, 9), "a: *");
        assert_eq!(masked("é", 1, 2), "é");
    }
}
