//! One environment's rendering: every target, and the README. [`render_environment`] gives
//! it as one plan; [`stream_environment`] hands it over in parts while it renders, so a
//! streaming writer or checker never holds all of an environment's files.

use std::sync::mpsc;
use std::thread::ScopedJoinHandle;

use nexus_render::output::OutputError;
use nexus_render::readme::{FileTable, README_NAME, ReadmeProse, environment_readme};
use nexus_render::shared;
use nexus_render::{OutputPlan, RenderError};
use nexus_spec::ir::Platform;
use rayon::prelude::*;

use crate::compile::{CompileError, CompileOptions, RenderToError};
use crate::targets::RenderTarget;

/// How many bytes of rendered files are gathered before they are handed over as one part.
/// Each part costs the writer a rewrite of its journal (a few hundred kilobytes and an
/// `fsync` at 5,000 services), so parts are not made smaller than this.
const PART_BYTES: usize = 8 << 20;

/// How many of a generator's parts may wait to be taken: a generator that is this far
/// ahead of the writer waits for it.
const PARTS_IN_FLIGHT: usize = 4;

/// Every target of one environment, plus its README, relative to the environment's folder.
pub(crate) fn render_environment(
    platform: &Platform,
    options: &CompileOptions,
) -> Result<OutputPlan, CompileError> {
    // The targets share what they both derive from the platform (rules, dashboards).
    let rendered: Vec<Result<OutputPlan, RenderError>> = shared::scope(platform, || {
        options
            .targets
            .par_iter()
            .map(|t| t.render.render(platform))
            .collect()
    });
    let mut env_plan = OutputPlan::new();
    for (t, files) in options.targets.iter().zip(rendered) {
        let files = files.map_err(|source| failed(t, platform, source))?;
        env_plan.merge_under(t.folder, files)?;
    }
    if options.readme {
        let readme = environment_readme(platform, &env_plan);
        env_plan.add(README_NAME, readme)?;
    }
    Ok(env_plan)
}

/// The same files as [`render_environment`], under the folder `prefix`, handed to `sink` in
/// parts of about [`PART_BYTES`] while the targets go on rendering.
///
/// Each target renders on a thread of its own (its workloads on the rayon pool) and sends
/// its parts over a bounded channel; this thread gathers them, hands them to `sink` and
/// keeps of each file only what the README lists. When `sink` fails, the channel closes and
/// the generators stop at their next part ([`RenderError::Stopped`]). A generator's own
/// error wins over the sink's, as when an environment rendered before it was written.
pub(crate) fn stream_environment(
    prefix: &str,
    platform: &Platform,
    options: &CompileOptions,
    sink: &mut dyn FnMut(&OutputPlan) -> Result<(), OutputError>,
) -> Result<(), RenderToError> {
    if rayon::current_thread_index().is_some() {
        // On a pool thread, waiting for parts could hold the thread the generators' own
        // parallel work needs (a pool of one would never finish): render whole instead.
        let mut part = OutputPlan::new();
        part.merge_under(prefix, render_environment(platform, options)?)
            .map_err(CompileError::from)?;
        return Ok(sink(&part)?);
    }
    let (parts, received) = mpsc::sync_channel::<(usize, OutputPlan)>(PARTS_IN_FLIGHT);
    // The targets share what they both derive from the platform (rules, dashboards).
    shared::scope(platform, || {
        std::thread::scope(|scope| {
            let generators: Vec<_> = options
                .targets
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let parts = parts.clone();
                    scope.spawn(move || {
                        t.render.render_parts(platform, &mut |part| {
                            parts.send((i, part)).map_err(|_| RenderError::Stopped)
                        })
                    })
                })
                .collect();
            drop(parts);
            // The README's prose needs no file: it is written while the files render.
            let prose = options
                .readme
                .then(|| scope.spawn(|| ReadmeProse::of(platform)));
            let taken = take_parts(prefix, platform, options, received, sink, prose);
            for (t, generator) in options.targets.iter().zip(generators) {
                let rendered = generator
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                match rendered {
                    Err(RenderError::Stopped) if taken.is_err() => {}
                    Err(source) => return Err(failed(t, platform, source).into()),
                    Ok(()) => {}
                }
            }
            taken
        })
    })
}

/// Takes every part the generators send, in parts of about [`PART_BYTES`] to `sink`, then
/// the README (from `prose`, when there is one); returns at the first error (which closes
/// the channel).
fn take_parts(
    prefix: &str,
    platform: &Platform,
    options: &CompileOptions,
    received: mpsc::Receiver<(usize, OutputPlan)>,
    sink: &mut dyn FnMut(&OutputPlan) -> Result<(), OutputError>,
    prose: Option<ScopedJoinHandle<'_, ReadmeProse>>,
) -> Result<(), RenderToError> {
    let mut table = FileTable::new();
    let mut pending = OutputPlan::new();
    let mut pending_bytes = 0;
    for (i, part) in received {
        let folder = options.targets[i].folder;
        table.add(folder, &part).map_err(CompileError::from)?;
        pending_bytes += part.total_bytes();
        pending
            .merge_under(&format!("{prefix}/{folder}"), part)
            .map_err(CompileError::from)?;
        if pending_bytes >= PART_BYTES {
            sink(&pending)?;
            pending = OutputPlan::new();
            pending_bytes = 0;
        }
    }
    if let Some(prose) = prose {
        let prose = prose
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let readme = prose.with_files(platform, &table);
        pending
            .add(format!("{prefix}/{README_NAME}"), readme)
            .map_err(CompileError::from)?;
    }
    Ok(sink(&pending)?)
}

