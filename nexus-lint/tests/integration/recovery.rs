//! NX-AVL-020 (and NX-AVL-008, the policy's RPO) on the real NEXUS spec (issue 13): its declared RPO of one hour holds, and the
//! rule reports an error at the schedule's line when PostgreSQL's WAL archiving is switched
//! off or a schedule is stretched past the RPO.

use nexus_lint::{Date, LintOptions, Linter, Policy, Report};
use nexus_spec::Spec;

const NEXUS: &str = include_str!("../../../specs/nexus.yaml");

fn lint(text: &str) -> Report {
    let spec = Spec::from_str("nexus.yaml", text).unwrap_or_else(|d| panic!("{d:?}"));
    let policy = Policy::default();
    let mut linter = Linter::new(
        &policy,
        LintOptions {
            today: "2026-06-01".parse::<Date>().unwrap(),
        },
    );
    for p in spec.resolve_all().unwrap() {
        linter.check(&p);
    }
    linter.finish()
}

/// (object, line, message) of every NX-AVL-020 finding.
fn misses(r: &Report) -> Vec<(String, u32, String)> {
    findings_of(r, "NX-AVL-020")
}

/// (object, line, message) of every finding of one rule.
fn findings_of(r: &Report, rule: &str) -> Vec<(String, u32, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| (f.object.clone(), f.span.line, f.message.clone()))
        .collect()
}

/// The 1-based line of the first line holding `needle` after the line holding `after`.
fn line_of(text: &str, after: &str, needle: &str) -> u32 {
    let start = text.find(after).expect("anchor");
    let offset = start + text[start..].find(needle).expect("needle");
    (text[..offset].matches('\n').count() + 1) as u32
}

/// Replaces the one occurrence of `from` in the spec.
fn changed(from: &str, to: &str) -> String {
    assert_eq!(NEXUS.matches(from).count(), 1, "{from}");
    NEXUS.replace(from, to)
}

#[test]
fn the_nexus_spec_meets_its_recovery_point() {
    assert!(NEXUS.contains("rpo: 1h") && NEXUS.contains("rto: 4h"));
    assert_eq!(misses(&lint(NEXUS)), []);
}

#[test]
fn archiving_switched_off_is_an_error_at_the_schedule() {
    let pg = "      engine: postgres\n";
    let text = changed(
        "        rpo: 1h\n        rto: 4h\n    redis:",
        "        continuous: false\n        rpo: 1h\n        rto: 4h\n    redis:",
    );
    let found = misses(&lint(&text));
    let line = line_of(&text, pg, "incremental: \"0 * * * *\"");
    assert!(!found.is_empty());
    for (object, at, message) in &found {
        assert_eq!((object.as_str(), *at), ("postgres", line), "{message}");
        assert!(message.contains("up to 1h1m"), "{message}");
    }
    let r = lint(&text);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule.id == "NX-AVL-020" && f.severity == nexus_spec::Severity::Error)
    );
}

#[test]
fn a_stretched_schedule_is_an_error_at_its_line() {
    // Redis has no archive: its schedules are its recovery point. Dropping the half-hourly
    // snapshots leaves the daily one.
    let text = changed(
        "        incremental: \"0,30 * * * *\"\n        full: \"45 2 * * *\"\n",
        "        full: \"45 2 * * *\"\n",
    );
    let found = misses(&lint(&text));
    let line = line_of(&text, "      engine: redis\n", "full: \"45 2 * * *\"");
    assert!(!found.is_empty());
    for (object, at, message) in &found {
        assert_eq!((object.as_str(), *at), ("redis", line), "{message}");
        assert!(message.contains("up to 1d1m"), "{message}");
    }
    // Hourly snapshots are a minute short: the snapshot's own time is lost too.
    let hourly = changed(
        "\"0,30 * * * *\"\n        full: \"45 2 * * *\"",
        "\"30 * * * *\"\n        full: \"45 2 * * *\"",
    );
    assert_eq!(
        misses(&lint(&hourly)).len(),
        1,
        "one finding for both environments"
    );
}

