//! The ownership manifest: which files of the output folder nexus wrote, with the SHA-256 of
//! the bytes it wrote. Only a file listed here, whose bytes still hash to the listed value,
//! is ever replaced or removed by nexus.
//!
//! The file is JSON, sorted by path, two-space indented, ending in a newline, with no
//! timestamp and no tool version, so the same output gives the same manifest bytes:
//!
//! ```json
//! {
//!   "format": "nexus-manifest/v1",
//!   "files": {
//!     "staging/k8s/deployment-web.yaml": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//!   }
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::plan::check_path;

/// The manifest's file name, at the root of the output folder.
pub const MANIFEST_NAME: &str = nexus_spec::OUTPUT_MANIFEST;

/// The format tag this version of nexus reads and writes.
pub const FORMAT: &str = "nexus-manifest/v1";

/// The files nexus owns in an output folder: relative path → `sha256:<hex>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    format: String,
    files: BTreeMap<String, String>,
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Self {
        Manifest {
            format: FORMAT.to_owned(),
            files: BTreeMap::new(),
        }
    }

    /// Records that nexus wrote `bytes` at `path`.
    pub fn insert(&mut self, path: &str, bytes: &[u8]) {
        self.files.insert(path.to_owned(), hash(bytes));
    }

    /// Records an entry with a known hash (carried over from an older manifest).
    pub fn insert_hash(&mut self, path: &str, hash: &str) {
        self.files.insert(path.to_owned(), hash.to_owned());
    }

    /// The recorded hash of `path`.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Whether nexus wrote `path` and it still holds exactly `bytes`.
    pub fn vouches_for(&self, path: &str, bytes: &[u8]) -> bool {
        self.get(path) == Some(hash(bytes).as_str())
    }

    /// The owned paths and their hashes, sorted.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, h)| (p.as_str(), h.as_str()))
    }

    /// How many files are owned.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is owned.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The manifest's bytes: deterministic JSON ending in a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Reads a manifest. Every path must be a safe relative path and every hash a
    /// `sha256:` of 64 lower-case hex digits, so a tampered manifest cannot make nexus
    /// remove anything outside the output folder.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if m.format != FORMAT {
            return Err(format!(
                "unknown format `{}` (this nexus reads `{FORMAT}`)",
                m.format
            ));
        }
        for (path, h) in &m.files {
            check_path(path).map_err(|e| e.to_string())?;
            if path == MANIFEST_NAME {
                return Err(format!("the manifest lists itself (`{path}`)"));
            }
            if !is_hash(h) {
                return Err(format!("`{path}` has the malformed hash `{h}`"));
            }
        }
        Ok(m)
    }
}

/// `sha256:<64 lower-case hex digits>` of `bytes`.
pub fn hash(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    push_hex(&mut out, &Sha256::digest(bytes));
    out
}

/// Appends `bytes` to `out` in lower-case hex, two digits a byte.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn is_hash(h: &str) -> bool {
    h.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            hash(b"test"),
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
    }

    #[test]
    fn round_trips_deterministically() {
        let mut m = Manifest::new();
        m.insert("staging/b.yaml", b"b");
        m.insert("staging/a.yaml", b"a");
        let bytes = m.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.find("a.yaml").unwrap() < text.find("b.yaml").unwrap());
        assert!(text.ends_with("}\n"));
        assert_eq!(Manifest::parse(&bytes).unwrap(), m);
        assert!(m.vouches_for("staging/a.yaml", b"a"));
        assert!(!m.vouches_for("staging/a.yaml", b"edited"));
    }

    #[test]
    fn refuses_tampered_manifests() {
        let bad = [
            r#"{"format":"nexus-manifest/v1","files":{"../etc/passwd":"sha256:00"}}"#,
            r#"{"format":"nexus-manifest/v1","files":{"/abs":"x"}}"#,
            r#"{"format":"nexus-manifest/v2","files":{}}"#,
            r#"{"format":"nexus-manifest/v1","files":{"a":"sha256:zz"}}"#,
            r#"{"format":"nexus-manifest/v1","files":{},"extra":1}"#,
            "not json",
        ];
        for b in bad {
            assert!(Manifest::parse(b.as_bytes()).is_err(), "{b}");
        }
    }
}
