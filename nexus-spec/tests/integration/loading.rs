//! `Spec::load_owned` (which frees the caller's bytes before parsing) and `Spec::load`
//! (which borrows them) give the same spec, or the same diagnostics with the same source
//! excerpts, for every kind of input.

use nexus_spec::{Limits, Spec, codes};

fn nexus_yaml() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/nexus.yaml"))
        .expect("specs/nexus.yaml")
}

/// Loads `bytes` both ways; asserts the outcomes are the same and returns it.
fn both(bytes: &[u8], limits: &Limits) -> Result<Spec, nexus_spec::Diagnostics> {
    let borrowed = Spec::load("spec.yaml", bytes, limits);
    let owned = Spec::load_owned("spec.yaml", bytes.to_vec(), limits);
    assert_eq!(
        format!("{borrowed:?}"),
        format!("{owned:?}"),
        "load and load_owned differ on {:?}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
    );
    owned
}

fn codes_of(result: Result<Spec, nexus_spec::Diagnostics>) -> Vec<&'static str> {
    match result {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(|d| d.code).collect(),
    }
}

#[test]
fn a_valid_spec_loads_the_same_both_ways() {
    let spec = both(nexus_yaml().as_bytes(), &Limits::default()).expect("loads");
    assert!(spec.environments().contains(&"production".to_owned()));
    // The text kept for diagnostics is the whole file.
    let text = &spec.sources().files().next().expect("one file").1.text;
    assert_eq!(**text, *nexus_yaml());
}

#[test]
fn problems_are_reported_the_same_both_ways() {
    let typo = nexus_yaml().replacen("image:", "imgae:", 1);
    assert!(codes_of(both(typo.as_bytes(), &Limits::default())).contains(&codes::UNKNOWN_KEY));

    // Not UTF-8: the diagnostic shows the text with the bad byte replaced.
    let mut latin1 = nexus_yaml().into_bytes();
    latin1.splice(0..0, b"# caf\xE9\n".iter().copied());
    assert_eq!(
        codes_of(both(&latin1, &Limits::default())),
        [codes::NOT_UTF8]
    );

    // Too large for the limits: refused by its size, the excerpt cut at the limit.
    let small = Limits {
        max_bytes: 1_000,
        ..Limits::DEFAULT
    };
    assert_eq!(
        codes_of(both(nexus_yaml().as_bytes(), &small)),
        [codes::TOO_LARGE]
    );

    for bytes in [&b""[..], b"\xFF\xFEa\0", b"a: [1, 2\n", b"a: 1\na: 2\n"] {
        assert!(both(bytes, &Limits::default()).is_err());
    }
}
