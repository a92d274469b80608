//! The rule file: its groups, each a list of rules made as it is written, and the file put
//! together from the groups both targets share and the Kubernetes target's own.

use serde::Serialize;

use nexus_spec::ir::{self, WorkloadKind};

use super::{
    Cluster, Rule, availability, backups, escalation, queue, scraped, service_health,
    through_exporter, volume,
};
use crate::error::RenderError;

#[derive(Serialize)]
struct File<'a> {
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    name: &'static str,
    rules: Rules<'a>,
}

/// A group's rules, made as they are written: a platform of 5,000 services has about
/// 20,000, whose model took about 60 MB beside their 25 MB of YAML. Each rule is
/// dropped once written. Making them again (the reference emitter writes a document the
/// fast one gives up on) gives the same rules: they are a function of the platform.
struct Rules<'a>(Box<dyn Fn() -> Box<dyn Iterator<Item = Rule> + 'a> + 'a>);

impl<'a> Rules<'a> {
    fn new<I: Iterator<Item = Rule> + 'a>(make: impl Fn() -> I + 'a) -> Self {
        Rules(Box::new(move || Box::new(make())))
    }

    fn is_empty(&self) -> bool {
        (self.0)().next().is_none()
    }
}

impl Serialize for Rules<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // As a `Vec` of the same rules serializes.
        serializer.collect_seq((self.0)())
    }
}

/// The rule file of `p`; `cluster` is the Kubernetes target's additions.
///
/// The groups that do not depend on the target are rendered once per environment when
/// both targets render it inside [`crate::shared::scope`], and the file is put together
/// from them: the same bytes as rendering every group as one document, since each group
/// is an item of the block list `groups` and written the same wherever it stands.
pub fn render(p: &ir::Platform, cluster: Option<&Cluster<'_>>) -> Result<String, RenderError> {
    let shared = match crate::shared::derived(p) {
        Some(d) => d.rules.take(|| Shared::of(p))?,
        None => std::sync::Arc::new(Shared::of(p)?),
    };
    let own = items(cluster.map(cluster_group).into_iter().collect(), 0)?;
    let pieces = [&shared.before, &own, &shared.after].map(|t| items_of(t));
    if pieces.iter().all(|p| p.is_empty()) {
        return crate::yaml::to_yaml(&File { groups: Vec::new() }, "Prometheus rules");
    }
    let mut out = String::with_capacity(HEAD.len() + pieces.iter().map(|p| p.len()).sum::<usize>());
    out.push_str(HEAD);
    for piece in pieces {
        out.push_str(piece);
    }
    Ok(out)
}

/// The rule groups both targets write alike, each set as a rule file of its own ([`items`]):
/// those before the Kubernetes target's own group, and the escalation rules after it.
pub(crate) struct Shared {
    before: String,
    after: String,
}

impl Shared {
    fn of(p: &ir::Platform) -> Result<Shared, RenderError> {
        Ok(Shared {
            before: items(
                groups_before(p),
                RULE_BYTES_PER_WORKLOAD * p.workloads.len(),
            )?,
            after: items(group_after(p).into_iter().collect(), 0)?,
        })
    }
}

/// Room for the rules of one workload, generously: the synthetic platform's 5,000 services
/// make 13 MB of rules, about 2.6 KB each (see [`crate::yaml::to_yaml_sized`]).
const RULE_BYTES_PER_WORKLOAD: usize = 8 * 1024;

