//! Writing an [`OutputPlan`](crate::OutputPlan) into an output folder all-or-nothing, and
//! checking a folder against a plan without writing.
//!
//! - **Ownership.** The folder holds a manifest ([`manifest::MANIFEST_NAME`]) of the files
//!   nexus wrote and their SHA-256. nexus replaces or removes a file only when the manifest
//!   lists it *and* its bytes still hash to the listed value. Anything else in the folder is
//!   foreign: never touched, reported as a [`Warning`]. A foreign file where a rendered file
//!   must go is an error, unless it already holds exactly the rendered bytes (then nexus
//!   adopts it). An owned file edited by hand is overwritten when it is still rendered (the
//!   spec is the source of truth) and kept, disowned, when it is not.
//! - **Atomicity.** Everything is compared first; then every name the write will use is
//!   journaled; every new file is written to a temporary sibling (created exclusively; all
//!   made durable before the first rename), or, in a folder the write creates, into that
//!   folder staged whole under a temporary name; each target is hard-linked to a backup and
//!   the temporary renamed over it, and each staged folder renamed into place; the journal
//!   is marked committed; backups are deleted. A
//!   failure at any step before the commit point undoes the steps taken, so the folder is
//!   byte-for-byte as before; a crash there is undone by the next write ([`recover`]).
//! - **Exclusion.** A write holds the folder's lock ([`LOCK_NAME`]) from its first read to
//!   its last rename; a check holds it shared. Another process waits, then gets
//!   [`OutputError::Locked`].
//! - **Links.** No symbolic link inside the folder is followed: a link on the way to a
//!   rendered file, or in its place, is an error; links elsewhere are foreign entries.
//!
//! ```
//! use nexus_render::{OutputPlan, output};
//! let dir = tempfile::tempdir().unwrap();
//! let mut plan = OutputPlan::new();
//! plan.add("staging/k8s/web.yaml", "kind: Deployment\n").unwrap();
//! let report = output::write(&plan, dir.path()).unwrap();
//! assert_eq!(report.written, vec!["staging/k8s/web.yaml".to_string()]);
//! assert!(output::check(&plan, dir.path()).unwrap().is_clean());
//! ```

mod batch;
mod check;
mod check_stream;
mod error;
mod fill;
mod flush;
mod journal;
mod lock;
pub mod manifest;
mod readback;
mod reconcile;
mod scan;
mod scope;
pub mod semantic;
mod stream;
mod txn;
mod udiff;
mod warning;
mod write;

pub use check::{Change, Drift, FileChange, check, check_scoped, check_waiting};
pub use check_stream::{Checker, ReadFolder};
pub use error::OutputError;
pub use journal::{JOURNAL_NAME, is_leftover};
pub use lock::{DEFAULT_LOCK_WAIT, LOCK_NAME};
pub use manifest::{MANIFEST_NAME, Manifest};
pub use scope::Scope;
pub use stream::Writer;
pub use udiff::unified_diff;
pub use warning::Warning;
pub use write::{WriteReport, recover, write, write_scoped, write_waiting};
#[cfg(feature = "fault-injection")]
pub use write::{write_with_crash, write_with_fault};
