//! The semantic summary: per object, image, replicas, resources, env keys and routes.

use nexus_render::output::semantic::{Aspect, Status, summarize};
use nexus_render::output::{Change, FileChange};

fn changed(path: &str, before: &str, after: &str) -> FileChange {
    FileChange {
        path: path.into(),
        change: Change::Changed,
        before: Some(before.into()),
        after: Some(after.into()),
    }
}

const DEPLOYMENT: &str = r#"kind: Deployment
metadata: { name: api, namespace: shop-staging }
spec:
  replicas: 2
  template:
    metadata:
      annotations: { checksum: "1" }
    spec:
      containers:
        - name: api
          image: registry.example.com/shop/api:1.2.0
          env:
            - { name: LOG_LEVEL, value: info }
            - { name: OLD, value: x }
          resources:
            requests: { cpu: 250m, memory: 256Mi }
---
kind: Service
metadata: { name: api }
spec:
  ports: [{ name: http, port: 8000 }]
"#;

#[test]
fn a_deployment_change_is_summarised_by_aspect() {
    let after = DEPLOYMENT
        .replace("replicas: 2", "replicas: 3")
        .replace("api:1.2.0", "api:1.3.0")
        .replace("{ name: OLD, value: x }", "{ name: NEW, value: y }")
        .replace("LOG_LEVEL, value: info", "LOG_LEVEL, value: debug")
        .replace("cpu: 250m", "cpu: 500m")
        .replace("checksum: \"1\"", "checksum: \"2\"");
    let s = summarize(&[changed("staging/k8s/api.yaml", DEPLOYMENT, &after)]);
    assert_eq!(s.len(), 1, "the Service did not change: {s:?}");
    let text = s[0].to_string();
    assert_eq!(
        text,
        "staging/k8s: Deployment api: changed
  image       api: registry.example.com/shop/api:1.2.0 → registry.example.com/shop/api:1.3.0
  replicas    replicas: 2 → 3
  resources   api requests.cpu: 250m → 500m
  env         ~ LOG_LEVEL
  env         - OLD
  env         + NEW
  other       spec.template.metadata.annotations.checksum
"
    );
}

#[test]
fn objects_added_removed_and_moved_between_files() {
    let one = "kind: ConfigMap\nmetadata: { name: a }\ndata: { k: v }\n";
    let two = "kind: ConfigMap\nmetadata: { name: b }\n";
    let changes = [
        FileChange {
            path: "staging/k8s/a.yaml".into(),
            change: Change::Stale,
            before: Some(format!("{one}---\n{two}").into_bytes()),
            after: None,
        },
        FileChange {
            path: "staging/k8s/moved.yaml".into(),
            change: Change::New,
            before: None,
            after: Some(format!("{one}---\nkind: Secret\nmetadata: {{ name: c }}\n").into_bytes()),
        },
    ];
    let s = summarize(&changes);
    let ids: Vec<_> = s
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str(), o.status))
        .collect();
    assert_eq!(
        ids,
        [
            ("ConfigMap", "b", Status::Removed),
            ("Secret", "c", Status::Added)
        ],
        "ConfigMap a only moved"
    );
}

#[test]
fn config_map_keys_are_listed() {
    let before = "kind: ConfigMap\nmetadata: { name: api-env }\ndata: { A: \"1\", B: \"2\" }\n";
    let after = "kind: ConfigMap\nmetadata: { name: api-env }\ndata: { A: \"1\", C: \"3\" }\n";
    let s = summarize(&[changed("staging/k8s/api.yaml", before, after)]);
    let lines: Vec<_> = s[0]
        .details
        .iter()
        .map(|d| (d.aspect, d.text.as_str()))
        .collect();
    assert_eq!(lines, [(Aspect::Data, "- B"), (Aspect::Data, "+ C")]);
}

#[test]
fn ingress_routes_are_named_by_host_and_path() {
    let ingress = |paths: &str| {
        format!(
            "kind: Ingress\nmetadata: {{ name: shop }}\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n{paths}"
        )
    };
    let api = "          - path: /api\n            pathType: Prefix\n            backend: { service: { name: api, port: { name: http } } }\n";
    let web = "          - path: /\n            pathType: Prefix\n            backend: { service: { name: web, port: { name: http } } }\n";
    let s = summarize(&[changed(
        "production/k8s/ingress.yaml",
        &ingress(web),
        &ingress(&format!("{api}{web}")),
    )]);
    assert_eq!(s[0].details[0].aspect, Aspect::Routes);
    assert_eq!(s[0].details[0].text, "+ shop.example.com /api → api:http");
}

#[test]
fn compose_services_env_maps_and_nginx_locations() {
    let before = "name: shop\nservices:\n  api:\n    image: api:1\n    environment: { A: \"1\" }\n    deploy: { replicas: 1 }\n";
    let after = "name: shop\nservices:\n  api:\n    image: api:2\n    environment: { A: \"1\", B: \"2\" }\n    deploy: { replicas: 2 }\n";
    let s = summarize(&[changed("staging/compose/compose.yaml", before, after)]);
    assert_eq!(
        s[0].to_string(),
        "staging/compose: compose service api: changed\n  image       api:1 → api:2\n  replicas    replicas: 1 → 2\n  env         + B\n"
    );
    let conf =
        |extra: &str| format!("server {{\n  listen 443 ssl;\n{extra}  location / {{\n  }}\n}}\n");
    let s = summarize(&[changed(
        "staging/nginx/nginx.conf",
        &conf(""),
        &conf("  location /api/ {\n    proxy_pass http://api;\n  }\n"),
    )]);
    let text = s[0].to_string();
    assert!(text.contains("routes      + location /api/"), "{text}");
    assert!(
        text.contains("lines       2 other line(s) added, 0 removed"),
        "{text}"
    );
}

#[test]
fn a_target_folder_that_is_new_as_a_whole_is_not_repeated_object_by_object() {
    let deployment = |name: &str| format!("kind: Deployment\nmetadata: {{ name: {name} }}\n");
    let changes = [
        // A first render of production/k8s: every file new.
        FileChange {
            path: "production/k8s/web.yaml".into(),
            change: Change::New,
            before: None,
            after: Some(deployment("web").into_bytes()),
        },
        // A new service in staging/k8s, which was rendered before.
        FileChange {
            path: "staging/k8s/api.yaml".into(),
            change: Change::New,
            before: None,
            after: Some(deployment("api").into_bytes()),
        },
        FileChange {
            path: "staging/k8s/web.yaml".into(),
            change: Change::Stale,
            before: Some(deployment("web").into_bytes()),
            after: None,
        },
    ];
    let ids: Vec<_> = summarize(&changes)
        .iter()
        .map(|o| (o.group.clone(), o.name.clone(), o.status))
        .collect();
    assert_eq!(
        ids,
        [
            ("staging/k8s".to_owned(), "api".to_owned(), Status::Added),
            ("staging/k8s".to_owned(), "web".to_owned(), Status::Removed),
        ]
    );
}
