//! `kustomization.yaml`: every rendered file, in apply order, so `kubectl apply -k` and
//! Kustomize overlays work on the output. `sortOptions: fifo` (Kustomize 5.0+, kubectl
//! 1.27+) keeps that order instead of Kustomize's own kind order.

use serde::Serialize;

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
