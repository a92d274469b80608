//! What the Kubernetes and Compose targets both derive from an environment, made once when
//! they render it side by side.
//!
//! Both targets ship the environment's alerting rules and Grafana dashboards: the
//! Kubernetes target in ConfigMaps, Compose as files. At 5,000 services these are the
//! largest texts of an environment (13 MB of rules, 11 MB of dashboards), and rendering
//! both copies took about 13% of a check's CPU time. Inside [`scope`] the first
//! target to need one renders it and the second takes the same text; outside it, each
//! target renders its own. The bytes are the same either way: the shared texts are a
//! function of the platform alone.
//!
//! ```
//! # let spec = nexus_spec::Spec::from_str("demo.yaml", r#"
//! # apiVersion: nexus.dev/v1alpha1
//! # kind: Platform
//! # metadata: { name: demo, version: 1.0.0 }
//! # spec:
//! #   services:
//! #     web:
//! #       image: registry.example.com/demo/web:1.0.0
//! #       ports: [{ name: http, port: 8080 }]
//! #   environments:
//! #     staging: {}
//! # "#).unwrap();
//! let platform = spec.resolve("staging").unwrap();
//! let (k8s, compose) = nexus_render::shared::scope(&platform, || {
//!     std::thread::scope(|threads| {
//!         let k8s = threads.spawn(|| nexus_render::k8s::render(&platform));
//!         let compose = nexus_render::compose::render(&platform);
//!         (k8s.join().unwrap(), compose)
//!     })
//! });
//! assert_eq!(k8s.unwrap(), nexus_render::k8s::render(&platform).unwrap());
//! assert_eq!(compose.unwrap(), nexus_render::compose::render(&platform).unwrap());
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use nexus_spec::ir::Platform;

use crate::error::RenderError;

/// How many targets take each shared text: Kubernetes and Compose. Once both have, the
/// text is let go, so that it lives no longer than its last user needs it.
const TAKERS: usize = 2;

/// The environments being rendered inside [`scope`], by the address of their platform. A
/// platform is borrowed for as long as it is listed, so its address names it alone.
static LIVE: Mutex<Vec<(usize, Arc<Derived>)>> = Mutex::new(Vec::new());

/// Runs `render` with the texts that several targets derive from `platform` made once and
/// shared between them (on any thread), and let go when both have taken them or when
/// `render` returns. Nested scopes of one platform share one set.
pub fn scope<R>(platform: &Platform, render: impl FnOnce() -> R) -> R {
    let _listed = Listed::new(platform);
    render()
}

/// The shared texts of the environment of `p`, when it is being rendered inside [`scope`].
pub(crate) fn derived(p: &Platform) -> Option<Arc<Derived>> {
    let key = address(p);
    lock(&LIVE)
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, d)| Arc::clone(d))
}

/// The texts one environment's targets share.
#[derive(Default)]
pub(crate) struct Derived {
    /// The alerting rule groups that do not depend on the target (`alerts::rules`).
    pub(crate) rules: Memo<crate::alerts::rules::Shared>,
    /// The Grafana dashboards, by file name.
    pub(crate) dashboards: Memo<BTreeMap<String, String>>,
}

/// One shared text: made by its first taker, handed to each, let go after [`TAKERS`].
pub(crate) struct Memo<T> {
    state: Mutex<(Option<Arc<T>>, usize)>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            state: Mutex::new((None, 0)),
        }
    }
}

impl<T> Memo<T> {
    /// The value, made by `make` if no taker made it yet. A second taker arriving while the
    /// first is making it waits for it rather than making it again. A failure is not kept:
    /// the next taker tries again (and fails the same way).
    pub(crate) fn take(
        &self,
        make: impl FnOnce() -> Result<T, RenderError>,
    ) -> Result<Arc<T>, RenderError> {
        let mut state = lock(&self.state);
        let value = match &state.0 {
            Some(value) => Arc::clone(value),
            None => Arc::new(make()?),
        };
        state.1 += 1;
        state.0 = (state.1 < TAKERS).then(|| Arc::clone(&value));
        Ok(value)
    }
}

/// `value`, or a copy when another taker still holds it.
pub(crate) fn owned<T: Clone>(value: Arc<T>) -> T {
    Arc::try_unwrap(value).unwrap_or_else(|shared| T::clone(&shared))
}

/// A platform listed in [`LIVE`] while this lives.
struct Listed {
    key: usize,
    /// Whether this listed it (an enclosing scope of the same platform did otherwise).
    listed: bool,
}

impl Listed {
    fn new(p: &Platform) -> Listed {
        let key = address(p);
        let mut live = lock(&LIVE);
        let listed = !live.iter().any(|(k, _)| *k == key);
        if listed {
            live.push((key, Arc::default()));
        }
        Listed { key, listed }
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        if self.listed {
            lock(&LIVE).retain(|(k, _)| *k != self.key);
        }
    }
}

fn address(p: &Platform) -> usize {
    std::ptr::from_ref(p) as usize
}

/// Locks `m`; a panic elsewhere while it was held leaves nothing half-done in these.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_made_once_and_let_go_after_both_takers() {
        let memo = Memo::<String>::default();
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Ok("rules".to_owned())
        };
        let first = memo.take(make).unwrap();
        let second = memo.take(make).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(made.get(), 1);
        assert!(lock(&memo.state).0.is_none(), "let go after two takers");
        drop(first);
        assert_eq!(
            owned(second),
            "rules",
            "the last holder takes it without a copy"
        );
        // A third taker (a target rendered again in the same scope) makes its own.
        memo.take(make).unwrap();
        assert_eq!(made.get(), 2);
    }

    #[test]
    fn a_failure_is_not_kept() {
        let memo = Memo::<String>::default();
        let failed = memo.take(|| Err(RenderError::Unrenderable("no".into())));
        assert!(failed.is_err());
        assert_eq!(*memo.take(|| Ok("yes".to_owned())).unwrap(), "yes");
    }
}
