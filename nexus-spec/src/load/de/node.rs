//! The deserializer over one [`Node`].

use serde::de::{self, Deserializer as _, Visitor};

use crate::diagnostic::Diagnostic;
use crate::load::node::{Node, NodeKind};
use crate::span::{SPANNED_STRUCT, Spanned};
use crate::suggest;

use super::access::{EnumDe, MapDe, SeqDe, SpannedAccess, StructDe};
use super::decoding::{Addr, Decoding, Place, StructId, node_addr, with_dummy};
use super::dummy::DummyDe;
use super::error::{Error, SerdeError};
use super::report::{self, Expect};

/// Deserializes one node. Cheap to copy: a node, the shared context and where the node sits.
#[derive(Clone, Copy)]
pub(crate) struct NodeDe<'de, 'c> {
    pub(crate) node: &'de Node,
    pub(crate) ctx: &'c Decoding<'c>,
    pub(crate) place: Place<'de>,
}

/// Integer types a node can be read into.
pub(crate) trait IntTarget: TryFrom<i128> {
    /// Smallest and largest value, for messages.
    fn bounds() -> (String, String);
}

macro_rules! int_target {
    ($($ty:ty),*) => {$(
        impl IntTarget for $ty {
            fn bounds() -> (String, String) {
                (<$ty>::MIN.to_string(), <$ty>::MAX.to_string())
            }
        }
    )*};
}
int_target!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl<'de, 'c> NodeDe<'de, 'c> {
    pub(crate) fn new(node: &'de Node, ctx: &'c Decoding<'c>, place: Place<'de>) -> Self {
        NodeDe { node, ctx, place }
    }

    fn addr(&self) -> Addr {
        node_addr(self.node)
    }

    /// Locates an error raised by serde while this node was being read.
    pub(crate) fn locate<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        self.ctx.locate(self.addr(), result, |e| {
            report::from_serde(self.ctx, e, self.node, self.place)
        })
    }

    /// If this node failed in an earlier pass, reports it again and returns the diagnostic.
    fn replay(&self) -> Option<Diagnostic> {
        self.ctx.replay(self.addr())
    }

    /// Reports a diagnostic about this node and returns it, for the dummy that follows.
    fn report(&self, diag: Diagnostic) -> Diagnostic {
        self.ctx.record(diag.clone());
        diag
    }

    fn wrong_type(&self, expect: Expect) -> Diagnostic {
        self.report(report::wrong_type(self.ctx, self.node, self.place, expect))
    }

    /// Feeds a dummy after `diag`.
    fn dummy<T>(&self, diag: Diagnostic, result: Result<T, Error>) -> Result<T, Error> {
        with_dummy(self.addr(), diag, result)
    }

    /// The node as an integer of type `T`, or the diagnostic saying why not.
    fn integer<T: IntTarget>(&self) -> Result<T, Diagnostic> {
        let out_of_range = || {
            let (min, max) = T::bounds();
            let value = report::raw(self.ctx, self.node);
            self.report(report::out_of_range(
                self.node, self.place, &value, min, max,
            ))
        };
        let n: i128 = match self.node.kind {
            NodeKind::Int(i) => i128::from(i),
            // JSON Schema counts a number without a fractional part as an integer.
            NodeKind::Float(f) if f.is_finite() && f.fract() == 0.0 => {
                // Within ±1e38 the conversion is exact; beyond, no target type can hold it.
                if f.abs() >= 1e38 {
                    return Err(out_of_range());
                }
                f as i128
            }
            _ => return Err(self.wrong_type(Expect::Int)),
        };
        T::try_from(n).map_err(|_| out_of_range())
    }

    fn number(&self) -> Result<f64, Diagnostic> {
        match self.node.kind {
            NodeKind::Int(i) => Ok(i as f64),
            NodeKind::Float(f) => Ok(f),
            _ => Err(self.wrong_type(Expect::Number)),
        }
    }

    /// Reports `field` missing from this mapping, unless a misspelt key in it already got a
    /// "did you mean `field`?": one typo, one diagnostic.
    fn missing_key(
        &self,
        entries: &[(Spanned<String>, Node)],
        fields: &'static [&'static str],
        field: &str,
    ) {
        let misspelt = entries.iter().any(|(k, _)| {
            !fields.contains(&k.value.as_str())
                && !k.value.starts_with("x-")
                && suggest::did_you_mean(&k.value, fields) == Some(field)
        });
        if !misspelt {
            self.ctx
                .record(report::missing_key(self.node.span, field, self.place));
        }
    }

    /// A struct (or a struct variant of an enum) from a mapping: unknown keys are reported and
    /// skipped, required keys learnt missing in an earlier pass are reported and filled in.
    pub(crate) fn struct_like<V: Visitor<'de>>(
        self,
        id: StructId,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if let Some(diag) = self.replay() {
            return self.dummy(
                diag,
                DummyDe::default().deserialize_struct(id.name, id.fields, visitor),
            );
        }
        let NodeKind::Map(entries) = &self.node.kind else {
            let diag = self.wrong_type(Expect::Map);
            let r = self.dummy(
                diag,
                DummyDe::default().deserialize_struct(id.name, id.fields, visitor),
            );
            return self.locate(r);
        };
        let addr = self.addr();
        let inject = self.ctx.missing_fields(id, addr, entries);
        for field in &inject {
            self.missing_key(entries, id.fields, field);
        }
        let access = StructDe::new(self, entries, id.fields, inject.clone());
        match visitor.visit_map(access) {
            Err(Error::Serde(SerdeError::MissingField(field))) => {
                self.ctx.learn_required(id, field);
                self.missing_key(entries, id.fields, field);
                Err(Error::Recorded)
            }
            Err(Error::Serde(SerdeError::DuplicateField(field))) if inject.contains(&field) => {
                // The field was there under a serde alias: filling it in was wrong.
                self.ctx.learn_no_inject(addr, field);
                Err(Error::Recorded)
            }
            other => self.locate(other),
        }
    }
}

