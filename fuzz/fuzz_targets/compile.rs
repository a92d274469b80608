//! Any bytes through everything a spec goes through: load, validate, resolve every
//! environment, lint with the built-in policy, and render Kubernetes, Compose and Nginx.
//! Nothing may panic; rendering must be deterministic and every output path must stay
//! inside the output folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nexus_lint::{Date, LintOptions, Linter, Policy};
use nexus_render::nginx::NginxOptions;
use nexus_spec::{Limits, Spec};

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = Spec::load("fuzz.yaml", data, &Limits::default()) else {
        return;
    };
    if spec.validate().has_errors() {
        return;
    }
    let Ok(platforms) = spec.resolve_all() else {
        panic!("validated cleanly but does not resolve");
    };
    let policy = Policy::default();
    let mut linter = Linter::new(
        &policy,
        LintOptions {
            today: Date::new(2026, 1, 1).unwrap(),
        },
    );
    for p in &platforms {
        linter.check(p);
    }
    let _ = linter.finish();
    for p in &platforms {
        let render = || {
            [
                nexus_render::k8s::render(p),
                nexus_render::compose::render(p),
                nexus_render::nginx::render(p, &NginxOptions::default()),
            ]
        };
        let (first, second) = (render(), render());
        for (a, b) in first.iter().zip(&second) {
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "rendering is not deterministic");
                    for (path, _) in a.files() {
                        assert!(
                            !path.starts_with('/')
                                && !path.contains('\\')
                                && path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."),
                            "output path escapes: {path:?}"
                        );
                    }
                }
                (Err(_), Err(_)) => {}
                _ => panic!("rendering succeeded once and failed once"),
            }
        }
    }
});
