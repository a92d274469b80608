//! Injection: no spec value can name a variable, add a key or change the structure of
//! `compose.yaml`. Hostile text goes straight into the IR; Compose's own loader reads the
//! result back, with a variable `EVIL` set, and every value must come back as written.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::{env, platform, s, text, tools};
use nexus_spec::ir::{Platform, Template};

const HOSTILE: &[&str] = &[
    "${EVIL}",
    "$EVIL",
    "$$EVIL",
    "${EVIL:-x}",
    "$(EVIL)",
    "a\nEVIL: injected",
    "x: y",
    "- item",
    "'\"",
    "# comment",
    "{a: b}",
    "[1, 2]",
    "yes",
    "0755",
    "",
    " leading and trailing ",
    "tab\there",
];

fn hostile_platform() -> Platform {
    let mut p = platform();
    let api = &mut p.workloads[0];
    assert_eq!(api.name.value, "api");
    for (i, v) in HOSTILE.iter().enumerate() {
        api.env.push(env(&format!("HOSTILE_{i:02}"), vec![text(v)]));
    }
    api.env.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    api.args = Some(HOSTILE.iter().map(|v| (*v).to_owned()).collect());
    p.labels
        .insert("hostile".into(), "${EVIL} $EVIL\nx: y".into());
    p
}

#[test]
fn compose_reads_every_hostile_value_back_verbatim() {
    let test = "compose_injection";
    let Some(dc) = tools::find(test, "NEXUS_DOCKER_COMPOSE", "docker-compose") else {
        return;
    };
    let p = hostile_platform();
    let plan = nexus_render::compose::render(&p).expect("renders");
    let dir = tools::scratch(test);
    tools::write_plan(&dir, &plan);
    let example = String::from_utf8(plan.get(".env.example").unwrap().to_vec()).unwrap();
    let mut cmd = std::process::Command::new(&dc);
    cmd.env_clear()
        .current_dir(&dir)
        .args(["-f", "compose.yaml", "config", "--format", "json"])
        .env("EVIL", "pwned");
    for v in tools::env_example_vars(&example) {
        cmd.env(v, "dummy");
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !stdout.contains("pwned"),
        "a value named the variable EVIL:\n{stdout}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let api = &json["services"]["api"];
    for (i, v) in HOSTILE.iter().enumerate() {
        // `config` prints values re-escaped for Compose (`$` as `$$`).
        let got = api["environment"][format!("HOSTILE_{i:02}")]
            .as_str()
            .unwrap_or_default()
            .replace("$$", "$");
        assert_eq!(got, *v, "HOSTILE_{i:02}");
    }
    let args: Vec<String> = api["command"]
        .as_array()
        .expect("command")
        .iter()
        .map(|a| a.as_str().unwrap().replace("$$", "$"))
        .collect();
    // Arguments follow Kubernetes: `$$` is a literal `$`, an undefined `$(VAR)` stays.
    assert_eq!(
        args,
        HOSTILE
            .iter()
            .map(|v| v.replace("$$", "$"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        api["labels"]["hostile"]
            .as_str()
            .unwrap()
            .replace("$$", "$"),
        "${EVIL} $EVIL\nx: y"
    );
}

#[test]
fn unknown_secrets_and_bad_variable_names_are_refused() {
    let mut p = platform();
    p.workloads[0].env.push(env(
        "X",
        vec![nexus_spec::ir::Segment::Secret("nope".into())],
    ));
    assert!(nexus_render::compose::render(&p).is_err());
    let mut p = platform();
    p.secrets[0].env_var = "DB}PASSWORD".into();
    assert!(nexus_render::compose::render(&p).is_err());
    let mut p = platform();
    p.workloads[0].env[0].value = s(Template::literal("x"));
    p.workloads[0].name = s("gateway".into());
    p.workloads.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    assert!(
        nexus_render::compose::render(&p).is_err(),
        "a workload named like the gateway"
    );
}
