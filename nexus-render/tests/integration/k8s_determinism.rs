//! The same IR gives the same bytes: twice in a row, and from several threads at once.

use crate::support::k8s as k8s_support;

use k8s_support::{all_specs, load};
use nexus_spec::ir::Platform;

fn platforms() -> Vec<Platform> {
    let mut out = Vec::new();
    for path in all_specs() {
        let spec = load(&path);
        for env in spec.environments() {
            out.push(spec.resolve(&env).expect("resolves"));
        }
    }
    out
}

fn render_all(platforms: &[Platform]) -> Vec<nexus_render::OutputPlan> {
    platforms
        .iter()
        .map(|p| nexus_render::k8s::render(p).expect("renders"))
        .collect()
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let p = platforms();
    assert_eq!(render_all(&p), render_all(&p));
    // Resolving again from the text gives the same bytes too.
    assert_eq!(render_all(&p), render_all(&platforms()));
}

#[test]
fn rendering_on_many_threads_gives_the_same_bytes() {
    let p = platforms();
    let expected = render_all(&p);
    for threads in [2, 4, 8] {
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(|| render_all(&p))).collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no panic"))
                .collect()
        });
        for r in results {
            assert_eq!(r, expected, "{threads} threads");
        }
    }
}
