//! Check mode: drift listed as new, changed and stale, with unified diffs; nothing written.

use std::fs;

use nexus_render::OutputPlan;
use nexus_render::output::{self, Change, MANIFEST_NAME, Warning};

fn plan(files: &[(&str, &str)]) -> OutputPlan {
    let mut p = OutputPlan::new();
    for (path, text) in files {
        p.add(*path, *text).unwrap();
    }
    p
}

#[test]
fn a_current_folder_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let p = plan(&[("staging/a.yaml", "a: 1\n")]);
    output::write(&p, dir.path()).unwrap();
    let d = output::check(&p, dir.path()).unwrap();
    assert!(d.is_clean(), "{d:?}");
    assert!(d.warnings.is_empty());
}

#[test]
fn drift_is_listed_by_kind_with_diffs_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    output::write(
        &plan(&[("staging/a.yaml", "a: 1\n"), ("staging/old.yaml", "o: 1\n")]),
        dir.path(),
    )
    .unwrap();
    fs::write(dir.path().join("staging/foreign.txt"), "x").unwrap();
    let snapshot = fs::read(dir.path().join(MANIFEST_NAME)).unwrap();

    let p = plan(&[("staging/a.yaml", "a: 2\n"), ("staging/b.yaml", "b: 1\n")]);
    let d = output::check(&p, dir.path()).unwrap();
    assert!(!d.is_clean());
    assert_eq!(d.paths(Change::New).collect::<Vec<_>>(), ["staging/b.yaml"]);
    assert_eq!(
        d.paths(Change::Changed).collect::<Vec<_>>(),
        ["staging/a.yaml"]
    );
    assert_eq!(
        d.paths(Change::Stale).collect::<Vec<_>>(),
        ["staging/old.yaml"]
    );
    assert_eq!(d.warnings, [Warning::Foreign("staging/foreign.txt".into())]);
    let a = d
        .changes
        .iter()
        .find(|c| c.path == "staging/a.yaml")
        .unwrap();
    assert_eq!(
        a.unified_diff(),
        "--- a/staging/a.yaml\n+++ b/staging/a.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n"
    );
    // Check mode wrote nothing.
    assert!(!dir.path().join("staging/b.yaml").exists());
    assert_eq!(fs::read(dir.path().join(MANIFEST_NAME)).unwrap(), snapshot);
}

#[test]
fn a_missing_or_edited_manifest_is_drift() {
    let dir = tempfile::tempdir().unwrap();
    let p = plan(&[("staging/a.yaml", "a: 1\n")]);
    output::write(&p, dir.path()).unwrap();
    fs::remove_file(dir.path().join(MANIFEST_NAME)).unwrap();
    let d = output::check(&p, dir.path()).unwrap();
    assert_eq!(d.paths(Change::New).collect::<Vec<_>>(), [MANIFEST_NAME]);
}

#[test]
fn an_empty_folder_lists_every_file_as_new() {
    let dir = tempfile::tempdir().unwrap();
    let p = plan(&[
        ("staging/a.yaml", "a: 1\n"),
        ("production/a.yaml", "a: 1\n"),
    ]);
    let d = output::check(&p, &dir.path().join("missing")).unwrap();
    assert_eq!(d.paths(Change::New).count(), 2);
}
