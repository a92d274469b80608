//! A semantic summary of a drift, for review: per object (a Kubernetes object by kind and
//! name, a Compose service, a file), what changed — image, replicas, resources, env keys,
//! routes — and which other fields, rather than which text lines.
//!
//! ```
//! use nexus_render::output::{Change, FileChange, semantic};
//! let before = "kind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 2\n";
//! let after = "kind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 3\n";
//! let change = FileChange {
//!     path: "staging/k8s/web.yaml".into(),
//!     change: Change::Changed,
//!     before: Some(before.into()),
//!     after: Some(after.into()),
//! };
//! let summary = semantic::summarize(&[change]);
//! assert_eq!(summary[0].to_string(), "staging/k8s: Deployment web: changed\n  replicas    replicas: 2 → 3\n");
//! ```

mod classify;
mod objects;
mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use objects::describe;
pub(crate) use objects::{YAML_DOCUMENT, is_yaml};

use super::check::FileChange;
use objects::{Body, Object, objects};

/// What an object's change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aspect {
    /// Container images.
    Image,
    /// Replica counts (and autoscaling bounds).
    Replicas,
    /// Requests and limits.
    Resources,
    /// Environment variables (keys only: values may be long, and are in the diff).
    Env,
    /// Keys of a ConfigMap's or Secret's data.
    Data,
    /// Gateway routes and ingress rules.
    Routes,
    /// Lines of a text file.
    Lines,
    /// Any other field.
    Other,
}

impl Aspect {
    /// The label shown in summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Image => "image",
            Aspect::Replicas => "replicas",
            Aspect::Resources => "resources",
            Aspect::Env => "env",
            Aspect::Data => "data",
            Aspect::Routes => "routes",
            Aspect::Lines => "lines",
            Aspect::Other => "other",
        }
    }
}

/// One line of an object's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// What it is about.
    pub aspect: Aspect,
    /// What changed (`backend: registry/app:1.0 → registry/app:1.1`).
    pub text: String,
}

/// Whether an object appeared, went, or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Rendered now, not before.
    Added,
    /// Rendered before, not now.
    Removed,
    /// Rendered both times, differently.
    Changed,
}

/// How one object changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectChange {
    /// The target folder it belongs to (`staging/k8s`).
    pub group: String,
    /// Its kind (`Deployment`, `compose service`, `file`).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Added, removed or changed.
    pub status: Status,
    /// For a changed object, what changed.
    pub details: Vec<Detail>,
}

impl fmt::Display for ObjectChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.status {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        };
        writeln!(f, "{}: {} {}: {status}", self.group, self.kind, self.name)?;
        for d in &self.details {
            writeln!(f, "  {:<11} {}", d.aspect.as_str(), d.text)?;
        }
        Ok(())
    }
}

/// Summarises changed files object by object. Objects are matched across files of the same
/// target folder, so an object moved between files counts as changed, not removed and added.
///
/// A target folder with no previous file at all (a first render, a new environment or
/// target) is left out: every one of its objects would be "added", and its files are
/// already listed as new. Its files are not even read, so a check against an empty folder
/// costs no more than the file list.
///
/// Only the previous side is held in memory: each new object is compared as it is read and
/// then dropped.
pub fn summarize(changes: &[FileChange]) -> Vec<ObjectChange> {
    let relevant = || changes.iter().filter(|c| c.path != super::MANIFEST_NAME);
    let mut before: BTreeMap<String, BTreeMap<(String, String), Body>> = BTreeMap::new();
    for c in relevant() {
        if let Some(bytes) = &c.before {
            let side = before.entry(group_of(&c.path)).or_default();
            for Object { kind, name, body } in objects(&c.path, bytes) {
                side.insert((kind, name), body);
            }
        }
    }
    let mut out = Vec::new();
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for c in relevant() {
        let Some(bytes) = &c.after else { continue };
        let group = group_of(&c.path);
        if !before.contains_key(&group) {
            continue;
        }
        for Object { kind, name, body } in objects(&c.path, bytes) {
            if !seen.insert((group.clone(), kind.clone(), name.clone())) {
                continue;
            }
            let old = before
                .get_mut(&group)
                .and_then(|side| side.remove(&(kind.clone(), name.clone())));
            let (status, details) = match old {
                None => (Status::Added, Vec::new()),
                Some(old) if old == body => continue,
                Some(old) => (Status::Changed, compare(&old, &body)),
            };
            out.push(ObjectChange {
                group: group.clone(),
                kind,
                name,
                status,
                details,
            });
        }
    }
    for (group, side) in before {
        for (kind, name) in side.into_keys() {
            out.push(ObjectChange {
                group: group.clone(),
                kind,
                name,
                status: Status::Removed,
                details: Vec::new(),
            });
        }
    }
    out.sort_by(|a, b| (&a.group, &a.kind, &a.name).cmp(&(&b.group, &b.kind, &b.name)));
    out
}

fn compare(old: &Body, new: &Body) -> Vec<Detail> {
    match (old, new) {
        (Body::Tree(a), Body::Tree(b)) => classify::details(&tree::diff(a, b)),
        (Body::Text(a), Body::Text(b)) => text_details(a, b),
        _ => vec![Detail {
            aspect: Aspect::Other,
            text: "the file's format changed".into(),
        }],
    }
}

/// Route lines (`location ...`) added and removed, then a count of other lines.
fn text_details(a: &str, b: &str) -> Vec<Detail> {
    let (ca, cb) = (line_counts(a), line_counts(b));
    let mut out = Vec::new();
    let (mut added, mut removed) = (0, 0);
    let lines: std::collections::BTreeSet<&str> = ca.keys().chain(cb.keys()).copied().collect();
    for l in lines {
        let delta = cb.get(l).copied().unwrap_or(0) - ca.get(l).copied().unwrap_or(0);
        if delta == 0 {
            continue;
        }
        if l.starts_with("location ") {
            let route = l.trim_end_matches('{').trim();
            let sign = if delta > 0 { '+' } else { '-' };
            out.push(Detail {
                aspect: Aspect::Routes,
                text: format!("{sign} {route}"),
            });
        } else if delta > 0 {
            added += delta;
        } else {
            removed -= delta;
        }
    }
    if added + removed > 0 {
        out.push(Detail {
            aspect: Aspect::Lines,
            text: format!("{added} other line(s) added, {removed} removed"),
        });
    }
    out
}

fn line_counts(s: &str) -> BTreeMap<&str, i64> {
    let mut m: BTreeMap<&str, i64> = BTreeMap::new();
    for l in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        *m.entry(l).or_default() += 1;
    }
    m
}

/// `staging/k8s/apps/web.yaml` → `staging/k8s`: the path up to the target folder, or the
/// file's folder.
fn group_of(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    let dir = &segs[..segs.len().saturating_sub(1)];
    let group = match dir
        .iter()
        .position(|s| matches!(*s, "k8s" | "compose" | "nginx"))
    {
        Some(i) => dir[..=i].join("/"),
        None => dir.join("/"),
    };
    if group.is_empty() { ".".into() } else { group }
}
