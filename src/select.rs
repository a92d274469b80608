//! Choosing the environments a workflow runs on, one way for [`compile_all`](crate::compile_all),
//! [`lint_all`](crate::lint_all) and [`graph_all`](crate::graph_all): every environment of the
//! spec, or the one asked for; a spec without environments, or without the one asked for, is
//! an error that names what it has.

use nexus_spec::Spec;

use crate::CompileError;

/// The environments of `spec` to work on: all of them (in the spec's order), or `wanted`.
///
/// ```
/// let spec = nexus::Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
/// assert_eq!(nexus::select::environments(&spec, Some("staging")).unwrap(), ["staging"]);
/// let err = nexus::select::environments(&spec, Some("prod")).unwrap_err();
/// assert!(matches!(err, nexus::CompileError::UnknownEnvironment { .. }));
/// ```
pub fn environments(spec: &Spec, wanted: Option<&str>) -> Result<Vec<String>, CompileError> {
    let all = spec.environments();
    if all.is_empty() {
        return Err(CompileError::NoEnvironments(spec.name().to_owned()));
    }
    match wanted {
        None => Ok(all),
        Some(e) if all.iter().any(|a| a == e) => Ok(vec![e.to_owned()]),
        Some(e) => Err(CompileError::UnknownEnvironment {
            spec: spec.name().to_owned(),
            name: e.to_owned(),
            available: all,
        }),
    }
}
