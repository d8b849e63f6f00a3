//! Wire types, identifiers and credential formats shared by the onego core and the sandbox platform.
//!
//! This crate is pure: no I/O, no clocks read, no randomness drawn. Both sides of the wire depend on it so
//! they cannot drift. It must not depend on any other crate of the workspace.

pub mod api;
pub mod ids;
pub mod sdjwt;
pub mod status_list;
pub mod time;

/// Derives a JSON schema for the platform's OpenAPI document only when the `openapi` feature is on.
macro_rules! wire {
    ($item:item) => {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $item
    };
}
pub(crate) use wire;
