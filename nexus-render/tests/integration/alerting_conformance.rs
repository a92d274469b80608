//! Conformance of the alerting nexus renders: Prometheus' own `promtool` accepts every
//! environment's configuration and derived rules, Alertmanager's `amtool` its configuration,
//! for both targets; and `promtool test rules` runs the derived rules on synthetic series:
//! the backup-age alert fires when the last successful backup is older than the recovery
//! point and stays quiet while backups are fresh, and an unresolved alert escalates.
//! See docs/conformance.md.

use crate::support::alerting as alerting_support;

use alerting_support::{check, render_all, tools};
use nexus_render::alerts::rules::{BACKUP_TOO_OLD, ESCALATED, backup_age_limit};

#[test]
fn promtool_and_amtool_accept_every_environment() {
    let test = "alerting_check";
    let (Some(promtool), Some(amtool)) = (
        tools::find(test, "NEXUS_PROMTOOL", "promtool"),
        tools::find(test, "NEXUS_AMTOOL", "amtool"),
    ) else {
        return;
    };
    let rendered = render_all(test);
    assert_eq!(rendered.len(), 4, "two environments, two targets");
    for r in &rendered {
        let out = check(
            &promtool,
            &r.dir,
            &["check", "config", "prometheus/prometheus.yml"],
            &r.name,
        );
        assert!(out.contains("1 rule files found"), "{}: {out}", r.name);
        let out = check(
            &promtool,
            &r.dir,
            &["check", "rules", "prometheus/rules.yml"],
            &r.name,
        );
        assert!(out.contains("SUCCESS"), "{}: {out}", r.name);
        let out = check(
            &amtool,
            &r.dir,
            &["check-config", "alertmanager/alertmanager.yml"],
            &r.name,
        );
        assert!(out.contains("2 receivers"), "{}: {out}", r.name);
    }
}

/// An annotation of the rule `alert` (of `workload`) in a rendered rule file.
fn annotation(rules: &str, alert: &str, workload: &str, key: &str) -> String {
    let v: serde_json::Value = serde_saphyr::from_str(rules).expect("rules parse");
    for g in v["groups"].as_array().expect("groups") {
        for r in g["rules"].as_array().expect("rules") {
            if r["alert"] == alert && r["labels"]["workload"].as_str().unwrap_or("") == workload {
                return r["annotations"][key]
                    .as_str()
                    .expect("annotation")
                    .to_owned();
            }
        }
    }
    panic!("no rule {alert} for {workload}");
}

/// YAML double-quoted string.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string")
}

