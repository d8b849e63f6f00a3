#!/usr/bin/env bash
# Every test of the project. Needs: the Rust toolchain, Java 17+ and Maven (the binding tests fetch from Maven
# Central on first use), python3 with the packages in scripts/requirements-test.txt
# (`.ci/run` installs them). Tests start their own sandbox platforms on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONEGO_VECTORS="${ONEGO_VECTORS:-$(cd .. && pwd)/shared/vectors}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust tests (unit, conformance vectors, platform, core end to end, CLI)"
cargo test --workspace --locked

echo "== OpenAPI document validates as OpenAPI 3"
mkdir -p target
cargo run -q --locked -p onego -- openapi > target/openapi.json
python3 -m openapi_spec_validator target/openapi.json

echo "== Bindings: Kotlin (JVM, Maven) and Python against the real library and platform; Swift freshness"
bash bindings/scripts/test-bindings.sh

echo "== Mobile shells: Kotlin (android/) and Swift (ios/) parse with real grammars; shell-common on the JVM"
# No Android SDK or Swift compiler here: tree-sitter catches syntax errors, the hosted workflows build the apps.
python3 scripts/check-shell-syntax.py
mvn -q -B -f android/shell-common/pom.xml test
