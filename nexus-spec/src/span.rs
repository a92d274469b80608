//! Source positions: every value of a loaded spec remembers where it was written.
//!
//! [`Span`] is a byte range in one source file plus the 1-based line and column of its start.
//! [`Spanned<T>`] wraps a value with its span; it deserializes from the loader's node tree
//! (see [`crate::load`]) and serializes as the bare value, so the JSON Schema and any
//! re-serialization never see the position.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Index of a source file in a [`crate::SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// Where a value was written: file, byte range, and the 1-based line and column of its start.
///
/// Offsets and lengths are `u32`: 20 bytes a span instead of 32, on every value of a loaded
/// spec. The loader refuses files of 4 GiB or more (see [`crate::load::Limits`]), so every
/// offset fits; [`Span::at`] saturates rather than wrap for text that did not come from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the value comes from.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub offset: u32,
    /// Length in bytes (0 for a value that has no text of its own, such as a default).
    pub len: u32,
    /// 1-based line of the first byte.
    pub line: u32,
    /// 1-based column (in characters) of the first byte.
    pub column: u32,
}

impl Span {
    /// A span that points nowhere: used for values nexus filled in itself (defaults).
    pub const DETACHED: Span = Span {
        file: FileId(u32::MAX),
        offset: 0,
        len: 0,
        line: 0,
        column: 0,
    };

    /// Whether this span points into a real source file.
    pub fn is_detached(&self) -> bool {
        self.file == FileId(u32::MAX)
    }

    /// A span of `len` bytes from byte `offset` of `file`, starting at 1-based `line` and
    /// `column`. An offset or length past `u32::MAX` is held as `u32::MAX`.
    ///
    /// ```
    /// use nexus_spec::{FileId, Span};
    /// let span = Span::at(FileId(0), 12, 4, 2, 3);
    /// assert_eq!(span.range(), 12..16);
    /// ```
    pub fn at(file: FileId, offset: usize, len: usize, line: u32, column: u32) -> Span {
        Span {
            file,
            offset: saturate(offset),
            len: saturate(len),
            line,
            column,
        }
    }

    /// Byte offset of the first byte.
    pub fn start(&self) -> usize {
        self.offset as usize
    }

    /// Byte offset just past the last byte.
    pub fn end(&self) -> usize {
        self.start() + self.len as usize
    }

    /// The bytes the span covers, as a range to index the source text with.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The same start with another length (in bytes).
    pub fn with_len(self, len: usize) -> Span {
        Span {
            len: saturate(len),
            ..self
        }
    }

    /// The span as a miette source span (byte offset and length).
    pub fn source_span(&self) -> miette::SourceSpan {
        miette::SourceSpan::new(self.start().into(), self.len as usize)
    }
}

/// `n` as a `u32`, or `u32::MAX` when it is larger: how a span, and the loader's line and
/// column counts, hold a `usize`.
pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A value together with the place in the spec where it was written.
///
/// Equality, ordering and hashing look at the value only, so two `Spanned` names from
/// different lines compare equal when their text is equal.
///
/// ```
/// use nexus_spec::{Spanned, Span};
/// let port = Spanned::new(8080u16, Span::DETACHED);
/// assert_eq!(*port, 8080);
/// ```
#[derive(Clone, Copy, Default)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where the value was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a value with a span.
    pub const fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }

    /// Wraps a value that nexus filled in itself (a default), with a detached span.
    pub const fn detached(value: T) -> Self {
        Spanned {
            value,
            span: Span::DETACHED,
        }
    }

    /// Maps the value, keeping the span.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }

    /// Borrows the value, keeping the span.
    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            value: &self.value,
            span: self.span,
        }
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// A value written in code: detached, like a default nexus fills in (see
/// [`crate::Spec::builder`]).
impl<T> From<T> for Spanned<T> {
    fn from(value: T) -> Self {
        Spanned::detached(value)
    }
}

/// Text written in code.
impl From<&str> for Spanned<String> {
    fn from(value: &str) -> Self {
        Spanned::detached(value.to_owned())
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Spanned<T> {}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}
impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}
impl<T: Hash> Hash for Spanned<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}

impl<T> std::borrow::Borrow<T> for Spanned<T> {
    fn borrow(&self) -> &T {
        &self.value
    }
}

impl std::borrow::Borrow<str> for Spanned<String> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// The name of the magic struct through which the loader's deserializer hands a span to
/// [`Spanned`]. Only `crate::load` and this module use it.
pub(crate) const SPANNED_STRUCT: &str = "$__nexus_private_Spanned";
/// Field names of the magic struct, in the order the deserializer yields them.
pub(crate) const SPANNED_FIELDS: &[&str] = &[
    "$__nexus_private_file",
    "$__nexus_private_offset",
    "$__nexus_private_len",
    "$__nexus_private_line",
    "$__nexus_private_column",
    "$__nexus_private_value",
];

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Spanned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a spanned value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut span = Span::default();
                let mut value = None;
                while let Some(key) = map.next_key::<&str>()? {
                    match key {
                        k if k == SPANNED_FIELDS[0] => span.file = FileId(map.next_value()?),
                        k if k == SPANNED_FIELDS[1] => span.offset = map.next_value()?,
                        k if k == SPANNED_FIELDS[2] => span.len = map.next_value()?,
                        k if k == SPANNED_FIELDS[3] => span.line = map.next_value()?,
                        k if k == SPANNED_FIELDS[4] => span.column = map.next_value()?,
                        k if k == SPANNED_FIELDS[5] => value = Some(map.next_value()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(other, SPANNED_FIELDS));
                        }
                    }
                }
                let value =
                    value.ok_or_else(|| serde::de::Error::missing_field(SPANNED_FIELDS[5]))?;
                Ok(Spanned { value, span })
            }
        }

        // Only nexus's own node deserializer (`crate::load`) knows the magic name: spec types
        // are deserialized from the loader's node tree, never straight from another format.
        deserializer.deserialize_struct(
            SPANNED_STRUCT,
            SPANNED_FIELDS,
            SpannedVisitor(std::marker::PhantomData),
        )
    }
}
