//! The deserializer over a mapping key (always a string in the tree).

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, Visitor};

use crate::diagnostic::Diagnostic;
use crate::load::node::{Node, NodeKind};
use crate::span::{SPANNED_STRUCT, Spanned};

use super::access::SpannedAccess;
use super::decoding::{Addr, Decoding, Place, key_addr, with_dummy};
use super::dummy::DummyDe;
use super::error::Error;
use super::report::{self, Expect};

/// Deserializes a mapping key: as a string, as `Spanned<String>`, as a unit enum variant, or
/// parsed as a number or boolean for maps keyed by those.
#[derive(Clone, Copy)]
pub(crate) struct KeyDe<'de, 'c> {
    key: &'de Spanned<String>,
    ctx: &'c Decoding<'c>,
}

impl<'de, 'c> KeyDe<'de, 'c> {
    pub(crate) fn new(key: &'de Spanned<String>, ctx: &'c Decoding<'c>) -> Self {
        KeyDe { key, ctx }
    }

    fn addr(&self) -> Addr {
        key_addr(self.key)
    }

    /// The key as a node, for wording diagnostics.
    fn as_node(&self) -> Node {
        Node::new(self.key.span, NodeKind::Str(self.key.value.clone()))
    }

    pub(crate) fn locate<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        self.ctx.locate(self.addr(), result, |e| {
            report::from_serde(self.ctx, e, &self.as_node(), Place::Root)
        })
    }

    fn wrong_type(&self, expect: Expect) -> Diagnostic {
        let diag = report::wrong_type(self.ctx, &self.as_node(), Place::Root, expect);
        self.ctx.record(diag.clone());
        diag
    }

    /// Parses the key with `parse`, reporting `expect` when it does not parse.
    fn parsed<T, V: Visitor<'de>>(
        self,
        visitor: V,
        expect: Expect,
        parse: impl FnOnce(&str) -> Option<T>,
        visit: impl FnOnce(V, T) -> Result<V::Value, Error>,
        dummy: impl FnOnce(DummyDe, V) -> Result<V::Value, Error>,
    ) -> Result<V::Value, Error> {
        if let Some(diag) = self.ctx.replay(self.addr()) {
            return with_dummy(self.addr(), diag, dummy(DummyDe::default(), visitor));
        }
        let result = match parse(&self.key.value) {
            Some(value) => visit(visitor, value),
            None => {
                let diag = self.wrong_type(expect);
                with_dummy(self.addr(), diag, dummy(DummyDe::default(), visitor))
            }
        };
        self.locate(result)
    }
}

macro_rules! parsed_key {
    ($($method:ident => $visit:ident: $ty:ty as $expect:expr),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.parsed(
                visitor,
                $expect,
                |s| s.parse::<$ty>().ok(),
                |v, n| v.$visit(n),
                |d, v| d.$method(v),
            )
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDe<'de, '_> {
    type Error = Error;

    parsed_key! {
        deserialize_bool => visit_bool: bool as Expect::Bool,
        deserialize_i8 => visit_i8: i8 as Expect::Int,
        deserialize_i16 => visit_i16: i16 as Expect::Int,
        deserialize_i32 => visit_i32: i32 as Expect::Int,
        deserialize_i64 => visit_i64: i64 as Expect::Int,
        deserialize_i128 => visit_i128: i128 as Expect::Int,
        deserialize_u8 => visit_u8: u8 as Expect::Int,
        deserialize_u16 => visit_u16: u16 as Expect::Int,
        deserialize_u32 => visit_u32: u32 as Expect::Int,
        deserialize_u64 => visit_u64: u64 as Expect::Int,
        deserialize_u128 => visit_u128: u128 as Expect::Int,
        deserialize_f32 => visit_f32: f32 as Expect::Number,
        deserialize_f64 => visit_f64: f64 as Expect::Number,
        deserialize_char => visit_char: char as Expect::Char,
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(diag) = self.ctx.replay(self.addr()) {
            return with_dummy(
                self.addr(),
                diag,
                DummyDe::default().deserialize_str(visitor),
            );
        }
        let result = visitor.visit_borrowed_str(&self.key.value);
        self.locate(result)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = visitor.visit_some(self);
        self.locate(result)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = visitor.visit_newtype_struct(self);
        self.locate(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name != SPANNED_STRUCT {
            return self.deserialize_any(visitor);
        }
        if let Some(diag) = self.ctx.replay(self.addr()) {
            let dummy = DummyDe::default().deserialize_struct(name, fields, visitor);
            return with_dummy(self.addr(), diag, dummy);
        }
        let result = visitor.visit_map(SpannedAccess::new(self.key.span, self));
        self.locate(result)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if let Some(diag) = self.ctx.replay(self.addr()) {
            let dummy = DummyDe::default().deserialize_enum(name, variants, visitor);
            return with_dummy(self.addr(), diag, dummy);
        }
        let result = match variants.iter().copied().find(|v| *v == self.key.value) {
            Some(variant) => {
                BorrowedStrDeserializer::new(variant).deserialize_enum(name, variants, visitor)
            }
            None => {
                let diag =
                    report::unknown_variant(self.key.span, &self.key.value, variants, Place::Root);
                self.ctx.record(diag.clone());
                let dummy = DummyDe::default().deserialize_enum(name, variants, visitor);
                with_dummy(self.addr(), diag, dummy)
            }
        };
        self.locate(result)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}
