//! nexus: a declarative infrastructure compiler.
//!
//! One typed platform spec in; validated with source-located diagnostics, linted for
//! security and resource policy, and rendered deterministically into Kubernetes manifests,
//! a Docker Compose project and Nginx configuration.
//!
//! ```
//! let spec = nexus::Spec::from_path(std::path::Path::new("specs/nexus.yaml")).unwrap();
//! assert!(spec.validate().is_empty());
//! let staging = spec.resolve("staging").unwrap();
//! assert_eq!(staging.namespace.value, "nexus-staging");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use nexus_spec as spec;
pub use nexus_spec::{Diagnostic, Diagnostics, Spec, ir};
