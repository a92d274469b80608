//! The writer's guarantees: ownership, foreign files, links, scope, and failures that leave
//! the folder as it was.

use std::fs;

use nexus_render::OutputPlan;
use nexus_render::output::{self, MANIFEST_NAME, OutputError, Scope, Warning};

use crate::support::tree::tree;

fn plan(files: &[(&str, &str)]) -> OutputPlan {
    let mut p = OutputPlan::new();
    for (path, text) in files {
        p.add(*path, *text).unwrap();
    }
    p
}

fn v1() -> OutputPlan {
    plan(&[
        ("staging/k8s/web.yaml", "kind: Deployment\n"),
        ("staging/k8s/db.yaml", "kind: StatefulSet\n"),
        ("production/k8s/web.yaml", "kind: Deployment\nreplicas: 3\n"),
    ])
}

#[test]
fn writes_files_and_a_manifest_and_rewrites_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let r = output::write(&v1(), dir.path()).unwrap();
    assert_eq!(r.written.len(), 3);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let first = tree(dir.path());
    assert!(first.contains_key(MANIFEST_NAME));
    assert_eq!(first["staging/k8s/web.yaml"], b"kind: Deployment\n");

    let r = output::write(&v1(), dir.path()).unwrap();
    assert!(r.written.is_empty() && r.removed.is_empty());
    assert_eq!(r.unchanged, 3);
    assert_eq!(tree(dir.path()), first);
    // No temporaries or backups are left behind.
    assert!(
        first
            .keys()
            .all(|k| !k.contains(".nexus-tmp") && !k.contains(".nexus-old")),
        "{first:?}"
    );
}

#[test]
fn removes_only_owned_stale_files_and_leaves_foreign_ones() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&v1(), dir.path()).unwrap();
    fs::write(dir.path().join("staging/k8s/notes.txt"), "mine").unwrap();
    fs::write(dir.path().join("staging/README.local"), "mine too").unwrap();

    let v2 = plan(&[("staging/k8s/web.yaml", "kind: Deployment\n")]);
    let r = output::write(&v2, dir.path()).unwrap();
    assert_eq!(
        r.removed,
        ["production/k8s/web.yaml", "staging/k8s/db.yaml"]
    );
    let t = tree(dir.path());
    assert_eq!(t["staging/k8s/notes.txt"], b"mine");
    assert_eq!(t["staging/README.local"], b"mine too");
    assert!(!t.contains_key("staging/k8s/db.yaml"));
    // The production folder emptied by the removal is gone; foreign files are warned about.
    assert!(!t.contains_key("production/"), "{t:?}");
    assert!(
        r.warnings
            .contains(&Warning::Foreign("staging/k8s/notes.txt".into()))
    );
    assert!(
        r.warnings
            .contains(&Warning::Foreign("staging/README.local".into()))
    );
}

#[test]
fn an_edited_owned_file_is_overwritten_when_rendered_and_kept_when_stale() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&v1(), dir.path()).unwrap();
    fs::write(dir.path().join("staging/k8s/web.yaml"), "hand edit\n").unwrap();
    fs::write(dir.path().join("staging/k8s/db.yaml"), "hand edit\n").unwrap();
    let v2 = plan(&[
        ("staging/k8s/web.yaml", "kind: Deployment\n"),
        ("production/k8s/web.yaml", "kind: Deployment\nreplicas: 3\n"),
    ]);
    let r = output::write(&v2, dir.path()).unwrap();
    assert_eq!(r.written, ["staging/k8s/web.yaml"]);
    assert!(r.removed.is_empty());
    assert!(
        r.warnings
            .contains(&Warning::EditedOverwritten("staging/k8s/web.yaml".into()))
    );
    assert!(
        r.warnings
            .contains(&Warning::EditedKept("staging/k8s/db.yaml".into()))
    );
    let t = tree(dir.path());
    assert_eq!(t["staging/k8s/web.yaml"], b"kind: Deployment\n");
    assert_eq!(t["staging/k8s/db.yaml"], b"hand edit\n");
    // Disowned: the next write calls it foreign and still leaves it.
    let r = output::write(&v2, dir.path()).unwrap();
    assert_eq!(r.warnings, [Warning::Foreign("staging/k8s/db.yaml".into())]);
}

