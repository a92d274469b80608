//! Compiling specs to an output plan: every environment (or one) of every spec, every
//! target, and a README per environment, in memory. Nothing here touches the disk.
//!
//! Layout: one spec renders into `<env>/<target>/...` and `<env>/README.md`. Several specs
//! render side by side as `<platform>/<env>/...`; two specs with the same platform name
//! are refused.

use std::path::Path;
use std::thread::Scope as ThreadScope;
use std::time::Duration;

use nexus_render::output::{self, Drift, OutputError, Scope, WriteReport};
use nexus_render::{OutputPlan, RenderError};
use nexus_spec::ir::Platform;
use nexus_spec::{Diagnostics, Spec};

use crate::environment::{render_environment, stream_environment};
use crate::select;
use crate::targets::{self, RenderTarget};

/// What to compile.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// Only this environment (default: every environment of each spec).
    pub environment: Option<String>,
    /// The generators to run (default: [`targets::builtin`]).
    pub targets: Vec<RenderTarget>,
    /// Whether to write `<env>/README.md` (topology graph and table of files).
    pub readme: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            environment: None,
            targets: targets::builtin().to_vec(),
            readme: true,
        }
    }
}

/// Why specs could not be compiled (or linted, or graphed: the workflows share it).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum CompileError {
    /// A spec is invalid; the diagnostics say where and why.
    #[error("{} error(s) in the spec", .0.iter().filter(|d| d.severity == nexus_spec::Severity::Error).count())]
    #[diagnostic(code(nexus::invalid))]
    Invalid(Diagnostics),
    /// A spec declares no environment, so there is no folder to render into.
    #[error("the spec `{0}` declares no environments")]
    #[diagnostic(
        code(nexus::no_environments),
        help(
            "add `environments: {{ staging: {{}} }}`; each environment renders into its own folder"
        )
    )]
    NoEnvironments(String),
    /// The environment asked for does not exist.
    #[error("the spec `{spec}` has no environment `{name}`")]
    #[diagnostic(code(nexus::unknown_environment), help("it has: {}", .available.join(", ")))]
    UnknownEnvironment {
        /// The spec.
        spec: String,
        /// The name asked for.
        name: String,
        /// The names it has.
        available: Vec<String>,
    },
    /// Two specs render into the same folder.
    #[error("two specs are both named `{0}`; they would render into the same folder")]
    #[diagnostic(
        code(nexus::render::duplicate_platform),
        help("rename one platform (`metadata.name`) or render them with separate --out folders")
    )]
    DuplicatePlatform(String),
    /// A generator failed.
    #[error("rendering `{target}` for `{environment}` failed")]
    #[diagnostic(code(nexus::render::failed))]
    Render {
        /// The target folder.
        target: String,
        /// The environment.
        environment: String,
        /// The generator's error.
        #[source]
        #[diagnostic_source]
        source: RenderError,
    },
    /// The rendered files could not be put together (two claim one path).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] RenderError),
}

/// A compiled output: the plan and the part of the output folder it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Compiled {
    /// Every rendered file.
    pub plan: OutputPlan,
    /// The folders the plan covers: all of the output folder, or only the environment
    /// rendered (so rendering `--env staging` leaves `production/` alone).
    pub scope: Scope,
}

impl Compiled {
    /// Writes the plan into `dir`, all-or-nothing (see [`nexus_render::output`]).
    pub fn write(&self, dir: &Path) -> Result<WriteReport, OutputError> {
        output::write_scoped(&self.plan, dir, &self.scope)
    }

    /// Compares `dir` with the plan without writing.
    pub fn check(&self, dir: &Path) -> Result<Drift, OutputError> {
        output::check_scoped(&self.plan, dir, &self.scope)
    }

    /// [`Compiled::write`], waiting up to `wait` for another process writing `dir`.
    pub fn write_waiting(&self, dir: &Path, wait: Duration) -> Result<WriteReport, OutputError> {
        output::write_waiting(&self.plan, dir, &self.scope, wait)
    }

