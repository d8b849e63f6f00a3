#!/usr/bin/env bash
# Generates the bindings of a built library in uniffi library mode.
#
#   bindings/scripts/generate.sh LANGUAGE OUT_DIR [LIBRARY]
#
# LANGUAGE is kotlin, python or swift; LIBRARY defaults to the debug library in cargo's target directory. The library must be
# unstripped: uniffi reads the interface from its symbol table (ship the stripped one, generate from this one).
set -euo pipefail
cd "$(dirname "$0")/../.."
lang="${1:?language: kotlin, python or swift}"
out="${2:?output directory}"
default_lib="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/libonego_ffi.so"
lib="${3:-$default_lib}"
test -f "$lib" || { echo "no library at $lib: cargo build -p onego-ffi" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
# UNIFFI_BINDGEN: an already built `uniffi-bindgen` of this workspace (test-bindings.sh builds it once and sets
# it, sparing a `cargo run` per language); run from the repository root, where its `cargo metadata` looks.
if [[ -n "${UNIFFI_BINDGEN:-}" ]]; then
    bindgen=("$UNIFFI_BINDGEN")
else
    bindgen=(cargo run -q --locked -p uniffi-bindgen --)
fi
"${bindgen[@]}" generate --library "$lib" --language "$lang" --out-dir "$out" \
    --no-format --config bindings/uniffi.toml >/dev/null
