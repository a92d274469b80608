//! [`Spec`]: one loaded spec file, ready to validate and resolve.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceMap};
use crate::ir;
use crate::load::{self, Limits};
use crate::model::PlatformFile;
use crate::span::{FileId, Span};

/// A loaded spec file: its typed content and its source text (for diagnostics).
///
/// ```
/// let text = r#"
/// apiVersion: nexus.dev/v1alpha1
/// kind: Platform
/// metadata: { name: demo, version: 1.0.0 }
/// spec:
///   services:
///     web:
///       image: registry.example.com/demo/web:1.0.0
///       ports: [{ name: http, port: 8080 }]
///   environments:
///     staging: {}
/// "#;
/// let spec = nexus_spec::Spec::from_str("demo.yaml", text).unwrap();
/// assert_eq!(spec.environments(), vec!["staging".to_string()]);
/// let platform = spec.resolve("staging").unwrap();
/// assert_eq!(platform.namespace.value, "demo-staging");
/// assert_eq!(platform.workloads[0].replicas.value, 1);
/// ```
#[derive(Debug, Clone)]
pub struct Spec {
    sources: SourceMap,
    file: PlatformFile,
    name: String,
}

impl Spec {
    /// Loads a spec from text; `name` is what diagnostics call the file.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str, text: &str) -> Result<Spec, Diagnostics> {
        Self::load(name, text.as_bytes(), &Limits::default())
    }

    /// Loads a spec from bytes with explicit limits.
    pub fn load(name: &str, bytes: &[u8], limits: &Limits) -> Result<Spec, Diagnostics> {
        let (sources, id) = Self::register(name, bytes, limits)?;
        Self::parse_registered(name, sources, id, limits)
    }

    /// Loads a spec from bytes the caller gives up, with explicit limits: the same result
    /// as [`Spec::load`], with one copy of the text fewer alive while it is parsed. The
    /// bytes are freed as soon as the text kept for diagnostics is made from them.
    ///
    /// ```
    /// let bytes = std::fs::read("../specs/nexus.yaml").unwrap();
    /// let limits = nexus_spec::Limits::default();
    /// let spec = nexus_spec::Spec::load_owned("nexus.yaml", bytes, &limits).unwrap();
    /// assert!(spec.environments().contains(&"production".to_string()));
    /// ```
    pub fn load_owned(name: &str, bytes: Vec<u8>, limits: &Limits) -> Result<Spec, Diagnostics> {
        let (sources, id) = Self::register(name, &bytes, limits)?;
        drop(bytes);
        Self::parse_registered(name, sources, id, limits)
    }

    /// Registers the text for diagnostics (lossy if it is not UTF-8, so that every
    /// diagnostic can show it), then checks its size and encoding.
    fn register(
        name: &str,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<(SourceMap, FileId), Diagnostics> {
        let mut sources = SourceMap::new();
        let shown = &bytes[..bytes.len().min(limits.max_bytes)];
        // Valid UTF-8 (nearly always) is copied once, straight into the shared text: the
        // lossy conversion costs several times the UTF-8 check on a large spec.
        let shown: Arc<str> = match std::str::from_utf8(shown) {
            Ok(text) => Arc::from(text),
            Err(_) => Arc::from(String::from_utf8_lossy(shown)),
        };
        let id = sources.add(name, shown);
        match load::decode(bytes, id, limits) {
            Ok(_) => Ok((sources, id)),
            Err(mut d) => {
                d.finish(&sources);
                Err(d)
            }
        }
    }

    /// Parses and deserializes the registered text, which [`Spec::register`] checked: it
    /// is the whole input, valid UTF-8, within the size limit.
    fn parse_registered(
        name: &str,
        sources: SourceMap,
        id: FileId,
        limits: &Limits,
    ) -> Result<Spec, Diagnostics> {
        let fail = |mut d: Diagnostics| {
            d.finish(&sources);
            d
        };
        let file: PlatformFile = {
            let text = sources.get(id).map(|f| &*f.text).unwrap_or_default();
            let node = load::parse(text, id, limits).map_err(fail)?;
            load::from_node_with_source(&node, text).map_err(fail)?
        };
        Ok(Spec {
            sources,
            file,
            name: name.to_owned(),
        })
    }

    /// Loads a spec file from disk. Files larger than the size cap are refused before they
    /// are read whole.
    pub fn from_path(path: &Path) -> Result<Spec, Diagnostics> {
        let limits = Limits::default();
        let name = path.display().to_string();
        let bytes = match load::read_bounded(path, limits.max_bytes) {
            Ok(b) => b,
            // Refused by its size before any byte is read, with the diagnostic a file
            // read whole would get.
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                let len = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
                let mut sources = SourceMap::new();
                let id = sources.add(&name, String::new());
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                let mut d = load::check_size(len, id, &limits).err().unwrap_or_default();
                d.finish(&sources);
                return Err(d);
            }
            Err(e) => return Err(Diagnostics(vec![io_error(path, "read", e)])),
        };
        Self::load_owned(&name, bytes, &limits)
    }

    /// The file name diagnostics use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The typed content.
    pub fn file(&self) -> &PlatformFile {
        &self.file
    }

    /// The source text, for rendering diagnostics.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The environments, sorted.
    pub fn environments(&self) -> Vec<String> {
        self.file
            .spec
            .environments
            .keys()
            .map(|k| k.value.clone())
            .collect()
    }

    /// Every problem of the spec, across all environments, each once, sorted by position.
    pub fn validate(&self) -> Diagnostics {
        let mut d = crate::resolve::validate(&self.file);
        d.finish(&self.sources);
        d
    }

    /// Validates the spec and resolves every environment in one pass (each environment is
    /// resolved once): the environments in sorted order, or every problem, exactly as
    /// [`Spec::validate`] reports them.
    ///
    /// ```
    /// let spec = nexus_spec::Spec::from_path(std::path::Path::new("../specs/nexus.yaml")).unwrap();
    /// let envs = spec.validate_resolve().unwrap();
    /// assert_eq!(envs[0].environment.value, "production");
    /// ```
    pub fn validate_resolve(&self) -> Result<Vec<ir::Platform>, Diagnostics> {
        crate::resolve::validate_resolve(&self.file).map_err(|mut d| {
            d.finish(&self.sources);
            d
        })
    }

    /// Resolves one environment to the IR.
    pub fn resolve(&self, environment: &str) -> Result<ir::Platform, Diagnostics> {
        crate::resolve::resolve(&self.file, environment).map_err(|mut d| {
            d.finish(&self.sources);
            d
        })
    }

    /// Resolves every environment, in sorted order.
    pub fn resolve_all(&self) -> Result<Vec<ir::Platform>, Diagnostics> {
        let mut out = Vec::new();
        let mut all = Diagnostics::new();
        for env in self.environments() {
            match self.resolve(&env) {
                Ok(p) => out.push(p),
                Err(d) => all.extend(d),
            }
        }
        if all.is_empty() { Ok(out) } else { Err(all) }
    }
}

