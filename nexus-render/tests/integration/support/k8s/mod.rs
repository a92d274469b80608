//! Helpers of the Kubernetes generator's integration tests: loading specs, rendering every
//! environment, and finding conformance tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use nexus_render::OutputPlan;
use nexus_spec::Spec;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("nexus-render sits in the repository root")
        .to_path_buf()
}

/// The real platform spec, `specs/nexus.yaml`.
pub fn nexus_spec() -> PathBuf {
    repo().join("specs/nexus.yaml")
}

/// A fixture under this crate's `tests/fixtures/k8s/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/k8s")
        .join(name)
}

/// Every spec the Kubernetes tests render: the real one and the fixtures.
pub fn all_specs() -> Vec<PathBuf> {
    let mut v = vec![nexus_spec()];
    for f in [
        "blue-green.yaml",
        "no-dependencies.yaml",
        "external-secrets.yaml",
        "ingress-edge.yaml",
    ] {
        v.push(fixture(f));
    }
    v
}

/// Loads a spec, failing the test with its diagnostics.
pub fn load(path: &Path) -> Spec {
    Spec::from_path(path).unwrap_or_else(|d| panic!("{} does not load: {d:?}", path.display()))
}

/// Renders one environment of a spec.
pub fn render(spec: &Spec, env: &str) -> OutputPlan {
    let platform = spec
        .resolve(env)
        .unwrap_or_else(|d| panic!("{env} does not resolve: {d:?}"));
    nexus_render::k8s::render(&platform).unwrap_or_else(|e| panic!("{env} does not render: {e}"))
}

/// Renders every environment of a spec, as (environment, plan).
pub fn render_all(path: &Path) -> Vec<(String, OutputPlan)> {
    let spec = load(path);
    spec.environments()
        .into_iter()
        .map(|env| {
            let plan = render(&spec, &env);
            (env, plan)
        })
        .collect()
}

/// A plan as one text: each file under a `==> path <==` header.
pub fn concat(plan: &OutputPlan) -> String {
    let mut out = String::new();
    for (path, bytes) in plan.files() {
        out.push_str(&format!("==> {path} <==\n"));
        out.push_str(std::str::from_utf8(bytes).expect("rendered files are UTF-8"));
    }
    out
}

/// Finds a conformance tool: the environment variable `var`, then `<repo>/.tools/env`,
/// then `name` on `PATH` (see docs/conformance.md). The error says where it looked.
pub fn tool(var: &str, name: &str) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(var) {
        return Ok(PathBuf::from(p));
    }
    let env_file = repo().join(".tools/env");
    if let Ok(text) = std::fs::read_to_string(&env_file) {
        let prefix = format!("export {var}=");
        if let Some(v) = text.lines().find_map(|l| l.strip_prefix(&prefix)) {
            return Ok(PathBuf::from(v.trim().trim_matches('\'')));
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(format!(
        "${var} unset, not in {}, no {name} on PATH",
        env_file.display()
    ))
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nexus-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Writes a plan's files under `dir`; returns their paths.
pub fn write(plan: &OutputPlan, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (path, bytes) in plan.files() {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("files sit in a folder")).expect("mkdir");
        std::fs::write(&file, bytes).expect("write");
        out.push(file);
    }
    out
}

/// The object named `name` of `kind` among rendered documents.
pub fn object<'a>(docs: &'a [serde_json::Value], kind: &str, name: &str) -> &'a serde_json::Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name}"))
}

/// The literal variables (`value`, not `valueFrom`) of a container, in order.
pub fn literals(c: &serde_json::Value) -> Vec<(String, String)> {
    c["env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_owned(),
                e["value"].as_str()?.to_owned(),
            ))
        })
        .collect()
}
