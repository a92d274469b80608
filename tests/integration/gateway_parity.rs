//! The gateway parity table (`docs/gateway-parity.md`, from `nexus_render::parity`) is held
//! to the code: a spec that declares every gateway feature is rendered for each edge, and
//! each exact or approximate entry's text is in that edge's rendering, each approximate or
//! absent entry's lint rule exists and fires on that spec for that edge, and the document is
//! the table's. `NEXUS_UPDATE_DOCS=1` rewrites the document.

use nexus::render::parity::{Edge, FEATURES, Support, markdown};
use nexus::spec::Spec;
use nexus_lint::{Date, LintOptions, Linter, Policy};

const DOC: &str = "docs/gateway-parity.md";

/// A spec declaring every gateway feature of the table, on the Kubernetes edge `edge`.
fn spec(edge: &str) -> Spec {
    Spec::from_str("parity.yaml", &spec_text(edge))
        .unwrap_or_else(|d| panic!("the parity spec loads: {d:?}"))
}

/// The text of [`spec`].
fn spec_text(edge: &str) -> String {
    let service = |name: &str, port: u16| {
        format!(
            "    {name}:\n      image: registry.example.com/parity/{name}:1.0.0\n      ports:\n        - {{ name: http, port: {port} }}\n      exposure: public\n"
        )
    };
    let text = format!(
        r#"apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata:
  name: parity
  version: 1.0.0
spec:
  services:
{}{}{}  gateway:
    hosts: [parity.example.com]
    trustedProxies: [10.0.0.0/8]
    tls:
      issuer: letsencrypt
      minVersion: TLSv1.3
    rateLimits:
      login: {{ requestsPerMinute: 10, burst: 5 }}
    routes:
      - {{ path: /api/login, service: api, rateLimit: login, maxBodySize: 64Ki }}
      - {{ path: /api, service: api, rateLimit: login }}
      - {{ path: /live, service: live, websocket: true, timeout: 1h }}
      - {{ path: /, service: web }}
    kubernetes:
      edge: {edge}
  environments:
    production: {{}}
"#,
        service("api", 8000),
        service("live", 8001),
        service("web", 8080),
    );
    text
}

/// The rendering of `edge` and the rule ids lint reports for it.
fn rendered(edge: Edge) -> (String, Vec<String>) {
    let kubernetes = if edge == Edge::Ingress {
        "ingress"
    } else {
        "gatewayApi"
    };
    let p = spec(kubernetes)
        .resolve("production")
        .unwrap_or_else(|d| panic!("resolves: {d:?}"));
    let plan = match edge {
        Edge::Nginx => nexus::render::nginx::render(&p, &Default::default()).expect("nginx"),
        _ => nexus::render::k8s::render(&p).expect("k8s"),
    };
    let text: String = plan
        .files()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    let policy = Policy::default();
    let mut linter = Linter::new(
        &policy,
        LintOptions {
            today: "2026-06-01".parse::<Date>().expect("date"),
        },
    );
    linter.check(&p);
    let rules = linter
        .finish()
        .findings
        .iter()
        .map(|f| f.rule.id.to_owned())
        .collect();
    (text, rules)
}

#[test]
fn the_parity_table_holds() {
    let mut wrong = Vec::new();
    for (i, edge) in Edge::ALL.iter().enumerate() {
        let (text, fired) = rendered(*edge);
        for f in FEATURES {
            let (evidence, rule) = match f.support[i] {
                Support::Exact(e) => (Some(e), None),
                Support::Approximate(r, e) => (Some(e), Some(r)),
                Support::Absent(r) => (None, Some(r)),
                _ => (None, None),
            };
            if let Some(e) = evidence
                && !text.contains(e)
            {
                wrong.push(format!("{edge:?} {}: the rendering lacks {e:?}", f.name));
            }
            if let Some(r) = rule {
                if nexus_lint::rules::find(r).is_none() {
                    wrong.push(format!("{edge:?} {}: no rule {r}", f.name));
                } else if !fired.iter().any(|x| x == r) {
                    wrong.push(format!("{edge:?} {}: {r} does not fire", f.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_parity_document_is_the_tables() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC);
    let want = markdown();
    if std::env::var("NEXUS_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &want).expect("write the document");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{DOC} is stale: run `NEXUS_UPDATE_DOCS=1 cargo test --test integration gateway_parity`"
    );
}

/// The edge's settings resolve to their defaults, and a bad value is a diagnostic.
#[test]
fn edge_settings_default_and_are_checked() {
    use nexus::spec::model::EdgeKind;
    for (edge, kind, namespace) in [
        ("gatewayApi", EdgeKind::GatewayApi, "nginx-gateway"),
        ("ingress", EdgeKind::Ingress, "nginx-ingress"),
    ] {
        let p = spec(edge).resolve("production").expect("resolves");
        let k = &p.gateway.as_ref().expect("gateway").kubernetes;
        assert_eq!(k.edge, kind);
        assert_eq!(k.gateway_class, "nginx");
        assert_eq!(k.controller_namespace, namespace);
        assert_eq!(
            k.controller_labels
                .get("app.kubernetes.io/name")
                .map(String::as_str),
            Some(namespace)
        );
    }
    let bad = |from: &str, to: &str| -> String {
        let good = spec_text("gatewayApi");
        assert!(good.contains(from), "{from}");
        let spec = Spec::from_str("parity.yaml", &good.replace(from, to));
        let diagnostics = match spec {
            Ok(s) => match s.resolve("production") {
                Ok(_) => panic!("{to} resolves"),
                Err(d) => d,
            },
            Err(d) => d,
        };
        format!("{diagnostics:?}")
    };
    assert!(bad("edge: gatewayApi", "edge: gateway").contains("gateway"));
    assert!(
        bad(
            "trustedProxies: [10.0.0.0/8]",
            "trustedProxies: [10.0.0.0/33]"
        )
        .contains("prefix length")
    );
    assert!(
        bad(
            "      edge: gatewayApi",
            "      edge: gatewayApi\n      gatewayClass: Nginx_Class"
        )
        .contains("gateway class")
    );
    assert!(
        bad(
            "      edge: gatewayApi",
            "      edge: gatewayApi\n      controller: { namespace: edge, labels: { app: \"-x-\" } }"
        )
        .contains("label value")
    );
}