fn failed(t: &RenderTarget, platform: &Platform, source: RenderError) -> CompileError {
    CompileError::Render {
        target: t.folder.to_owned(),
        environment: platform.environment.value.clone(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use nexus_render::plan::Sink;
    use nexus_spec::Spec;

    use super::*;
    use crate::Generator;

    const SPEC: &str = "apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: { name: demo, version: 1.0.0 }
spec:
  services:
    web:
      image: registry.example.com/demo/web:1.0.0
      ports: [{ name: http, port: 8080 }]
  environments:
    staging: {}
";

    fn platform() -> Platform {
        let spec = Spec::from_str("demo.yaml", SPEC).unwrap();
        spec.resolve("staging").unwrap()
    }

    /// How many parts [`counted_parts`] handed over. Only one test streams it: tests run
    /// in parallel, and a counter that two of them shared would count both.
    static SENT: AtomicUsize = AtomicUsize::new(0);

    /// 40 parts of one 3 MB file each, each counted in `sent` once it is handed over.
    fn parts_of_3_mb(sink: &mut Sink<'_>, sent: &AtomicUsize) -> Result<(), RenderError> {
        for i in 0..40 {
            let mut part = OutputPlan::new();
            part.add(format!("f{i:02}.txt"), vec![b'x'; 3 << 20])?;
            sink(part)?;
            sent.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }

    /// [`parts_of_3_mb`], uncounted.
    fn many_parts(_: &Platform, sink: &mut Sink<'_>) -> Result<(), RenderError> {
        parts_of_3_mb(sink, &AtomicUsize::new(0))
    }

    /// [`parts_of_3_mb`], counted in [`SENT`].
    fn counted_parts(_: &Platform, sink: &mut Sink<'_>) -> Result<(), RenderError> {
        parts_of_3_mb(sink, &SENT)
    }

    /// One part, then a failure.
    fn fails_late(_: &Platform, sink: &mut Sink<'_>) -> Result<(), RenderError> {
        let mut part = OutputPlan::new();
        part.add("early.txt", "x")?;
        sink(part)?;
        Err(RenderError::Unrenderable("late".into()))
    }

    fn options(targets: &[(&'static str, Generator)]) -> CompileOptions {
        CompileOptions {
            environment: None,
            targets: targets
                .iter()
                .map(|&(folder, render)| RenderTarget { folder, render })
                .collect(),
            readme: true,
        }
    }

    fn streamed(options: &CompileOptions) -> (Result<(), RenderToError>, Vec<OutputPlan>) {
        let mut parts = Vec::new();
        let result = stream_environment("staging", &platform(), options, &mut |part| {
            parts.push(part.clone());
            Ok(())
        });
        (result, parts)
    }

    #[test]
    fn the_parts_hold_the_whole_rendering_with_the_readme_last() {
        let o = options(&[
            ("big", Generator::Streaming(many_parts)),
            ("k8s", Generator::Streaming(nexus_render::k8s::render_parts)),
        ]);
        let (result, parts) = streamed(&o);
        result.unwrap();
        // 120 MB in parts of three 3 MB files (the first 9 MB past 8 MB), and the rest.
        assert_eq!(parts.len(), 14, "parts of about 8 MB");
        assert!(parts.iter().all(|p| p.total_bytes() < 2 * PART_BYTES));
        let readme = "staging/README.md";
        assert!(parts.last().unwrap().get(readme).is_some());
        let mut streamed = OutputPlan::new();
        for part in parts {
            streamed.merge_under("", part).unwrap();
        }
        let mut whole = OutputPlan::new();
        whole
            .merge_under("staging", render_environment(&platform(), &o).unwrap())
            .unwrap();
        assert_eq!(streamed, whole);
    }

    #[test]
    fn a_failing_receiver_stops_the_generators() {
        let o = options(&[("big", Generator::Streaming(counted_parts))]);
        let result = stream_environment("staging", &platform(), &o, &mut |_| {
            Err(OutputError::Interrupted)
        });
        assert!(matches!(
            result,
            Err(RenderToError::Output(OutputError::Interrupted))
        ));
        // The receiver failed at its first part (about 3 of the generator's); the generator
        // stopped once the parts in flight filled the channel.
        let sent = SENT.load(Ordering::SeqCst);
        assert!(sent < 3 + PARTS_IN_FLIGHT + 2, "{sent} parts sent");
    }

    #[test]
    fn a_generator_error_is_reported_as_its_own() {
        let o = options(&[
            ("k8s", Generator::Streaming(nexus_render::k8s::render_parts)),
            ("late", Generator::Streaming(fails_late)),
        ]);
        let (result, _) = streamed(&o);
        match result {
            Err(RenderToError::Compile(CompileError::Render { target, source, .. })) => {
                assert_eq!(target, "late");
                assert!(matches!(source, RenderError::Unrenderable(_)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn on_a_pool_of_one_thread_the_environment_renders_whole() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let o = CompileOptions::default();
        let (result, parts) = pool.install(|| streamed(&o));
        result.unwrap();
        assert_eq!(parts.len(), 1);
        assert!(parts[0].get("staging/k8s/kustomization.yaml").is_some());
    }
}
