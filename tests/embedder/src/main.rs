//! Validates, lints and renders a spec through the `nexus` library, next to a k8s-openapi
//! object of its own built at Kubernetes 1.37.
#![forbid(unsafe_code)]

use k8s_openapi::api::core::v1::ConfigMap;
use nexus::lint::{LintOptions, Policy};
use nexus::{CompileOptions, Spec};

fn main() -> nexus::miette::Result<()> {
    let spec = Spec::from_str("shop.yaml", include_str!("../../../examples/shop.yaml"))?;
    let options = LintOptions {
        today: "2026-06-01".parse().map_err(|e| nexus::miette::miette!("{e}"))?,
    };
    let linted = nexus::lint_all(std::slice::from_ref(&spec), &Policy::default(), None, options)?;
    let compiled = nexus::compile(&spec, &CompileOptions::default())?;
    // The program's own object, typed against the version it chose.
    let own = ConfigMap {
        data: Some([("files".to_owned(), compiled.plan.files().count().to_string())].into()),
        ..ConfigMap::default()
    };
    println!(
        "k8s-openapi {}: {} rendered file(s), {} finding(s)",
        k8s_version(),
        own.data.as_ref().map_or("0", |d| d["files"].as_str()),
        linted.report.findings.len()
    );
    Ok(())
}

/// The Kubernetes version k8s-openapi was built for.
fn k8s_version() -> &'static str {
    k8s_openapi::k8s_if_1_37! { return "1.37"; }
    #[allow(unreachable_code)]
    "not 1.37"
}