#[test]
fn with_archiving_the_full_schedule_bounds_replay_not_the_recovery_point() {
    let text = changed(
        "        incremental: \"0 * * * *\"\n        full: \"0 2 * * *\"\n        retention: { incremental: 48, full: 30 }\n        destinations: [minio, offsite]\n        rpo: 1h",
        "        full: \"0 2 * * 0\"\n        retention: { incremental: 48, full: 30 }\n        destinations: [minio, offsite]\n        rpo: 1h",
    );
    assert_eq!(misses(&lint(&text)), []);
    let tight = changed(
        "        rpo: 1h\n        rto: 4h\n    redis:",
        "        rpo: 1m\n        rto: 4h\n    redis:",
    );
    let found = misses(&lint(&tight));
    assert!(
        found
            .iter()
            .all(|(o, _, m)| o == "postgres" && m.contains("1m30s")),
        "{found:?}"
    );
    assert!(!found.is_empty());
}

/// The NEXUS spec without its declared `rpo`s, so the policy's (one day) judges them.
fn without_rpos() -> String {
    NEXUS.replace("        rpo: 1h\n", "")
}

#[test]
fn the_policy_rpo_counts_archiving_like_the_declared_one() {
    // PostgreSQL with WAL archiving and a weekly full backup: minutes of loss, not a week.
    let text = without_rpos().replace(
        "        incremental: \"0 * * * *\"\n        full: \"0 2 * * *\"\n        retention: { incremental: 48, full: 30 }\n        destinations: [minio, offsite]\n",
        "        full: \"0 2 * * 0\"\n        retention: { incremental: 48, full: 30 }\n        destinations: [minio, offsite]\n",
    );
    assert!(text.contains("full: \"0 2 * * 0\""));
    let r = lint(&text);
    assert_eq!(findings_of(&r, "NX-AVL-008"), []);
    assert_eq!(misses(&r), []);

    // The same schedule with archiving off loses a week: the policy's finding, at the schedule.
    let off = text.replace(
        "        full: \"0 2 * * 0\"\n",
        "        full: \"0 2 * * 0\"\n        continuous: false\n",
    );
    let found = findings_of(&lint(&off), "NX-AVL-008");
    let line = line_of(&off, "      engine: postgres\n", "full: \"0 2 * * 0\"");
    assert!(!found.is_empty());
    for (object, at, message) in &found {
        assert_eq!((object.as_str(), *at), ("postgres", line), "{message}");
        assert!(
            message.contains("up to 7d1m") && message.contains("is 1d"),
            "{message}"
        );
    }
}

#[test]
fn one_cause_gives_one_finding() {
    // A declared rpo the schedules cannot keep is NX-AVL-020's error only.
    let text = changed(
        "        incremental: \"0,30 * * * *\"\n        full: \"45 2 * * *\"\n",
        "        full: \"45 2 * * *\"\n",
    );
    let r = lint(&text);
    assert!(!misses(&r).is_empty());
    assert_eq!(findings_of(&r, "NX-AVL-008"), []);

    // A declared rpo looser than the policy's is NX-AVL-008's, at the rpo, even when the
    // backups would keep it.
    let loose = changed(
        "        rpo: 1h\n        rto: 4h\n    redis:",
        "        rpo: 2d\n        rto: 4h\n    redis:",
    );
    let found = findings_of(&lint(&loose), "NX-AVL-008");
    let line = line_of(&loose, "      engine: postgres\n", "rpo: 2d");
    assert!(!found.is_empty());
    for (object, at, message) in &found {
        assert_eq!((object.as_str(), *at), ("postgres", line), "{message}");
        assert!(
            message.contains("2d") && message.contains("allows 1d"),
            "{message}"
        );
    }
    assert_eq!(misses(&lint(&loose)), []);
}

#[test]
fn elasticsearch_snapshots_are_judged_by_their_schedules() {
    // Elasticsearch takes its own snapshots on the spec's schedules: hourly ones are a
    // minute short of the hour, as for a dump.
    let es = "      engine: elasticsearch\n";
    let text = changed(
        "        incremental: \"0,30 * * * *\"\n        full: \"30 2 * * *\"",
        "        incremental: \"0 * * * *\"\n        full: \"30 2 * * *\"",
    );
    let found = misses(&lint(&text));
    let line = line_of(&text, es, "incremental: \"0 * * * *\"");
    assert!(!found.is_empty());
    for (object, at, message) in &found {
        assert_eq!((object.as_str(), *at), ("elasticsearch", line), "{message}");
        assert!(message.contains("up to 1h1m"), "{message}");
    }
}
