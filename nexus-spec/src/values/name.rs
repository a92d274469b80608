//! Names: DNS-1123 labels, port names, environment variable names, DNS host names.
//!
//! Every name that can reach a file name, a manifest or a config is checked here, so no `/`,
//! `..`, uppercase letter, space or control character gets through.

/// A registry host as images name it: a host name with an optional port
/// (`registry.example.com:5000`).
///
/// ```
/// use nexus_spec::values::name::registry_host;
/// assert!(registry_host("registry.example.com:5000").is_ok());
/// assert!(registry_host("registry.example.com:port").is_err());
/// ```
pub fn registry_host(s: &str) -> Result<(), String> {
    let (host, port) = s.split_once(':').map_or((s, None), |(h, p)| (h, Some(p)));
    host_name(host)?;
    match port {
        Some(p) if p.parse::<u16>().map_or(true, |n| n == 0) => {
            Err(format!("`{}` is not a port", shorten(p)))
        }
        _ => Ok(()),
    }
}

/// Checks a DNS-1123 label: 1 to 63 characters of `a-z`, `0-9` and `-`, starting and ending
/// with a letter or digit.
///
/// ```
/// use nexus_spec::values::name::dns1123_label;
/// assert!(dns1123_label("nexus-backend").is_ok());
/// assert!(dns1123_label("../etc").is_err());
/// assert!(dns1123_label("Backend").is_err());
/// ```
pub fn dns1123_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if s.len() > 63 {
        return Err(format!(
            "`{}` is {} characters long; the limit is 63",
            shorten(s),
            s.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "`{}` contains {}; only lowercase letters, digits and `-` are allowed",
            shorten(s),
            describe_char(c)
        ));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(format!("`{s}` must start and end with a letter or digit"));
    }
    Ok(())
}

/// Checks a port name: a DNS-1123 label of at most 15 characters with at least one letter.
pub fn port_name(s: &str) -> Result<(), String> {
    dns1123_label(s)?;
    if s.len() > 15 {
        return Err(format!("port name `{s}` is longer than 15 characters"));
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(format!("port name `{s}` must contain a letter"));
    }
    Ok(())
}

/// Checks an environment variable name: a letter or `_`, then letters, digits or `_`.
pub fn env_var(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    match chars.next() {
        None => return Err("a variable name cannot be empty".into()),
        Some(c) if !(c.is_ascii_alphabetic() || c == '_') => {
            return Err(format!("`{}` must start with a letter or `_`", shorten(s)));
        }
        _ => {}
    }
    if let Some(c) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(format!(
            "`{}` contains {}; only letters, digits and `_` are allowed",
            shorten(s),
            describe_char(c)
        ));
    }
    Ok(())
}

/// Checks a DNS host name (each label a DNS-1123 label, at most 253 characters); a leading
/// `*.` wildcard is allowed.
pub fn host_name(s: &str) -> Result<(), String> {
    let body = s.strip_prefix("*.").unwrap_or(s);
    if body.is_empty() || s.len() > 253 {
        return Err(format!("`{}` is not a valid host name", shorten(s)));
    }
    for label in body.split('.') {
        dns1123_label(label).map_err(|e| format!("host name `{}`: {e}", shorten(s)))?;
    }
    Ok(())
}

/// Checks an HTTP path prefix: starts with `/`, and holds only unreserved URL characters
/// and `/` (no spaces, quotes, `;`, `{`, `$`, `..` segments or control characters).
pub fn url_path(s: &str) -> Result<(), String> {
    if !s.starts_with('/') {
        return Err(format!("path `{}` must start with `/`", shorten(s)));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~')))
    {
        return Err(format!(
            "path `{}` contains {}",
            shorten(s),
            describe_char(c)
        ));
    }
    if s.split('/').any(|seg| seg == ".." || seg == ".") || s.contains("//") {
        return Err(format!(
            "path `{}` must not contain `.`, `..` or empty segments",
            shorten(s)
        ));
    }
    Ok(())
}

/// Checks an absolute file-system path in a container: starts with `/`, printable ASCII
/// without spaces, quotes, `;`, `{`, `}`, `$`, `#`, `\`, and no `..` segments.
pub fn container_path(s: &str) -> Result<(), String> {
    if !s.starts_with('/') {
        return Err(format!("path `{}` must be absolute", shorten(s)));
    }
    if let Some(c) = s.chars().find(|c| {
        !c.is_ascii_graphic() || matches!(c, '"' | '\'' | ';' | '{' | '}' | '$' | '#' | '\\' | '`')
    }) {
        return Err(format!(
            "path `{}` contains {}",
            shorten(s),
            describe_char(c)
        ));
    }
    if s.split('/').any(|seg| seg == "..") {
        return Err(format!("path `{}` must not contain `..`", shorten(s)));
    }
    Ok(())
}

/// Checks a header value or other free text that reaches a config file: printable
/// characters only (no newline, tab or other control character).
pub fn single_line(s: &str) -> Result<(), String> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!("`{}` contains {}", shorten(s), describe_char(c)));
    }
    Ok(())
}

/// Checks an HTTP header value the gateway sends: [`single_line`], and no `$`, which Nginx
/// reads in a header value as the start of a variable (the Nginx generator refuses to write
/// one, so validation must refuse it too: a spec that validates renders).
pub fn header_value(s: &str) -> Result<(), String> {
    single_line(s)?;
    if s.contains('$') {
        return Err(format!(
            "`{}` contains `$`, which Nginx would read as a variable",
            shorten(s)
        ));
    }
    Ok(())
}

/// A human description of a character, for messages.
pub fn describe_char(c: char) -> String {
    match c {
        '\n' => "a newline".into(),
        '\r' => "a carriage return".into(),
        '\t' => "a tab".into(),
        ' ' => "a space".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// Shortens long text for messages.
pub fn shorten(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { '�' } else { c })
        .collect();
    if cleaned.chars().count() > 60 {
        let head: String = cleaned.chars().take(57).collect();
        format!("{head}...")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        for ok in ["a", "nexus", "a-b-1", "0db"] {
            assert!(dns1123_label(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "A",
            "a_b",
            "a.b",
            "../x",
            "a b",
            "a/b",
            &"x".repeat(64),
        ] {
            assert!(dns1123_label(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_and_hosts() {
        assert!(url_path("/api/v1").is_ok());
        assert!(url_path("/api;evil").is_err());
        assert!(url_path("/a/../b").is_err());
        assert!(url_path("api").is_err());
        assert!(host_name("nexus.example.com").is_ok());
        assert!(host_name("*.example.com").is_ok());
        assert!(host_name("exa mple.com").is_err());
        assert!(container_path("/etc/nginx/tls/tls.crt").is_ok());
        assert!(container_path("/etc/x;y").is_err());
        assert!(single_line("a\nb").is_err());
        assert!(env_var("DATABASE_URL").is_ok());
        assert!(env_var("1X").is_err());
        assert!(port_name("http").is_ok());
        assert!(port_name("8080").is_err());
    }
}
