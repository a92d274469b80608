//! The committed `generated/` is exactly what the README's `nexus render` produces from
//! `specs/` (CI checks the same with `nexus render --check`).

mod support;

#[test]
fn generated_is_current() {
    let r = support::nexus(&["render", "--check"]);
    assert_eq!(
        r.code, 0,
        "generated/ is not current; run `cargo run -- render` and commit it\n{}{}",
        r.stdout, r.stderr
    );
}
