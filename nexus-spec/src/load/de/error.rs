//! The deserializer's error type.

use std::fmt;

use crate::diagnostic::Diagnostic;

use super::decoding::Addr;

/// An error inside the node deserializer.
///
/// Errors that the deserializer itself detects are turned into diagnostics on the spot;
/// errors that serde (or a type's own `Deserialize`) raises are located at the innermost node
/// they pass through and turned into a diagnostic there. After that only
/// [`Error::Recorded`] or [`Error::Escalate`] travel up, to unwind what serde cannot recover
/// from.
#[derive(Debug)]
pub(crate) enum Error {
    /// Already recorded as a diagnostic; unwinding.
    Recorded,
    /// The value at `from` could not be built even from a dummy (its problem, `diag`, is
    /// already recorded). The nearest enclosing value plans a dummy for itself instead.
    Escalate { from: Addr, diag: Box<Diagnostic> },
    /// Raised by serde or by a `Deserialize` impl, not yet located.
    Serde(SerdeError),
}

/// The serde error kinds the deserializer distinguishes.
#[derive(Debug)]
pub(crate) enum SerdeError {
    Custom(String),
    InvalidType {
        found: String,
        expected: String,
    },
    InvalidValue {
        found: String,
        expected: String,
    },
    InvalidLength {
        len: usize,
        expected: String,
    },
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    DuplicateField(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Recorded | Error::Escalate { .. } => {
                f.write_str("invalid spec (see the diagnostics)")
            }
            Error::Serde(e) => e.fmt(f),
        }
    }
}

impl fmt::Display for SerdeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerdeError::Custom(msg) => f.write_str(msg),
            SerdeError::InvalidType { found, expected }
            | SerdeError::InvalidValue { found, expected } => {
                write!(f, "expected {expected}, found {found}")
            }
            SerdeError::InvalidLength { len, expected } => {
                write!(f, "expected {expected}, found {len} items")
            }
            SerdeError::UnknownVariant { variant, .. } => write!(f, "unknown value `{variant}`"),
            SerdeError::UnknownField { field, .. } => write!(f, "unknown key `{field}`"),
            SerdeError::MissingField(field) => write!(f, "missing required key `{field}`"),
            SerdeError::DuplicateField(field) => write!(f, "duplicate key `{field}`"),
        }
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Serde(SerdeError::Custom(msg.to_string()))
    }

    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::Serde(SerdeError::InvalidType {
            found: unexp.to_string(),
            expected: exp.to_string(),
        })
    }

    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::Serde(SerdeError::InvalidValue {
            found: unexp.to_string(),
            expected: exp.to_string(),
        })
    }

    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Self {
        Error::Serde(SerdeError::InvalidLength {
            len,
            expected: exp.to_string(),
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::Serde(SerdeError::UnknownVariant {
            variant: variant.to_owned(),
            expected,
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::Serde(SerdeError::UnknownField {
            field: field.to_owned(),
            expected,
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Error::Serde(SerdeError::MissingField(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::Serde(SerdeError::DuplicateField(field))
    }
}