macro_rules! int_method {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            if let Some(diag) = self.replay() {
                return self.dummy(diag, DummyDe::default().$method(visitor));
            }
            let result = match self.integer::<$ty>() {
                Ok(n) => visitor.$visit(n),
                Err(diag) => self.dummy(diag, DummyDe::default().$method(visitor)),
            };
            self.locate(result)
        }
    )*};
}

/// If this node failed in an earlier pass, reports that again and returns `$dummy` (a dummy
/// value of the type asked for) instead of reading the node.
macro_rules! replay_or {
    ($self:ident, $dummy:expr) => {
        if let Some(diag) = $self.replay() {
            return $self.dummy(diag, $dummy);
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'de, '_> {
    type Error = Error;

    int_method! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_any(visitor));
        let result = match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            NodeKind::Int(i) => visitor.visit_i64(*i),
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_borrowed_str(s),
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe::new(items, self.ctx, self.place)),
            NodeKind::Map(entries) => visitor.visit_map(MapDe::new(entries, self.ctx)),
        };
        self.locate(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_bool(visitor));
        let result = match self.node.kind {
            NodeKind::Bool(b) => visitor.visit_bool(b),
            _ => {
                let diag = self.wrong_type(Expect::Bool);
                self.dummy(diag, DummyDe::default().deserialize_bool(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_f32(visitor));
        let result = match self.number() {
            Ok(f) => visitor.visit_f32(f as f32),
            Err(diag) => self.dummy(diag, DummyDe::default().deserialize_f32(visitor)),
        };
        self.locate(result)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_f64(visitor));
        let result = match self.number() {
            Ok(f) => visitor.visit_f64(f),
            Err(diag) => self.dummy(diag, DummyDe::default().deserialize_f64(visitor)),
        };
        self.locate(result)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_char(visitor));
        let single = match &self.node.kind {
            NodeKind::Str(s) => {
                let mut chars = s.chars();
                chars.next().filter(|_| chars.next().is_none())
            }
            _ => None,
        };
        let result = match single {
            Some(c) => visitor.visit_char(c),
            None => {
                let diag = self.wrong_type(Expect::Char);
                self.dummy(diag, DummyDe::default().deserialize_char(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_str(visitor));
        let result = match &self.node.kind {
            NodeKind::Str(s) => visitor.visit_borrowed_str(s),
            _ => {
                let diag = self.wrong_type(Expect::Str);
                self.dummy(diag, DummyDe::default().deserialize_str(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_bytes(visitor));
        let result = match &self.node.kind {
            NodeKind::Str(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            _ => {
                let diag = self.wrong_type(Expect::Bytes);
                self.dummy(diag, DummyDe::default().deserialize_bytes(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_option(visitor));
        let result = match self.node.kind {
            NodeKind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        };
        self.locate(result)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_unit(visitor));
        let result = match self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            _ => {
                let diag = self.wrong_type(Expect::Null);
                self.dummy(diag, DummyDe::default().deserialize_unit(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        replay_or!(
            self,
            DummyDe::default().deserialize_newtype_struct(name, visitor)
        );
        let result = visitor.visit_newtype_struct(self);
        self.locate(result)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_seq(visitor));
        let result = match &self.node.kind {
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe::new(items, self.ctx, self.place)),
            _ => {
                let diag = self.wrong_type(Expect::Seq);
                self.dummy(diag, DummyDe::default().deserialize_seq(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_tuple(len, visitor));
        let result = match &self.node.kind {
            NodeKind::Seq(items) => {
                let mut access = SeqDe::new(items, self.ctx, self.place);
                let value = visitor.visit_seq(&mut access);
                if value.is_ok() && access.remaining() > 0 {
                    self.ctx.record(report::too_many_items(
                        self.node,
                        self.place,
                        len,
                        items.len(),
                    ));
                }
                value
            }
            _ => {
                let diag = self.wrong_type(Expect::Seq);
                self.dummy(diag, DummyDe::default().deserialize_tuple(len, visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        replay_or!(self, DummyDe::default().deserialize_map(visitor));
        let result = match &self.node.kind {
            NodeKind::Map(entries) => visitor.visit_map(MapDe::new(entries, self.ctx)),
            _ => {
                let diag = self.wrong_type(Expect::Map);
                self.dummy(diag, DummyDe::default().deserialize_map(visitor))
            }
        };
        self.locate(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED_STRUCT {
            replay_or!(
                self,
                DummyDe::default().deserialize_struct(name, fields, visitor)
            );
            let result = visitor.visit_map(SpannedAccess::new(self.node.span, self));
            return self.locate(result);
        }
        let id = StructId {
            name,
            variant: "",
            fields,
        };
        self.struct_like(id, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        replay_or!(
            self,
            DummyDe::default().deserialize_enum(name, variants, visitor)
        );
        let find = |s: &str| variants.iter().copied().find(|v| *v == s);
        let diag = match &self.node.kind {
            NodeKind::Str(s) => match find(s) {
                Some(variant) => {
                    let access = EnumDe::new(self, name, variant, None);
                    return self.locate(visitor.visit_enum(access));
                }
                None => report::unknown_variant(self.node.span, s, variants, self.place),
            },
            NodeKind::Map(entries) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                match find(&key.value) {
                    Some(variant) => {
                        let access = EnumDe::new(self, name, variant, Some(value));
                        return self.locate(visitor.visit_enum(access));
                    }
                    None => report::unknown_variant(key.span, &key.value, variants, self.place),
                }
            }
            _ => report::wrong_type(self.ctx, self.node, self.place, Expect::Variant(variants)),
        };
        let diag = self.report(diag);
        let result = self.dummy(
            diag,
            DummyDe::default().deserialize_enum(name, variants, visitor),
        );
        self.locate(result)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // Nothing is read, so nothing can be wrong, and a deep subtree costs nothing.
        visitor.visit_unit()
    }
}
