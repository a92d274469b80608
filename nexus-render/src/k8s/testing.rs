//! A hand-built IR for unit tests (the spec fixtures under `tests/fixtures/k8s/` cover
//! whole platforms).

use std::collections::BTreeMap;

use nexus_spec::ir;
use nexus_spec::{Span, Spanned};

/// An empty platform `demo`, environment `staging`, namespace `demo-staging`.
pub(crate) fn platform() -> ir::Platform {
    ir::Platform {
        name: Spanned::detached("demo".into()),
        version: Spanned::detached(semver_1()),
        description: None,
        environment: Spanned::detached("staging".into()),
        namespace: Spanned::detached("demo-staging".into()),
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        workloads: Vec::new(),
        secrets: Vec::new(),
        backup_destinations: Vec::new(),
        gateway: None,
        scrape_interval_seconds: 30,
        alerting: None,
        pull_secrets: BTreeMap::new(),
        quota: nexus_spec::ir::Quota::default(),
        waivers: Vec::new(),
        span: Span::DETACHED,
    }
}

fn semver_1() -> semver::Version {
    semver::Version::new(1, 0, 0)
}
