//! A lint report and its renderings: `human` (miette, with spec excerpts; the `fancy`
//! feature), [`json`] (a stable, documented schema) and [`sarif`] (SARIF 2.1.0 for code
//! scanning).

#[cfg(feature = "fancy")]
pub mod human;
pub mod json;
mod location;
#[cfg(feature = "fancy")]
mod mask;
pub mod sarif;

pub use location::Location;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use nexus_spec::{FileId, Severity, SourceMap, Span};

use crate::finding::Finding;

/// Every finding of a lint run, merged over environments and sorted by location.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// The findings, sorted by file, position, rule and object.
    pub findings: Vec<Finding>,
    /// The environments linted, sorted.
    pub environments: Vec<String>,
}

/// How many findings a report has, by severity; waived ones are counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Unwaived errors.
    pub errors: usize,
    /// Unwaived warnings.
    pub warnings: usize,
    /// Unwaived infos.
    pub infos: usize,
    /// Waived findings of any severity.
    pub waived: usize,
}

impl Report {
    /// A report from findings: findings equal but for their environment are merged into one
    /// that lists every environment, then all are sorted.
    pub fn new(findings: Vec<Finding>, environments: Vec<String>) -> Report {
        let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
        // Findings by a hash of what `same` compares, so that merging is not a scan of every
        // finding so far (that made linting quadratic in the number of workloads).
        let mut index: HashMap<u64, Vec<usize>> = HashMap::with_capacity(findings.len());
        for f in findings {
            let candidates = index.entry(identity(&f)).or_default();
            match candidates
                .iter()
                .copied()
                .find(|&i| same(&merged[i], &f))
                .map(|i| &mut merged[i])
            {
                Some(m) => {
                    for e in f.environments {
                        if !m.environments.contains(&e) {
                            m.environments.push(e);
                        }
                    }
                }
                None => {
                    candidates.push(merged.len());
                    merged.push(f);
                }
            }
        }
        for f in &mut merged {
            f.environments.sort();
        }
        merged.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.environments.cmp(&b.environments))
        });
        Report {
            findings: merged,
            environments,
        }
    }

    /// Counts by severity.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in &self.findings {
            match (f.is_waived(), f.severity) {
                (true, _) => s.waived += 1,
                (false, Severity::Error) => s.errors += 1,
                (false, Severity::Warning) => s.warnings += 1,
                (false, Severity::Info) => s.infos += 1,
            }
        }
        s
    }

    /// Whether any unwaived finding is at `threshold` or above (the `--fail-on` test).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| !f.is_waived() && f.severity >= threshold)
    }

    /// Adds the report of another spec file to this one: its source files are added to
    /// `sources` (this report's map) and its spans renumbered to match.
    pub fn append(&mut self, other: Report, other_sources: &SourceMap, sources: &mut SourceMap) {
        let ids: Vec<(FileId, FileId)> = other_sources
            .files()
            .map(|(old, f)| (old, sources.add(f.name.clone(), f.text.clone())))
            .collect();
        let map = |s: &mut Span| {
            if let Some((_, new)) = ids.iter().find(|(old, _)| *old == s.file)
                && !s.is_detached()
            {
                s.file = *new;
            }
        };
        for mut f in other.findings {
            map(&mut f.span);
            for l in &mut f.related {
                map(&mut l.span);
            }
            if let Some(w) = &mut f.waiver {
                map(&mut w.span);
            }
            self.findings.push(f);
        }
        self.environments.extend(other.environments);
        self.environments.sort();
        self.environments.dedup();
        self.findings.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.environments.cmp(&b.environments))
        });
    }

    /// Whether a finding occurs in only some of the environments linted (a report drawn for
    /// people says which).
    pub fn is_partial(&self, f: &Finding) -> bool {
        f.environments.len() < self.environments.len()
    }
}

/// A hash of the fields [`same`] compares but the waiver.
fn identity(f: &Finding) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        f.rule.id,
        &f.object,
        &f.container,
        &f.span,
        &f.message,
        f.severity,
    )
        .hash(&mut h);
    h.finish()
}

fn same(a: &Finding, b: &Finding) -> bool {
    a.rule.id == b.rule.id
        && a.object == b.object
        && a.container == b.container
        && a.span == b.span
        && a.message == b.message
        && a.severity == b.severity
        && a.waiver == b.waiver
}
