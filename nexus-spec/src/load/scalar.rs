//! Resolution of plain scalars with the YAML 1.2 core schema.
//!
//! Only plain (unquoted) scalars are resolved; quoted and block scalars are strings. This is
//! YAML 1.2, not 1.1: `yes`, `no`, `on`, `off`, `y` and `n` are strings, `0755` is the decimal
//! 755, `1_000` and `0b101` are strings, and `12:30` is a string.

use super::node::NodeKind;

/// Resolves the text of a plain scalar to a typed value (a string keeps the allocation).
pub(crate) fn resolve_plain(text: String) -> NodeKind {
    resolve_typed(&text).unwrap_or(NodeKind::Str(text))
}

/// Resolves the text of a plain scalar, allocating only for a string.
pub(crate) fn resolve_plain_str(text: &str) -> NodeKind {
    resolve_typed(text).unwrap_or_else(|| NodeKind::Str(text.to_owned()))
}

/// The typed value of a plain scalar, `None` for a string.
fn resolve_typed(s: &str) -> Option<NodeKind> {
    Some(match s {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => NodeKind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => NodeKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => NodeKind::Float(f64::NAN),
        _ => return resolve_number(s),
    })
}

/// The number a plain scalar is, `None` for a string.
fn resolve_number(s: &str) -> Option<NodeKind> {
    if let Some(digits) = s.strip_prefix("0x") {
        if let Some(kind) = radix_int(digits, 16) {
            return Some(kind);
        }
    } else if let Some(digits) = s.strip_prefix("0o") {
        if let Some(kind) = radix_int(digits, 8) {
            return Some(kind);
        }
    } else if is_decimal_int(s) {
        return match s.parse::<i64>() {
            Ok(i) => Some(NodeKind::Int(i)),
            // Too large for i64: keep the magnitude so range errors can say what was written.
            Err(_) => s.parse::<f64>().ok().map(NodeKind::Float),
        };
    }
    if is_float(s)
        && let Ok(f) = s.parse::<f64>()
    {
        return Some(NodeKind::Float(f));
    }
    None
}

/// `0x`/`0o` digits: an integer, a float when it does not fit `i64`, `None` when not digits.
fn radix_int(digits: &str, radix: u32) -> Option<NodeKind> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(match i64::from_str_radix(digits, radix) {
        Ok(i) => NodeKind::Int(i),
        Err(_) => NodeKind::Float(
            digits
                .chars()
                .filter_map(|c| c.to_digit(radix))
                .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d)),
        ),
    })
}

/// `[-+]?[0-9]+`
fn is_decimal_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            let int_ok = int.bytes().all(|b| b.is_ascii_digit());
            let frac_ok = frac.bytes().all(|b| b.is_ascii_digit());
            // `.5`, `1.`, `1.5` but not `.`
            int_ok && frac_ok && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::{resolve_plain, resolve_plain_str};
    use crate::load::node::NodeKind::{self, *};

    fn str(s: &str) -> NodeKind {
        Str(s.to_owned())
    }

    #[test]
    fn core_schema() {
        let cases: &[(&str, NodeKind)] = &[
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("NULL", Null),
            ("nULL", str("nULL")),
            ("true", Bool(true)),
            ("True", Bool(true)),
            ("FALSE", Bool(false)),
            ("yes", str("yes")),
            ("on", str("on")),
            ("off", str("off")),
            ("n", str("n")),
            ("0", Int(0)),
            ("-12", Int(-12)),
            ("+12", Int(12)),
            ("0755", Int(755)),
            ("0x1F", Int(31)),
            ("0o17", Int(15)),
            ("0o19", str("0o19")),
            ("0x", str("0x")),
            ("-0x1", str("-0x1")),
            ("1_000", str("1_000")),
            ("0b101", str("0b101")),
            ("1.5", Float(1.5)),
            ("-.5", Float(-0.5)),
            ("1.", Float(1.0)),
            ("1e3", Float(1000.0)),
            ("1.5E-2", Float(0.015)),
            (".", str(".")),
            ("e3", str("e3")),
            ("1e", str("1e")),
            (".inf", Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY)),
            ("inf", str("inf")),
            ("NaN", str("NaN")),
            ("12:30", str("12:30")),
            ("1.2.3", str("1.2.3")),
            ("v1", str("v1")),
        ];
        for (text, want) in cases {
            assert_eq!(&resolve_plain((*text).to_owned()), want, "{text:?}");
            assert_eq!(&resolve_plain_str(text), want, "{text:?}");
        }
        assert!(matches!(resolve_plain(".nan".into()), Float(f) if f.is_nan()));
        assert_eq!(resolve_plain("99999999999999999999".into()), Float(1e20));
        assert_eq!(
            resolve_plain("0xFFFFFFFFFFFFFFFFFF".into()),
            Float(4722366482869645213696.0)
        );
    }
}
