//! Any bytes through the whole spec pipeline: load (decode, parse, deserialize), validate
//! every environment, resolve every environment. Nothing may panic, overflow the stack or
//! run away with memory; every problem must come back as diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nexus_spec::{Limits, Spec};

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = Spec::load("fuzz.yaml", data, &Limits::default()) else {
        return;
    };
    let problems = spec.validate();
    let resolved = spec.resolve_all();
    // A spec that validates cleanly must resolve in every environment, and the other way
    // round: the two walk the same code, so they must agree. (With no environment at all,
    // validation reports that, and there is nothing to resolve.)
    if !spec.environments().is_empty() {
        let has_errors = problems.iter().any(|d| d.severity == nexus_spec::Severity::Error);
        assert_eq!(has_errors, resolved.is_err(), "validate and resolve disagree");
    }
});
