//! serde's access traits over nodes: sequences, mappings, structs, `Spanned` and enums.

use serde::de::value::{BorrowedStrDeserializer, U32Deserializer};
use serde::de::{self, DeserializeSeed, Deserializer as _, Visitor};

use crate::load::node::{Node, NodeKind};
use crate::span::{SPANNED_FIELDS, Span, Spanned};

use super::decoding::{Decoding, Place, StructId, node_addr, with_dummy};
use super::dummy::DummyDe;
use super::error::Error;
use super::key::KeyDe;
use super::node::NodeDe;
use super::report;

/// The items of a sequence.
pub(crate) struct SeqDe<'de, 'c> {
    items: std::slice::Iter<'de, Node>,
    ctx: &'c Decoding<'c>,
    place: Place<'de>,
}

impl<'de, 'c> SeqDe<'de, 'c> {
    /// The items of the sequence at `place`.
    pub(crate) fn new(items: &'de [Node], ctx: &'c Decoding<'c>, place: Place<'de>) -> Self {
        SeqDe {
            items: items.iter(),
            ctx,
            place: place.items(),
        }
    }

    /// Items not read (yet).
    pub(crate) fn remaining(&self) -> usize {
        self.items.len()
    }
}

impl<'de> de::SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let de = NodeDe::new(item, self.ctx, self.place);
        de.locate(seed.deserialize(de)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping read as a map (every key is delivered).
pub(crate) struct MapDe<'de, 'c> {
    entries: std::slice::Iter<'de, (Spanned<String>, Node)>,
    value: Option<&'de (Spanned<String>, Node)>,
    ctx: &'c Decoding<'c>,
}

impl<'de, 'c> MapDe<'de, 'c> {
    pub(crate) fn new(entries: &'de [(Spanned<String>, Node)], ctx: &'c Decoding<'c>) -> Self {
        MapDe {
            entries: entries.iter(),
            value: None,
            ctx,
        }
    }
}

impl<'de> de::MapAccess<'de> for MapDe<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        let de = KeyDe::new(&entry.0, self.ctx);
        de.locate(seed.deserialize(de)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, value) = self.value.take().ok_or(Error::Recorded)?;
        let de = NodeDe::new(value, self.ctx, Place::Key(&key.value));
        de.locate(seed.deserialize(de))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// What the next `next_value_seed` of a struct reads.
enum Pending<'de> {
    None,
    Entry(&'de Spanned<String>, &'de Node),
    /// A required field that is missing (already reported): a dummy fills it in.
    Filler(&'static str),
}

/// The entries of a mapping read as a struct: only known fields are delivered, unknown keys
/// are reported and skipped, `x-` keys are skipped silently, and missing required fields
/// learnt in an earlier pass are filled in with dummies at the end.
pub(crate) struct StructDe<'de, 'c> {
    owner: NodeDe<'de, 'c>,
    entries: std::slice::Iter<'de, (Spanned<String>, Node)>,
    fields: &'static [&'static str],
    fillers: std::vec::IntoIter<&'static str>,
    pending: Pending<'de>,
}

impl<'de, 'c> StructDe<'de, 'c> {
    pub(crate) fn new(
        owner: NodeDe<'de, 'c>,
        entries: &'de [(Spanned<String>, Node)],
        fields: &'static [&'static str],
        fillers: Vec<&'static str>,
    ) -> Self {
        StructDe {
            owner,
            entries: entries.iter(),
            fields,
            fillers: fillers.into_iter(),
            pending: Pending::None,
        }
    }
}

