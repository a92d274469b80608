//! Environments resolve in parallel (on the rayon pool); what validation reports, and in
//! which order, is the same on any number of threads: the problems of the base spec once,
//! each environment's own in the environments' order.

use nexus_spec::Spec;

/// Five environments, each with a namespace that is not a DNS label, over a base spec with
/// one bad service name.
const SPEC: &str = "apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: demo, version: 1.0.0 }
spec:
  services:
    Web_1:
      image: registry.example.com/demo/web:1.0.0
  environments:
    a: { namespace: Ns_A }
    b: { namespace: Ns_B }
    c: { namespace: Ns_C }
    d: { namespace: Ns_D }
    e: { namespace: Ns_E }
";

/// Each problem as `code: message`, in the order reported, validated on `threads` threads.
fn problems(threads: usize) -> Vec<String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool");
    let spec = Spec::from_str("demo.yaml", SPEC).expect("loads");
    let diags = pool
        .install(|| spec.validate_resolve())
        .expect_err("invalid");
    diags
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

#[test]
fn every_thread_count_reports_the_same_problems_in_the_same_order() {
    let one = problems(1);
    // The bad service name once, though every environment resolves it.
    let web = one.iter().filter(|p| p.contains("Web_1")).count();
    assert_eq!(web, 1, "{one:#?}");
    let namespaces: Vec<&String> = one.iter().filter(|p| p.contains("Ns_")).collect();
    assert_eq!(namespaces.len(), 5, "{one:#?}");
    for (problem, env) in namespaces.iter().zip(["A", "B", "C", "D", "E"]) {
        assert!(problem.contains(&format!("Ns_{env}")), "{one:#?}");
    }
    for threads in [2, 4, 8] {
        assert_eq!(problems(threads), one, "{threads} threads");
    }
}

#[test]
fn every_thread_count_resolves_the_same_platforms() {
    let mut valid = SPEC.replace("Web_1", "web");
    for env in ["A", "B", "C", "D", "E"] {
        valid = valid.replace(&format!("Ns_{env}"), &format!("ns-{}", env.to_lowercase()));
    }
    let spec = Spec::from_str("demo.yaml", &valid).expect("loads");
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        let platforms = pool.install(|| spec.validate_resolve()).expect("valid");
        format!("{platforms:?}")
    };
    let one = on(1);
    assert!(one.contains("ns-e"));
    assert_eq!(on(4), one);
}
