//! Kubernetes quantities (`500m`, `2`, `1Gi`, `1.5G`, `1e3`), parsed to exact milli-units.

use std::cmp::Ordering;
use std::fmt;

/// A parsed quantity: the text as written and its exact value in thousandths of the unit
/// (millicores for CPU, millibytes for memory), so comparisons are exact.
///
/// ```
/// use nexus_spec::values::Quantity;
/// let a = Quantity::parse("500m").unwrap();
/// let b = Quantity::parse("1").unwrap();
/// assert!(a < b);
/// assert_eq!(Quantity::parse("1Gi").unwrap().milli(), 1024u128.pow(3) * 1000);
/// ```
#[derive(Debug, Clone)]
pub struct Quantity {
    text: String,
    milli: u128,
}

/// The largest quantity accepted, in whole units: `i64::MAX`, because Compose writes sizes
/// as signed 64-bit byte counts and nginx as `off_t` (larger values turned negative in
/// Compose and failed `nginx -t`).
pub const MAX_UNITS: u128 = i64::MAX as u128;

impl Quantity {
    /// Parses a quantity, refusing one larger than [`MAX_UNITS`].
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let t = text.trim();
        let t = t.strip_prefix('+').unwrap_or(t);
        if t.is_empty() {
            return Err("a quantity cannot be empty".into());
        }
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, suffix) = t.split_at(split);
        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number, ""),
        };
        if (int_part.is_empty() && frac_part.is_empty())
            || !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
        {
            return Err(format!("`{text}` is not a number with an optional unit"));
        }
        // value = mantissa / 10^frac_len * multiplier; work in milli-units.
        let (mul_num, mul_den): (u128, u128) = match suffix {
            "" => (1000, 1),
            "m" => (1, 1),
            "n" => (1, 1_000_000),
            "u" => (1, 1000),
            "k" => (1000 * 1000, 1),
            "M" => (1000 * 1000u128.pow(2), 1),
            "G" => (1000 * 1000u128.pow(3), 1),
            "T" => (1000 * 1000u128.pow(4), 1),
            "P" => (1000 * 1000u128.pow(5), 1),
            "E" => (1000 * 1000u128.pow(6), 1),
            "Ki" => (1000 * 1024, 1),
            "Mi" => (1000 * 1024u128.pow(2), 1),
            "Gi" => (1000 * 1024u128.pow(3), 1),
            "Ti" => (1000 * 1024u128.pow(4), 1),
            "Pi" => (1000 * 1024u128.pow(5), 1),
            "Ei" => (1000 * 1024u128.pow(6), 1),
            s if s.starts_with(['e', 'E']) => {
                let exp: u32 = s[1..]
                    .parse()
                    .map_err(|_| format!("`{text}` has an invalid exponent"))?;
                if exp > 18 {
                    return Err(format!("`{text}` is too large"));
                }
                (1000 * 10u128.pow(exp), 1)
            }
            other => {
                return Err(format!(
                    "`{text}` has the unknown unit `{other}`; use m, k, M, G, T, Ki, Mi, Gi or Ti"
                ));
            }
        };
        if int_part.len() + frac_part.len() > 24 {
            return Err(format!("`{text}` has too many digits"));
        }
        let digits = format!("{int_part}{frac_part}");
        let mantissa: u128 = digits
            .parse()
            .map_err(|_| format!("`{text}` is not a number"))?;
        let scale = 10u128.pow(frac_part.len() as u32);
        let milli = mantissa
            .checked_mul(mul_num)
            .ok_or_else(|| format!("`{text}` is too large"))?
            / (scale * mul_den);
        if milli.div_ceil(1000) > MAX_UNITS {
            return Err(format!(
                "`{text}` is more than {MAX_UNITS} (8Ei less one), the largest value every target can hold (Compose and nginx keep sizes in signed 64 bits)"
            ));
        }
        Ok(Quantity {
            text: text.to_owned(),
            milli,
        })
    }

    /// The value in thousandths of the unit.
    pub fn milli(&self) -> u128 {
        self.milli
    }

    /// The value in whole units, rounded up (bytes for memory, cores for CPU).
    pub fn ceil_units(&self) -> u128 {
        self.milli.div_ceil(1000)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.milli == other.milli
    }
}
impl Eq for Quantity {}
impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.milli.cmp(&other.milli)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    fn m(s: &str) -> u128 {
        Quantity::parse(s).unwrap().milli()
    }

    #[test]
    fn parses_cpu_and_memory() {
        assert_eq!(m("500m"), 500);
        assert_eq!(m("1"), 1000);
        assert_eq!(m("0.5"), 500);
        assert_eq!(m("1.5"), 1500);
        assert_eq!(m("2Gi"), 2 * 1024u128.pow(3) * 1000);
        assert_eq!(m("512Mi"), 512 * 1024u128.pow(2) * 1000);
        assert_eq!(m("1G"), 1000u128.pow(3) * 1000);
        assert_eq!(m("1e3"), 1_000_000);
        assert_eq!(
            Quantity::parse("1Gi").unwrap(),
            Quantity::parse("1024Mi").unwrap()
        );
    }

    #[test]
    fn the_largest_value_fits_a_signed_64_bit_count() {
        assert_eq!(m("9223372036854775807"), 9_223_372_036_854_775_807_000);
        assert!(Quantity::parse("7Ei").is_ok());
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "abc",
            "1Gb",
            "1 Gi",
            "-1",
            "1..2",
            "1e99",
            "Gi",
            "99999999999999999999999999Ei",
            "8Ei",
            "9Ei",
            "16Ei",
            "9223372036854775808",
        ] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }
}
