//! The shared conformance vectors (`../shared/vectors`, or `$ONEGO_VECTORS`), read at test time and never
//! copied into the repository. A missing folder fails the test: conformance is not optional.

use std::path::PathBuf;

use serde_json::Value;

pub fn vectors_dir() -> PathBuf {
    let dir = std::env::var_os("ONEGO_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    assert!(
        dir.is_dir(),
        "conformance vectors not found at {} (set ONEGO_VECTORS to the shared/vectors folder)",
        dir.display()
    );
    dir
}

/// A vector file as JSON.
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}
