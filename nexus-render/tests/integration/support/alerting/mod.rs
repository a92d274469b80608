//! What the alerting tests share: every environment of `specs/nexus.yaml` rendered for both
//! targets, with the monitoring files each target ships written out as files (Compose's
//! bind-mounted files; the Kubernetes ConfigMaps' keys), and promtool and amtool.

use std::path::{Path, PathBuf};
use std::process::Command;

use nexus_spec::{Spec, ir};

pub use crate::support::compose_nginx::tools;

/// The folder of one target's monitoring files: `prometheus/{prometheus,rules}.yml`,
/// `alertmanager/alertmanager.yml` and the Grafana dashboards (Compose: `grafana/dashboards/`;
/// Kubernetes: `grafana-dashboards/`).
pub struct Rendered {
    /// `spec-ENV-TARGET`.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
}

/// Every environment of `specs/nexus.yaml`, resolved.
pub fn platforms() -> Vec<(String, ir::Platform)> {
    let path = tools::repo_root().join("specs/nexus.yaml");
    let spec = Spec::from_path(&path).unwrap_or_else(|d| panic!("specs/nexus.yaml loads: {d:?}"));
    spec.environments()
        .into_iter()
        .map(|env| {
            let p = spec
                .resolve(&env)
                .unwrap_or_else(|d| panic!("specs/nexus.yaml {env} resolves: {d:?}"));
            (env, p)
        })
        .collect()
}

/// The data of the ConfigMap `name` in a rendered multi-document file.
fn config_map(file: &str, name: &str) -> serde_json::Map<String, serde_json::Value> {
    for doc in file.split("\n---\n") {
        let v: serde_json::Value = serde_saphyr::from_str(doc).expect("a YAML document");
        if v["kind"] == "ConfigMap" && v["metadata"]["name"] == name {
            return v["data"].as_object().cloned().expect("ConfigMap data");
        }
    }
    panic!("no ConfigMap {name}");
}

/// Writes each environment's monitoring files, Compose's and Kubernetes', under a scratch
/// folder.
pub fn render_all(test: &str) -> Vec<Rendered> {
    let mut out = Vec::new();
    for (env, p) in platforms() {
        let compose = nexus_render::compose::render(&p).expect("compose renders");
        let dir = tools::scratch(&format!("{test}-{env}-compose"));
        tools::write_plan(&dir, &compose);
        out.push(Rendered {
            name: format!("spec-{env}-compose"),
            dir,
        });
        let k8s = nexus_render::k8s::render(&p).expect("k8s renders");
        let dir = tools::scratch(&format!("{test}-{env}-k8s"));
        for (path, cm, folder) in [
            (
                "30-monitoring/prometheus.yaml",
                "prometheus-config",
                "prometheus",
            ),
            (
                "30-monitoring/alertmanager.yaml",
                "alertmanager-config",
                "alertmanager",
            ),
            (
                "30-monitoring/grafana.yaml",
                "grafana-dashboards",
                "grafana-dashboards",
            ),
        ] {
            let bytes = k8s.get(path).unwrap_or_else(|| panic!("{env}: {path}"));
            let file = std::str::from_utf8(bytes).expect("utf-8");
            for (key, value) in config_map(file, cm) {
                let target = dir.join(folder).join(key);
                std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
                std::fs::write(&target, value.as_str().expect("a string")).expect("write");
            }
        }
        out.push(Rendered {
            name: format!("spec-{env}-k8s"),
            dir,
        });
    }
    out
}

/// Runs `tool args...` in `dir`; asserts it succeeds.
pub fn check(tool: &Path, dir: &Path, args: &[&str], what: &str) -> String {
    let (ok, out) = tools::run(Command::new(tool).args(args).current_dir(dir));
    assert!(
        ok,
        "{what}: `{} {}` failed:\n{out}",
        tool.display(),
        args.join(" ")
    );
    out
}
