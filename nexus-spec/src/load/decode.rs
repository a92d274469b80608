//! From raw bytes to text: the size cap and the UTF-8 check, both before any parsing.

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::span::{FileId, Span, saturate};

use super::limits::Limits;

/// Checks a file's raw bytes and returns them as text.
///
/// Refuses a file larger than [`Limits::max_bytes`] ([`codes::TOO_LARGE`], checked first, so
/// nothing else is done with an oversized file) and bytes that are not UTF-8
/// ([`codes::NOT_UTF8`], labelled at the first invalid byte with its line and column). A UTF-8
/// byte-order mark is kept; the parser skips it.
///
/// ```
/// use nexus_spec::{FileId, codes, load::{decode, Limits}};
/// assert_eq!(decode(b"a: 1\n", FileId(0), &Limits::default()).unwrap(), "a: 1\n");
/// let err = decode(b"a: \xff\n", FileId(0), &Limits::default()).unwrap_err();
/// assert_eq!(err.as_slice()[0].code, codes::NOT_UTF8);
/// ```
pub fn decode<'b>(bytes: &'b [u8], file: FileId, limits: &Limits) -> Result<&'b str, Diagnostics> {
    check_size(bytes.len(), file, limits)?;
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let bad_len = e.error_len().unwrap_or(bytes.len() - offset);
        // The prefix before the first invalid byte is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let (line, column) = line_column(prefix, offset);
        let span = Span::at(file, offset, bad_len, line, column);
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let help = if utf16 {
            "the file looks like UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
        } else {
            "save the file as UTF-8; this byte is not part of any UTF-8 character (was the file written in Latin-1 or Windows-1252?)"
        };
        let byte = bytes.get(offset).copied().unwrap_or_default();
        Diagnostics(vec![
            Diagnostic::error(
                codes::NOT_UTF8,
                format!("the file is not valid UTF-8: byte 0x{byte:02X} at offset {offset}"),
            )
            .with_label(span, "not UTF-8")
            .with_help(help),
        ])
    })
}

/// The largest file any limit lets through: a [`Span`] holds offsets as `u32`.
const MAX_SPANNED_BYTES: usize = u32::MAX as usize;

/// Refuses a text longer than the byte limit (and than [`MAX_SPANNED_BYTES`], whatever the
/// limit says).
pub(crate) fn check_size(len: usize, file: FileId, limits: &Limits) -> Result<(), Diagnostics> {
    let max = limits.max_bytes.min(MAX_SPANNED_BYTES);
    if len <= max {
        return Ok(());
    }
    let span = Span::at(file, 0, 0, 1, 1);
    Err(Diagnostics(vec![
        Diagnostic::error(
            codes::TOO_LARGE,
            format!("the file is {len} bytes long, more than the limit of {max} bytes"),
        )
        .with_label(span, "file starts here")
        .with_help(format!(
            "nexus reads spec files of up to {}; split the spec into several files",
            human_bytes(max)
        )),
    ]))
}

/// 1-based line and column (in characters) of the byte `offset` of `text`, which must be the
/// text up to at least `offset`. Lines end at `\n`, `\r\n` or a lone `\r`, as in YAML.
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let prefix = text.get(..offset).unwrap_or(text);
    let mut line: usize = 1;
    let mut line_start = 0;
    let bytes = prefix.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let is_break = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if is_break {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = prefix[line_start..].chars().count() + 1;
    (saturate(line), saturate(column))
}

fn human_bytes(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn accepts_utf8_with_bom() {
        let text = decode("\u{feff}a: é\n".as_bytes(), FileId(0), &Limits::default()).unwrap();
        assert_eq!(text, "\u{feff}a: é\n");
    }

    #[test]
    fn invalid_utf8_points_at_the_first_bad_byte() {
        let bytes = b"a: 1\nb: caf\xe9 ol\xe9\n";
        let err = decode(bytes, FileId(3), &Limits::default()).unwrap_err();
        assert_eq!(err.len(), 1);
        let d = &err.0[0];
        assert_eq!(d.code, codes::NOT_UTF8);
        let span = d.primary_span().unwrap();
        assert_eq!((span.file, span.offset, span.len), (FileId(3), 11, 1));
        assert_eq!((span.line, span.column), (2, 7));
        assert!(d.message.contains("0xE9"), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains("UTF-8"));
    }

    #[test]
    fn invalid_utf8_after_multibyte_text_counts_characters() {
        let bytes = "é: ü".bytes().chain([0xC3, b'x']).collect::<Vec<_>>();
        let err = decode(&bytes, FileId(0), &Limits::default()).unwrap_err();
        let span = err.0[0].primary_span().unwrap();
        assert_eq!((span.offset, span.line, span.column), (6, 1, 5));
    }

    #[test]
    fn truncated_character_at_the_end() {
        let err = decode(b"a: \xe2\x82", FileId(0), &Limits::default()).unwrap_err();
        let span = err.0[0].primary_span().unwrap();
        assert_eq!((span.offset, span.len), (3, 2));
    }

    #[test]
    fn utf16_gets_a_specific_help() {
        let err = decode(&[0xFF, 0xFE, b'a', 0], FileId(0), &Limits::default()).unwrap_err();
        assert!(err.0[0].help.as_deref().unwrap().contains("UTF-16"));
    }

    #[test]
    fn oversize_is_refused_before_utf8_is_checked() {
        let limits = Limits {
            max_bytes: 8,
            ..Limits::default()
        };
        let err = decode(b"\xff123456789", FileId(0), &limits).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err.0[0].code, codes::TOO_LARGE);
        assert!(err.0[0].message.contains("10 bytes"));
        assert!(decode(b"12345678", FileId(0), &limits).is_ok());
        let big = vec![b' '; Limits::default().max_bytes + 1];
        let err = decode(&big, FileId(0), &Limits::default()).unwrap_err();
        assert!(err.0[0].help.as_deref().unwrap().contains("16 MiB"));
    }

    #[test]
    fn line_column_handles_all_line_breaks() {
        let text = "a\r\nb\rc\né";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 5), (3, 1));
        assert_eq!(line_column(text, 7), (4, 1));
        assert_eq!(line_column(text, 9), (4, 2));
    }
}
