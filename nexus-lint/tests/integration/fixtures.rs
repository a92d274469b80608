//! Every rule has a spec that makes it fire and one that does not:
//! `tests/fixtures/lint/<RULE>/{fail,pass}.yaml`, with an optional `nexus-policy.yaml` beside
//! them. Fixtures are complete, valid specs (`tests/fixtures/lint/base.yaml` with one change,
//! see the folder's README); all are linted as of a fixed date.

use std::path::{Path, PathBuf};

use nexus_lint::{Date, LintOptions, Linter, Policy, Report, rules};
use nexus_spec::Spec;
use nexus_spec::ir::Platform;

const TODAY: &str = "2026-06-01";

/// A change made to a resolved platform.
type Change = fn(&mut Platform);

/// Rules whose failing case spec validation already rejects: their failing case is the
/// passing spec, resolved, then changed in memory the way a library caller could.
const IR_ONLY: &[(&str, Change)] = &[
    ("NX-RES-005", |p| {
        let web = p
            .workloads
            .iter_mut()
            .find(|w| w.name.value == "web")
            .expect("web");
        let request = web.resources.memory_request.clone().expect("request");
        let mut limit = web.resources.memory_limit.clone().expect("limit");
        limit.value = nexus_spec::values::Quantity::parse("128Mi").unwrap();
        assert!(limit.value < request.value);
        web.resources.memory_limit = Some(limit);
    }),
    ("NX-SEC-003", |p| {
        p.secrets.retain(|s| s.name.value != "cache-password")
    }),
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

fn policy(rule_dir: &Path) -> Policy {
    let path = rule_dir.join("nexus-policy.yaml");
    if path.exists() {
        nexus_lint::policy::load(&path)
            .unwrap_or_else(|d| panic!("{}: invalid policy: {:?}", path.display(), d))
    } else {
        Policy::default()
    }
}

fn messages(d: &nexus_spec::Diagnostics) -> String {
    d.iter()
        .map(|d| format!("{} {}", d.location().unwrap_or_default(), d.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every environment of a fixture, resolved; panics with the spec's problems if it is not
/// a valid spec.
fn platforms(path: &Path) -> Vec<Platform> {
    let spec = Spec::from_path(path)
        .unwrap_or_else(|d| panic!("{}: does not load: {}", path.display(), messages(&d)));
    let problems = spec.validate();
    assert!(
        !problems.has_errors(),
        "{}: not a valid spec: {}",
        path.display(),
        messages(&problems)
    );
    spec.resolve_all()
        .unwrap_or_else(|d| panic!("{}: does not resolve: {}", path.display(), messages(&d)))
}

fn lint(platforms: &[Platform], policy: &Policy) -> Report {
    let mut linter = Linter::new(
        policy,
        LintOptions {
            today: TODAY.parse::<Date>().unwrap(),
        },
    );
    for p in platforms {
        linter.check(p);
    }
    linter.finish()
}

fn fired(report: &Report, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule && !f.is_waived())
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn every_rule_has_fixtures_and_every_fixture_a_rule() {
    let mut missing = Vec::new();
    for r in rules::all() {
        let d = dir().join(r.id);
        let ir_only = IR_ONLY.iter().any(|(id, _)| *id == r.id);
        if !d.join("pass.yaml").is_file() || (!ir_only && !d.join("fail.yaml").is_file()) {
            missing.push(r.id);
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "README.md" && name != "base.yaml" {
            assert!(
                rules::find(&name).is_some(),
                "fixture folder `{name}` names no rule"
            );
        }
    }
}

#[test]
fn failing_fixtures_fire_their_rule() {
    let mut wrong = Vec::new();
    for r in rules::all() {
        let d = dir().join(r.id);
        let policy = policy(&d);
        let report = match IR_ONLY.iter().find(|(id, _)| *id == r.id) {
            Some((_, change)) => {
                let mut ps = platforms(&d.join("pass.yaml"));
                ps.iter_mut().for_each(change);
                lint(&ps, &policy)
            }
            None => lint(&platforms(&d.join("fail.yaml")), &policy),
        };
        if fired(&report, r.id).is_empty() {
            wrong.push(r.id);
        }
    }
    assert!(
        wrong.is_empty(),
        "failing fixtures that do not fire their rule: {wrong:?}"
    );
}

#[test]
fn passing_fixtures_do_not_fire_their_rule() {
    let mut wrong = Vec::new();
    for r in rules::all() {
        let d = dir().join(r.id);
        let report = lint(&platforms(&d.join("pass.yaml")), &policy(&d));
        let hits = fired(&report, r.id);
        if !hits.is_empty() {
            wrong.push(format!("{}: {}", r.id, hits.join("; ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "passing fixtures that fire their rule:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_base_fires_no_warning() {
    let report = lint(&platforms(&dir().join("base.yaml")), &Policy::default());
    let loud: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity > nexus_spec::Severity::Info)
        .map(|f| format!("{} {}", f.rule.id, f.message))
        .collect();
    assert!(loud.is_empty(), "the fixture base must be clean: {loud:?}");
}
