//! The phone library: `onego-core` with its uniffi surface turned on (feature `ffi`), built as the cdylib the
//! Kotlin and Python bindings load and the staticlib the iOS XCFramework wraps.
//!
//! The surface lives on the core's own types (`cfg_attr(feature = "ffi", …)`), one definition each; this crate
//! links it and adds only what belongs to the host process rather than the core: forwarding the core's `tracing`
//! events to the platform's log. Bindings are generated from the built library (uniffi library mode), one
//! namespace per exporting crate: `onego_core`, `onego_protocol` and `onego_ffi` (this crate).

mod logging;

pub use logging::{LogLevel, LogSink, init_logging, stop_logging};
pub use onego_core as core;

uniffi::setup_scaffolding!();
