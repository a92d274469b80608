//! `kustomization.yaml`: every rendered file, in apply order, so `kubectl apply -k` and
//! Kustomize overlays work on the output. `sortOptions: fifo` (Kustomize 5.0+, kubectl
//! 1.27+) keeps that order instead of Kustomize's own kind order.

use serde::Serialize;

use super::Section;
use super::yaml_stream::YamlStream;
use crate::error::RenderError;
use crate::plan::OutputPlan;

/// A Kustomization listing resources.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    sort_options: SortOptions,
    resources: Vec<String>,
}

#[derive(Debug, Serialize)]
struct SortOptions {
    order: &'static str,
}

/// The kustomization of these files, in this order.
pub(crate) fn kustomization(resources: Vec<String>) -> Kustomization {
    Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        sort_options: SortOptions { order: "fifo" },
        resources,
    }
}

/// The paths handed over so far, for `kustomization.yaml`: the files before the workloads
/// (`head`), each section's workload files with the workload's index, and the files
/// after them (`tail`).
#[derive(Default)]
pub(super) struct Resources {
    head: Vec<String>,
    sections: [Vec<(usize, String)>; 6],
    tail: Vec<String>,
    /// Whether a workload's file has been seen (the files after come last).
    workloads_seen: bool,
}

impl Resources {
    /// A part of these files (empty ones left out), noting each path in its place.
    pub(super) fn part(
        &mut self,
        files: impl IntoIterator<Item = (Option<(Section, usize)>, (String, YamlStream))>,
    ) -> Result<OutputPlan, RenderError> {
        let mut plan = OutputPlan::new();
        for (section, (path, docs)) in files {
            if docs.is_empty() {
                continue;
            }
            match section {
                Some((s, index)) => {
                    self.workloads_seen = true;
                    self.sections[s as usize].push((index, path.clone()));
                }
                None if self.workloads_seen => self.tail.push(path.clone()),
                None => self.head.push(path.clone()),
            }
            let (bytes, contents) = docs.into_parts();
            plan.add_with_contents(path, bytes, contents)?;
        }
        Ok(plan)
    }

    /// Every path in apply order (in a section, by workload, and a workload's files in
    /// the order rendered); files applied on demand (restores) left out.
    pub(super) fn in_apply_order(self) -> Vec<String> {
        let on_demand = Section::Restore as usize;
        let sections = self
            .sections
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != on_demand)
            .flat_map(|(_, mut paths)| {
                paths.sort_by_key(|(index, _)| *index);
                paths.into_iter().map(|(_, path)| path)
            });
        self.head
            .into_iter()
            .chain(sections)
            .chain(self.tail)
            .collect()
    }
}
