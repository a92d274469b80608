//! The one YAML emitter of all generators, with its options set explicitly (not left at
//! defaults) so that output bytes only change when we mean them to.
//!
//! Strings that a YAML 1.1 reader would take for booleans, numbers, nulls or timestamps
//! (`yes`, `on`, `0755`, `12:30`, `~`) are quoted, so Kubernetes and Compose read them back
//! as the strings they are.

use serde::Serialize;

use crate::error::RenderError;

fn options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: false,
        yaml_12: false,
        quote_all: false,
        prefer_block_scalars: true,
    }
}

/// Serializes one value as a YAML document (no leading `---`), ending in a newline.
///
/// ```
/// let yaml = nexus_render::yaml::to_yaml(&std::collections::BTreeMap::from([("enabled", "on")]), "example").unwrap();
/// assert_eq!(yaml, "enabled: \"on\"\n");
/// ```
pub fn to_yaml<T: Serialize>(value: &T, what: &str) -> Result<String, RenderError> {
    let mut out = serde_saphyr::to_string_with_options(value, options()).map_err(|e| {
        RenderError::Serialize {
            what: what.to_owned(),
            message: e.to_string(),
        }
    })?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Serializes several values as one multi-document YAML stream, `---` between documents.
pub fn to_yaml_stream<T: Serialize>(values: &[T], what: &str) -> Result<String, RenderError> {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(v, what)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::to_yaml;
    use std::collections::BTreeMap;

    /// Strings that YAML 1.1 readers would retype must come out quoted.
    #[test]
    fn quotes_yaml11_lookalikes() {
        let words = [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "~",
            "null",
            "0755",
            "1e3",
            "12:30",
            "true",
            "2024-01-01",
        ];
        let map: BTreeMap<&str, &str> = words.iter().map(|w| (*w, *w)).collect();
        let yaml = to_yaml(&map, "test").unwrap();
        insta::assert_snapshot!(yaml);
    }
}
