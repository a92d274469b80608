//! Validate, lint and render a spec in memory, nothing read from or written to disk but
//! what the program chooses: `cargo run --example in_memory`.

use nexus::lint::{LintOptions, Policy};
use nexus::spec::Severity;
use nexus::{CompileOptions, Spec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Any text, named as diagnostics should call it.
    let spec = Spec::from_str("shop.yaml", include_str!("shop.yaml"))?;

    // Every problem at once; `Diagnostics` displays each with file:line:column.
    let problems = spec.validate();
    if problems.has_errors() {
        return Err(problems.into());
    }

    // Lint every environment with the built-in policy, waivers judged as of a fixed day.
    let options = LintOptions {
        today: "2026-06-01".parse()?,
    };
    let linted = nexus::lint_all(
        std::slice::from_ref(&spec),
        &Policy::default(),
        None,
        options,
    )?;
    let summary = linted.report.summary();
    println!(
        "lint: {} error(s), {} warning(s), {} info(s) in {}",
        summary.errors,
        summary.warnings,
        summary.infos,
        linted.report.environments.join(", ")
    );
    for f in linted
        .report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
    {
        println!("  {} {}", f.rule.id, f.message);
    }

    // Render every environment and target into an in-memory plan (path -> bytes).
    let compiled = nexus::compile(&spec, &CompileOptions::default())?;
    let files: Vec<(&str, &[u8])> = compiled.plan.files().collect();
    println!("render: {} file(s)", files.len());
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.starts_with("production/k8s/"))
    {
        println!("  {path} ({} bytes)", bytes.len());
    }
    assert!(compiled.plan.get("staging/compose/compose.yaml").is_some());
    Ok(())
}
