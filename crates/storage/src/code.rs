//! A column holding one of the domain's codes (a status, a kind, an urgency, …), typed as the
//! domain's enum and stored as its code string, exactly as before it was typed.
//!
//! One generic newtype for every vocabulary rather than an active enum each: the domain's
//! `code_enum!` already holds each vocabulary's table of codes (parsing and printing), and the
//! domain stays free of sea-orm; an active enum in storage would write every code out a second
//! time with a conversion each way. `E` is the entity whose table holds the column, so a stored
//! value this version does not know is an error naming its row ([`UnknownStored`]), never a
//! silent default.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::str::FromStr;
use std::sync::Arc;

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{
    ActiveValue, ColIdx, DbErr, EntityTrait, IdenStatic, IntoActiveValue, Iterable, QueryResult,
    TryGetError, TryGetable, Value,
};

/// A code of vocabulary `T` in a column of `E`'s table.
pub struct Code<T, E>(pub T, PhantomData<fn() -> E>);

impl<T, E> Code<T, E> {
    pub fn new(value: T) -> Self {
        Code(value, PhantomData)
    }
}

impl<T: FromStr, E: EntityTrait> Code<T, E> {
    /// Reads a code out of a column of `E` that is still stored untyped, as strictly as a typed
    /// column is read.
    pub(crate) fn parse(id: &str, column: &str, value: &str) -> Result<Self, UnknownStored> {
        value.parse().map(Code::new).map_err(|_| UnknownStored {
            table: E::default().table_name(),
            id: Some(id.to_owned()),
            column: column.to_owned(),
            value: value.to_owned(),
        })
    }
}

impl<T, E> From<T> for Code<T, E> {
    fn from(value: T) -> Self {
        Code::new(value)
    }
}

impl<T, E> Deref for Code<T, E> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

// Written out rather than derived: a derive would ask the same of the entity `E`, a marker.
impl<T: Clone, E> Clone for Code<T, E> {
    fn clone(&self) -> Self {
        Code::new(self.0.clone())
    }
}

impl<T: Copy, E> Copy for Code<T, E> {}

impl<T: PartialEq, E> PartialEq for Code<T, E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Eq, E> Eq for Code<T, E> {}

impl<T: PartialEq, E> PartialEq<T> for Code<T, E> {
    fn eq(&self, other: &T) -> bool {
        self.0 == *other
    }
}

impl<T: fmt::Debug, E> fmt::Debug for Code<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: fmt::Display, E> fmt::Display for Code<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: serde::Serialize, E> serde::Serialize for Code<T, E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T: fmt::Display, E> From<Code<T, E>> for Value {
    fn from(code: Code<T, E>) -> Self {
        code.0.to_string().into()
    }
}

impl<T: FromStr, E> ValueType for Code<T, E> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        let code = <String as ValueType>::try_from(v)?;
        code.parse().map(Code::new).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        std::any::type_name::<T>().to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<T, E> Nullable for Code<T, E> {
    fn null() -> Value {
        <String as Nullable>::null()
    }
}

impl<T: fmt::Display, E> IntoActiveValue<Code<T, E>> for Code<T, E> {
    fn into_active_value(self) -> ActiveValue<Code<T, E>> {
        ActiveValue::Set(self)
    }
}

impl<T: FromStr, E: EntityTrait> TryGetable for Code<T, E> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        let value = String::try_get_by(res, idx)?;
        value.parse().map(Code::new).map_err(|_| {
            TryGetError::DbErr(DbErr::TryIntoErr {
                from: "String",
                into: std::any::type_name::<T>(),
                source: Arc::new(UnknownStored::at::<E>(res, idx.as_str(), value)),
            })
        })
    }
}

/// A stored code this version does not know: the row (table and id), the column and the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table} {id:?}: {column} holds the unknown code {value:?}")]
pub struct UnknownStored {
    pub table: &'static str,
    /// `None` when the query did not read the row's id.
    pub id: Option<String>,
    pub column: String,
    pub value: String,
}

impl UnknownStored {
    /// Names the row of `E` that `res` holds. `idx` is the column as read, with the prefix a
    /// joined read puts before each column's name; the row's `id` is read with the same prefix.
    fn at<E: EntityTrait>(res: &QueryResult, idx: Option<&str>, value: String) -> Self {
        let idx = idx.unwrap_or_default();
        let column = E::Column::iter()
            .map(|c| IdenStatic::as_str(&c))
            .filter(|c| idx.ends_with(c))
            .max_by_key(|c| c.len())
            .unwrap_or(idx);
        let prefix = &idx[..idx.len() - column.len()];
        let id = res.try_get::<Option<String>>(prefix, "id").ok().flatten();
        UnknownStored {
            table: E::default().table_name(),
            id,
            column: column.to_owned(),
            value,
        }
    }

    /// The unknown code a database error carries, if that is what it is.
    pub(crate) fn in_error(e: &DbErr) -> Option<&UnknownStored> {
        match e {
            DbErr::TryIntoErr { source, .. } => source.downcast_ref(),
            _ => None,
        }
    }
}
