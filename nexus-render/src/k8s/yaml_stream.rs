//! A multi-document YAML file being assembled, one object at a time, through the one YAML
//! emitter ([`crate::yaml`]).

use k8s_openapi::Resource;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::RenderError;
use crate::plan::{Contents, count_kinds};
use crate::yaml::append_yaml;

/// The room a new file starts with.
const FILE_BYTES: usize = 16 * 1024;

/// The documents of one output file, in the order they were pushed, written into one
/// buffer (`---` lines between them) as they are pushed.
#[derive(Debug)]
pub(crate) struct YamlStream {
    text: String,
    kinds: Vec<&'static str>,
}

impl YamlStream {
    /// An empty file, with room for most: the median file of a workload is about 10 KB,
    /// and growing to it by doubling allocates and copies ten times.
    pub(super) fn new() -> Self {
        YamlStream {
            text: String::with_capacity(FILE_BYTES),
            kinds: Vec::new(),
        }
    }

    /// Serializes `obj` and appends it, counted under its type's kind; returns the
    /// document's YAML (for checksums).
    pub(super) fn push<T: Resource + Serialize>(&mut self, obj: &T) -> Result<&str, RenderError> {
        if !self.kinds.is_empty() {
            self.text.push_str("---\n");
        }
        let start = self.text.len();
        append_yaml(&mut self.text, obj, T::KIND)?;
        self.kinds.push(T::KIND);
        Ok(&self.text[start..])
    }

    /// Makes room for `additional` more bytes (up to [`crate::yaml::room`]'s bound), for a
    /// document known to be large (see `crate::yaml::to_yaml_sized`).
    pub(super) fn reserve(&mut self, additional: usize) {
        self.text.reserve(crate::yaml::room(additional));
    }

    /// Whether nothing was pushed.
    pub(super) fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The file's bytes (the documents separated by `---` lines) and what they hold.
    pub(super) fn into_parts(self) -> (Vec<u8>, Contents) {
        (
            self.text.into_bytes(),
            count_kinds(self.kinds.iter().copied()),
        )
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    finish_hex(h)
}

/// Lower-case hex of what `hasher` was fed: the same as [`sha256_hex`] of all of it,
/// without gathering it in one buffer.
pub(crate) fn finish_hex(hasher: Sha256) -> String {
    let mut out = String::with_capacity(64);
    crate::output::manifest::push_hex(&mut out, &hasher.finalize());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    #[test]
    fn joins_documents_with_separators_and_counts_kinds_from_types() {
        let meta = |name: &str| ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        };
        let mut d = YamlStream::new();
        d.push(&Namespace {
            metadata: meta("a"),
            ..Namespace::default()
        })
        .unwrap();
        d.push(&ConfigMap {
            metadata: meta("b"),
            ..ConfigMap::default()
        })
        .unwrap();
        let (bytes, contents) = d.into_parts();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
        );
        assert_eq!(contents, count_kinds(["Namespace", "ConfigMap"]));
    }

    #[test]
    fn hashes() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut h = Sha256::new();
        h.update(b"kind: ConfigMap\n");
        h.update(b"kind: Secret\n");
        assert_eq!(
            finish_hex(h),
            sha256_hex(b"kind: ConfigMap\nkind: Secret\n")
        );
    }
}
