//! `nexus-lint`: security and resource-policy rules over the resolved platform IR.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
