//! uniffi bindings: filled by the bindings issue.
pub use onego_core as core;
