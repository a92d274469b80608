//! A streaming write large enough to be flushed to disk while it stages (more than 8 MB
//! between the parts): what it leaves is what it staged, and a write dropped before its
//! commit leaves the folder as it was, flushed or not.

use std::fs;

use nexus_render::OutputPlan;
use nexus_render::output::{self, DEFAULT_LOCK_WAIT, Scope, Writer};

use crate::support::tree::tree;

/// Part `n` of a large write: four files of 3 MB, each filled with its own byte.
fn part(env: &str, n: u8) -> OutputPlan {
    let mut p = OutputPlan::new();
    for i in 0..4u8 {
        let fill = b'a' + (n * 4 + i) % 26;
        p.add(format!("{env}/k8s/f{n}-{i}.yaml"), vec![fill; 3 << 20])
            .unwrap();
    }
    p
}

#[test]
fn a_large_write_leaves_every_staged_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = Writer::begin(dir.path(), Scope::all(), DEFAULT_LOCK_WAIT).unwrap();
    for n in 0..3 {
        writer.stage(&part("production", n)).unwrap();
    }
    let report = writer.finish().unwrap();
    assert_eq!(report.written.len(), 12);
    for n in 0..3 {
        for (path, bytes) in part("production", n).files() {
            assert_eq!(fs::read(dir.path().join(path)).unwrap(), bytes, "{path}");
        }
    }
    // What the manifest records is what a check of the same files finds.
    let mut all = OutputPlan::new();
    for n in 0..3 {
        all.merge_under("", part("production", n)).unwrap();
    }
    assert!(output::check(&all, dir.path()).unwrap().is_clean());
}

#[test]
fn a_large_write_dropped_before_its_commit_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&part("staging", 9), dir.path()).unwrap();
    let before = tree(dir.path());
    let mut writer = Writer::begin(dir.path(), Scope::all(), DEFAULT_LOCK_WAIT).unwrap();
    for n in 0..3 {
        writer.stage(&part("production", n)).unwrap();
    }
    drop(writer);
    assert_eq!(tree(dir.path()), before);
}
