//! A YAML emitter for the shapes nexus renders, byte-identical to the reference emitter
//! (serde-saphyr with the options in [`super::options`]) on everything it accepts.
//!
//! Rendered manifests are block mappings and sequences of names, labels, paths, numbers and
//! booleans. The reference emitter decides the style of every string with several scans of
//! it; at 5,000 services that was a quarter of `nexus render`. This emitter writes the
//! common case directly:
//!
//! - a string that is *evidently plain* ([`super::plain`]: a letter or `/` first, then letters,
//!   digits and a few punctuation marks, at most 80 bytes, not a YAML 1.1 keyword) is
//!   written as it is;
//! - so is a one-line sentence or expression that the reference writes plain
//!   ([`super::plain::plain_prose`]: a letter first, printable ASCII, nothing that would end
//!   or retype the scalar);
//! - a string of several lines that a literal block can hold is written as one
//!   ([`super::literal`]);
//! - any other string is handed to the reference emitter alone, and its answer is used:
//!   a single line (quoted or plain) as it is, a block scalar (`|`, `>`) with its lines
//!   moved under the key or dash it belongs to;
//! - any shape outside block maps of string keys, sequences, strings, integers, booleans
//!   and `None` abandons the document ([`Unsupported`]).
//!
//! An abandoned document is written again by the reference emitter ([`super::to_yaml`]), so
//! the output never depends on which emitter wrote it; `tests.rs` holds this to the
//! reference on generated documents.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::literal;
use super::plain::{plain, plain_prose};

/// This emitter does not write the value; the reference emitter will.
#[derive(Debug)]
pub(crate) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a shape of the fast YAML emitter")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Unsupported
    }
}

type Result<T = ()> = std::result::Result<T, Unsupported>;

/// Writes `value`, a mapping, as one block YAML document ending in a newline.
#[cfg(test)]
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut out = String::with_capacity(1024);
    write(&mut out, value)?;
    Ok(out)
}

/// Appends `value`, a mapping, to `out` as one block YAML document ending in a newline.
/// On [`Unsupported`], `out` holds part of the document: the caller truncates it.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result {
    value.serialize(ValueSer {
        out,
        slot: Slot::Top,
    })
}

/// Where the next value goes.
#[derive(Clone, Copy)]
enum Slot {
    /// The document itself.
    Top,
    /// After `key:` written at this indent.
    MapValue(usize),
    /// After `- ` written at this indent.
    SeqItem(usize),
}

/// How a collection's first child is placed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// Column 0 of the document.
    Top,
    /// On the next line, after `key:`.
    AfterKey,
    /// On the same line, after `- `.
    AfterDash,
}

/// Writes `n` spaces.
pub(super) fn indent(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = n;
    while left > 0 {
        let take = left.min(SPACES.len());
        out.push_str(&SPACES[..take]);
        left -= take;
    }
}

/// Strings up to this long have the reference emitter's answer remembered.
const STYLED_MAX_LEN: usize = 256;
/// How many answers are remembered per thread; the memory is forgotten when it is full.
const STYLED_MAX_ENTRIES: usize = 4096;

thread_local! {
    /// The reference emitter's document for strings already asked about, by string. A
    /// rendering asks about the same few strings thousands of times (image tags such as
    /// `"1.0.0"`, quantities such as `100m` or `512Mi`, `25%`), and the answer is a pure
    /// function of the string.
    static STYLED: RefCell<HashMap<Box<str>, Box<str>>> = RefCell::new(HashMap::new());
}

/// Calls `with` on the reference emitter's document for the string `s` (remembered for
/// short strings, see [`STYLED`]).
fn styled<R>(s: &str, with: impl FnOnce(&str) -> Result<R>) -> Result<R> {
    if s.len() > STYLED_MAX_LEN {
        let reference = super::reference(&s).map_err(|_| Unsupported)?;
        return with(&reference);
    }
    STYLED.with(|cell| {
        if let Some(known) = cell.borrow().get(s) {
            return with(known);
        }
        let reference: Box<str> = super::reference(&s).map_err(|_| Unsupported)?.into();
        let out = with(&reference);
        let mut known = cell.borrow_mut();
        if known.len() >= STYLED_MAX_ENTRIES {
            known.clear();
        }
        known.insert(s.into(), reference);
        out
    })
}

struct ValueSer<'a> {
    out: &'a mut String,
    slot: Slot,
}

impl<'a> ValueSer<'a> {
    /// Writes what goes before a one-line scalar in this slot.
    fn before_scalar(&mut self) -> Result {
        match self.slot {
            Slot::Top => return Err(Unsupported),
            Slot::MapValue(_) => self.out.push(' '),
            Slot::SeqItem(_) => {}
        }
        Ok(())
    }

    /// Writes a one-line scalar in this slot.
    fn scalar(mut self, text: &str) -> Result {
        self.before_scalar()?;
        self.out.push_str(text);
        self.out.push('\n');
        Ok(())
    }

