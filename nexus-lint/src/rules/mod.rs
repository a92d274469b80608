//! The rule catalog, one file per group. Each file declares its rules as statics and lists
//! them in `RULES`; [`all`] is the whole catalog in id order.

mod availability;
mod compose;
mod credentials;
mod edge;
mod images;
mod network;
mod nginx;
mod observability;
mod offsite;
mod pod;
mod quota;
mod recovery;
mod resources;
mod secret_keys;
mod secrets;
pub(crate) mod waivers;

use std::sync::LazyLock;

use nexus_spec::ir::{Platform, Workload};
use nexus_spec::values::ImageRef;
use nexus_spec::{Span, Spanned};

use crate::finding::Subject;
use crate::rule::Rule;

static CATALOG: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = [
        pod::RULES,
        resources::RULES,
        quota::RULES,
        availability::RULES,
        observability::RULES,
        recovery::RULES,
        offsite::RULES,
        images::RULES,
        secrets::RULES,
        credentials::RULES,
        secret_keys::RULES,
        network::RULES,
        edge::RULES,
        compose::RULES,
        nginx::RULES,
        waivers::RULES,
    ]
    .concat();
    all.sort_by_key(|r| (r.group, r.id));
    all
});

/// Every rule, by group and id.
pub fn all() -> &'static [&'static Rule] {
    &CATALOG
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

/// The check of rules that the waiver stage reports rather than a check function.
pub(crate) fn reported_by_waiver_stage(
    _: &crate::LintRun<'_>,
    _: &Platform,
    _: &mut crate::Findings,
) {
}

/// Every image a platform runs, with what it belongs to.
pub(crate) fn images(p: &Platform) -> Vec<(Subject, &Spanned<ImageRef>)> {
    let mut out = Vec::new();
    for w in &p.workloads {
        out.push((Subject::workload(w), &w.image));
        if let Some(m) = &w.migration {
            out.push((Subject::container(w, "migrations"), &m.image));
        }
        if let nexus_spec::ir::Rollout::BlueGreen { blue, green, .. } = &w.rollout {
            // A slot that runs the service's own image is already listed.
            for (slot, i) in [("blue", blue), ("green", green)] {
                if i.value != w.image.value {
                    out.push((Subject::container(w, slot), i));
                }
            }
        }
    }
    if let Some(g) = &p.gateway {
        let mut t = Subject::gateway(g);
        t.container = Some("nginx".into());
        out.push((t, &g.nginx.image));
    }
    out
}

/// Every container's resources, with what they belong to: each workload's main container,
/// and the gateway's Nginx.
pub(crate) fn resources(p: &Platform) -> Vec<(Subject, &nexus_spec::ir::Resources)> {
    let mut out: Vec<_> = p
        .workloads
        .iter()
        .map(|w| (Subject::workload(w), &w.resources))
        .collect();
    if let Some(g) = &p.gateway {
        let mut t = Subject::gateway(g);
        t.container = Some("nginx".into());
        out.push((t, &g.nginx.resources));
    }
    out
}

/// The most replicas a workload runs (autoscaling's maximum when it autoscales).
pub(crate) use nexus_spec::placement::max_replicas;

/// The fewest replicas a workload runs, and where that figure is written.
pub(crate) fn min_replicas(w: &Workload) -> (u32, Span) {
    match &w.autoscaling {
        Some(a) => (a.min_replicas.value, a.min_replicas.span),
        None => (w.replicas.value, w.replicas.span),
    }
}

/// CPU in cores, as short as exact (`0.5`, `12`).
pub(crate) fn cores(milli: u128) -> String {
    let whole = milli / 1000;
    let frac = milli % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// Memory in the largest binary unit that keeps two decimals meaningful (`1.5Gi`, `512Mi`).
pub(crate) fn bytes(milli: u128) -> String {
    let b = milli.div_ceil(1000);
    for (unit, size) in [
        ("Ti", 1u128 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if b >= size {
            let hundredths = b * 100 / size;
            let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
            let text = text.trim_end_matches('0').trim_end_matches('.');
            return format!("{text}{unit}");
        }
    }
    b.to_string()
}

#[cfg(test)]
mod tests {
    use super::{all, bytes, cores};

    #[test]
    fn formats() {
        assert_eq!(cores(500), "0.5");
        assert_eq!(cores(12_000), "12");
        assert_eq!(cores(1_250), "1.25");
        assert_eq!(bytes(1536 * 1024 * 1024 * 1000), "1.5Gi");
        assert_eq!(bytes(512 * 1024 * 1024 * 1000), "512Mi");
        assert_eq!(bytes(1000), "1");
    }

    #[test]
    fn catalog_is_well_formed() {
        let mut ids: Vec<&str> = all().iter().map(|r| r.id).collect();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule ids");
        for r in all() {
            let parts: Vec<&str> = r.id.split('-').collect();
            assert_eq!(parts.len(), 3, "{}", r.id);
            assert_eq!(parts[0], "NX", "{}", r.id);
            assert_eq!(parts[1], r.group.code(), "{}", r.id);
            assert!(
                parts[2].len() == 3 && parts[2].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.id
            );
            assert!(
                !r.title.ends_with('.'),
                "{}: titles have no full stop",
                r.id
            );
            assert!(
                r.rationale.ends_with('.') && r.fix.ends_with('.'),
                "{}",
                r.id
            );
        }
        assert!(all().len() >= 40);
    }
}
