//! `README.md` of an environment's output folder: what it is, the topology as a Mermaid
//! graph, and a table of every rendered file and what it holds. Deterministic: no
//! timestamp, no spec path, no tool version.

use std::collections::BTreeMap;
use std::fmt::Write;

use nexus_spec::ir::Platform;

use crate::error::RenderError;
use crate::graph::Graph;
use crate::output::semantic::describe;
use crate::plan::{Contents, OutputPlan};

/// The README's file name.
pub const README_NAME: &str = "README.md";

/// The README of one environment; `files` are the environment's rendered files, with paths
/// relative to its folder (`k8s/web.yaml`).
///
/// ```
/// # let spec = nexus_spec::Spec::from_str("demo.yaml", r#"
/// # apiVersion: nexus.dev/v1alpha1
/// # kind: Platform
/// # metadata: { name: demo, version: 1.0.0 }
/// # spec:
/// #   services:
/// #     web:
/// #       image: registry.example.com/demo/web:1.0.0
/// #       ports: [{ name: http, port: 8080 }]
/// #   environments:
/// #     staging: {}
/// # "#).unwrap();
/// let platform = spec.resolve("staging").unwrap();
/// let mut files = nexus_render::OutputPlan::new();
/// files.add("k8s/web.yaml", "kind: Deployment\nmetadata: { name: web }\n").unwrap();
/// let readme = nexus_render::readme::environment_readme(&platform, &files);
/// assert!(readme.contains("```mermaid\nflowchart LR\n"));
/// assert!(readme.contains("| `k8s/web.yaml` | Deployment | 1 |"));
/// ```
pub fn environment_readme(platform: &Platform, files: &OutputPlan) -> String {
    let mut table = FileTable::new();
    // One plan has no path twice, so adding it cannot fail.
    let _ = table.add("", files);
    environment_readme_of(platform, &table)
}

/// What the README lists of an environment's files: each path (relative to the
/// environment's folder) and what the file holds. It keeps no bytes, so a streaming render
/// fills it part by part and drops each part's files.
///
/// ```
/// use nexus_render::{OutputPlan, readme::FileTable};
/// let mut part = OutputPlan::new();
/// part.add("web.yaml", "kind: Deployment\nmetadata: { name: web }\n").unwrap();
/// let mut table = FileTable::new();
/// table.add("k8s", &part).unwrap();
/// assert!(table.add("k8s", &part).is_err()); // a path listed twice
/// assert_eq!(table.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTable {
    rows: BTreeMap<String, Contents>,
}

impl FileTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lists every file of `files` under the folder `prefix` (`k8s`, or `""` for none),
    /// with what its generator said it holds, or else what its bytes hold. A path listed
    /// before is [`RenderError::DuplicatePath`].
    pub fn add(&mut self, prefix: &str, files: &OutputPlan) -> Result<(), RenderError> {
        for (path, bytes) in files.files() {
            let full = if prefix.is_empty() {
                path.to_owned()
            } else {
                format!("{}/{path}", prefix.trim_end_matches('/'))
            };
            let kinds = match files.contents(path) {
                Some(c) => c.to_vec(),
                // By the full path: a `.conf` under `nginx/` is Nginx's.
                None => describe(&full, bytes),
            };
            if self.rows.insert(full.clone(), kinds).is_some() {
                return Err(RenderError::DuplicatePath(full));
            }
        }
        Ok(())
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn paths(&self) -> impl Iterator<Item = &str> {
        self.rows.keys().map(String::as_str)
    }
}

/// [`environment_readme`] from the table of the environment's files.
pub fn environment_readme_of(platform: &Platform, files: &FileTable) -> String {
    ReadmeProse::of(platform).with_files(platform, files)
}

/// The parts of an environment's README that come from the platform alone: its title,
/// topology and runbooks. A streaming render makes them while the files render, and adds
/// the parts that list the files at the end ([`ReadmeProse::with_files`]).
///
/// ```
/// # let spec = nexus_spec::Spec::from_str("demo.yaml", r#"
/// # apiVersion: nexus.dev/v1alpha1
/// # kind: Platform
/// # metadata: { name: demo, version: 1.0.0 }
/// # spec:
/// #   services:
/// #     web:
/// #       image: registry.example.com/demo/web:1.0.0
/// #   environments:
/// #     staging: {}
/// # "#).unwrap();
/// use nexus_render::readme::{FileTable, ReadmeProse, environment_readme_of};
/// let platform = spec.resolve("staging").unwrap();
/// let prose = ReadmeProse::of(&platform);
/// let table = FileTable::new();
/// assert_eq!(prose.with_files(&platform, &table), environment_readme_of(&platform, &table));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadmeProse {
    /// Title, introduction and topology.
    head: String,
    /// The release, backup destination and restore runbooks.
    runbooks: String,
}

