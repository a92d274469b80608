//! The stages the benchmark measures in process, and the whole-process commands.

use std::path::Path;

use nexus_lint::{Date, LintOptions, Linter, Policy};
use nexus_render::nginx::NginxOptions;
use nexus_spec::ir::Platform;
use nexus_spec::{Limits, Spec};

/// One stage of the pipeline, measured on its own: its input is prepared (untimed) by
/// running the stages before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Bytes to the loader's node tree (values with spans): decode and parse, with the
    /// fast path.
    Parse,
    /// The same with the general parser only (`nexus_spec::load::parse_general`): what
    /// parsing cost before the fast path.
    ParseGeneral,
    /// Bytes to a typed spec: decode, parse, deserialize.
    Load,
    /// Every environment resolved, every problem collected (`Spec::validate`).
    Validate,
    /// Every environment resolved to the IR (`Spec::resolve_all`).
    Resolve,
    /// The built-in lint policy over every environment.
    Lint,
    /// Kubernetes manifests of every environment.
    RenderK8s,
    /// The Compose project of every environment.
    RenderCompose,
    /// The Nginx configuration of every environment.
    RenderNginx,
}

/// What a stage starts from.
pub(crate) enum Input {
    Bytes(Vec<u8>),
    Spec(Box<Spec>),
    Platforms(Vec<Platform>),
}

impl Stage {
    pub(crate) const ALL: [Stage; 9] = [
        Stage::Parse,
        Stage::ParseGeneral,
        Stage::Load,
        Stage::Validate,
        Stage::Resolve,
        Stage::Lint,
        Stage::RenderK8s,
        Stage::RenderCompose,
        Stage::RenderNginx,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::ParseGeneral => "parse (general parser)",
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Resolve => "resolve (all envs)",
            Stage::Lint => "lint",
            Stage::RenderK8s => "render k8s",
            Stage::RenderCompose => "render compose",
            Stage::RenderNginx => "render nginx",
        }
    }

    pub(crate) fn prepare(self, bytes: Vec<u8>, _dir: &Path) -> Result<Input, String> {
        Ok(match self {
            Stage::Parse | Stage::ParseGeneral | Stage::Load => Input::Bytes(bytes),
            Stage::Validate | Stage::Resolve => Input::Spec(Box::new(load_owned(bytes)?)),
            Stage::Lint | Stage::RenderK8s | Stage::RenderCompose | Stage::RenderNginx => {
                Input::Platforms(resolve(&load_owned(bytes)?)?)
            }
        })
    }

    /// Runs the stage once on an input it may consume, as a program would: the peak
    /// memory child's path. Loading takes the file's bytes over, as `Spec::from_path`
    /// does, so no second copy of the spec is alive while it is parsed.
    pub(crate) fn run_once(self, input: Input) -> Result<usize, String> {
        match (self, input) {
            (Stage::Load, Input::Bytes(b)) => load_owned(b).map(|s| s.environments().len()),
            (stage, input) => stage.run(&input),
        }
    }

    /// Runs the stage; returns a figure of its output (bytes rendered, findings) so that
    /// nothing is optimized away.
    pub(crate) fn run(self, input: &Input) -> Result<usize, String> {
        match (self, input) {
            (Stage::Parse, Input::Bytes(b)) => parse(b, nexus_spec::load::parse),
            (Stage::ParseGeneral, Input::Bytes(b)) => parse(b, nexus_spec::load::parse_general),
            (Stage::Load, Input::Bytes(b)) => load(b).map(|s| s.environments().len()),
            (Stage::Validate, Input::Spec(spec)) => {
                let d = spec.validate();
                if d.has_errors() {
                    return Err(format!("synthetic spec invalid: {:?}", d.iter().next()));
                }
                Ok(d.len())
            }
            (Stage::Resolve, Input::Spec(spec)) => resolve(spec).map(|p| p.len()),
            (Stage::Lint, Input::Platforms(ps)) => {
                let options = LintOptions {
                    today: Date::new(2026, 1, 1).ok_or("date")?,
                };
                let policy = Policy::default();
                let mut linter = Linter::new(&policy, options);
                for p in ps {
                    linter.check(p);
                }
                let report = linter.finish();
                Ok(report.findings.len())
            }
            (Stage::RenderK8s, Input::Platforms(ps)) => rendered(ps, |p| {
                nexus_render::k8s::render(p).map(|o| o.total_bytes())
            }),
            (Stage::RenderCompose, Input::Platforms(ps)) => rendered(ps, |p| {
                nexus_render::compose::render(p).map(|o| o.total_bytes())
            }),
            (Stage::RenderNginx, Input::Platforms(ps)) => rendered(ps, |p| {
                nexus_render::nginx::render(p, &NginxOptions::default()).map(|o| o.total_bytes())
            }),
            _ => Err("stage and input do not match".to_owned()),
        }
    }
}

fn rendered<E: std::fmt::Display>(
    ps: &[Platform],
    f: impl Fn(&Platform) -> Result<usize, E>,
) -> Result<usize, String> {
    let mut total = 0;
    for p in ps {
        total += f(p).map_err(|e| format!("{}: {e}", p.environment.value))?;
    }
    Ok(total)
}

type ParseFn = fn(
    &str,
    nexus_spec::FileId,
    &Limits,
) -> Result<nexus_spec::load::Node, nexus_spec::Diagnostics>;

/// Decodes and parses with `f`; returns the root's span length.
fn parse(bytes: &[u8], f: ParseFn) -> Result<usize, String> {
    let limits = Limits::default();
    let id = nexus_spec::FileId(0);
    let fail = |d: nexus_spec::Diagnostics| {
        format!("synthetic spec does not parse: {:?}", d.iter().next())
    };
    let text = nexus_spec::load::decode(bytes, id, &limits).map_err(fail)?;
    f(text, id, &limits)
        .map(|n| n.span.len as usize)
        .map_err(fail)
}

fn load(bytes: &[u8]) -> Result<Spec, String> {
    Spec::load("synth.yaml", bytes, &Limits::default())
        .map_err(|d| format!("synthetic spec does not load: {:?}", d.iter().next()))
}

fn load_owned(bytes: Vec<u8>) -> Result<Spec, String> {
    Spec::load_owned("synth.yaml", bytes, &Limits::default())
        .map_err(|d| format!("synthetic spec does not load: {:?}", d.iter().next()))
}

fn resolve(spec: &Spec) -> Result<Vec<Platform>, String> {
    spec.resolve_all()
        .map_err(|d| format!("synthetic spec does not resolve: {:?}", d.iter().next()))
}

/// Whole-process commands: (label, arguments of `nexus`). `nexus render` writes into a
/// fresh folder each run (the full pipeline: validate, render all three targets, README,
/// write); `--check` then compares that folder with a new rendering.
pub(crate) fn commands(specs: &Path, dir: &Path) -> Vec<(String, Vec<String>)> {
    let out = dir.join("out").display().to_string();
    let specs = specs.display().to_string();
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        (
            "process: nexus validate".to_owned(),
            args(&["validate", &specs]),
        ),
        (
            "process: nexus lint".to_owned(),
            args(&["lint", &specs, "--today", "2026-01-01"]),
        ),
        (
            "process: nexus render (write)".to_owned(),
            args(&["render", &specs, "--out", &out]),
        ),
        (
            "process: nexus render --check".to_owned(),
            args(&["render", &specs, "--out", &out, "--check"]),
        ),
    ]
}
