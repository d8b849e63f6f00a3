//! The platform's HTTP API: request and response bodies, versioned under `/v1`.

pub mod apply;
pub mod auth;
pub mod catalog;
pub mod problem;
pub mod profile;
pub mod review;
pub mod wallet;

pub use apply::*;
pub use auth::*;
pub use catalog::*;
pub use problem::*;
pub use profile::*;
pub use review::*;
pub use wallet::*;
