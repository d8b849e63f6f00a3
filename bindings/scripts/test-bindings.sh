#!/usr/bin/env bash
# The binding tests: the real library, called from Kotlin (JVM, Maven, JUnit 5) and Python (pytest), against a
# real sandbox platform that each test starts on a free loopback port; then the Swift freshness check.
# Exits non-zero if any part fails. Needs: cargo, java 17+, mvn (downloads from Maven Central on first use),
# python3 with pytest (scripts/requirements-test.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== bindings: build the library (debug, unstripped: bindgen reads its symbols) and the sandbox platform"
cargo build -q --locked -p onego-ffi -p onego -p uniffi-bindgen
# Cargo's own target directory (a CARGO_TARGET_DIR elsewhere included); generated sources stay under ./target.
build="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug"
lib="$build/libonego_ffi.so"
export UNIFFI_BINDGEN="$build/uniffi-bindgen"
export ONEGO_BIN="${ONEGO_BIN:-$build/onego}"

failed=()

echo "== bindings: Kotlin on the JVM (${SECONDS} s)"
kotlin_src="$repo/target/bindings/kotlin"
bash bindings/scripts/generate.sh kotlin "$kotlin_src" "$lib"
# Reports of an earlier run (or of a test class since removed) would be counted in the summary below.
rm -rf bindings/tests/kotlin/target/surefire-reports
if mvn -q -B -Dstyle.color=never -f bindings/tests/kotlin/pom.xml test \
    -Donego.libdir="$build" -Donego.generated="$kotlin_src"; then
    reports=(bindings/tests/kotlin/target/surefire-reports/TEST-*.xml)
    python3 - "${reports[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
tests = failures = skipped = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    tests += int(root.get("tests", 0))
    failures += int(root.get("failures", 0)) + int(root.get("errors", 0))
    skipped += int(root.get("skipped", 0))
print(f"kotlin: {tests - failures - skipped} passed, {failures} failed, {skipped} skipped")
PY
else
    failed+=(kotlin)
fi

echo "== bindings: Python (${SECONDS} s)"
# uniffi's Python loads the library from the module's own folder, and the two modules import each other
# relatively: a package `onego` with the library beside them.
py_root="$repo/target/bindings/python"
py_pkg="$py_root/onego"
bash bindings/scripts/generate.sh python "$py_pkg" "$lib"
: >"$py_pkg/__init__.py"
cp "$lib" "$py_pkg/"
ONEGO_PY_BINDINGS="$py_root" python3 -m pytest -q -p no:cacheprovider bindings/tests/python || failed+=(python)

echo "== bindings: Swift bindings are fresh (${SECONDS} s)"
bash bindings/scripts/check-swift-fresh.sh || failed+=(swift)

if ((${#failed[@]})); then
    echo "binding tests failed: ${failed[*]}" >&2
    exit 1
fi
echo "binding tests passed in ${SECONDS} s"
