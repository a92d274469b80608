//! The stages the benchmark measures in process, and the whole-process commands.

use std::path::Path;

use nexus_spec::{Limits, Spec};

/// One stage of the pipeline, measured on its own: its input is prepared (untimed) by
/// running the stages before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Bytes to a typed spec: decode, parse, deserialize.
    Load,
    /// Every environment resolved, every problem collected (`Spec::validate`).
    Validate,
    /// Every environment resolved to the IR (`Spec::resolve_all`).
    Resolve,
}

/// What a stage starts from.
pub enum Input {
    Bytes(Vec<u8>),
    Spec(Box<Spec>),
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Load, Stage::Validate, Stage::Resolve];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Resolve => "resolve (all envs)",
        }
    }

    pub fn prepare(self, bytes: &[u8], _dir: &Path) -> Result<Input, String> {
        Ok(match self {
            Stage::Load => Input::Bytes(bytes.to_vec()),
            Stage::Validate | Stage::Resolve => Input::Spec(Box::new(load(bytes)?)),
        })
    }

    pub fn run(self, input: &Input) -> Result<(), String> {
        match (self, input) {
            (Stage::Load, Input::Bytes(b)) => load(b).map(drop),
            (Stage::Validate, Input::Spec(spec)) => {
                let d = spec.validate();
                if d.has_errors() {
                    return Err(format!("synthetic spec invalid: {:?}", d.0.first()));
                }
                Ok(())
            }
            (Stage::Resolve, Input::Spec(spec)) => spec
                .resolve_all()
                .map(drop)
                .map_err(|d| format!("{:?}", d.0.first())),
            _ => Err("stage and input do not match".to_owned()),
        }
    }
}

fn load(bytes: &[u8]) -> Result<Spec, String> {
    Spec::load("synth.yaml", bytes, &Limits::default())
        .map_err(|d| format!("synthetic spec does not load: {:?}", d.0.first()))
}

/// Whole-process commands: (label, arguments of `nexus`).
pub fn commands(specs: &Path, _dir: &Path) -> Vec<(String, Vec<String>)> {
    let specs = specs.display().to_string();
    vec![(
        "process: nexus validate".to_owned(),
        vec!["validate".to_owned(), specs],
    )]
}