fn io_error(path: &Path, what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        codes::IO,
        format!("cannot {what} `{}`: {e}", path.display()),
    )
    .with_label(Span::DETACHED, "")
    .with_help("check the path and its permissions")
}

/// The spec files named by `paths`: a file as given, a folder walked recursively in sorted
/// order for `*.yaml` / `*.yml` files. Symbolic links are not followed; policy files named
/// `nexus-policy*.yaml` are skipped, and so is any folder holding a `.nexus-manifest.json`
/// (a folder nexus rendered into, whose YAML is output, not specs). Hidden files and folders
/// (a name starting with `.`) inside a walked folder are skipped too: `.github/workflows/`,
/// `.pre-commit-config.yaml` and `.gitlab-ci.yml` are other tools' YAML. A path named in
/// `paths` is read whatever its name. An unreadable path is an error with code `nexus::io`.
///
/// ```
/// let files = nexus_spec::discover(&[std::path::PathBuf::from("../specs")]).unwrap();
/// assert!(files.iter().any(|f| f.ends_with("nexus.yaml")));
/// ```
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Err(_) if p.is_symlink() => {
                return Err(io_error(p, "read", "it is a symbolic link to nothing"));
            }
            other => other.map_err(|e| io_error(p, "read", e))?,
        };
        if meta.is_dir() {
            walk(p, &mut out, 0)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The file nexus keeps in every folder it renders into.
pub const OUTPUT_MANIFEST: &str = ".nexus-manifest.json";

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), Diagnostic> {
    if depth > 32 {
        return Err(io_error(dir, "walk", "folders nest deeper than 32 levels"));
    }
    if dir.join(OUTPUT_MANIFEST).exists() {
        return Ok(());
    }
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .map_err(|e| io_error(dir, "list", e))?
        .collect::<Result<_, _>>()
        .map_err(|e| io_error(dir, "list", e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let ty = e.file_type().map_err(|err| io_error(&path, "read", err))?;
        if ty.is_dir() {
            walk(&path, out, depth + 1)?;
        } else if ty.is_file()
            && (name.ends_with(".yaml") || name.ends_with(".yml"))
            && !name.starts_with("nexus-policy")
        {
            out.push(path);
        }
    }
    Ok(())
}
