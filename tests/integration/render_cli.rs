//! `nexus render` end to end: writing, determinism, check mode, stale and foreign files,
//! errors that leave the output as it was, links, exit codes.

use crate::support::cli as support;
use crate::support::render as render_support;

use std::fs;

use render_support::{shop, spec_dir, tree};
use support::nexus_in;

/// Renders the fixture into `<specs>/generated` and returns the specs folder.
fn rendered() -> tempfile::TempDir {
    let dir = spec_dir(&shop());
    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

#[test]
fn renders_every_environment_into_generated() {
    let dir = rendered();
    let t = tree(&dir.path().join("generated"));
    assert!(t.contains_key(".nexus-manifest.json"));
    for env in ["staging", "production"] {
        let readme = String::from_utf8(t[&format!("{env}/README.md")].clone()).unwrap();
        assert!(readme.starts_with(&format!("# shop-{env}\n")), "{readme}");
        assert!(readme.contains("```mermaid\nflowchart LR\n"), "{readme}");
    }
}

#[test]
fn two_renders_give_identical_bytes() {
    let a = rendered();
    let b = rendered();
    let (ta, tb) = (
        tree(&a.path().join("generated")),
        tree(&b.path().join("generated")),
    );
    assert_eq!(ta, tb);
    // And rendering again in place changes nothing.
    let r = nexus_in(a.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("0 file(s) written"), "{}", r.stderr);
    assert_eq!(tree(&a.path().join("generated")), ta);
}

#[test]
fn check_is_clean_after_a_render_and_writes_nothing_before_one() {
    let dir = spec_dir(&shop());
    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("new      generated/staging/README.md"),
        "{}",
        r.stdout
    );
    assert!(!dir.path().join("generated").exists());

    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 0);
    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("generated is current"), "{}", r.stderr);
}

#[test]
fn check_reports_changed_new_and_stale_files_with_a_diff() {
    let dir = rendered();
    let gen_dir = dir.path().join("generated");
    // The spec changes: staging's api scales, production is dropped.
    let text = shop()
        .replace(
            "        api: { replicas: 1 }",
            "        api: { replicas: 2 }",
        )
        .replace(
            "    production:\n      services:\n        api: { replicas: 3 }\n",
            "",
        );
    fs::write(dir.path().join("shop.yaml"), text).unwrap();
    let before = tree(&gen_dir);

    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--check", "--diff"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("changed  generated/staging/README.md"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("stale    generated/production/README.md"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("--- a/staging/README.md\n+++ b/staging/README.md\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("-    w_api[\"api<br/>service · 1 replica\"]"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("0 new, "), "{}", r.stderr);
    // The summary names the object and what changed in it, not only lines.
    assert!(
        r.stdout.contains("staging/k8s: Deployment api: changed\n")
            && r.stdout.contains("replicas    replicas: 1 → 2\n"),
        "{}",
        r.stdout
    );
    assert_eq!(tree(&gen_dir), before, "check mode wrote");

    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(" 0 removed"), "{}", r.stderr);
    assert!(!gen_dir.join("production").exists());
    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn stale_removal_spares_foreign_files_and_warns_about_them() {
    let dir = rendered();
    let gen_dir = dir.path().join("generated");
    fs::write(gen_dir.join("production/NOTES.md"), "ours, not nexus's\n").unwrap();
    let text = shop().replace(
        "    production:\n      services:\n        api: { replicas: 3 }\n",
        "",
    );
    fs::write(dir.path().join("shop.yaml"), text).unwrap();
    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: `production/NOTES.md` was not written by nexus; left alone"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read(gen_dir.join("production/NOTES.md")).unwrap(),
        b"ours, not nexus's\n"
    );
    assert!(!gen_dir.join("production/README.md").exists());
}

#[test]
fn an_invalid_spec_leaves_the_previous_output_intact() {
    let dir = rendered();
    let before = tree(&dir.path().join("generated"));
    fs::write(
        dir.path().join("shop.yaml"),
        shop().replace("replicas: 3", "replicas: many"),
    )
    .unwrap();
    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(tree(&dir.path().join("generated")), before);
}

#[test]
fn a_blocked_write_exits_2_and_leaves_the_previous_output_intact() {
    let dir = spec_dir(&shop());
    let gen_dir = dir.path().join("generated");
    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--env", "staging"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A foreign file where a rendered file must go, and a spec change that rewrites staging.
    fs::create_dir(gen_dir.join("production")).unwrap();
    fs::write(
        gen_dir.join("production/README.md"),
        "someone's own README\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("shop.yaml"),
        shop().replace("1.2.0", "1.2.1"),
    )
    .unwrap();
    let before = tree(&gen_dir);
    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is in the way"), "{}", r.stderr);
    assert!(
        r.stderr.contains("nothing in generated was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(tree(&gen_dir), before);
}

#[test]
fn a_symlinked_environment_folder_is_not_followed() {
    let dir = spec_dir(&shop());
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("generated")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("generated/staging")).unwrap();
    let r = nexus_in(dir.path(), &["render", "shop.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert!(tree(outside.path()).is_empty());
    assert_eq!(tree(&dir.path().join("generated")).len(), 1);
}

#[test]
fn one_environment_leaves_the_others_alone() {
    let dir = rendered();
    let gen_dir = dir.path().join("generated");
    let production = fs::read(gen_dir.join("production/README.md")).unwrap();
    fs::write(
        dir.path().join("shop.yaml"),
        shop().replace("1.2.0", "1.3.0"),
    )
    .unwrap();
    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--env", "staging"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read(gen_dir.join("production/README.md")).unwrap(),
        production
    );
    let staging = fs::read_to_string(gen_dir.join("staging/README.md")).unwrap();
    assert!(staging.contains("1.3.0"), "{staging}");
    // Staging is current; production is not.
    let r = nexus_in(
        dir.path(),
        &["render", "shop.yaml", "--env", "staging", "--check"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = nexus_in(dir.path(), &["render", "shop.yaml", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn usage_errors_exit_2() {
    let dir = spec_dir(&shop());
    for args in [
        &["render", "shop.yaml", "--diff"][..],
        &["render", "shop.yaml", "--env", "qa"][..],
        &["render", "missing.yaml"][..],
    ] {
        let r = nexus_in(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn several_specs_render_side_by_side_under_their_names() {
    let dir = spec_dir(&shop());
    fs::write(
        dir.path().join("shelf.yaml"),
        shop().replace("name: shop,", "name: shelf,"),
    )
    .unwrap();
    let r = nexus_in(dir.path(), &["render", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // generated/ lies inside `.`: its files are output, not specs, on the second run too.
    fs::write(
        dir.path().join("generated/shop/stray.yaml"),
        "kind: Deployment\n",
    )
    .unwrap();
    let r = nexus_in(dir.path(), &["render", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = tree(&dir.path().join("generated"));
    assert!(
        t.contains_key("shop/staging/README.md") && t.contains_key("shelf/production/README.md")
    );
    fs::write(dir.path().join("shelf.yaml"), shop()).unwrap();
    let r = nexus_in(dir.path(), &["render", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("both named `shop`"), "{}", r.stderr);
}
