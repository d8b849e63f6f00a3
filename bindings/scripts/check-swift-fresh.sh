#!/usr/bin/env bash
# Checks that the committed Swift bindings match the library: regenerates them into a temporary directory from
# the unstripped debug library and diffs. Fails when they are stale; `--update` rewrites them instead.
#
#   cargo build -p onego-ffi && bindings/scripts/check-swift-fresh.sh [--update]
#
# Committed (for the iOS package, which has no Rust toolchain on hand when it resolves):
#   ios/Sources/OnegoCore/*.swift   the Swift of both exporting crates, one Swift module `OnegoCore`
#   ios/Headers/*.h, *.modulemap    their C FFI modules, for the XCFramework's Headers
set -euo pipefail
cd "$(dirname "$0")/../.."
swift_dir=ios/Sources/OnegoCore
headers_dir=ios/Headers
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bash bindings/scripts/generate.sh swift "$tmp/gen"
mkdir -p "$tmp/want/swift" "$tmp/want/headers"
cp "$tmp"/gen/*.swift "$tmp/want/swift/"
cp "$tmp"/gen/*.h "$tmp"/gen/*.modulemap "$tmp/want/headers/"

if [[ "${1:-}" == "--update" ]]; then
    mkdir -p "$swift_dir" "$headers_dir"
    rm -f "$swift_dir"/*.swift "$headers_dir"/*.h "$headers_dir"/*.modulemap
    cp "$tmp"/want/swift/* "$swift_dir/"
    cp "$tmp"/want/headers/* "$headers_dir/"
    echo "Swift bindings written to $swift_dir and $headers_dir"
    exit 0
fi

stale=0
diff -r -u "$tmp/want/swift" "$swift_dir" >"$tmp/swift.diff" 2>&1 || stale=1
# Only the generated kinds of file count under ios/Headers.
mkdir -p "$tmp/have/headers"
cp "$headers_dir"/*.h "$headers_dir"/*.modulemap "$tmp/have/headers/" 2>/dev/null || true
diff -r -u "$tmp/want/headers" "$tmp/have/headers" >"$tmp/headers.diff" 2>&1 || stale=1
if [[ $stale -ne 0 ]]; then
    head -n 60 "$tmp/swift.diff" "$tmp/headers.diff" >&2
    echo "The committed Swift bindings are stale (the exported API changed)." >&2
    echo "Regenerate them with: cargo build -p onego-ffi && bindings/scripts/check-swift-fresh.sh --update" >&2
    exit 1
fi
echo "Swift bindings are fresh"
