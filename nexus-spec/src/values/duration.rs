//! Durations such as `30s`, `5m`, `1h30m`, `15d`.

/// The longest duration accepted, in seconds (about 68 years): Kubernetes keeps seconds in
/// signed 32 bits, and nginx turns its timeouts into milliseconds (`99999999999999h` failed
/// `nginx -t`).
pub const MAX_SECONDS: u64 = i32::MAX as u64;

/// Parses a duration into seconds, refusing one longer than [`MAX_SECONDS`]. Units: `s`, `m`, `h`, `d`, `w`; several may be combined
/// in decreasing order (`1h30m`).
///
/// ```
/// use nexus_spec::values::duration::parse_seconds;
/// assert_eq!(parse_seconds("1h30m"), Ok(5400));
/// assert!(parse_seconds("90").is_err());
/// ```
pub fn parse_seconds(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("a duration cannot be empty".into());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut last_unit = u64::MAX;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            other => {
                return Err(format!(
                    "`{text}` has the unknown unit `{other}`; use s, m, h, d or w (`30s`, `15d`)"
                ));
            }
        };
        if number.is_empty() || unit >= last_unit {
            return Err(format!(
                "`{text}` is not a duration like `30s`, `5m` or `1h30m`"
            ));
        }
        let n: u64 = number
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("`{text}` is too large"))?;
        number.clear();
        last_unit = unit;
    }
    if !number.is_empty() {
        return Err(format!("`{text}` needs a unit: `{text}s`?"));
    }
    if total > MAX_SECONDS {
        return Err(format!(
            "`{text}` is longer than {MAX_SECONDS} seconds (about 68 years), the longest every target can hold"
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::parse_seconds;

    #[test]
    fn durations() {
        assert_eq!(parse_seconds("30s"), Ok(30));
        assert_eq!(parse_seconds("15d"), Ok(15 * 86_400));
        assert_eq!(parse_seconds("2w1d"), Ok(15 * 86_400));
        assert_eq!(parse_seconds("2147483647s"), Ok(2_147_483_647));
        for bad in [
            "",
            "s",
            "1x",
            "1m1h",
            "10",
            "1s1s",
            "99999999999999999999w",
            "99999999999999h",
            "2147483648s",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