    /// [`Compiled::check`], waiting up to `wait` for another process writing `dir`.
    pub fn check_waiting(&self, dir: &Path, wait: Duration) -> Result<Drift, OutputError> {
        output::check_waiting(&self.plan, dir, &self.scope, wait)
    }
}

/// Compiles one spec: `<env>/<target>/...` for each environment.
pub fn compile(spec: &Spec, options: &CompileOptions) -> Result<Compiled, CompileError> {
    compile_all(std::slice::from_ref(spec), options)
}

/// Validates every spec, each resolved in every environment (in spec order); every invalid
/// spec is reported at once, as [`CompileError::Invalid`].
pub(crate) fn validate_resolve_all(specs: &[Spec]) -> Result<Vec<Vec<Platform>>, CompileError> {
    let mut problems = Diagnostics::new();
    let mut resolved = Vec::with_capacity(specs.len());
    for spec in specs {
        match spec.validate_resolve() {
            Ok(platforms) => resolved.push(platforms),
            Err(d) => problems.extend(d),
        }
    }
    if problems.has_errors() {
        return Err(CompileError::Invalid(problems));
    }
    Ok(resolved)
}

/// Compiles several specs into one output: `<env>/...` for a single spec,
/// `<platform>/<env>/...` for more than one. Every invalid spec is reported at once.
pub fn compile_all(specs: &[Spec], options: &CompileOptions) -> Result<Compiled, CompileError> {
    let (environments, scope) = select_all(specs, options)?;
    let mut plan = OutputPlan::new();
    // Environments render one after the other (the targets of one, and its workloads,
    // render in parallel): two at once cost more memory than they save time on two
    // cores. Each resolved environment is dropped once rendered.
    for (prefix, platform) in environments {
        plan.merge_under(&prefix, render_environment(&platform, options)?)?;
    }
    Ok(Compiled { plan, scope })
}

/// Why [`render_to`] or [`check_to`] failed. Either way the output folder is as it was.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RenderToError {
    /// The specs could not be compiled.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Compile(#[from] CompileError),
    /// The output folder could not be written.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Output(#[from] OutputError),
}

/// [`compile_all`] and [`Compiled::write_waiting`] in one, streaming: each environment's
/// files are staged in `dir` in parts while its targets render (a
/// [`Generator::Streaming`](crate::Generator::Streaming)
/// target hands its files over as it renders them) and dropped from memory, so a write
/// never holds a whole environment's bytes. The write is all-or-nothing as
/// [`Compiled::write`]'s: nothing is put in place before every environment is rendered, and
/// a spec that fails to render leaves `dir` as it was. Every spec is validated before `dir`
/// is touched; the specs are dropped once resolved (rendering needs only the resolutions).
pub fn render_to(
    specs: Vec<Spec>,
    options: &CompileOptions,
    dir: &Path,
    wait: Duration,
) -> Result<WriteReport, RenderToError> {
    let (environments, scope) = select_all(&specs, options)?;
    // Freed before rendering starts, so that rendering reuses its memory.
    drop(specs);
    std::thread::scope(|threads| {
        let mut writer = output::Writer::begin(dir, scope, wait)?;
        each_part(environments, options, threads, |part| writer.stage(part))?;
        Ok(writer.finish()?)
    })
}