impl ReadmeProse {
    /// The platform's parts of its environment's README.
    pub fn of(platform: &Platform) -> Self {
        let mut head = String::new();
        let _ = writeln!(head, "# {}\n", platform.namespace.value);
        let _ = writeln!(
            head,
            "The `{}` environment of the platform **{}** {}, rendered by `nexus render` from its spec.",
            platform.environment.value, platform.name.value, platform.version.value
        );
        head.push_str(
            "Do not edit these files: change the spec and render again. nexus overwrites hand edits,\n\
             and CI fails when this folder is not what `nexus render` produces.\n\n",
        );
        head.push_str("## Topology\n\n```mermaid\n");
        head.push_str(&Graph::from_platform(platform).mermaid());
        head.push_str("```\n\n");
        head.push_str(
            "Thick arrow: traffic from the internet; arrows from the gateway: its routes; other\n\
             solid arrows: `dependsOn` (started after, and connected to); dashed from the internet:\n\
             public without a gateway route; other dashed arrows: `talksTo` (connected to, no start\n\
             order).\n\n",
        );
        let mut runbooks = crate::runbook::release_runbook(platform);
        runbooks.push_str(&crate::destinations_runbook::destinations_runbook(platform));
        runbooks.push_str(&crate::restore_runbook::restore_runbook(platform));
        ReadmeProse { head, runbooks }
    }

    /// The whole README: these parts, with the order to apply `files` in and their table.
    /// `platform` is the one these parts were made of.
    pub fn with_files(self, platform: &Platform, files: &FileTable) -> String {
        let mut out = self.head;
        let order = apply_order(platform, files);
        // Room for the whole text up front: at 5,000 services the table is 3 MB, which
        // growing by doubling would write about three times over.
        out.reserve(crate::yaml::room(
            order.len()
                + self.runbooks.len()
                + files
                    .rows
                    .iter()
                    .map(|(path, kinds)| 48 + path.len() + 40 * kinds.len())
                    .sum::<usize>(),
        ));
        out.push_str(&order);
        out.push_str(&self.runbooks);
        out.push_str("## Files\n\n| file | what | objects |\n| --- | --- | ---: |\n");
        for (path, kinds) in &files.rows {
            if path == README_NAME {
                continue;
            }
            // Written in place: this table has a row per file, thousands of them.
            let _ = write!(out, "| `{path}` | ");
            for (i, (kind, n)) in kinds.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_cell(&mut out, kind);
                if *n != 1 {
                    let _ = write!(out, " ×{n}");
                }
            }
            let total: usize = kinds.iter().map(|(_, n)| n).sum();
            let _ = writeln!(out, " | {total} |");
        }
        out
    }
}

/// Appends `s` as a Markdown table cell: pipes escaped, one line.
fn push_cell(out: &mut String, s: &str) {
    for piece in s.split_inclusive(['|', '\n', '\r']) {
        match piece.as_bytes().last() {
            Some(b'|') => {
                out.push_str(&piece[..piece.len() - 1]);
                out.push_str("\\|");
            }
            Some(b'\n' | b'\r') => {
                out.push_str(&piece[..piece.len() - 1]);
                out.push(' ');
            }
            _ => out.push_str(piece),
        }
    }
}

/// The Kubernetes folders in the order they apply on an empty cluster, each with the
/// command that applies it; empty when the environment has no Kubernetes output.
fn apply_order(platform: &Platform, files: &FileTable) -> String {
    let mut steps: Vec<String> = Vec::new();
    let ns = &platform.namespace.value;
    let mut seen = std::collections::BTreeSet::new();
    for path in files.paths() {
        let Some(rest) = path.strip_prefix("k8s/") else {
            continue;
        };
        if rest == "kustomization.yaml" || rest.starts_with(crate::k8s::RESTORE_DIR) {
            // Restores are applied on demand (see the restore runbook).
            continue;
        }
        let part = rest.split('/').next().unwrap_or(rest);
        if !seen.insert(part.to_owned()) {
            continue;
        }
        let target = if rest.contains('/') {
            format!("k8s/{part}/")
        } else {
            format!("k8s/{part}")
        };
        steps.push(format!("kubectl apply -f {target}"));
        if part.contains("migrations") {
            steps.push(format!(
                "kubectl -n {ns} wait --for=condition=complete job -l app.kubernetes.io/component=migration --timeout=15m"
            ));
        }
    }
    if steps.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "## Applying to Kubernetes\n\n\
         On an empty cluster, in this order (the namespace first, so everything after it has a\n\
         place to go; data stores before the migrations, which wait for their database; the\n\
         services once their migration has completed). Pods that pull from a private registry\n\
         need its pull secret in the namespace before they start.\n\n```sh\n",
    );
    for s in steps {
        out.push_str(&s);
        out.push('\n');
    }
    out.push_str(
        "```\n\n`kubectl apply -k k8s/` applies the same files in the same order in one step (for\n\
         GitOps tools); the migration's init containers then do the waiting.\n\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::push_cell;

    #[test]
    fn cells_escape_pipes_and_stay_on_one_line() {
        for s in [
            "",
            "Deployment",
            "a|b",
            "|",
            "||x|",
            "two\nlines",
            "a\r\nb|",
            "é|ü\n",
        ] {
            let mut out = String::from("| ");
            push_cell(&mut out, s);
            let expected = s.replace('|', "\\|").replace(['\n', '\r'], " ");
            assert_eq!(out, format!("| {expected}"), "{s:?}");
        }
    }
}
