//! Images: what runs, and where it comes from.

use nexus_spec::Severity::{Error, Warning};

use crate::rule::{Compliance, Group, Rule};

use super::images;

pub(super) static RULES: &[&Rule] = &[&LATEST, &NOT_PINNED, &REGISTRY, &DEPRECATED_REGISTRY];

fn what(t: &crate::finding::Subject) -> String {
    match &t.container {
        Some(c) => format!("the {c} image of `{}`", t.object),
        None => format!("the image of `{}`", t.object),
    }
}

pub(super) static LATEST: Rule = Rule {
    id: "NX-IMG-001",
    group: Group::Images,
    title: "Image tag is `latest` or missing",
    severity: Warning,
    enabled: true,
    rationale: "`latest` (or no tag, which means `latest`) names whatever was pushed last: two nodes may run different code, and a rollback has nothing to roll back to.",
    fix: "Use an explicit version tag (`:1.4.0`), or a digest.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for (t, image) in images(p) {
            let i = &image.value;
            if i.digest.is_some() {
                continue;
            }
            match i.tag.as_deref() {
                None => {
                    out.add(&t, image.span, format!("{} `{i}` has no tag", what(&t)))
                        .label("no tag");
                }
                Some("latest") => {
                    out.add(
                        &t,
                        image.span,
                        format!("{} `{i}` uses the `latest` tag", what(&t)),
                    )
                    .label("latest");
                }
                Some(_) => {}
            }
        }
    },
};

pub(super) static NOT_PINNED: Rule = Rule {
    id: "NX-IMG-002",
    group: Group::Images,
    title: "Image not pinned by digest",
    severity: Warning,
    enabled: false,
    rationale: "A tag can be moved to other content by anyone who can push to the registry; only a digest names exactly the bytes that were reviewed. Off by default: turn it on in the policy where supply-chain rules require digests.",
    fix: "Append the digest to the reference (`image:1.4.0@sha256:...`).",
    compliance: Compliance {
        cis: &["5.5.1"],
        nsa: &[],
        pss: None,
        soc2: &[],
    },
    check: |_, p, out| {
        for (t, image) in images(p) {
            if image.value.digest.is_none() {
                out.add(
                    &t,
                    image.span,
                    format!("{} `{}` is not pinned by digest", what(&t), image.value),
                )
                .label("no @sha256 digest");
            }
        }
    },
};

fn allowed(registry: &str, list: &[String]) -> bool {
    list.iter().any(|a| match a.strip_prefix("*.") {
        Some(domain) => registry
            .strip_suffix(domain)
            .is_some_and(|head| head.ends_with('.')),
        None => a == registry,
    })
}

pub(super) static REGISTRY: Rule = Rule {
    id: "NX-IMG-003",
    group: Group::Images,
    title: "Image registry not on the allow-list",
    severity: Error,
    enabled: true,
    rationale: "Images from registries the organisation does not control or mirror escape its scanning and signing, and can change or vanish without notice.",
    fix: "Pull the image through an allowed registry (a mirror), or add the registry to `images.allowedRegistries` in the policy.",
    compliance: Compliance {
        cis: &["5.5.1"],
        nsa: &[],
        pss: None,
        soc2: &[],
    },
    check: |ctx, p, out| {
        let list = &ctx.policy.images.allowed_registries;
        if list.is_empty() {
            return;
        }
        for (t, image) in images(p) {
            let registry = image.value.registry_or_default();
            if !allowed(registry, list) {
                out.add(
                    &t,
                    image.span,
                    format!(
                        "{} comes from `{registry}`, which the policy does not allow",
                        what(&t)
                    ),
                )
                .label(format!("registry `{registry}`"));
            }
        }
    },
};

pub(super) static DEPRECATED_REGISTRY: Rule = Rule {
    id: "NX-IMG-004",
    group: Group::Images,
    title: "Image from a frozen registry",
    severity: Warning,
    enabled: true,
    rationale: "`k8s.gcr.io` was frozen in 2023 and receives no new images or fixes; images pulled from it never get security updates.",
    fix: "Use `registry.k8s.io` instead of `k8s.gcr.io`.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        for (t, image) in images(p) {
            if image.value.registry.as_deref() == Some("k8s.gcr.io") {
                out.add(
                    &t,
                    image.span,
                    format!("{} comes from the frozen registry `k8s.gcr.io`", what(&t)),
                )
                .label("frozen registry");
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn registry_patterns() {
        let list = vec!["docker.io".to_owned(), "*.example.com".to_owned()];
        assert!(allowed("docker.io", &list));
        assert!(allowed("registry.example.com", &list));
        assert!(!allowed("example.com", &list));
        assert!(!allowed("evilexample.com", &list));
        assert!(!allowed("quay.io", &list));
    }
}