/// The groups before the Kubernetes target's own.
fn groups_before(p: &ir::Platform) -> Vec<Group<'_>> {
    let interval = p.scrape_interval_seconds;
    let scraped = move || p.workloads.iter().filter(|w| scraped(w));
    vec![
        Group {
            name: "nexus-availability",
            // Prometheus cannot report its own absence: that needs a watchdog outside it.
            rules: Rules::new(move || {
                scraped()
                    .filter(|w| w.kind != WorkloadKind::Prometheus)
                    .flat_map(move |w| availability(w, interval))
            }),
        },
        Group {
            name: "nexus-services",
            rules: Rules::new(move || {
                scraped()
                    .filter(|w| w.kind == WorkloadKind::Service)
                    .flat_map(service_health)
            }),
        },
        Group {
            name: "nexus-engines",
            rules: Rules::new(move || p.workloads.iter().flat_map(move |x| through_exporter(p, x))),
        },
        Group {
            name: "nexus-saturation",
            rules: Rules::new(move || {
                p.workloads
                    .iter()
                    .filter_map(move |w| volume(p, w))
                    .chain(scraped().filter_map(queue))
            }),
        },
    ]
}

/// The Kubernetes target's own group.
fn cluster_group<'a>(c: &'a Cluster<'a>) -> Group<'a> {
    Group {
        name: "nexus-data-protection",
        rules: Rules::new(move || backups(c).into_iter()),
    }
}

/// The group after the Kubernetes target's own.
fn group_after(p: &ir::Platform) -> Option<Group<'_>> {
    p.alerting.as_ref().map(|a| Group {
        name: "nexus-escalation",
        rules: Rules::new(move || escalation(a).into_iter()),
    })
}

/// What a rule file starts with when it has groups.
const HEAD: &str = "groups:\n";

/// `groups` without the empty ones, written as a rule file of their own (its
/// [`HEAD`] and [`items_of`] it); empty when none has a rule.
fn items(mut groups: Vec<Group<'_>>, capacity: usize) -> Result<String, RenderError> {
    groups.retain(|g| !g.rules.is_empty());
    if groups.is_empty() {
        return Ok(String::new());
    }
    let text =
        crate::yaml::to_yaml_sized(&File { groups }, "Prometheus rules", capacity.max(1024))?;
    if !text.starts_with(HEAD) {
        return Err(RenderError::Unrenderable(
            "the rule file's groups were not written as a block list".into(),
        ));
    }
    Ok(text)
}

/// The items of the `groups` list of a text made by [`items`] (its [`HEAD`] left out; the
/// text is kept whole rather than shifted, at 13 MB).
fn items_of(text: &str) -> &str {
    text.get(HEAD.len()..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every group written as one document, as the rule file was before it was put
    /// together from shared pieces.
    fn whole(p: &ir::Platform, cluster: Option<&Cluster<'_>>) -> String {
        let mut groups = groups_before(p);
        groups.extend(cluster.map(cluster_group));
        groups.extend(group_after(p));
        groups.retain(|g| !g.rules.is_empty());
        crate::yaml::to_yaml(&File { groups }, "Prometheus rules").unwrap()
    }

    #[test]
    fn the_file_put_together_is_the_file_written_whole() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/nexus.yaml");
        let spec = nexus_spec::Spec::from_path(&path).unwrap();
        let mut platforms: Vec<ir::Platform> = spec
            .environments()
            .iter()
            .map(|env| spec.resolve(env).unwrap())
            .collect();
        // Without Prometheus or alerting: no group at all.
        platforms.push(crate::k8s::testing::platform());
        for p in &platforms {
            let cluster = Cluster {
                namespace: &p.namespace.value,
                backed_up: p
                    .workloads
                    .iter()
                    .filter(|w| crate::k8s::backup::rendered(p, w))
                    .collect(),
                certificates: vec!["edge-tls".into()],
            };
            for c in [None, Some(&cluster)] {
                let expected = whole(p, c);
                assert_eq!(render(p, c).unwrap(), expected, "{}", p.environment.value);
                // Inside a shared scope, the first taker makes the pieces and the second
                // takes them.
                let (first, second) =
                    crate::shared::scope(p, || (render(p, c).unwrap(), render(p, c).unwrap()));
                assert_eq!((first.as_str(), second.as_str()), (&*expected, &*expected));
            }
        }
        assert!(whole(&platforms[0], None).contains("- name: nexus-escalation"));
    }
}
