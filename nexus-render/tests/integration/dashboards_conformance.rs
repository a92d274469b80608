//! Grafana dashboards: every environment of `specs/nexus.yaml`, both targets, provisions a
//! platform overview and one dashboard per engine kind with metrics; every panel's query is
//! PromQL that Prometheus' own parser accepts (`promtool check rules` on the queries as
//! recording rules), and every job a query names is a job Prometheus scrapes.

use crate::support::alerting as alerting_support;

use alerting_support::{check, render_all, tools};
use serde_json::Value;

/// The dashboards folder of a rendered target.
fn dashboards(dir: &std::path::Path, k8s: bool) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let folder = if k8s {
        dir.join("grafana-dashboards")
    } else {
        dir.join("grafana/dashboards")
    };
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("read");
        let v: Value = serde_json::from_str(&text).expect("dashboard JSON");
        out.push((
            path.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            v,
        ));
    }
    out
}

#[test]
fn dashboards_query_valid_promql_over_scraped_jobs() {
    let test = "dashboards";
    let Some(promtool) = tools::find(test, "NEXUS_PROMTOOL", "promtool") else {
        return;
    };
    for r in render_all(test) {
        let k8s = r.name.ends_with("-k8s");
        let boards = dashboards(&r.dir, k8s);
        let names: Vec<&str> = boards.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "elasticsearch.json",
                "minio.json",
                "platform.json",
                "postgres.json",
                "rabbitmq.json",
                "redis.json"
            ],
            "{}",
            r.name
        );
        let config = std::fs::read_to_string(r.dir.join("prometheus/prometheus.yml"))
            .expect("prometheus.yml");
        let mut rules = String::from("groups:\n  - name: dashboards\n    rules:\n");
        let mut n = 0;
        for (file, d) in &boards {
            assert_eq!(d["uid"].as_str().map(str::is_empty), Some(false), "{file}");
            for panel in d["panels"].as_array().expect("panels") {
                assert_eq!(panel["datasource"]["uid"], "prometheus", "{file}");
                for t in panel["targets"].as_array().expect("targets") {
                    let expr = t["expr"].as_str().expect("expr");
                    n += 1;
                    rules.push_str(&format!(
                        "      - record: dashboard:query:{n}\n        expr: {}\n",
                        serde_json::to_string(expr).expect("quoted")
                    ));
                    // Every job named is scraped.
                    for part in expr
                        .split("job=~\"")
                        .skip(1)
                        .chain(expr.split("job=\"").skip(1))
                    {
                        let jobs = part.split('"').next().expect("closing quote");
                        for job in jobs.split('|') {
                            assert!(
                                config.contains(&format!("job_name: {job}\n")),
                                "{}: {file} queries job {job}, which Prometheus does not scrape",
                                r.name
                            );
                        }
                    }
                }
            }
        }
        assert!(n > 20, "{}: only {n} queries", r.name);
        std::fs::write(r.dir.join("dashboard-queries.yml"), &rules).expect("write");
        let out = check(
            &promtool,
            &r.dir,
            &["check", "rules", "dashboard-queries.yml"],
            &r.name,
        );
        assert!(
            out.contains(&format!("{n} rules found")),
            "{}: {out}",
            r.name
        );
    }
}
