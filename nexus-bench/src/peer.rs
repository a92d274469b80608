//! The peer workload of issue 20: `n` services, each a Deployment, Service, autoscaler,
//! disruption budget and network rules, in one environment, the shape the peers in
//! `scripts/peer/` render (nexus also writes Compose and a README).

use std::fmt::Write as _;

use crate::service_name;

/// A valid spec of the peer workload with `n` services (deterministic).
pub fn peer(n: usize) -> String {
    let mut s = String::with_capacity(560 * n + 1024);
    let w = &mut s;
    let _ = write!(
        w,
        "\
# Peer workload: {n} services, one environment (nexus-bench synth --peer).
apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata:
  name: peer
  version: 1.0.0
spec:
"
    );
    w.push_str(if n == 0 {
        "  services: {}\n"
    } else {
        "  services:\n"
    });
    for i in 0..n {
        let name = service_name(i);
        let _ = write!(
            w,
            "    {name}:
      image: registry.peer.example/peer/{name}:1.0.{}
      ports:
        - {{ name: http, port: 8080 }}
      resources:
        requests: {{ cpu: 100m, memory: 128Mi }}
        limits: {{ cpu: \"1\", memory: 512Mi }}
      replicas: 2
      autoscaling: {{ minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 }}
      disruptionBudget: {{ minAvailable: 1 }}
",
            i % 10
        );
        // Network rules: each service is reached by the next one.
        if i > 0 {
            let _ = writeln!(w, "      dependsOn: [{}]", service_name(i - 1));
        }
    }
    w.push_str(
        "  environments:
    production:
      namespace: peer-production
",
    );
    s
}
