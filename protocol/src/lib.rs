//! Wire types, identifiers and credential formats shared by the onego core and the sandbox platform.
//!
//! This crate is pure: no I/O, no clocks read, no randomness drawn. Both sides of the wire depend on it so
//! they cannot drift. It must not depend on any other crate of the workspace.

pub mod api;
pub mod ids;
pub mod licence;
pub mod plan;
pub mod sdjwt;
pub mod status_list;
pub mod time;
pub mod transport;
pub mod trust;

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();

/// Derives a JSON schema for the platform's OpenAPI document only when the `openapi` feature is on.
///
/// uniffi derives are not added here but on each type the phone library hands out
/// (`#[cfg_attr(feature = "ffi", derive(uniffi::Record))]`), so a wire type holding something that cannot cross
/// the FFI (a `Jwk`, a `serde_json::Value`) needs nothing to opt out.
macro_rules! wire {
    ($item:item) => {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $item
    };
}
pub(crate) use wire;
