//! `${...}` placeholders in values: `${secrets.NAME}`, `${WORKLOAD.host}`, `${WORKLOAD.port}`,
//! `${WORKLOAD.PORTNAME.port}`, `${WORKLOAD.user}`, `${WORKLOAD.database}`. `$${` is a literal
//! `${`.

use std::fmt;

/// A placeholder as written, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPlaceholder {
    /// Byte offset of `${` in the value text.
    pub offset: usize,
    /// Byte length of the whole `${...}`.
    pub len: usize,
    /// The dot-separated parts inside the braces.
    pub parts: Vec<String>,
}

/// One piece of a resolved value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Literal text.
    Text(String),
    /// The value of a secret, by name. Each target substitutes it its own way; it never
    /// becomes a literal.
    Secret(String),
    /// The network host name of a workload, by name: a cluster DNS name in Kubernetes, a
    /// service name in Compose.
    Host(String),
}

/// A value with placeholders resolved to [`Segment`]s.
///
/// ```
/// use nexus_spec::values::{Segment, Template};
/// let t = Template::from_segments(vec![
///     Segment::Text("redis://".into()),
///     Segment::Host("redis".into()),
///     Segment::Text(":6379".into()),
/// ]);
/// assert_eq!(t.render(|s| match s {
///     Segment::Host(h) => format!("{h}.svc"),
///     _ => String::new(),
/// }), "redis://redis.svc:6379");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Template {
    segments: Vec<Segment>,
}

impl Template {
    /// A template of plain text.
    pub fn literal(text: impl Into<String>) -> Template {
        Template {
            segments: vec![Segment::Text(text.into())],
        }
    }

    /// A template from segments; adjacent text segments are merged.
    pub fn from_segments(segments: Vec<Segment>) -> Template {
        let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
        for s in segments {
            match (out.last_mut(), s) {
                (_, Segment::Text(t)) if t.is_empty() => {}
                (Some(Segment::Text(prev)), Segment::Text(t)) => prev.push_str(&t),
                (_, s) => out.push(s),
            }
        }
        Template { segments: out }
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The secrets this value uses.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Secret(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// Whether the value is plain text with no secret and no host.
    pub fn is_literal(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Text(_)))
    }

    /// The value as plain text, if it is one.
    pub fn as_literal(&self) -> Option<String> {
        self.is_literal().then(|| {
            self.segments
                .iter()
                .map(|s| match s {
                    Segment::Text(t) => t.as_str(),
                    _ => "",
                })
                .collect()
        })
    }

    /// Renders the value, letting the caller decide what each non-text segment becomes.
    pub fn render(&self, mut f: impl FnMut(&Segment) -> String) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                other => out.push_str(&f(other)),
            }
        }
        out
    }
}

impl fmt::Display for Template {
    /// Shows the value with placeholders in their `${...}` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            match s {
                Segment::Text(t) => f.write_str(&t.replace("${", "$${"))?,
                Segment::Secret(n) => write!(f, "${{secrets.{n}}}")?,
                Segment::Host(n) => write!(f, "${{{n}.host}}")?,
            }
        }
        Ok(())
    }
}

/// A piece of a value as split by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawPiece {
    /// Literal text (with `$${` already unescaped).
    Text(String),
    /// A placeholder.
    Placeholder(RawPlaceholder),
}

/// Splits a value into text and placeholders. Errors carry the byte offset and length of
/// the bad placeholder within the value.
///
/// ```
/// use nexus_spec::values::placeholder::{scan, RawPiece};
/// let pieces = scan("a-${secrets.jwt}-$${x}").unwrap();
/// assert_eq!(pieces.len(), 3);
/// assert!(scan("${unclosed").is_err());
/// ```
pub fn scan(value: &str) -> Result<Vec<RawPiece>, (usize, usize, String)> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && value[i..].starts_with("$${") {
            text.push_str("${");
            i += 3;
            continue;
        }
        if bytes[i] == b'$' && value[i..].starts_with("${") {
            let Some(close) = value[i..].find('}') else {
                return Err((i, value.len() - i, "`${` is never closed with `}`".into()));
            };
            let inner = &value[i + 2..i + close];
            let len = close + 1;
            let parts: Vec<String> = inner.split('.').map(str::to_owned).collect();
            let well_formed = !inner.is_empty()
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
            if !well_formed {
                return Err((
                    i,
                    len,
                    format!(
                        "`${{{inner}}}` is not a placeholder like `${{secrets.NAME}}` or `${{postgres.host}}`"
                    ),
                ));
            }
            if !text.is_empty() {
                pieces.push(RawPiece::Text(std::mem::take(&mut text)));
            }
            pieces.push(RawPiece::Placeholder(RawPlaceholder {
                offset: i,
                len,
                parts,
            }));
            i += len;
            continue;
        }
        let ch_len = value[i..].chars().next().map_or(1, char::len_utf8);
        text.push_str(&value[i..i + ch_len]);
        i += ch_len;
    }
    if !text.is_empty() {
        pieces.push(RawPiece::Text(text));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans() {
        let p = scan("postgresql://u:${secrets.pg}@${postgres.host}:5432").unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(
            scan("$${literal}").unwrap(),
            vec![RawPiece::Text("${literal}".into())]
        );
        assert!(scan("${a b}").is_err());
        assert!(scan("${}").is_err());
        assert!(scan("${a..b}").is_err());
        assert_eq!(scan("héllo").unwrap(), vec![RawPiece::Text("héllo".into())]);
    }

    #[test]
    fn display_round_trips_escapes() {
        let t = Template::from_segments(vec![
            Segment::Text("a${b".into()),
            Segment::Secret("s".into()),
        ]);
        assert_eq!(t.to_string(), "a$${b${secrets.s}");
    }
}
