//! `alertmanager.yml`: one route per severity (its receiver, grouping and repeat interval),
//! the receivers with their credentials read from secret files (never a URL or key in the
//! file), and an inhibition: while a workload is down, its other alerts stay quiet.

use serde::Serialize;

use nexus_spec::ir;
use nexus_spec::model::ReceiverKind;

use super::duration;
use crate::error::RenderError;

#[derive(Serialize)]
struct Config {
    route: Route,
    inhibit_rules: Vec<Inhibit>,
    receivers: Vec<Receiver>,
}

#[derive(Serialize)]
struct Route {
    receiver: String,
    group_by: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matchers: Vec<String>,
    group_wait: String,
    group_interval: String,
    repeat_interval: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<Route>,
}

#[derive(Serialize)]
struct Inhibit {
    source_matchers: Vec<String>,
    target_matchers: Vec<String>,
    equal: Vec<&'static str>,
}

#[derive(Serialize)]
struct Receiver {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    slack_configs: Vec<Slack>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pagerduty_configs: Vec<Pagerduty>,
}

#[derive(Serialize)]
struct Slack {
    api_url_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    send_resolved: bool,
    title: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct Pagerduty {
    routing_key_file: String,
    send_resolved: bool,
    severity: &'static str,
    description: &'static str,
}

/// Labels alerts are grouped by: one notification per alert and workload.
const GROUP_BY: [&str; 2] = ["alertname", "workload"];

fn route(r: &ir::SeverityRoute, matchers: Vec<String>) -> Route {
    Route {
        receiver: r.receiver.value.clone(),
        group_by: GROUP_BY.to_vec(),
        matchers,
        group_wait: duration(r.group_wait_seconds),
        group_interval: duration(r.group_interval_seconds),
        repeat_interval: duration(r.repeat_interval_seconds),
        routes: Vec::new(),
    }
}

fn receiver(r: &ir::Receiver) -> Receiver {
    let mut out = Receiver {
        name: r.name.value.clone(),
        slack_configs: Vec::new(),
        pagerduty_configs: Vec::new(),
    };
    match r.kind {
        ReceiverKind::Slack => out.slack_configs.push(Slack {
            api_url_file: r.secret_path.clone(),
            channel: r.channel.clone(),
            send_resolved: true,
            title: "[{{ .CommonLabels.severity }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.workload }}",
            text: "{{ range .Alerts }}{{ .Annotations.summary }}\nRunbook: {{ .Annotations.runbook }}\n{{ end }}",
        }),
        ReceiverKind::Pagerduty => out.pagerduty_configs.push(Pagerduty {
            routing_key_file: r.secret_path.clone(),
            send_resolved: true,
            severity: "{{ if eq .CommonLabels.severity \"low\" }}info{{ else if eq .CommonLabels.severity \"medium\" }}warning{{ else if eq .CommonLabels.severity \"high\" }}error{{ else }}critical{{ end }}",
            description: "{{ .CommonAnnotations.summary }}",
        }),
    }
    out
}

/// The configuration file. The top route is the critical one's (an alert without a
/// severity is treated as critical rather than dropped); each severity then has its route.
pub fn render(a: &ir::Alerting) -> Result<String, RenderError> {
    let Some(top) = a.routes.first() else {
        return Err(RenderError::Unrenderable(
            "Alertmanager has no route".to_owned(),
        ));
    };
    let mut root = route(top, Vec::new());
    root.routes = a
        .routes
        .iter()
        .map(|r| route(r, vec![format!("severity=\"{}\"", r.severity.as_str())]))
        .collect();
    let config = Config {
        route: root,
        inhibit_rules: vec![Inhibit {
            source_matchers: vec![format!("alertname=\"{}\"", super::rules::DOWN)],
            target_matchers: vec![format!("alertname!=\"{}\"", super::rules::DOWN)],
            equal: vec!["workload"],
        }],
        receivers: a.receivers.iter().map(receiver).collect(),
    };
    crate::yaml::to_yaml(&config, "Alertmanager configuration")
}
