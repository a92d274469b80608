//! Blue-green: switching `activeSlot` is a one-line spec change that renders a one-line diff
//! (the selector of the Service that takes traffic).

use crate::support::k8s as k8s_support;

use k8s_support::fixture;
use nexus_render::OutputPlan;
use nexus_spec::Spec;

fn render(text: &str) -> OutputPlan {
    let spec = Spec::from_str("blue-green.yaml", text).expect("the fixture loads");
    k8s_support::render(&spec, "production")
}

/// Every line that differs between two renderings, as (path, line number, before, after).
fn diff(a: &OutputPlan, b: &OutputPlan) -> Vec<(String, usize, String, String)> {
    let paths_a: Vec<&str> = a.files().map(|(p, _)| p).collect();
    let paths_b: Vec<&str> = b.files().map(|(p, _)| p).collect();
    assert_eq!(paths_a, paths_b, "the same files");
    let mut out = Vec::new();
    for (path, bytes) in a.files() {
        let before = String::from_utf8_lossy(bytes).into_owned();
        let after = String::from_utf8_lossy(b.get(path).unwrap_or_default()).into_owned();
        let (lb, la): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
        assert_eq!(lb.len(), la.len(), "{path}: the same number of lines");
        for (i, (x, y)) in lb.iter().zip(&la).enumerate() {
            if x != y {
                out.push((path.to_owned(), i + 1, (*x).to_owned(), (*y).to_owned()));
            }
        }
    }
    out
}

fn assert_one_line_switch(before: &str, after: &str) {
    let d = diff(&render(before), &render(after));
    assert_eq!(d.len(), 1, "exactly one line changes: {d:#?}");
    let (path, line, old, new) = &d[0];
    assert_eq!(path, "50-services/shop.yaml");
    assert_eq!(old.trim(), "nexus.dev/slot: blue");
    assert_eq!(new.trim(), "nexus.dev/slot: green");
    // The line is in the selector of the Service `shop`, the one that takes traffic.
    let text = String::from_utf8_lossy(render(after).get(path).unwrap_or_default()).into_owned();
    let doc = text
        .split("---\n")
        .find(|d| d.contains("kind: Service\n") && d.contains("\n  name: shop\n"))
        .expect("the Service shop");
    assert!(doc.contains(&format!("  selector:\n    app.kubernetes.io/instance: bluegreen-production\n    app.kubernetes.io/name: shop\n{new}\n")));
    let start = text.find(doc).unwrap_or(0);
    let doc_first_line = text[..start].lines().count() + 1;
    assert!(*line >= doc_first_line && *line < doc_first_line + doc.lines().count());
}

/// The release flow: the green slot holds the new release; switching `activeSlot` moves
/// traffic to it and changes nothing else (each slot keeps its image), and switching back
/// restores every file byte for byte.
#[test]
fn switching_with_a_release_on_the_idle_slot_changes_one_line() {
    let blue = std::fs::read_to_string(fixture("blue-green.yaml")).expect("fixture");
    assert!(blue.contains("green: { image: registry.example.com/shop/web:2.2.0-rc.1 }"));
    let green = blue.replace("activeSlot: blue", "activeSlot: green");
    assert_ne!(blue, green);
    assert_one_line_switch(&blue, &green);
    let back = green.replace("activeSlot: green", "activeSlot: blue");
    assert!(diff(&render(&blue), &render(&back)).is_empty());
}

/// Without a slot image both slots run the service's image; switching flips the Service only.
#[test]
fn switching_without_a_slot_image_changes_one_line() {
    let blue = std::fs::read_to_string(fixture("blue-green.yaml"))
        .expect("fixture")
        .replace(
            ", green: { image: registry.example.com/shop/web:2.2.0-rc.1 }",
            "",
        );
    let green = blue.replace("activeSlot: blue", "activeSlot: green");
    assert_one_line_switch(&blue, &green);
}
