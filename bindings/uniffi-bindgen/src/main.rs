//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libonego_ffi.so --language kotlin --out-dir …`
//!
//! Built from the workspace so the generator is always the same uniffi version as the library it reads.

fn main() {
    uniffi::uniffi_bindgen_main();
}
