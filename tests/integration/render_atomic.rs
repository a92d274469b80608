//! A write that fails at any step leaves the previous output byte-for-byte intact. The
//! writer's fault hook (feature `fault-injection`, enabled for tests only) fails it at each
//! file-system change in turn: creating a folder or temporary, backing up, renaming,
//! removing.

use crate::support::render as render_support;

use nexus::Spec;
use nexus::render::output::{self, OutputError};
use render_support::{options, shop, tree};

#[test]
fn a_failure_at_any_step_leaves_the_old_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let v1 = Spec::from_str("shop.yaml", &shop()).unwrap();
    nexus::compile(&v1, &options())
        .unwrap()
        .write(&out)
        .unwrap();
    std::fs::write(out.join("staging/notes.md"), "a foreign file\n").unwrap();
    let before = tree(&out);

    // v2 changes files, adds a workload's file in a new folder, and drops production (its
    // files become stale and are removed).
    let text = shop()
        .replace(
            "        api: { replicas: 1 }",
            "        api: { replicas: 2 }",
        )
        .replace(
            "    production:\n      services:\n        api: { replicas: 3 }\n",
            "",
        );
    let v2 = Spec::from_str("shop.yaml", &text).unwrap();
    let mut o = options();
    o.targets.push(nexus::RenderTarget {
        folder: "extra/deeper",
        render: render_support::inventory,
    });
    let compiled = nexus::compile(&v2, &o).unwrap();

    let mut failures = 0;
    for step in 0.. {
        match output::write_with_fault(&compiled.plan, &out, &compiled.scope, step) {
            Err(OutputError::Io { action, .. }) => {
                assert!(action.contains("injected"), "step {step}: {action}");
                assert_eq!(
                    tree(&out),
                    before,
                    "a failure at step {step} changed the output"
                );
                failures += 1;
            }
            Err(e) => panic!("step {step}: unexpected error {e}"),
            Ok(report) => {
                assert!(!report.removed.is_empty() && !report.written.is_empty());
                break;
            }
        }
    }
    // Folders, temporaries, backups, renames and removals: many distinct failure points.
    assert!(failures > 20, "only {failures} steps were tried");
    let after = tree(&out);
    assert!(!after.contains_key("production/"), "{:?}", after.keys());
    assert_eq!(after["staging/notes.md"], b"a foreign file\n");
    assert!(
        after
            .keys()
            .all(|k| !k.contains(".nexus-tmp") && !k.contains(".nexus-old"))
    );
    assert!(compiled.check(&out).unwrap().is_clean());
}

#[test]
fn a_failure_creating_the_output_folder_leaves_no_folder_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a/b/generated");
    let spec = Spec::from_str("shop.yaml", &shop()).unwrap();
    let compiled = nexus::compile(&spec, &options()).unwrap();
    for step in 0..8 {
        assert!(output::write_with_fault(&compiled.plan, &out, &compiled.scope, step).is_err());
        assert!(!dir.path().join("a").exists(), "step {step}");
    }
}