#[test]
fn backup_age_alert_fires_past_the_recovery_point_only() {
    let test = "alerting_backup_age";
    let Some(promtool) = tools::find(test, "NEXUS_PROMTOOL", "promtool") else {
        return;
    };
    let rendered = render_all(test);
    let r = rendered
        .iter()
        .find(|r| r.name == "spec-production-k8s")
        .expect("production k8s");
    let (_, production) = alerting_support::platforms()
        .into_iter()
        .find(|(env, _)| env == "production")
        .expect("production");
    let postgres = production.workload("postgres").expect("postgres");
    let limit = backup_age_limit(postgres.backup.as_ref().expect("postgres backups"));
    // Hourly incremental backups: a recovery point of an hour, plus half for the run.
    assert_eq!(limit, 90 * 60);
    let limit_minutes = limit / 60;
    let rules = std::fs::read_to_string(r.dir.join("prometheus/rules.yml")).expect("rules");
    let summary = annotation(&rules, BACKUP_TOO_OLD, "postgres", "summary");
    let runbook = annotation(&rules, BACKUP_TOO_OLD, "postgres", "runbook");
    let ns = &production.namespace.value;
    let series = |values: &str| {
        format!(
            "      - series: 'kube_cronjob_status_last_successful_time{{namespace=\"{ns}\",cronjob=\"postgres-backup-incremental\"}}'\n        values: '{values}'\n"
        )
    };
    let fired = format!(
        "        exp_alerts:\n          - exp_labels: {{ severity: critical, workload: postgres }}\n            exp_annotations:\n              summary: {}\n              runbook: {}\n",
        quoted(&summary),
        quoted(&runbook)
    );
    // Case 1: one backup at t=0 and none after; the alert is quiet up to the limit and
    // fires past it. Case 2: a backup every hour; still quiet long after the limit.
    let steps = limit_minutes + 60;
    let tests = format!(
        "rule_files: [prometheus/rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n{stale}    alert_rule_test:\n      - eval_time: {before}m\n        alertname: {BACKUP_TOO_OLD}\n        exp_alerts: []\n      - eval_time: {after}m\n        alertname: {BACKUP_TOO_OLD}\n{fired}  - interval: 1m\n    input_series:\n{fresh}    alert_rule_test:\n      - eval_time: {late}m\n        alertname: {BACKUP_TOO_OLD}\n        exp_alerts: []\n",
        stale = series(&format!("0+0x{steps}")),
        before = limit_minutes - 1,
        after = limit_minutes + 2,
        fresh = series(&format!(
            "0+0x59 3600+0x59 7200+0x59 10800+0x59 {}+0x59",
            4 * 3600
        )),
        late = 4 * 60 + 30,
    );
    std::fs::write(r.dir.join("backup-age.test.yml"), &tests).expect("write");
    let out = check(
        &promtool,
        &r.dir,
        &["test", "rules", "backup-age.test.yml"],
        &r.name,
    );
    assert!(out.contains("SUCCESS"), "{out}\n{tests}");

    // The same file with the stale case expecting silence must fail: the test can fail.
    let wrong = tests.replacen(&fired, "        exp_alerts: []\n", 1);
    assert_ne!(wrong, tests);
    std::fs::write(r.dir.join("wrong.test.yml"), &wrong).expect("write");
    let (ok, _) = tools::run(
        std::process::Command::new(&promtool)
            .args(["test", "rules", "wrong.test.yml"])
            .current_dir(&r.dir),
    );
    assert!(
        !ok,
        "promtool accepted a silent backup-age alert past the limit"
    );
}

#[test]
fn an_unresolved_high_alert_escalates_to_critical() {
    let test = "alerting_escalation";
    let Some(promtool) = tools::find(test, "NEXUS_PROMTOOL", "promtool") else {
        return;
    };
    let rendered = render_all(test);
    let r = rendered
        .iter()
        .find(|r| r.name == "spec-production-compose")
        .expect("production compose");
    // One backend replica fails its scrapes: WorkloadNotReady (high) fires after 5m, and
    // the high route escalates after 30m. Every other scraped job answers.
    let rules = std::fs::read_to_string(r.dir.join("prometheus/rules.yml")).expect("rules");
    let mut healthy = String::new();
    for line in rules.lines() {
        if let Some(rest) = line.trim().strip_prefix("expr: absent(up{job=\"")
            && let Some(job) = rest.split('"').next()
            && job != "backend"
        {
            healthy.push_str(&format!(
                "      - series: 'up{{job=\"{job}\",instance=\"x:1\"}}'\n        values: '1+0x60'\n"
            ));
        }
    }
    assert!(healthy.contains("postgres-exporter"), "{rules}");
    let tests = format!(
        "rule_files: [prometheus/rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'up{{job=\"backend\",instance=\"a:8000\"}}'\n        values: '0+0x60'\n      - series: 'up{{job=\"backend\",instance=\"b:8000\"}}'\n        values: '1+0x60'\n{healthy}    alert_rule_test:\n      - eval_time: 20m\n        alertname: {ESCALATED}\n        exp_alerts: []\n      - eval_time: 40m\n        alertname: {ESCALATED}\n        exp_alerts:\n          - exp_labels: {{ severity: critical, escalated_from: high, escalated_alert: WorkloadNotReady, workload: backend, job: backend, instance: \"a:8000\" }}\n            exp_annotations:\n              summary: WorkloadNotReady (high) has fired for 30m without being resolved.\n              runbook: {}\n",
        quoted(&annotation(
            &std::fs::read_to_string(r.dir.join("prometheus/rules.yml")).expect("rules"),
            ESCALATED,
            "",
            "runbook"
        ))
    );
    std::fs::write(r.dir.join("escalation.test.yml"), &tests).expect("write");
    let out = check(
        &promtool,
        &r.dir,
        &["test", "rules", "escalation.test.yml"],
        &r.name,
    );
    assert!(out.contains("SUCCESS"), "{out}\n{tests}");
}
