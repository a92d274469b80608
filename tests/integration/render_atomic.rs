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
        render: nexus::Generator::Whole(render_support::inventory),
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

/// The plan of each environment folder (`staging/...`, `production/...`), as the streaming
/// writer receives them from `nexus::render_to`.
fn parts(plan: &nexus::OutputPlan) -> Vec<nexus::OutputPlan> {
    let mut parts: Vec<(String, nexus::OutputPlan)> = Vec::new();
    for (path, bytes) in plan.files() {
        let env = path.split('/').next().unwrap_or_default().to_owned();
        if parts.last().is_none_or(|(e, _)| *e != env) {
            parts.push((env.clone(), nexus::OutputPlan::new()));
        }
        let part = &mut parts.last_mut().unwrap().1;
        part.add(path, bytes.to_vec()).unwrap();
    }
    parts.into_iter().map(|(_, p)| p).collect()
}

/// v1 written into `out` (with a foreign file), and v2: both environments changed and a
/// new folder, so both parts of a streaming write stage files.
fn streaming_case(out: &std::path::Path) -> nexus::Compiled {
    let v1 = Spec::from_str("shop.yaml", &shop()).unwrap();
    nexus::compile(&v1, &options()).unwrap().write(out).unwrap();
    std::fs::write(out.join("staging/notes.md"), "a foreign file\n").unwrap();
    let text = shop()
        .replace(
            "        api: { replicas: 1 }",
            "        api: { replicas: 2 }",
        )
        .replace(
            "        api: { replicas: 3 }",
            "        api: { replicas: 4 }",
        );
    let v2 = Spec::from_str("shop.yaml", &text).unwrap();
    let mut o = options();
    o.targets.push(nexus::RenderTarget {
        folder: "extra/deeper",
        render: nexus::Generator::Whole(render_support::inventory),
    });
    nexus::compile(&v2, &o).unwrap()
}

#[test]
fn a_streaming_write_failing_at_any_step_of_any_part_leaves_the_old_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let compiled = streaming_case(&out);
    let before = tree(&out);
    let parts = parts(&compiled.plan);
    assert_eq!(parts.len(), 2);

    let mut failures = 0;
    'steps: for step in 0.. {
        let mut writer =
            output::Writer::begin_with_fault(&out, compiled.scope.clone(), step, false).unwrap();
        for part in &parts {
            if let Err(e) = writer.stage(part) {
                assert!(e.to_string().contains("injected"), "step {step}: {e}");
                drop(writer);
                assert!(
                    tree(&out) == before,
                    "a failure at step {step} changed the output"
                );
                failures += 1;
                continue 'steps;
            }
        }
        match writer.finish() {
            Err(e) => {
                assert!(e.to_string().contains("injected"), "step {step}: {e}");
                assert!(
                    tree(&out) == before,
                    "a failure at step {step} changed the output"
                );
                failures += 1;
            }
            Ok(report) => {
                assert!(!report.written.is_empty());
                break;
            }
        }
    }
    assert!(failures > 20, "only {failures} steps were tried");
    assert!(compiled.check(&out).unwrap().is_clean());
    assert_eq!(tree(&out)["staging/notes.md"], b"a foreign file\n");
}

/// Writes `parts` into `out` as a streaming write killed at file-system change `step`
/// would; true when the write finished before that step.
fn streams_crashing_at(
    out: &std::path::Path,
    compiled: &nexus::Compiled,
    parts: &[nexus::OutputPlan],
    step: usize,
) -> bool {
    let mut writer =
        output::Writer::begin_with_fault(out, compiled.scope.clone(), step, true).unwrap();
    for part in parts {
        if writer.stage(part).is_err() {
            return false;
        }
    }
    writer.finish().is_ok()
}

#[test]
fn a_streaming_write_killed_at_any_step_is_recovered_to_the_old_or_the_new_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let compiled = streaming_case(&out);
    let before = tree(&out);
    let parts = parts(&compiled.plan);
    let (mut old, mut new) = (0, 0);
    for step in 0.. {
        if streams_crashing_at(&out, &compiled, &parts, step) {
            break;
        }
        output::recover(&out, output::DEFAULT_LOCK_WAIT).unwrap();
        if tree(&out) == before {
            old += 1;
        } else {
            assert!(compiled.check(&out).unwrap().is_clean(), "step {step}");
            new += 1;
            // Back to v1 for the next step.
            std::fs::remove_dir_all(&out).unwrap();
            streaming_case(&out);
            assert!(tree(&out) == before);
        }
    }
    // Every injected crash comes before the commit point (the renaming of the journal), so
    // each is rolled back; `tests/writer_crash.rs` kills the binary after it too.
    assert!(old > 20, "old {old}, new {new}");
    assert!(compiled.check(&out).unwrap().is_clean());
}

#[test]
fn a_streaming_write_dropped_before_finishing_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let compiled = streaming_case(&out);
    let before = tree(&out);
    let mut writer =
        output::Writer::begin(&out, compiled.scope.clone(), output::DEFAULT_LOCK_WAIT).unwrap();
    for part in parts(&compiled.plan) {
        writer.stage(&part).unwrap();
    }
    drop(writer);
    assert_eq!(tree(&out), before);
}

/// Into a folder that does not exist yet, every environment is a new folder, staged whole
/// under a temporary name and renamed into place at the commit. Killed at any step, the
/// write shows each environment folder whole or not at all (a reader never sees half of
/// one), and recovery leaves the folder empty or the new output; finished, the output is
/// the same as a write in one go.
#[test]
fn a_fresh_streaming_write_shows_each_environment_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let spec = Spec::from_str("shop.yaml", &shop()).unwrap();
    let compiled = nexus::compile(&spec, &options()).unwrap();
    compiled.write(&whole).unwrap();
    let whole_tree = tree(&whole);
    let parts = parts(&compiled.plan);
    assert_eq!(parts.len(), 2);
    let under = |t: &std::collections::BTreeMap<String, Vec<u8>>, env: &str| {
        t.iter()
            .filter(|(k, _)| k.starts_with(&format!("{env}/")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };

    let out = dir.path().join("generated");
    let (mut staged_seen, mut emptied) = (0, 0);
    for step in 0.. {
        let _ = std::fs::remove_dir_all(&out);
        if streams_crashing_at(&out, &compiled, &parts, step) {
            break;
        }
        let found = tree(&out);
        for env in ["production", "staging"] {
            let visible = under(&found, env);
            assert!(
                visible.is_empty() || visible == under(&whole_tree, env),
                "step {step}: {env} is visible, but not whole"
            );
        }
        staged_seen += usize::from(
            found
                .keys()
                .any(|n| n.contains(".nexus-tmp-") && n.ends_with('/')),
        );
        output::recover(&out, output::DEFAULT_LOCK_WAIT).unwrap();
        if tree(&out).is_empty() {
            emptied += 1;
        } else {
            assert!(compiled.check(&out).unwrap().is_clean(), "step {step}");
        }
    }
    assert!(
        staged_seen > 3,
        "only {staged_seen} crashes left a staged folder"
    );
    assert!(
        emptied > 3,
        "only {emptied} crashes were rolled back to nothing"
    );
    assert_eq!(tree(&out), whole_tree);
}
