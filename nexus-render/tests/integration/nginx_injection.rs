//! Injection: no spec value can add, remove or reshape an Nginx directive.
//!
//! Hostile values are put straight into the IR (bypassing spec validation, which filters
//! many of them) in every place a value reaches the config. For each, rendering either fails
//! with an error, or gives a config whose directive structure, read with Nginx's own
//! tokenizer rules, is exactly that of a benign rendering, with the hostile value read back
//! as one whole argument.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::nginx_parse::{Directive, parse};
use compose_nginx_support::{platform, s};
use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::ir::Platform;

/// Values that would break out of an argument if written raw.
const HOSTILE: &[&str] = &[
    "a;b",
    "a; add_header X-Evil 1",
    "}",
    "{",
    "a } server { listen 1",
    "\"",
    "a\" ; evil \"",
    "'",
    "#comment",
    "a #b",
    "\\",
    "a\\\"b",
    "a\\nb",
    "a b",
    "",
    "é ü",
];

/// Values that must be refused outright.
const REFUSED: &[&str] = &[
    "a\nadd_header X-Evil 1;",
    "a\rb",
    "a\tb",
    "a\0b",
    "$host",
    "a${b}",
    "x\u{7f}",
    "\u{2028}\u{85}",
];

fn config(p: &Platform) -> Result<Vec<Directive>, String> {
    let plan = render(p, &NginxOptions::default()).map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    for (_, bytes) in plan.files() {
        all.extend(parse(std::str::from_utf8(bytes).expect("utf-8")));
    }
    Ok(all)
}

/// The structure without argument values of the touched places: names, depths, arg counts.
fn shape(d: &[Directive]) -> Vec<(usize, String, usize)> {
    d.iter()
        .map(|d| (d.depth, d.name.clone(), d.args.len()))
        .collect()
}

/// Every place a value reaches the config.
/// Sets a value in one place of the platform.
type Setter = fn(&mut Platform, &str);

fn places() -> Vec<(&'static str, Setter)> {
    vec![
        ("header value", |p, v| {
            p.gateway.as_mut().unwrap().headers[0].value = s(v.to_owned())
        }),
        ("host name", |p, v| {
            p.gateway.as_mut().unwrap().hosts[0] = s(v.to_owned())
        }),
        ("certificate path", |p, v| {
            p.gateway
                .as_mut()
                .unwrap()
                .tls
                .as_mut()
                .unwrap()
                .certificate = v.to_owned()
        }),
        ("key path", |p, v| {
            p.gateway
                .as_mut()
                .unwrap()
                .tls
                .as_mut()
                .unwrap()
                .certificate_key = v.to_owned()
        }),
        ("platform name", |p, v| p.name = s(v.to_owned())),
        ("environment name", |p, v| p.environment = s(v.to_owned())),
        ("route path", |p, v| {
            p.gateway.as_mut().unwrap().routes[0].path = s(format!("/{v}"))
        }),
        ("route target", |p, v| {
            let gw = p.gateway.as_mut().unwrap();
            gw.routes[3].workload = s(v.to_owned());
            let mut w = p.workloads.pop().unwrap();
            w.name = s(v.to_owned());
            p.workloads.push(w);
            p.workloads.sort_by(|a, b| a.name.value.cmp(&b.name.value));
        }),
        ("port name", |p, v| {
            p.gateway.as_mut().unwrap().routes[3].port_name = v.to_owned()
        }),
        ("rate limit name", |p, v| {
            let gw = p.gateway.as_mut().unwrap();
            gw.rate_limits[0].name = s(v.to_owned());
            gw.routes[1].rate_limit = Some(s(v.to_owned()));
        }),
    ]
}

#[test]
fn hostile_values_never_change_the_directive_structure() {
    let benign = config(&platform()).expect("the fixture renders");
    for (place, set) in places() {
        for v in HOSTILE {
            let mut p = platform();
            set(&mut p, v);
            match config(&p) {
                Err(_) => {}
                Ok(got) => {
                    assert_eq!(
                        shape(&got),
                        shape(&benign),
                        "{place} = {v:?} changed the structure"
                    );
                    let whole = got
                        .iter()
                        .flat_map(|d| d.args.iter())
                        .any(|a| a.contains(v));
                    let comment_only = place.ends_with(" name") && place.starts_with(['p', 'e']);
                    assert!(
                        whole || v.is_empty() || comment_only,
                        "{place} = {v:?} was not read back inside one argument"
                    );
                }
            }
        }
    }
}

#[test]
fn line_breaks_control_characters_and_dollars_are_refused() {
    for (place, set) in places() {
        for v in REFUSED {
            let mut p = platform();
            set(&mut p, v);
            let r = render(&p, &NginxOptions::default());
            assert!(r.is_err(), "{place} = {v:?} rendered");
        }
    }
}

#[test]
fn a_header_value_round_trips_exactly() {
    for v in HOSTILE.iter().filter(|v| !v.is_empty()) {
        let mut p = platform();
        p.gateway.as_mut().unwrap().headers[0].value = s((*v).to_owned());
        let got = config(&p).expect("renders");
        let header = got
            .iter()
            .find(|d| d.name == "add_header" && d.args[0] == "Content-Security-Policy")
            .expect("the header is there");
        assert_eq!(
            header.args,
            ["Content-Security-Policy", v, "always"],
            "{v:?}"
        );
    }
}

#[test]
fn bad_header_names_are_refused() {
    for name in ["X-A B", "X;Y", "X\nY", "", "X{", "X\"Y"] {
        let mut p = platform();
        p.gateway.as_mut().unwrap().headers[0].name = name.to_owned();
        assert!(render(&p, &NginxOptions::default()).is_err(), "{name:?}");
    }
}

#[test]
fn the_tokenizer_sees_an_injected_directive() {
    let raw = "add_header A \"x\"; add_header B y;\nserver { listen 1; }\n";
    let d = parse(raw);
    assert_eq!(d.len(), 4);
}
