//! A lint rule of one's own, run with the catalog's: every image must come from the
//! company registry. `cargo run --example custom_rule`.

use nexus::ir::Platform;
use nexus::lint::{
    Compliance, Findings, Group, LintOptions, LintRun, Linter, Policy, Rule, Subject,
};
use nexus::spec::Severity;

/// The registry every image must come from.
const REGISTRY: &str = "registry.internal.example";

/// The rule is data, as in the catalog; the id is the key of waivers and policy settings.
static OWN_REGISTRY: Rule = Rule {
    id: "ACME-IMG-001",
    group: Group::Images,
    title: "Image from outside the company registry",
    severity: Severity::Error,
    enabled: true,
    rationale: "Only images from the company registry are scanned and signed.",
    fix: "Push the image to registry.internal.example and reference it there.",
    compliance: Compliance::NONE,
    check: own_registry,
};

fn own_registry(_: &LintRun<'_>, platform: &Platform, out: &mut Findings) {
    for w in &platform.workloads {
        if w.image.value.registry.as_deref() != Some(REGISTRY) {
            out.add(
                &Subject::workload(w),
                w.image.span,
                format!("`{}` runs `{}`", w.name.value, w.image.value),
            )
            .label("not from the company registry");
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = nexus::Spec::from_str("shop.yaml", include_str!("shop.yaml"))?;
    let policy = Policy::default();
    let options = LintOptions {
        today: "2026-06-01".parse()?,
    };
    let mut linter = Linter::new(&policy, options).with_rule(&OWN_REGISTRY);
    for platform in spec.validate_resolve()? {
        linter.check(&platform);
    }
    let report = linter.finish();
    let own: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == OWN_REGISTRY.id)
        .collect();
    for f in &own {
        let at = f.span;
        println!(
            "shop.yaml:{}:{}: {} {}",
            at.line, at.column, f.rule.id, f.message
        );
    }
    // Every workload of the shop (api, web and the database) is outside the registry.
    assert_eq!(own.len(), 3, "{own:?}");
    Ok(())
}
