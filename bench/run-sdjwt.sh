#!/usr/bin/env bash
# SD-JWT VC: onego (protocol/benches/sdjwt.rs, criterion) side by side with the Python reference sd-jwt 0.10.4
# (bench/sdjwt_reference.py) on the same keys and claims; prints the comparison table (also saved as
# $SDJWT_BENCH_DIR/table.md). Results are recorded in BENCHMARKS-wallet.md.
#
#   bench/run-sdjwt.sh [--quick] [--fresh] [--max-load L] [--wait SECONDS]
#
#   --quick        short runs (a smoke test, not for the record)
#   --fresh        new keys and claims (otherwise fixture.json is reused)
#   --max-load L   before each side, wait until the 1-minute load average is at most L ...
#   --wait S       ... for at most S seconds (default 900), then measure anyway and say so
#
# Needs the Rust toolchain and python3 (3.9+); the Python packages are installed from bench/requirements.txt
# into a virtualenv under target/ (override with SDJWT_BENCH_VENV). Files go to $SDJWT_BENCH_DIR (default
# target/sdjwt-bench): fixture.json (throwaway P-256 keys as PKCS#8, the claims), criterion/, rust-meta.json,
# rust-check.json, py-results.json, py-check.json, table.md.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
FRESH=0
MAX_LOAD=""
WAIT=900
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --fresh) FRESH=1 ;;
        --max-load) MAX_LOAD="$2"; shift ;;
        --wait) WAIT="$2"; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

export SDJWT_BENCH_DIR="${SDJWT_BENCH_DIR:-$PWD/target/sdjwt-bench}"
export CRITERION_HOME="$SDJWT_BENCH_DIR/criterion"
VENV="${SDJWT_BENCH_VENV:-$PWD/target/sdjwt-bench-venv}"
PY="$VENV/bin/python"
mkdir -p "$SDJWT_BENCH_DIR"
[ "$FRESH" = 1 ] && rm -f "$SDJWT_BENCH_DIR/fixture.json"
rm -rf "$CRITERION_HOME" "$SDJWT_BENCH_DIR"/{rust-meta,rust-check,py-results,py-check}.json
if [ "$QUICK" = 1 ]; then export SDJWT_BENCH_QUICK=1; else unset SDJWT_BENCH_QUICK; fi
PY_ARGS=()
[ "$QUICK" = 1 ] && PY_ARGS+=(--quick)

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Waits (up to $WAIT s) for the 1-minute load average to drop to $MAX_LOAD.
wait_for_load() {
    [ -n "$MAX_LOAD" ] || return 0
    local deadline=$((SECONDS + WAIT)) lowest
    lowest="$(loadavg | cut -d' ' -f1)"
    while awk -v l="$(loadavg | cut -d' ' -f1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; do
        lowest="$(awk -v l="$(loadavg | cut -d' ' -f1)" -v m="$lowest" 'BEGIN { print (l < m ? l : m) }')"
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "!! load average still $(loadavg) after ${WAIT}s (lowest 1-min seen: $lowest); measuring anyway"
            return 0
        fi
        sleep 15
    done
}

echo "== Python environment ($VENV)"
if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
"$PY" -m pip install -q --disable-pip-version-check -r bench/requirements.txt

echo "== build"
cargo bench -p onego-protocol --bench sdjwt --no-run

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|CPU max MHz)' || true
echo "nproc: $(nproc)"
rustc -V
"$PY" -V

wait_for_load
echo "== onego (criterion); load average before: $(loadavg)"
RUST_LOAD_BEFORE="$(loadavg)"
cargo bench -p onego-protocol --bench sdjwt
RUST_LOAD_AFTER="$(loadavg)"

wait_for_load
echo "== sd-jwt 0.10.4 (timeit); load average before: $(loadavg)"
"$PY" bench/sdjwt_reference.py bench "${PY_ARGS[@]}"

echo "== interop: onego verifies the presentation sd-jwt 0.10.4 built"
SDJWT_BENCH_CHECK="$SDJWT_BENCH_DIR/py-check.json" cargo bench -p onego-protocol --bench sdjwt

echo "== comparison"
{
    "$PY" bench/sdjwt_reference.py table
    echo "Load average (1/5/15 min) during the onego run: $RUST_LOAD_BEFORE → $RUST_LOAD_AFTER."
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; $(rustc -V); $("$PY" -V 2>&1)."
} | tee "$SDJWT_BENCH_DIR/table.md"
