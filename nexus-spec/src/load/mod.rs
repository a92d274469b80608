//! YAML loading with spans (being built).
