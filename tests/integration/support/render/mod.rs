//! Helpers of the render and graph tests: a folder as a map, a test-only target, fixtures.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use nexus::{CompileOptions, OutputPlan, RenderError, RenderTarget, ir};

// One folder walker for the tests of both crates: nexus-render's integration tests hold it.
#[path = "../../../../nexus-render/tests/integration/support/tree.rs"]
mod tree;
pub use tree::tree;

/// A test-only generator: one YAML object per workload with its image and replicas, so the
/// workflow is exercised independently of the real generators.
pub fn inventory(p: &ir::Platform) -> Result<OutputPlan, RenderError> {
    let mut plan = OutputPlan::new();
    for w in &p.workloads {
        plan.add(
            format!("{}.yaml", w.name.value),
            format!(
                "kind: Inventory\nmetadata:\n  name: {}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n        - name: {}\n          image: {}\n",
                w.name.value, w.replicas.value, w.name.value, w.image.value
            ),
        )?;
    }
    Ok(plan)
}

/// Options with the test-only target next to the built-in ones.
pub fn options() -> CompileOptions {
    let mut o = CompileOptions::default();
    o.targets.push(RenderTarget {
        folder: "inventory",
        render: nexus::Generator::Whole(inventory),
    });
    o
}

/// The text of the render fixture.
pub fn shop() -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render/shop.yaml"),
    )
    .unwrap()
}

/// Writes `text` as `shop.yaml` into a fresh folder and returns it.
pub fn spec_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("shop.yaml"), text).unwrap();
    dir
}
