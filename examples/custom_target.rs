//! A generator of one's own beside the built-in ones: an inventory of each environment's
//! workloads, rendered into `<env>/inventory/`. `cargo run --example custom_target`.

use nexus::ir::Platform;
use nexus::render::RenderError;
use nexus::{CompileOptions, Generator, OutputPlan, RenderTarget, Spec};

/// The generator: a pure function from one resolved environment to files.
fn inventory(platform: &Platform) -> Result<OutputPlan, RenderError> {
    let mut text = format!(
        "# {} ({})\n",
        platform.name.value, platform.environment.value
    );
    for w in &platform.workloads {
        text.push_str(&format!(
            "{}\t{} replica(s)\t{}\n",
            w.name.value, w.replicas.value, w.image.value
        ));
    }
    let mut plan = OutputPlan::new();
    plan.add("workloads.tsv", text)?;
    Ok(plan)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = Spec::from_str("shop.yaml", include_str!("shop.yaml"))?;
    let mut options = CompileOptions::default();
    options.targets.push(RenderTarget {
        folder: "inventory",
        render: Generator::Whole(inventory),
    });
    let compiled = nexus::compile(&spec, &options)?;
    let file = compiled
        .plan
        .get("production/inventory/workloads.tsv")
        .ok_or("the inventory was not rendered")?;
    print!("{}", String::from_utf8_lossy(file));
    // The built-in targets render as before.
    assert!(
        compiled
            .plan
            .files()
            .any(|(p, _)| p.starts_with("production/k8s/"))
    );
    Ok(())
}