/// [`compile_all`] and [`Compiled::check_waiting`] in one, streaming: each environment's
/// files are compared with `dir` as soon as they are rendered and dropped, keeping only
/// the files that differ (with both sides' bytes, for the report) and every file's hash
/// (for the manifest). The drift is [`Compiled::check_waiting`]'s for the same specs.
/// Writes nothing; a reader's lock on `dir` is held from before the first environment
/// renders to the end, so a check never sees half a write.
///
/// ```
/// use nexus::{CompileOptions, Spec};
/// let load = || vec![Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap()];
/// let out = tempfile::tempdir().unwrap();
/// let wait = std::time::Duration::from_secs(10);
/// assert!(!nexus::check_to(load(), &CompileOptions::default(), out.path(), wait).unwrap().is_clean());
/// nexus::render_to(load(), &CompileOptions::default(), out.path(), wait).unwrap();
/// assert!(nexus::check_to(load(), &CompileOptions::default(), out.path(), wait).unwrap().is_clean());
/// ```
pub fn check_to(
    specs: Vec<Spec>,
    options: &CompileOptions,
    dir: &Path,
    wait: Duration,
) -> Result<Drift, RenderToError> {
    let (selected, read) = std::thread::scope(|threads| {
        // The folder is locked and read beside validation, which keeps both cores busy
        // only while the environments resolve together. Without waiting: a folder a
        // writer holds is read after validation as before, so that an invalid spec is
        // reported at once rather than after the wait.
        let reading = std::thread::Builder::new()
            .name("nexus-read".into())
            .spawn_scoped(threads, || output::ReadFolder::read(dir, Duration::ZERO))
            .ok();
        let selected = select_all(&specs, options);
        let read = reading.map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (selected, read)
    });
    // An invalid spec is reported as before; the folder read beside is let go.
    let (environments, scope) = selected?;
    drop(specs);
    std::thread::scope(|threads| {
        let folder = match read {
            Some(Ok(folder)) => folder,
            // Held by a writer, unreadable, or no thread to read it on: read it now, as
            // before, with the wait (and the error) the caller asked for.
            _ => output::ReadFolder::read(dir, wait)?,
        };
        let mut checker = output::Checker::begin_read(folder, scope);
        each_part(environments, options, threads, |part| checker.compare(part))?;
        Ok(checker.finish()?)
    })
}

/// Renders each environment under its folder and hands its files to `sink` in parts as
/// they are rendered; each resolution is freed once rendered, beside the next.
fn each_part<'scope>(
    environments: Vec<(String, Platform)>,
    options: &CompileOptions,
    threads: &'scope ThreadScope<'scope, '_>,
    mut sink: impl FnMut(&OutputPlan) -> Result<(), OutputError>,
) -> Result<(), RenderToError> {
    for (prefix, platform) in environments {
        stream_environment(&prefix, &platform, options, &mut sink)?;
        free_beside(threads, platform);
    }
    Ok(())
}

/// Frees `value` on a thread of its own, beside the work that follows rather than in its
/// way: a resolved environment of thousands of services is a large tree of small
/// allocations, milliseconds to free, and neither the next environment's rendering nor
/// the end of the write waits for anything it holds. The thread is joined when `threads`
/// ends. Where no thread can be made, `value` is freed here.
fn free_beside<'scope, T: Send + 'scope>(threads: &'scope ThreadScope<'scope, '_>, value: T) {
    // A failed spawn drops the closure, and `value` with it.
    let _ = std::thread::Builder::new()
        .name("nexus-free".into())
        .spawn_scoped(threads, move || drop(value));
}

/// Validates and resolves every spec and picks the environments to render, each with its
/// folder (`<env>` or `<platform>/<env>`), in order; and the scope they cover.
fn select_all(
    specs: &[Spec],
    options: &CompileOptions,
) -> Result<(Vec<(String, Platform)>, Scope), CompileError> {
    // Validation resolves every environment; those resolutions are what gets rendered.
    let resolved = validate_resolve_all(specs)?;
    let mut environments = Vec::new();
    let mut folders = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (spec, platforms) in specs.iter().zip(resolved) {
        let name = spec.file().metadata.name.value.as_str();
        if names.contains(&name) {
            return Err(CompileError::DuplicatePlatform(name.to_owned()));
        }
        names.push(name);
        let wanted = select::environments(spec, options.environment.as_deref())?;
        for platform in platforms
            .into_iter()
            .filter(|p| wanted.contains(&p.environment.value))
        {
            let env = &platform.environment.value;
            let prefix = if specs.len() == 1 {
                env.clone()
            } else {
                format!("{name}/{env}")
            };
            folders.push(prefix.clone());
            environments.push((prefix, platform));
        }
    }
    let scope = if options.environment.is_some() {
        Scope::folders(folders)
    } else {
        Scope::all()
    };
    Ok((environments, scope))
}
