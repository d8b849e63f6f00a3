#!/usr/bin/env bash
# Builds the iOS XCFramework of the Rust library: the `mobile` profile static library for devices
# (aarch64-apple-ios) and for the simulator (aarch64-apple-ios-sim and x86_64-apple-ios, merged with lipo), with
# the generated C headers of ios/Headers and one module map declaring their three C modules.
#
#   bindings/scripts/build-xcframework.sh      # on macOS with Xcode; writes ios/build/OnegoFFI.xcframework
#
# Needs: rustup targets aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; xcodebuild, lipo.
# The Swift in ios/Sources/OnegoCore and the headers in ios/Headers are committed and checked for freshness by
# check-swift-fresh.sh; this script only reads them.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
profile=mobile
lib=libonego_ffi.a
out_dir="$repo/ios/build"
xcframework="$out_dir/OnegoFFI.xcframework"
# The minimum iOS of the package (Package.swift: .iOS(.v17)); the C parts (SQLite, ring) are compiled for it too.
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-17.0}"

[[ "$(uname -s)" == Darwin ]] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
ls ios/Headers/*.h ios/Headers/*.modulemap >/dev/null

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
for target in "${targets[@]}"; do
    echo "== cargo build --profile $profile --target $target"
    cargo build --locked -p onego-ffi --profile "$profile" --target "$target"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The simulator runs on Apple silicon and Intel Macs: one fat library for both.
mkdir -p "$work/sim"
lipo -create \
    "target/aarch64-apple-ios-sim/$profile/$lib" \
    "target/x86_64-apple-ios/$profile/$lib" \
    -output "$work/sim/$lib"

# One Headers folder for both slices: the three headers and a single `module.modulemap` (the name an
# XCFramework's Headers must use) holding the three `module …FFI` declarations uniffi generated.
mkdir -p "$work/headers"
cp ios/Headers/*.h "$work/headers/"
for map in ios/Headers/*.modulemap; do
    cat "$map"
    echo
done >"$work/headers/module.modulemap"

rm -rf "$xcframework"
mkdir -p "$out_dir"
xcodebuild -create-xcframework \
    -library "target/aarch64-apple-ios/$profile/$lib" -headers "$work/headers" \
    -library "$work/sim/$lib" -headers "$work/headers" \
    -output "$xcframework"

for slice in "target/aarch64-apple-ios/$profile/$lib" "$work/sim/$lib"; do
    printf '%s: %s bytes\n' "$slice" "$(stat -f %z "$slice")"
done
echo "XCFramework written to ${xcframework#"$repo"/}"
