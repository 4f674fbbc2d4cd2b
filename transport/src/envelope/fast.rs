//! The one-pass decoder for success envelopes.
//!
//! [`decode_success`] deserializes `{"Response": {...}}` straight from the bytes into the
//! action's response type. It must agree with the `Value`-based path in the parent module on
//! every body it accepts, and it gives up (returns `None`) on everything else, so that the
//! slow path alone decides every error. What keeps the two in step:
//!
//! - a `Response` member named `Error` (after unescaping, as `Value` compares keys) makes it
//!   give up at once: that is an error envelope;
//! - a second `Response` makes it give up (`Value` keeps the last of duplicate members; the
//!   derived response types reject duplicates of their own members, and of a repeated
//!   `RequestId` the last is kept, as `Value` keeps it);
//! - `Response` must be an object and so must the body: no sequence form of a struct;
//! - values the response type ignores (unknown members, at any depth) are still parsed in full
//!   through [`Strict`], as `Value` would parse them. serde_json's own skipping accepts what
//!   the full parse rejects: invalid UTF-8 or lone surrogates in strings, numbers out of range,
//!   nesting beyond the recursion limit (it skips iteratively). The recursion limit stays on:
//!   every `[` and `{` goes through serde_json's depth check, counted as the full parse counts
//!   it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, StrDeserializer, UnitDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::Deserialize;

/// `R` and the non-empty `Response.RequestId` of a success envelope, or `None` when the body
/// is anything else or the one pass cannot vouch for the result.
pub(super) fn decode_success<R: DeserializeOwned>(body: &[u8]) -> Option<(R, Option<String>)> {
    let success = serde_json::from_slice::<Success<R>>(body).ok()?;
    let request_id = success.request_id.filter(|id| !id.is_empty());
    Some((success.response, request_id))
}

struct Success<R> {
    response: R,
    request_id: Option<String>,
}

impl<'de, R: DeserializeOwned> Deserialize<'de> for Success<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(Top(PhantomData))
    }
}

/// The body's top-level object.
struct Top<R>(PhantomData<R>);

impl<'de, R: DeserializeOwned> Visitor<'de> for Top<R> {
    type Value = Success<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a {\"Response\": {...}} envelope")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Success<R>, M::Error> {
        let mut found = None;
        while let Some(Key(key)) = map.next_key()? {
            if key != "Response" {
                map.next_value::<Validated>()?;
            } else if found.is_some() {
                return Err(de::Error::duplicate_field("Response"));
            } else {
                found = Some(map.next_value_seed(Response(PhantomData))?);
            }
        }
        found.ok_or_else(|| de::Error::missing_field("Response"))
    }
}

/// The `Response` object.
struct Response<R>(PhantomData<R>);

impl<'de, R: DeserializeOwned> DeserializeSeed<'de> for Response<R> {
    type Value = Success<R>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Success<R>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: DeserializeOwned> Visitor<'de> for Response<R> {
    type Value = Success<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the Response object")
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Success<R>, M::Error> {
        let mut members = Members {
            map,
            request_id: None,
            id_next: false,
        };
        let response = R::deserialize(MapAccessDeserializer::new(&mut members))?;
        Ok(Success {
            response,
            request_id: members.request_id,
        })
    }
}

/// The members of `Response` as `R` sees them, watched for `Error` and `RequestId`.
struct Members<M> {
    map: M,
    request_id: Option<String>,
    /// The member whose value comes next is `RequestId`.
    id_next: bool,
}

impl<'de, M: MapAccess<'de>> MapAccess<'de> for &mut Members<M> {
    type Error = M::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, M::Error> {
        let Some(Key(key)) = self.map.next_key()? else {
            return Ok(None);
        };
        self.id_next = match &*key {
            "Error" => return Err(de::Error::custom("an error envelope")),
            "RequestId" => true,
            _ => false,
        };
        seed.deserialize(StrDeserializer::new(&key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, M::Error> {
        if !std::mem::take(&mut self.id_next) {
            return self.map.next_value_seed(Strict(seed));
        }
        // The value is read here and handed on, so that it can be kept as well.
        let id: Option<String> = self.map.next_value()?;
        let value = match &id {
            Some(id) => seed.deserialize(IdDeserializer(id, PhantomData))?,
            None => seed.deserialize(UnitDeserializer::new())?,
        };
        self.request_id = id;
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A member name, borrowed from the body when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A JSON string already read, handed to `R` as serde_json hands a string: `Some` to an
/// `Option`, the text to everything else.
struct IdDeserializer<'a, E>(&'a str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for IdDeserializer<'_, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Any JSON value, parsed in full and dropped: what `Value` would accept, without building
/// it.
struct Validated;

impl<'de> Deserialize<'de> for Validated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Validated)
    }
}

/// The scalar `visit_*` methods of a visitor that accepts anything and keeps nothing.
macro_rules! accept_scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E>(self, _: $ty) -> Result<Validated, E> {
            Ok(Validated)
        }
    )*};
}

impl<'de> Visitor<'de> for Validated {
    type Value = Validated;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    accept_scalars! {
        visit_bool(bool), visit_i64(i64), visit_i128(i128), visit_u64(u64), visit_u128(u128),
        visit_f64(f64), visit_str(&str), visit_bytes(&[u8]),
    }

    fn visit_unit<E>(self) -> Result<Validated, E> {
        Ok(Validated)
    }

    fn visit_none<E>(self) -> Result<Validated, E> {
        Ok(Validated)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Validated, D::Error> {
        Validated::deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Validated, D::Error> {
        Validated::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Validated, A::Error> {
        while seq.next_element::<Validated>()?.is_some() {}
        Ok(Validated)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Validated, A::Error> {
        while map.next_entry::<Validated, Validated>()?.is_some() {}
        Ok(Validated)
    }
}

/// A deserializer, visitor, seed or access that behaves exactly as the one it wraps, except
/// that a value its target ignores is parsed in full ([`Validated`]) rather than skipped, and
/// that everything it hands on is wrapped the same way.
struct Strict<T>(T);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(deserializer))
    }
}

/// `Deserializer` methods that pass their arguments on with the visitor wrapped.
macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* Strict(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(), deserialize_option(),
        deserialize_unit(), deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str), deserialize_seq(),
        deserialize_tuple(len: usize), deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map(),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        Validated::deserialize(self.0)?;
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// `Visitor` methods that take a plain value and pass it on.
macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Strict<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64),
        visit_i128(i128), visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64),
        visit_u128(u128), visit_f32(f32), visit_f64(f64), visit_char(char), visit_str(&str),
        visit_borrowed_str(&'de str), visit_string(String), visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Strict(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Strict(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Strict(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Strict(data))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Strict(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Strict(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Strict(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Strict<A> {
    type Error = A::Error;
    type Variant = Strict<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Strict(seed))?;
        Ok((value, Strict(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Strict(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Strict(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Strict(visitor))
    }
}