#[test]
fn a_foreign_file_in_the_way_stops_the_write_before_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("staging/k8s")).unwrap();
    fs::write(dir.path().join("staging/k8s/db.yaml"), "someone else's\n").unwrap();
    let before = tree(dir.path());
    let e = output::write(&v1(), dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::InTheWay { .. }), "{e}");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn a_foreign_file_with_the_rendered_bytes_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("staging/k8s")).unwrap();
    fs::write(
        dir.path().join("staging/k8s/db.yaml"),
        "kind: StatefulSet\n",
    )
    .unwrap();
    let r = output::write(&v1(), dir.path()).unwrap();
    assert_eq!(r.warnings, [Warning::Adopted("staging/k8s/db.yaml".into())]);
    assert!(output::check(&v1(), dir.path()).unwrap().is_clean());
}

#[test]
fn a_symlinked_folder_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("staging")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("staging/k8s")).unwrap();
    let before = tree(dir.path());
    let e = output::write(&v1(), dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::Symlink { .. }), "{e}");
    assert_eq!(tree(dir.path()), before);
    assert!(tree(outside.path()).is_empty());
}

#[test]
fn a_symlink_in_place_of_a_file_is_neither_followed_nor_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    output::write(&v1(), dir.path()).unwrap();
    fs::remove_file(dir.path().join("staging/k8s/web.yaml")).unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("staging/k8s/web.yaml")).unwrap();
    let before = tree(dir.path());
    let e = output::write(&v1(), dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::Symlink { .. }), "{e}");
    assert_eq!(tree(dir.path()), before);
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
}

#[test]
fn symlinks_elsewhere_are_foreign_and_not_walked_into() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret"), "x").unwrap();
    fs::create_dir_all(dir.path().join("staging")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("staging/elsewhere")).unwrap();
    let r = output::write(&v1(), dir.path()).unwrap();
    assert_eq!(r.warnings, [Warning::Foreign("staging/elsewhere".into())]);
    assert_eq!(fs::read(outside.path().join("secret")).unwrap(), b"x");
}

#[test]
fn a_file_where_a_folder_must_go_fails_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&plan(&[("staging/k8s/web.yaml", "a\n")]), dir.path()).unwrap();
    fs::create_dir_all(dir.path().join("production")).unwrap();
    fs::write(dir.path().join("production/k8s"), "a file, not a folder").unwrap();
    let before = tree(dir.path());
    let e = output::write(&v1(), dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::InTheWay { .. }), "{e}");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn a_failure_while_staging_removes_every_temporary_and_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&v1(), dir.path()).unwrap();
    let before = tree(dir.path());
    // A name of 250 bytes is fine, but its temporary sibling's name is too long for the
    // file system: the failure comes after other temporaries and the new folder (staged
    // whole, its file under its own name) were created.
    let long = format!("k8s/{}", "x".repeat(250));
    let mut p = plan(&[
        ("staging/k8s/web.yaml", "kind: Deployment\nchanged: true\n"),
        ("staging/new/a.yaml", "a\n"),
    ]);
    p.add(format!("staging/{long}"), "b\n").unwrap();
    let e = output::write(&p, dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::Io { .. }), "{e}");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn writing_one_scope_keeps_the_others_and_their_ownership() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&v1(), dir.path()).unwrap();
    let staging = plan(&[("staging/k8s/web.yaml", "kind: Deployment\nv: 2\n")]);
    let r = output::write_scoped(&staging, dir.path(), &Scope::folders(["staging"])).unwrap();
    assert_eq!(r.removed, ["staging/k8s/db.yaml"]);
    let t = tree(dir.path());
    assert_eq!(
        t["production/k8s/web.yaml"],
        b"kind: Deployment\nreplicas: 3\n"
    );
    let manifest = String::from_utf8(t[MANIFEST_NAME].clone()).unwrap();
    assert!(manifest.contains("production/k8s/web.yaml"), "{manifest}");
    // A path outside the scope is refused.
    let e = output::write_scoped(&v1(), dir.path(), &Scope::folders(["staging"])).unwrap_err();
    assert!(matches!(e, OutputError::OutOfScope(_)), "{e}");
}

#[test]
fn a_corrupt_manifest_is_an_error_not_a_licence_to_delete() {
    let dir = tempfile::tempdir().unwrap();
    output::write(&v1(), dir.path()).unwrap();
    fs::write(
        dir.path().join(MANIFEST_NAME),
        r#"{"format":"nexus-manifest/v1","files":{"../../etc/passwd":"sha256:00"}}"#,
    )
    .unwrap();
    let before = tree(dir.path());
    let e = output::write(&plan(&[]), dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::Manifest { .. }), "{e}");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn writes_into_a_folder_that_does_not_exist_yet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a/b/generated");
    output::write(&v1(), &out).unwrap();
    assert!(output::check(&v1(), &out).unwrap().is_clean());
}
