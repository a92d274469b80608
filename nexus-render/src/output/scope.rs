//! The part of an output folder a write or check covers.

/// The part of an output folder a write or check covers: the whole folder, or some of its
/// sub-folders (rendering one environment must not remove the others).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    folders: Option<Vec<String>>,
}

impl Scope {
    /// The whole folder.
    pub fn all() -> Self {
        Scope { folders: None }
    }

    /// Only these sub-folders (relative `/`-paths such as `staging` or `shop/staging`).
    pub fn folders<I, S>(folders: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Scope {
            folders: Some(
                folders
                    .into_iter()
                    .map(|f| f.into().trim_matches('/').to_owned())
                    .collect(),
            ),
        }
    }

    /// Whether `path` lies inside the scope.
    pub fn contains(&self, path: &str) -> bool {
        match &self.folders {
            None => true,
            Some(fs) => fs.iter().any(|f| {
                path.strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            }),
        }
    }
}
