//! Container image references: `[registry/]repository[:tag][@digest]`.

use std::fmt;

/// A parsed image reference.
///
/// ```
/// use nexus_spec::values::ImageRef;
/// let i = ImageRef::parse("registry.example.com:5000/team/api:1.4.0").unwrap();
/// assert_eq!(i.registry.as_deref(), Some("registry.example.com:5000"));
/// assert_eq!(i.repository, "team/api");
/// assert_eq!(i.tag.as_deref(), Some("1.4.0"));
/// assert!(ImageRef::parse("Team/API:latest").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// Registry host (and port), when the reference names one.
    pub registry: Option<String>,
    /// Repository path (`library/postgres`, `team/api`).
    pub repository: String,
    /// Tag, if any.
    pub tag: Option<String>,
    /// Digest (`sha256:...`), if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses an image reference, strictly (lowercase repository, valid tag and digest).
    pub fn parse(text: &str) -> Result<ImageRef, String> {
        if text.is_empty() {
            return Err("an image reference cannot be empty".into());
        }
        if text.len() > 512 {
            return Err("the image reference is longer than 512 characters".into());
        }
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => (r, Some(parse_digest(d)?)),
            None => (text, None),
        };
        // A tag is after the last `:` that follows the last `/`.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&rest[..at], Some(parse_tag(&rest[at + 1..])?))
            }
            None => (rest, None),
        };
        let mut parts: Vec<&str> = name.split('/').collect();
        let registry = if parts.len() > 1
            && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
        {
            let host = parts.remove(0);
            check_registry(host)?;
            Some(host.to_owned())
        } else {
            None
        };
        for component in &parts {
            check_component(component)?;
        }
        Ok(ImageRef {
            registry,
            repository: parts.join("/"),
            tag,
            digest,
        })
    }

    /// The registry, with Docker Hub's name when none is given.
    pub fn registry_or_default(&self) -> &str {
        self.registry.as_deref().unwrap_or("docker.io")
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = &self.registry {
            write!(f, "{r}/")?;
        }
        f.write_str(&self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

fn check_component(c: &str) -> Result<(), String> {
    let ok = !c.is_empty()
        && c.chars().all(|ch| {
            ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '_' | '-')
        })
        && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
        && c.ends_with(|ch: char| ch.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "repository component `{c}` must be lowercase letters, digits and `.`, `_`, `-`, starting and ending with a letter or digit"
        ))
    }
}

fn check_registry(host: &str) -> Result<(), String> {
    let ok = host
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | ':'))
        && !host.starts_with(['.', '-', ':']);
    if ok {
        Ok(())
    } else {
        Err(format!("registry `{host}` is not a valid host[:port]"))
    }
}

fn parse_tag(t: &str) -> Result<String, String> {
    let ok = !t.is_empty()
        && t.len() <= 128
        && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(t.to_owned())
    } else {
        Err(format!(
            "tag `{t}` must be 1 to 128 letters, digits, `_`, `.` or `-`"
        ))
    }
}

fn parse_digest(d: &str) -> Result<String, String> {
    let Some((algo, hex)) = d.split_once(':') else {
        return Err(format!(
            "digest `{d}` must look like `sha256:<64 hex digits>`"
        ));
    };
    let ok = match algo {
        "sha256" => hex.len() == 64,
        "sha512" => hex.len() == 128,
        _ => false,
    } && hex
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
    if ok {
        Ok(d.to_owned())
    } else {
        Err(format!(
            "digest `{d}` must look like `sha256:<64 lowercase hex digits>`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn parses_forms() {
        let i = ImageRef::parse("postgres:15").unwrap();
        assert_eq!(
            (i.registry, i.repository.as_str(), i.tag.as_deref()),
            (None, "postgres", Some("15"))
        );
        let i = ImageRef::parse("localhost:5000/a/b").unwrap();
        assert_eq!(i.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(i.tag, None);
        let d = format!("nginx@sha256:{}", "a".repeat(64));
        assert!(ImageRef::parse(&d).unwrap().digest.is_some());
        assert_eq!(ImageRef::parse("a/b:1").unwrap().to_string(), "a/b:1");
    }

    #[test]
    fn rejects_bad() {
        for bad in [
            "",
            "UPPER",
            "a b",
            "a:",
            "a:-x",
            "a@sha256:xyz",
            "a//b",
            "-a",
            "a;b",
            "a:1\nb",
        ] {
            assert!(ImageRef::parse(bad).is_err(), "{bad:?}");
        }
    }
}
