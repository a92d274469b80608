//! Rendering runs on a thread pool (targets and workloads in parallel); the output plan must
//! not depend on how many threads there are.

use nexus::{CompileOptions, Spec};

fn compile_on(threads: usize, spec: &Spec) -> nexus::OutputPlan {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| nexus::compile(spec, &CompileOptions::default()))
        .expect("specs/ compiles")
        .plan
}

#[test]
fn the_same_bytes_on_one_two_and_eight_threads() {
    let spec = Spec::from_path(std::path::Path::new("specs/nexus.yaml")).expect("specs/ loads");
    let one = compile_on(1, &spec);
    assert!(one.len() > 50, "a real rendering: {} files", one.len());
    for threads in [2, 8] {
        let many = compile_on(threads, &spec);
        let paths =
            |p: &nexus::OutputPlan| p.files().map(|(p, _)| p.to_owned()).collect::<Vec<_>>();
        assert_eq!(paths(&many), paths(&one), "{threads} threads: file list");
        for (path, bytes) in one.files() {
            assert_eq!(many.get(path), Some(bytes), "{threads} threads: {path}");
        }
    }
}
