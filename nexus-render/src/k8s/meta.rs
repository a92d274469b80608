//! Names, labels and object metadata shared by every object the Kubernetes generator renders.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use nexus_spec::ir;

use crate::error::RenderError;

/// Labels or annotations, sorted by key.
pub(crate) type Labels = BTreeMap<String, String>;

/// The cluster DNS domain host names are built with.
pub const CLUSTER_DOMAIN: &str = "cluster.local";
/// The key under which every Kubernetes Secret nexus references holds its value.
pub const SECRET_KEY: &str = "value";
/// The label that tells the blue and green copies of a workload apart.
pub const SLOT_LABEL: &str = "nexus.dev/slot";
/// The pod-template annotation that changes when the pod's configuration changes.
pub const CHECKSUM_ANNOTATION: &str = "checksum/config";
/// The value of `app.kubernetes.io/managed-by`.
pub(super) const MANAGED_BY: &str = "nexus";

const NAME: &str = "app.kubernetes.io/name";
const INSTANCE: &str = "app.kubernetes.io/instance";
const COMPONENT: &str = "app.kubernetes.io/component";
const PART_OF: &str = "app.kubernetes.io/part-of";
const VERSION: &str = "app.kubernetes.io/version";
const MANAGED_BY_KEY: &str = "app.kubernetes.io/managed-by";

/// The label key that selects a group of pods (a workload's servers, its migration, its
/// backups) in Services and NetworkPolicies.
pub(super) const NAME_LABEL: &str = NAME;

/// The platform being rendered, with the naming rules every object shares.
pub(crate) struct Naming<'a> {
    /// The resolved platform.
    pub platform: &'a ir::Platform,
}

impl<'a> Naming<'a> {
    /// A context over one resolved environment.
    pub(crate) fn new(platform: &'a ir::Platform) -> Self {
        Naming { platform }
    }

    /// The namespace every object lives in.
    pub(crate) fn ns(&self) -> &str {
        &self.platform.namespace.value
    }

    /// The cluster DNS name of a workload's Service: `<name>.<namespace>.svc.cluster.local`.
    pub(crate) fn host(&self, workload: &str) -> String {
        format!("{workload}.{}.svc.{CLUSTER_DOMAIN}", self.ns())
    }

    /// The value of `app.kubernetes.io/instance`: `<platform>-<environment>`.
    pub(crate) fn instance(&self) -> String {
        format!(
            "{}-{}",
            self.platform.name.value, self.platform.environment.value
        )
    }

    /// Labels of platform-wide objects: the spec's extra labels, then the recommended
    /// `part-of`, `instance` and `managed-by` (which win over extra labels of the same key).
    pub(crate) fn base_labels(&self) -> Labels {
        let mut l = self.platform.labels.clone();
        l.insert(PART_OF.into(), self.platform.name.value.clone());
        l.insert(INSTANCE.into(), self.instance());
        l.insert(MANAGED_BY_KEY.into(), MANAGED_BY.into());
        l
    }

    /// Labels of the objects of one pod group: base labels plus `name` and `component`.
    pub(crate) fn labels(&self, name: &str, component: &str) -> Labels {
        let mut l = self.base_labels();
        l.insert(NAME.into(), name.into());
        l.insert(COMPONENT.into(), component.into());
        l
    }

    /// Labels plus `app.kubernetes.io/version` when the image has a tag that is a valid
    /// label value (controllers and pod templates only, so a release does not touch every
    /// object).
    pub(crate) fn versioned_labels(
        &self,
        name: &str,
        component: &str,
        image: &ir::ImageRef,
    ) -> Labels {
        let mut l = self.labels(name, component);
        if let Some(tag) = image.tag.as_deref().filter(|t| is_label_value(t)) {
            l.insert(VERSION.into(), tag.into());
        }
        l
    }

    /// The labels a pod group is selected by: `name` and `instance`.
    pub(crate) fn selector_labels(&self, name: &str) -> Labels {
        Labels::from([
            (INSTANCE.to_owned(), self.instance()),
            (NAME.to_owned(), name.to_owned()),
        ])
    }

    /// Metadata of a namespaced object.
    pub(crate) fn meta(&self, name: &str, labels: Labels) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(self.ns().to_owned()),
            labels: Some(labels),
            annotations: self.annotations(),
            ..ObjectMeta::default()
        }
    }

    /// The spec's extra annotations, if any.
    pub(crate) fn annotations(&self) -> Option<Labels> {
        (!self.platform.annotations.is_empty()).then(|| self.platform.annotations.clone())
    }
}

/// A label selector matching these labels exactly.
pub(crate) fn selector(labels: Labels) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..LabelSelector::default()
    }
}

/// Whether `s` is a valid label value: at most 63 characters of `[A-Za-z0-9._-]`, starting
/// and ending with a letter or digit.
pub(crate) fn is_label_value(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// Checks that a generated name fits a DNS-1123 label of at most `max` characters (63 for
/// Services, 52 for CronJobs, whose Jobs get an 11-character suffix).
pub(crate) fn checked_name(name: String, max: usize, what: &str) -> Result<String, RenderError> {
    if name.len() <= max {
        Ok(name)
    } else {
        Err(RenderError::Unrenderable(format!(
            "the {what} name `{name}` is {} characters long; Kubernetes allows {max}. Shorten the workload's name",
            name.len()
        )))
    }
}

/// Converts a count from the IR to the `i32` Kubernetes uses.
pub(crate) fn int(v: u32, what: &str) -> Result<i32, RenderError> {
    i32::try_from(v).map_err(|_| {
        RenderError::Unrenderable(format!("{what} {v} is larger than Kubernetes allows"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values() {
        assert!(is_label_value("1.0.0"));
        assert!(is_label_value("RELEASE.2024-06-13T22-53-53Z"));
        assert!(!is_label_value("_x"));
        assert!(!is_label_value(""));
        assert!(!is_label_value(&"a".repeat(64)));
    }

    #[test]
    fn long_names_are_refused() {
        assert!(checked_name("a".repeat(52), 52, "CronJob").is_ok());
        assert!(checked_name("a".repeat(53), 52, "CronJob").is_err());
        assert!(int(u32::MAX, "replicas").is_err());
    }
}
