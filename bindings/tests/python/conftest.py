"""Finds the generated Python bindings and the sandbox platform binary.

bindings/scripts/test-bindings.sh builds the package `onego` (the generated `onego_core.py` and
`onego_protocol.py` with `libonego_ffi.so` beside them: uniffi's Python loads the library from the module's own
folder) under target/bindings/python and points ONEGO_PY_BINDINGS at it.
"""

import os
import pathlib
import socket
import subprocess
import sys
import threading

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
BINDINGS = pathlib.Path(os.environ.get("ONEGO_PY_BINDINGS") or REPO / "target" / "bindings" / "python")
if not (BINDINGS / "onego" / "onego_core.py").is_file():
    raise RuntimeError(f"no generated bindings in {BINDINGS}: run bindings/scripts/test-bindings.sh")
sys.path.insert(0, str(BINDINGS))


class Platform:
    """`onego serve` on a free loopback port, as a child process."""

    def __init__(self):
        binary = os.environ.get("ONEGO_BIN") or str(REPO / "target" / "debug" / "onego")
        if not os.access(binary, os.X_OK):
            raise RuntimeError(f"sandbox platform binary missing at {binary}: cargo build -p onego")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [binary, "serve", "--addr", f"127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        first = []
        reader = threading.Thread(target=lambda: first.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        if not first or self.url not in first[0]:
            self.close()
            raise RuntimeError(f"platform did not start: first line was {first!r}")
        # Keep draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def platform():
    p = Platform()
    try:
        yield p
    finally:
        p.close()
