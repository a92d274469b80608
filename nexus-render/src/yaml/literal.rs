//! Multi-line strings as literal block scalars (`|`), written the way the reference emitter
//! writes them, without asking it.
//!
//! Rendered files embed whole files as multi-line strings: Prometheus' configuration and
//! rules, Grafana's dashboards, scripts in ConfigMaps. At 5,000 services one such string is
//! 16 MB; handing it to the reference emitter cost two scans of it by character, a copy, and
//! a third pass to move its lines under their key.
//!
//! The reference (serde-saphyr 2.1, block context, `prefer_block_scalars`) writes a string
//! that holds a line break as a literal block when every character may appear in one:
//!
//! ```text
//! key: |        one trailing line break (clip)
//! key: |-       none (strip)
//! key: |+       two or more (keep), each further one an empty line after the body
//! key: |2       the first non-empty line starts with a space (indentation indicator)
//! ```
//!
//! Each non-empty line is indented two columns past its key or dash; empty lines stay empty.
//! Strings this module declines (a character a block cannot hold, nothing but line
//! breaks) are left to the reference. `tests.rs` holds both to the same bytes.

use super::fast::indent;

/// The header (`|`, `|-`, `|+`, `|2`, `|2-`, `|2+`) of `s` as a literal block; `None`
/// when the reference is to decide: `s` has no line break, is nothing but line breaks, or
/// holds a character a block scalar cannot.
pub(super) fn header(s: &str) -> Option<&'static str> {
    if !printable_ascii(s) && (s.is_ascii() || !s.chars().all(block_char)) {
        return None;
    }
    let content = s.trim_end_matches('\n');
    if content.is_empty() || !s.contains('\n') {
        return None;
    }
    let indicator = first_line_leading_spaces(content) > 0;
    Some(match (indicator, s.len() - content.len()) {
        (false, 0) => "|-",
        (false, 1) => "|",
        (false, _) => "|+",
        (true, 0) => "|2-",
        (true, 1) => "|2",
        (true, _) => "|2+",
    })
}

/// Writes the body of `s` (of which [`header`] was `Some`): each non-empty line after
/// `column` spaces, then one empty line for each trailing line break past the first.
pub(super) fn body(out: &mut String, s: &str, column: usize) {
    let lines = s.bytes().filter(|&b| b == b'\n').count();
    out.reserve(s.len() + lines * column);
    let content = s.trim_end_matches('\n');
    for line in content.split('\n') {
        if !line.is_empty() {
            indent(out, column);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..(s.len() - content.len()) {
        out.push('\n');
    }
}

/// Whether `s` is nothing but printable ASCII, tabs and line breaks: the common case,
/// tested without decoding characters. The test runs over 32 bytes at a time with no early
/// exit inside them, which the compiler turns into vector instructions: these strings are
/// whole embedded files, up to 16 MB each at 5,000 services.
fn printable_ascii(s: &str) -> bool {
    const fn plain(b: u8) -> bool {
        matches!(b, b'\n' | b'\t' | 0x20..=0x7E)
    }
    let mut chunks = s.as_bytes().chunks_exact(32);
    chunks
        .by_ref()
        .all(|c| c.iter().fold(true, |all, &b| all & plain(b)))
        && chunks.remainder().iter().all(|&b| plain(b))
}

/// A character a block scalar can hold (serde-saphyr's `is_block_scalar_content_safe`).
fn block_char(c: char) -> bool {
    match c {
        '\n' | '\t' => true,
        '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => false,
        c => matches!(
            u32::from(c),
            0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x0010_FFFF
        ),
    }
}

/// Leading spaces of the first non-empty line.
fn first_line_leading_spaces(s: &str) -> usize {
    s.split('\n')
        .find(|line| !line.is_empty())
        .map_or(0, |line| line.len() - line.trim_start_matches(' ').len())
}

#[cfg(test)]
mod tests {
    use super::printable_ascii;

    /// One byte outside the set is found wherever it falls: inside a 32-byte chunk, on a
    /// chunk's edge, or in the remainder.
    #[test]
    fn printable_ascii_finds_one_odd_byte_anywhere() {
        let clean: String = "key: value\twith a tab\n".repeat(5);
        assert!(printable_ascii(&clean));
        assert!(printable_ascii(""));
        for odd in ['\r', '\u{7f}', '\u{1}', 'é', '\u{85}'] {
            for at in 0..clean.len() {
                let mut s = clean.clone();
                s.insert(at, odd);
                assert!(!printable_ascii(&s), "{odd:?} at {at} of {} bytes", s.len());
            }
        }
    }
}
