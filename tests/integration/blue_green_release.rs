//! Blue-green releases on a copy of the NEXUS spec (issue 14): each slot owns its image,
//! `activeSlot` decides only where traffic goes, flipping back restores every file byte for
//! byte, and the migration runs for the release being promoted whichever slot is live.

use std::collections::BTreeMap;

fn nexus_spec() -> String {
    std::fs::read_to_string("specs/nexus.yaml").expect("specs/nexus.yaml")
}

/// The NEXUS spec with release 1.1.0 of the backend on the green slot.
fn with_release_on_green(active: &str) -> String {
    let text = nexus_spec();
    let from = "rollout: { strategy: blue-green, activeSlot: blue }";
    assert!(text.contains(from), "the backend's rollout line");
    text.replace(
        from,
        &format!(
            "rollout: {{ strategy: blue-green, activeSlot: {active}, green: {{ image: registry.nexus.example/nexus/backend:1.1.0 }} }}"
        ),
    )
}

/// Every file of every environment and target, by path.
fn render(text: &str) -> BTreeMap<String, Vec<u8>> {
    let spec = nexus::Spec::from_str("nexus.yaml", text).expect("loads");
    assert!(!spec.validate().has_errors(), "{:?}", spec.validate());
    let compiled = nexus::compile(&spec, &nexus::CompileOptions::default()).expect("renders");
    compiled
        .plan
        .files()
        .map(|(p, b)| (p.to_owned(), b.to_vec()))
        .collect()
}

/// The lines that differ between two renderings of the same files.
fn changed_lines(
    a: &BTreeMap<String, Vec<u8>>,
    b: &BTreeMap<String, Vec<u8>>,
) -> Vec<(String, String, String)> {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let mut out = Vec::new();
    for (path, before) in a {
        let (x, y) = (
            String::from_utf8_lossy(before),
            String::from_utf8_lossy(&b[path]),
        );
        let (lx, ly): (Vec<&str>, Vec<&str>) = (x.lines().collect(), y.lines().collect());
        assert_eq!(lx.len(), ly.len(), "{path}: the same number of lines");
        for (l, r) in lx.iter().zip(&ly) {
            if l != r {
                out.push((path.clone(), (*l).to_owned(), (*r).to_owned()));
            }
        }
    }
    out
}

/// The YAML document of `kind` named `name` in a multi-document file.
fn doc<'a>(text: &'a str, kind: &str, name: &str) -> &'a str {
    text.split("---\n")
        .find(|d| {
            d.contains(&format!("kind: {kind}\n")) && d.contains(&format!("\n  name: {name}\n"))
        })
        .unwrap_or_else(|| panic!("{kind} {name}"))
}

#[test]
fn switching_moves_traffic_only_and_switching_back_restores_every_file() {
    let blue = render(&with_release_on_green("blue"));
    let green = render(&with_release_on_green("green"));
    let changes = changed_lines(&blue, &green);
    let k8s: Vec<_> = changes
        .iter()
        .filter(|(p, _, _)| p.contains("/k8s/"))
        .collect();
    // In each environment, one line: the selector of the Service that takes traffic.
    assert_eq!(k8s.len(), 2, "{k8s:#?}");
    for (path, old, new) in &k8s {
        assert!(path.ends_with("k8s/50-services/backend.yaml"), "{path}");
        assert_eq!(old.trim(), "nexus.dev/slot: blue");
        assert_eq!(new.trim(), "nexus.dev/slot: green");
        let text = String::from_utf8_lossy(&green[path.as_str()]).into_owned();
        assert!(doc(&text, "Service", "backend").contains(new.as_str()));
    }
    // No Deployment changes image: each slot keeps its own.
    for (path, bytes) in &green {
        if path.ends_with("k8s/50-services/backend.yaml") {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                doc(&text, "Deployment", "backend-green")
                    .contains("image: registry.nexus.example/nexus/backend:1.1.0")
            );
            assert!(
                doc(&text, "Deployment", "backend-blue")
                    .contains("image: registry.nexus.example/nexus/backend:1.0.0")
            );
        }
    }
    // Rolling back is switching back: every file of every target is as before, byte for byte.
    let back =
        render(&with_release_on_green("green").replace("activeSlot: green,", "activeSlot: blue,"));
    assert_eq!(back, blue);
}

#[test]
fn the_migration_runs_for_the_release_being_promoted() {
    for active in ["blue", "green"] {
        let files = render(&with_release_on_green(active));
        let job = String::from_utf8_lossy(&files["production/k8s/40-migrations/backend.yaml"])
            .into_owned();
        assert!(
            job.contains("name: backend-migrate-1-1-0-"),
            "{active}: {job}"
        );
        assert!(
            job.contains("image: registry.nexus.example/nexus/backend:1.1.0"),
            "{active}"
        );
        assert!(!job.contains("backend:1.0.0"), "{active}");
    }
}

#[test]
fn both_slots_scale_within_the_same_bounds() {
    let files = render(&with_release_on_green("blue"));
    let text =
        String::from_utf8_lossy(&files["production/k8s/50-services/backend.yaml"]).into_owned();
    // The backend scales on CPU, memory and its queue: a KEDA ScaledObject per slot.
    let bounds = |slot: &str| {
        let so = doc(&text, "ScaledObject", &format!("backend-{slot}"));
        so.lines()
            .filter(|l| l.contains("minReplicaCount:") || l.contains("maxReplicaCount:"))
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        bounds("blue"),
        ["minReplicaCount: 3", "maxReplicaCount: 10"]
    );
    assert_eq!(bounds("blue"), bounds("green"));
}

#[test]
fn a_preview_image_that_follows_the_idle_slot_is_refused() {
    let text = nexus_spec().replace(
        "rollout: { strategy: blue-green, activeSlot: blue }",
        "rollout: { strategy: blue-green, activeSlot: blue, previewImage: registry.nexus.example/nexus/backend:1.1.0 }",
    );
    let d = nexus::Spec::from_str("nexus.yaml", &text)
        .expect("loads")
        .validate();
    assert!(
        d.iter().any(|d| d
            .message
            .contains("`previewImage` follows whichever slot is idle")),
        "{d:?}"
    );
}

#[test]
fn a_migration_between_two_new_slot_images_is_refused() {
    let text = nexus_spec().replace(
        "rollout: { strategy: blue-green, activeSlot: blue }",
        "rollout: { strategy: blue-green, activeSlot: blue, blue: { image: registry.nexus.example/nexus/backend:1.1.0 }, green: { image: registry.nexus.example/nexus/backend:1.2.0 } }",
    );
    let d = nexus::Spec::from_str("nexus.yaml", &text)
        .expect("loads")
        .validate();
    assert!(
        d.iter().any(|d| d
            .message
            .contains("cannot tell which release the migration is for")),
        "{d:?}"
    );
}

#[test]
fn slot_images_on_a_rolling_service_are_refused() {
    let text = nexus_spec().replace(
        "rollout: { strategy: rolling, maxSurge: \"25%\", maxUnavailable: \"0\" }",
        "rollout: { strategy: rolling, maxSurge: \"25%\", maxUnavailable: \"0\", green: { image: registry.nexus.example/nexus/frontend:1.1.0 } }",
    );
    assert_ne!(text, nexus_spec());
    let d = nexus::Spec::from_str("nexus.yaml", &text)
        .expect("loads")
        .validate();
    assert!(
        d.iter().any(|d| d
            .message
            .contains("slots apply to blue-green rollouts only")),
        "{d:?}"
    );
}
