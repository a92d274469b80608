//! The output plan: every file a rendering produces, as relative path → bytes, before
//! anything touches the disk. Writing it atomically, and checking it against what is on
//! disk, work on this type.

use std::collections::BTreeMap;

use crate::error::RenderError;

/// Rendered files by relative path (`/`-separated), in sorted order.
///
/// Paths are checked when added: relative, no `..` or `.` segment, no empty segment, no
/// backslash, only `[A-Za-z0-9._-]` in each segment. So no spec value can make nexus write
/// outside the output folder.
///
/// ```
/// use nexus_render::OutputPlan;
/// let mut plan = OutputPlan::new();
/// plan.add("k8s/namespace.yaml", b"kind: Namespace\n".to_vec()).unwrap();
/// assert!(plan.add("../escape.yaml", vec![]).is_err());
/// assert_eq!(plan.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputPlan {
    files: BTreeMap<String, Vec<u8>>,
    contents: BTreeMap<String, Contents>,
}

/// What a file holds, as its generator knows it: `(kind, count)` in first-seen order
/// (`[("Service", 2), ("Deployment", 1)]`). The README's file table shows it without
/// reading the file back.
pub type Contents = Vec<(String, usize)>;

/// Counts `kinds` into [`Contents`], keeping first-seen order.
///
/// ```
/// let c = nexus_render::plan::count_kinds(["Service", "Deployment", "Service"]);
/// assert_eq!(c, [("Service".to_string(), 2), ("Deployment".to_string(), 1)]);
/// ```
pub fn count_kinds<'a>(kinds: impl IntoIterator<Item = &'a str>) -> Contents {
    let mut out: Contents = Vec::new();
    for kind in kinds {
        match out.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => out.push((kind.to_owned(), 1)),
        }
    }
    out
}

/// Where a streaming generator hands its files as it renders them, a part at a time (see
/// [`k8s::render_parts`](crate::k8s::render_parts)). The receiver may stage each part and
/// drop it, so a generator never needs to hold all its files. An error from the sink (the
/// receiver stopped: another part failed) ends the generator with that error.
///
/// ```
/// use nexus_render::{OutputPlan, RenderError, plan::Sink};
/// fn two_parts(sink: &mut Sink<'_>) -> Result<(), RenderError> {
///     for name in ["a.yaml", "b.yaml"] {
///         let mut part = OutputPlan::new();
///         part.add(name, "kind: ConfigMap\n")?;
///         sink(part)?;
///     }
///     Ok(())
/// }
/// let plan = nexus_render::plan::collect(two_parts).unwrap();
/// assert_eq!(plan.len(), 2);
/// ```
pub type Sink<'a> = dyn FnMut(OutputPlan) -> Result<(), RenderError> + 'a;

/// Runs a streaming generator and gathers its parts into one plan (a path handed over
/// twice is [`RenderError::DuplicatePath`]).
pub fn collect(
    render: impl FnOnce(&mut Sink<'_>) -> Result<(), RenderError>,
) -> Result<OutputPlan, RenderError> {
    let mut plan = OutputPlan::new();
    render(&mut |part: OutputPlan| plan.merge_under("", part))?;
    Ok(plan)
}

impl OutputPlan {
    /// An empty plan.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file; fails on an unsafe path or a path already in the plan.
    pub fn add(
        &mut self,
        path: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<(), RenderError> {
        let path = path.into();
        check_path(&path)?;
        if self.files.contains_key(&path) {
            return Err(RenderError::DuplicatePath(path));
        }
        self.files.insert(path, bytes.into());
        Ok(())
    }

    /// Adds a file together with what it holds (see [`Contents`]).
    ///
    /// ```
    /// use nexus_render::OutputPlan;
    /// let mut plan = OutputPlan::new();
    /// let contents = vec![("Namespace".to_string(), 1)];
    /// plan.add_with_contents("k8s/ns.yaml", "kind: Namespace\n", contents.clone()).unwrap();
    /// assert_eq!(plan.contents("k8s/ns.yaml"), Some(contents.as_slice()));
    /// ```
    pub fn add_with_contents(
        &mut self,
        path: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
        contents: Contents,
    ) -> Result<(), RenderError> {
        let path = path.into();
        self.add(path.clone(), bytes)?;
        self.contents.insert(path, contents);
        Ok(())
    }

    /// What the file at `path` holds, when its generator said so.
    pub fn contents(&self, path: &str) -> Option<&[(String, usize)]> {
        self.contents.get(path).map(Vec::as_slice)
    }

    /// Adds every file of `other` under the folder `prefix` (`staging/k8s`).
    pub fn merge_under(&mut self, prefix: &str, other: OutputPlan) -> Result<(), RenderError> {
        let OutputPlan {
            files,
            mut contents,
        } = other;
        for (path, bytes) in files {
            let full = if prefix.is_empty() {
                path.clone()
            } else {
                format!("{}/{path}", prefix.trim_end_matches('/'))
            };
            match contents.remove(&path) {
                Some(c) => self.add_with_contents(full, bytes, c)?,
                None => self.add(full, bytes)?,
            }
        }
        Ok(())
    }

    /// The files, sorted by path.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// The bytes of one file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total size in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

/// Checks that a path is a safe relative path.
pub fn check_path(path: &str) -> Result<(), RenderError> {
    let ok = !path.is_empty()
        && path.len() <= 1024
        && !path.starts_with('/')
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
    if ok {
        Ok(())
    } else {
        Err(RenderError::UnsafePath(path.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unsafe_paths() {
        for bad in [
            "", "/abs", "a/../b", "a//b", "a/./b", "a\\b", "a b", "a/b\n", "..", "a;b",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_path("staging/k8s/10-backend-deployment.yaml").is_ok());
    }

    #[test]
    fn merge_prefixes_and_rejects_duplicates() {
        let mut a = OutputPlan::new();
        a.add("x.yaml", "1").unwrap();
        let mut all = OutputPlan::new();
        all.merge_under("staging/k8s", a.clone()).unwrap();
        assert!(all.get("staging/k8s/x.yaml").is_some());
        assert!(all.merge_under("staging/k8s", a).is_err());
    }
}
