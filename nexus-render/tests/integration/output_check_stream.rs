//! Streaming check mode (`output::Checker`): a folder compared part by part, in any part
//! order, reports exactly what a check of the same files as one plan reports.

use std::fs;

use nexus_render::OutputPlan;
use nexus_render::output::{self, Change, Checker, DEFAULT_LOCK_WAIT, OutputError, Scope};

fn plan(files: &[(&str, &str)]) -> OutputPlan {
    let mut p = OutputPlan::new();
    for (path, text) in files {
        p.add(*path, *text).unwrap();
    }
    p
}

/// A folder with every kind of drift: an edited owned file that is still rendered, an
/// owned file no longer rendered (one intact, one edited), a foreign file, a leftover.
fn drifted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let old = plan(&[
        ("production/a.yaml", "a: 1\n"),
        ("production/gone.yaml", "g: 1\n"),
        ("staging/a.yaml", "a: 1\n"),
        ("staging/edited-gone.yaml", "e: 1\n"),
        ("staging/same.yaml", "s: 1\n"),
    ]);
    output::write(&old, dir.path()).unwrap();
    fs::write(dir.path().join("staging/a.yaml"), "a: hand\n").unwrap();
    fs::write(dir.path().join("staging/edited-gone.yaml"), "e: hand\n").unwrap();
    fs::write(dir.path().join("production/foreign.txt"), "x").unwrap();
    fs::write(dir.path().join("staging/.same.yaml.nexus-tmp-1"), "t").unwrap();
    dir
}

fn parts() -> [OutputPlan; 2] {
    [
        plan(&[
            ("staging/a.yaml", "a: 2\n"),
            ("staging/same.yaml", "s: 1\n"),
        ]),
        plan(&[
            ("production/a.yaml", "a: 3\n"),
            ("production/new.yaml", "n\n"),
        ]),
    ]
}

#[test]
fn parts_in_any_order_report_what_one_plan_reports() {
    let dir = drifted();
    let mut whole = OutputPlan::new();
    for p in parts() {
        whole.merge_under("", p).unwrap();
    }
    let expected = output::check(&whole, dir.path()).unwrap();
    assert!(!expected.is_clean());
    assert_eq!(expected.paths(Change::New).count(), 1);
    assert_eq!(expected.paths(Change::Stale).count(), 2);

    for order in [[0, 1], [1, 0]] {
        let parts = parts();
        let mut checker = Checker::begin(dir.path(), Scope::all(), DEFAULT_LOCK_WAIT).unwrap();
        for i in order {
            checker.compare(&parts[i]).unwrap();
        }
        assert_eq!(checker.finish().unwrap(), expected, "order {order:?}");
    }
}

#[test]
fn a_current_folder_checked_part_by_part_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = output::Writer::begin(dir.path(), Scope::all(), DEFAULT_LOCK_WAIT).unwrap();
    for p in parts() {
        writer.stage(&p).unwrap();
    }
    writer.finish().unwrap();
    let mut checker = Checker::begin(dir.path(), Scope::all(), DEFAULT_LOCK_WAIT).unwrap();
    for p in parts() {
        checker.compare(&p).unwrap();
    }
    let drift = checker.finish().unwrap();
    assert!(drift.is_clean(), "{drift:?}");
    assert!(drift.warnings.is_empty());
}

#[test]
fn a_path_in_two_parts_or_out_of_scope_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let [staging, _] = parts();
    let mut checker = Checker::begin(dir.path(), Scope::all(), DEFAULT_LOCK_WAIT).unwrap();
    checker.compare(&staging).unwrap();
    assert!(matches!(
        checker.compare(&staging),
        Err(OutputError::InTheWay { .. })
    ));

    let scope = Scope::folders(["staging"]);
    let mut checker = Checker::begin(dir.path(), scope, DEFAULT_LOCK_WAIT).unwrap();
    let [_, production] = parts();
    assert!(matches!(
        checker.compare(&production),
        Err(OutputError::OutOfScope(_))
    ));
}
