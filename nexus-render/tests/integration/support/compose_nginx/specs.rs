//! The real spec and the focused spec fixtures, loaded and resolved.

use nexus_spec::ir::Platform;

use super::tools;

/// Each environment of `specs/nexus.yaml`, resolved, named `spec-ENV`. Empty (with a note
/// on stderr) while the spec cannot be loaded.
pub fn spec_platforms() -> Vec<(String, Platform)> {
    let path = tools::repo_root().join("specs/nexus.yaml");
    let spec = match nexus_spec::Spec::from_path(&path) {
        Ok(s) => s,
        Err(d) => {
            eprintln!(
                "note: specs/nexus.yaml does not load yet ({} problems); testing the fixtures only",
                d.len()
            );
            return Vec::new();
        }
    };
    spec.environments()
        .into_iter()
        .map(|env| {
            let p = spec
                .resolve(&env)
                .unwrap_or_else(|d| panic!("specs/nexus.yaml {env} resolves: {d:?}"));
            (format!("spec-{env}"), p)
        })
        .collect()
}

/// Every environment of every spec fixture in `tests/fixtures/{compose,nginx}/`, named
/// `FOLDER-FILE-ENV`, sorted.
pub fn fixture_platforms() -> Vec<(String, Platform)> {
    let mut out = Vec::new();
    for folder in ["compose", "nginx"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for path in files {
            let stem = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            let spec = nexus_spec::Spec::from_path(&path)
                .unwrap_or_else(|d| panic!("{} loads: {d:?}", path.display()));
            for env in spec.environments() {
                let p = spec
                    .resolve(&env)
                    .unwrap_or_else(|d| panic!("{} {env} resolves: {d:?}", path.display()));
                out.push((format!("{folder}-{stem}-{env}"), p));
            }
        }
    }
    out
}