    fn string(self, s: &str) -> Result {
        if plain(s, false) || plain_prose(s) {
            return self.scalar(s);
        }
        if let Some(header) = literal::header(s) {
            return self.literal(header, s);
        }
        styled(s, |reference| {
            let text = reference.strip_suffix('\n').ok_or(Unsupported)?;
            match text.split_once('\n') {
                None if !text.starts_with(['|', '>']) => self.scalar(text),
                Some((header, lines)) if header.starts_with(['|', '>']) => {
                    self.block(header, lines)
                }
                _ => Err(Unsupported),
            }
        })
    }

    /// Writes `s` as a literal block scalar with `header` ([`literal`]), its lines two
    /// columns past the key or dash.
    fn literal(mut self, header: &str, s: &str) -> Result {
        let base = self.block_header(header)?;
        literal::body(self.out, s, base + 2);
        Ok(())
    }

    /// Writes a block scalar's header line in this slot; gives the key's or dash's column.
    fn block_header(&mut self, header: &str) -> Result<usize> {
        self.before_scalar()?;
        let (Slot::MapValue(base) | Slot::SeqItem(base)) = self.slot else {
            return Err(Unsupported);
        };
        self.out.push_str(header);
        self.out.push('\n');
        Ok(base)
    }

    /// Writes a block scalar the reference wrote as a document: its lines are indented by
    /// two there, by two more than the key or dash here.
    fn block(mut self, header: &str, lines: &str) -> Result {
        let base = self.block_header(header)?;
        for line in lines.split('\n') {
            if !line.is_empty() {
                if !line.starts_with("  ") {
                    return Err(Unsupported);
                }
                indent(self.out, base);
            }
            self.out.push_str(line);
            self.out.push('\n');
        }
        Ok(())
    }

    fn integer(mut self, v: impl fmt::Display) -> Result {
        self.before_scalar()?;
        writeln!(self.out, "{v}").map_err(|_| Unsupported)
    }

    /// Opens a mapping (`seq == false`) or sequence in this slot.
    fn open(self, seq: bool) -> Result<Compound<'a>> {
        let (opening, child) = match (self.slot, seq) {
            (Slot::Top, false) => (Opening::Top, 0),
            (Slot::MapValue(key), _) => (Opening::AfterKey, key + 2),
            (Slot::SeqItem(dash), false) => (Opening::AfterDash, dash + 2),
            // A sequence as a document or directly in a sequence: not a rendered shape.
            (Slot::Top | Slot::SeqItem(_), true) => return Err(Unsupported),
        };
        Ok(Compound {
            out: self.out,
            opening,
            child,
            first: true,
            seq,
        })
    }
}

/// An open mapping or sequence.
struct Compound<'a> {
    out: &'a mut String,
    opening: Opening,
    /// Indent of the keys or dashes of the children.
    child: usize,
    first: bool,
    seq: bool,
}

impl Compound<'_> {
    fn before_child(&mut self) {
        if std::mem::take(&mut self.first) {
            if self.opening == Opening::AfterKey {
                self.out.push('\n');
                indent(self.out, self.child);
            }
        } else {
            indent(self.out, self.child);
        }
    }

    fn key(&mut self, key: &str) -> Result {
        if !plain(key, true) {
            return Err(Unsupported);
        }
        self.before_child();
        self.out.push_str(key);
        self.out.push(':');
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(ValueSer {
            out: self.out,
            slot: Slot::MapValue(self.child),
        })
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.before_child();
        self.out.push_str("- ");
        value.serialize(ValueSer {
            out: self.out,
            slot: Slot::SeqItem(self.child),
        })
    }

    fn finish(self) -> Result {
        if self.first {
            if self.opening == Opening::AfterKey {
                self.out.push(' ');
            }
            self.out.push_str(if self.seq { "[]\n" } else { "{}\n" });
        }
        Ok(())
    }
}

/// Serializer methods this emitter leaves to the reference emitter.
macro_rules! unsupported {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret> {
            Err(Unsupported)
        })*
    };
}

impl<'a> ser::Serializer for ValueSer<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result {
        self.scalar(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.integer(v)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_none(self) -> Result {
        self.scalar("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        if plain(variant, false) {
            self.scalar(variant)
        } else {
            Err(Unsupported)
        }
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result {
        // The reference emitter gives `__yaml_*` wrapper names a style of their own.
        if name.starts_with("__yaml") {
            return Err(Unsupported);
        }
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>> {
        self.open(true)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>> {
        self.open(false)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>> {
        self.open(false)
    }

    unsupported! {
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_i128(i128) -> ();
        serialize_u128(u128) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        key.serialize(KeySer { map: self })
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key)?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// A mapping key: a string, written plain, or the document is left to the reference.
struct KeySer<'c, 'a> {
    map: &'c mut Compound<'a>,
}

impl ser::Serializer for KeySer<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Impossible<(), Unsupported>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Result {
        self.map.key(v)
    }

    unsupported! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result {
        Err(Unsupported)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Unsupported)
    }
}