impl<'de> de::MapAccess<'de> for StructDe<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let ctx = self.owner.ctx;
        for (key, value) in self.entries.by_ref() {
            if self.fields.contains(&key.value.as_str()) {
                self.pending = Pending::Entry(key, value);
                let de = KeyDe::new(key, ctx);
                return de.locate(seed.deserialize(de)).map(Some);
            }
            if !key.value.starts_with("x-") {
                ctx.record(report::unknown_key(
                    key.span,
                    &key.value,
                    self.fields,
                    self.owner.place,
                ));
            }
        }
        match self.fillers.next() {
            Some(field) => {
                self.pending = Pending::Filler(field);
                seed.deserialize(BorrowedStrDeserializer::new(field))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Entry(key, value) => {
                let de = NodeDe::new(value, self.owner.ctx, Place::Key(&key.value));
                de.locate(seed.deserialize(de))
            }
            Pending::Filler(field) => {
                let diag = report::missing_key(self.owner.node.span, field, self.owner.place);
                with_dummy(
                    node_addr(self.owner.node),
                    diag,
                    seed.deserialize(DummyDe::default()),
                )
            }
            Pending::None => Err(Error::Recorded),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() + self.fillers.len())
    }
}

/// The fields of the magic struct through which [`Spanned`] receives a span, then the value
/// itself from `value`.
pub(crate) struct SpannedAccess<D> {
    span: Span,
    value: Option<D>,
    next: usize,
}

impl<D> SpannedAccess<D> {
    pub(crate) fn new(span: Span, value: D) -> Self {
        SpannedAccess {
            span,
            value: Some(value),
            next: 0,
        }
    }
}

impl<'de, D: de::Deserializer<'de, Error = Error>> de::MapAccess<'de> for SpannedAccess<D> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(field) = SPANNED_FIELDS.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(BorrowedStrDeserializer::new(field))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let span = self.span;
        match self.next {
            1 => seed.deserialize(U32Deserializer::new(span.file.0)),
            2 => seed.deserialize(U32Deserializer::new(span.offset)),
            3 => seed.deserialize(U32Deserializer::new(span.len)),
            4 => seed.deserialize(U32Deserializer::new(span.line)),
            5 => seed.deserialize(U32Deserializer::new(span.column)),
            _ => seed.deserialize(self.value.take().ok_or(Error::Recorded)?),
        }
    }
}

/// An enum value: `name` alone (`value` is `None`), or `{name: value}`.
pub(crate) struct EnumDe<'de, 'c> {
    owner: NodeDe<'de, 'c>,
    name: &'static str,
    variant: &'static str,
    value: Option<&'de Node>,
}

impl<'de, 'c> EnumDe<'de, 'c> {
    pub(crate) fn new(
        owner: NodeDe<'de, 'c>,
        name: &'static str,
        variant: &'static str,
        value: Option<&'de Node>,
    ) -> Self {
        EnumDe {
            owner,
            name,
            variant,
            value,
        }
    }

    /// The variant needs data but has none: report it, then read dummy data.
    fn needs_data<T>(&self, read: impl FnOnce(DummyDe) -> Result<T, Error>) -> Result<T, Error> {
        let diag = report::variant_shape(self.owner.node.span, self.variant, true);
        self.owner.ctx.record(diag.clone());
        with_dummy(node_addr(self.owner.node), diag, read(DummyDe::default()))
    }

    fn content(&self, node: &'de Node) -> NodeDe<'de, 'c> {
        NodeDe::new(node, self.owner.ctx, Place::Key(self.variant))
    }
}

impl<'de, 'c> de::EnumAccess<'de> for EnumDe<'de, 'c> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let value = seed.deserialize(BorrowedStrDeserializer::new(self.variant))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for EnumDe<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        if let Some(value) = self.value
            && value.kind != NodeKind::Null
        {
            self.owner
                .ctx
                .record(report::variant_shape(value.span, self.variant, false));
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.value {
            Some(node) => {
                let de = self.content(node);
                de.locate(seed.deserialize(de))
            }
            None => self.needs_data(|d| seed.deserialize(d)),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Some(node) => self.content(node).deserialize_tuple(len, visitor),
            None => self.needs_data(|d| d.deserialize_tuple(len, visitor)),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Some(node) => {
                let id = StructId {
                    name: self.name,
                    variant: self.variant,
                    fields,
                };
                self.content(node).struct_like(id, visitor)
            }
            None => self.needs_data(|d| d.deserialize_struct(self.name, fields, visitor)),
        }
    }
}
