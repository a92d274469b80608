//! Strings that are evidently plain YAML scalars: the fast emitter writes them as they are,
//! without asking the reference emitter (see `fast`).

/// The strings this emitter writes plain without asking: those that no YAML reader could
/// take for anything but this string, in key or value position.
///
/// ```text
/// plain: nexus-production  app.kubernetes.io/name  /var/run  http://minio:9000 (value)
/// not:   on  null  30  100m  "a b"  -x  key: (ends in a colon)  81 bytes or more
/// ```
pub(crate) fn plain(s: &str, key: bool) -> bool {
    let bytes = s.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else {
        return false;
    };
    // Longer single-line strings may be folded (`>`) by the reference emitter.
    if bytes.len() > 80 || BYTES[usize::from(first)] & FIRST == 0 {
        return false;
    }
    let allowed = if key { KEY } else { VALUE };
    rest.iter().all(|&b| BYTES[usize::from(b)] & allowed != 0)
        // A trailing colon reads as a mapping key.
        && bytes.last() != Some(&b':')
        && !keyword(s)
}

/// [`BYTES`] flags: may start a plain string; may follow in a key; may follow in a value.
const FIRST: u8 = 1;
const KEY: u8 = 2;
const VALUE: u8 = 4;

/// What each byte may be in an evidently plain string: letters and `/` first; then
/// letters, digits, `-`, `_`, `.`, `/`; in values also `:`, `@`, `=`, `+`, `,`.
const BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'/' {
            table[b] |= FIRST;
        }
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/') {
            table[b] |= KEY | VALUE;
        }
        if matches!(c, b':' | b'@' | b'=' | b'+' | b',') {
            table[b] |= VALUE;
        }
        b += 1;
    }
    table
};

/// Null, boolean and special-float spellings of YAML 1.1 and 1.2 that start with a letter.
fn keyword(s: &str) -> bool {
    const WORDS: [&str; 11] = [
        "y", "n", "on", "no", "yes", "off", "nan", "inf", "true", "null", "false",
    ];
    s.len() <= 5 && WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// Sentences and expressions that the reference writes plain as block values, though they
/// hold spaces and punctuation: an ASCII letter first (so not a number, a date or an
/// indicator such as `-`, `&` or `{`), then printable ASCII, at most 80 bytes (longer ones
/// may be folded), and none of what would end the scalar or retype it: a trailing space or
/// colon, `: `, ` #`, a YAML 1.1 keyword. It mirrors serde-saphyr's `is_plain_value_safe`
/// for these strings; `tests.rs` holds the two to the same bytes.
///
/// ```text
/// plain: absent(up{job="minio"} == 1)  No replica of web answers.  rate(x[5m]) > 0.1
/// not:   Yes  a: b  a #b  trailing:  "quoted"  81 bytes or more  é
/// ```
pub(crate) fn plain_prose(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.len() <= 80
        && bytes.iter().all(|&b| matches!(b, 0x20..=0x7E))
        && !matches!(bytes.last(), Some(b' ' | b':'))
        && !bytes
            .windows(2)
            .any(|w| matches!(w, [b':', b' '] | [b' ', b'#']))
        && !keyword(s)
}
