//! `docs/rules.md` is generated from the catalog; this test fails when it is stale.
//! Regenerate with `NEXUS_UPDATE_DOCS=1 cargo test -p nexus-lint --test integration docs`.

use std::path::PathBuf;

#[test]
fn rules_doc_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let want = nexus_lint::docs::rules_markdown();
    if std::env::var_os("NEXUS_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/rules.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run `NEXUS_UPDATE_DOCS=1 cargo test -p nexus-lint --test integration docs`"
    );
}

#[test]
fn every_rule_explains_itself() {
    for r in nexus_lint::rules::all() {
        let text = nexus_lint::docs::explain(r);
        assert!(text.starts_with(r.id), "{}", r.id);
        assert!(
            text.contains(r.fix.split_whitespace().next().unwrap()),
            "{}",
            r.id
        );
    }
    let list = nexus_lint::docs::list();
    assert_eq!(list.lines().count(), nexus_lint::rules::all().len());
}
