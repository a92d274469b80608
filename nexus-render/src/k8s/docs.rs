//! A multi-document YAML file being assembled, one object at a time, through the one YAML
//! emitter ([`crate::yaml`]).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::RenderError;
use crate::plan::{Contents, count_kinds};
use crate::yaml::to_yaml;

/// The documents of one output file, in the order they were pushed.
#[derive(Debug, Default)]
pub(crate) struct Docs {
    docs: Vec<String>,
    kinds: Vec<&'static str>,
}

impl Docs {
    /// An empty file.
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Serializes `obj`, an object of `kind`, and appends it; returns the document's YAML
    /// (for checksums).
    pub(super) fn push<T: Serialize>(
        &mut self,
        obj: &T,
        kind: &'static str,
    ) -> Result<&str, RenderError> {
        self.docs.push(to_yaml(obj, kind)?);
        self.kinds.push(kind);
        Ok(self.docs.last().map_or("", String::as_str))
    }

    /// Whether nothing was pushed.
    pub(super) fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The file's bytes (the documents separated by `---` lines) and what they hold.
    pub(super) fn into_parts(self) -> (Vec<u8>, Contents) {
        (
            self.docs.join("---\n").into_bytes(),
            count_kinds(self.kinds.iter().copied()),
        )
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn joins_documents_with_separators() {
        let mut d = Docs::new();
        d.push(&BTreeMap::from([("a", 1)]), "a").unwrap();
        d.push(&BTreeMap::from([("b", 2)]), "b").unwrap();
        assert_eq!(
            String::from_utf8(d.into_parts().0).unwrap(),
            "a: 1\n---\nb: 2\n"
        );
    }

    #[test]
    fn hashes() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
