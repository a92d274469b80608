//! The Nginx version a configuration is rendered for.

use std::fmt;

/// An Nginx version, `major.minor[.patch]`.
///
/// ```
/// use nexus_spec::values::NginxVersion;
/// let v = NginxVersion::parse("1.25.1").unwrap();
/// assert!(v >= NginxVersion::new(1, 25, 1));
/// assert!(NginxVersion::parse("1.22").unwrap() < v);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NginxVersion {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch (0 when not written).
    pub patch: u32,
}

impl NginxVersion {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        NginxVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `1.27` or `1.25.1`.
    pub fn parse(text: &str) -> Result<NginxVersion, String> {
        let parts: Vec<&str> = text.split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(format!(
                "`{text}` is not an Nginx version like `1.27` or `1.25.1`"
            ));
        }
        let num = |s: &str| -> Result<u32, String> {
            if s.is_empty() || s.len() > 6 || !s.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!(
                    "`{text}` is not an Nginx version like `1.27` or `1.25.1`"
                ));
            }
            s.parse().map_err(|_| format!("`{text}` is not a version"))
        };
        Ok(NginxVersion {
            major: num(parts[0])?,
            minor: num(parts[1])?,
            patch: match parts.get(2) {
                Some(p) => num(p)?,
                None => 0,
            },
        })
    }
}

impl fmt::Display for NginxVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}
