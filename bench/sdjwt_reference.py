#!/usr/bin/env python3
"""The Python side of the SD-JWT VC benchmark (issue 3, item 8): the reference implementation `sd-jwt` 0.10.4
(PyPI, on jwcrypto) on the same keys and claims as onego's `protocol/benches/sdjwt.rs`.

The keys (PKCS#8, written by the Rust bench) and the claims come from `fixture.json` in the bench directory
(`$SDJWT_BENCH_DIR`, default `target/sdjwt-bench`). Licence `i` (0 for the single-operation timings) is issued
by the `i mod n`-th issuer allowed to issue the fixture's `vct`, carries that issuer's `issuer_name`/`issuer_code`
and `status {status_list: {idx: status_idx + i, uri: its status_uri}}`, and is presented with nonce
`"{nonce}-{i}"`: the same rule as the Rust bench.

    sdjwt_reference.py bench   # cross-check rust-check.json, time every operation, write py-results.json
                               # and py-check.json (a presentation for onego to verify)
    sdjwt_reference.py table   # the comparison table from py-results.json and criterion's sample.json files

Timings use `timeit` (garbage collection off while timing, as timeit does): each operation runs `repeat` rounds
of `number` calls, `number` chosen so a round takes about 50 ms (the length of one criterion sample on the Rust
side, which uses flat sampling: equal iterations per sample). Median and p95 are over the rounds' per-call times,
on both sides.
"""

import argparse
import base64
import json
import math
import os
import platform
import statistics
import sys
import time
import timeit
from importlib.metadata import version
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_der_private_key
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

ROOT = Path(__file__).resolve().parent.parent
TYP = "dc+sd-jwt"
LEEWAY = 60
KB_MAX_AGE = 300
ROUND_SECONDS = 0.05
OPS = ["issue", "present", "verify", "verify_1000", "qr"]


def bench_dir(arg):
    return Path(arg or os.environ.get("SDJWT_BENCH_DIR") or ROOT / "target" / "sdjwt-bench")


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_key(entry):
    """A jwcrypto JWK from the fixture's PKCS#8, checked against the fixture's public JWK and kid."""
    key = JWK.from_pyca(load_der_private_key(b64d(entry["pkcs8"]), password=None))
    public = key.export_public(as_dict=True)
    for member in ("kty", "crv", "x", "y"):
        assert public[member] == entry["jwk"][member], f"key mismatch in {member}"
    assert key.thumbprint() == entry["kid"], "kid is the RFC 7638 thumbprint"
    return key


class Issuer(SDJWTIssuer):
    """SDJWTIssuer with exactly `decoys` decoy digests in the top-level `_sd`, as onego issues.

    0.10.4's own `add_decoy_claims=True` adds a random 2 to 5 decoys to every object (the `status` object too),
    so it is off and the decoys are added here with the library's own helper, then `_sd` is sorted again.
    """

    decoys = 0

    def _assemble_sd_jwt_payload(self):
        super()._assemble_sd_jwt_payload()
        sd = self.sd_jwt_payload.setdefault("_sd", [])
        sd.extend(self._create_decoy_claim_entry() for _ in range(self.decoys))
        sd.sort()


class Fixture:
    def __init__(self, directory):
        self.raw = json.loads((directory / "fixture.json").read_text("utf-8"))
        f = self.raw
        self.vct, self.aud, self.nonce, self.batch = f["vct"], f["aud"], f["nonce"], f["batch"]
        self.disclose = f["disclose"]
        self.issuers = f["issuers"]
        self.issuer_keys = [load_key(i["key"]) for i in self.issuers]
        self.holder = load_key(f["holder"])
        self.holder_public = JWK(**self.holder.export_public(as_dict=True))
        self.eligible = [k for k, i in enumerate(self.issuers) if self.vct in i["licence_types"]]
        # The verifier's key callback: a dict from (iss, kid) to the issuer's public key, built once (warm).
        self.trusted = {
            (i["id"], i["key"]["kid"]): JWK(**k.export_public(as_dict=True))
            for i, k in zip(self.issuers, self.issuer_keys)
        }
        Issuer.decoys = f["decoys"]
        self.expect = {name: value for name, value in f["disclosable"] if name in self.disclose}

    def claims(self, i):
        """The user claims of licence i, disclosable ones wrapped in SDObj, and its issuer index."""
        f = self.raw
        k = self.eligible[i % len(self.eligible)]
        issuer = self.issuers[k]
        claims = {
            "iss": issuer["id"],
            "vct": f["vct"],
            "iat": f["iat"],
            "nbf": f["nbf"],
            "exp": f["exp"],
            "status": {"status_list": {"idx": f["status_idx"] + i, "uri": issuer["status_uri"]}},
        }
        for name, value in f["visible"]:
            claims[name] = value
        claims["issuer_name"] = issuer["name"]
        claims["issuer_code"] = issuer["credit_code"]
        for name, value in f["disclosable"]:
            claims[SDObj(name)] = value
        return claims, k

    def issue(self, claims, k):
        return Issuer(
            claims,
            self.issuer_keys[k],
            holder_key=self.holder_public,
            extra_header_parameters={"typ": TYP, "kid": self.issuers[k]["key"]["kid"]},
        ).sd_jwt_issuance

    def present(self, credential, nonce):
        holder = SDJWTHolder(credential)
        holder.create_presentation({name: True for name in self.disclose}, nonce, self.aud, self.holder)
        return holder.sd_jwt_presentation

    def get_key(self, iss, header):
        return self.trusted[(iss, header.get("kid"))]

    def verify(self, text, nonce):
        """What sd-jwt 0.10.4 checks: issuer signature, KB-JWT signature, typ, aud, nonce, sd_hash, duplicate
        disclosures and digests. Not checked by it: exp/nbf/iat, KB-JWT iat, issuer typ, unreferenced
        disclosures (see verify_strict)."""
        verifier = SDJWTVerifier(text, self.get_key, expected_aud=self.aud, expected_nonce=nonce)
        return verifier.get_verified_payload()

    def get_key_strict(self, iss, header):
        if header.get("typ") != TYP or header.get("alg") != "ES256":
            raise ValueError("issuer jwt typ or alg")
        return self.trusted[(iss, header.get("kid"))]

    def verify_strict(self, text, nonce, now, aud=None):
        """verify() plus the RFC 9901 §7 / SD-JWT VC checks that 0.10.4 leaves out, so it does what onego's
        verify does: issuer typ and alg, exp/nbf/iat with leeway, vct, KB-JWT iat freshness, and every
        disclosure referenced (top-level `_sd` is enough for this credential: it has no nested disclosures)."""
        verifier = SDJWTVerifier(text, self.get_key_strict, expected_aud=aud or self.aud, expected_nonce=nonce)
        payload = verifier.get_verified_payload()
        if "exp" not in payload or now > payload["exp"] + LEEWAY:
            raise ValueError("expired")
        if payload.get("nbf", now) > now + LEEWAY or payload.get("iat", now) > now + LEEWAY:
            raise ValueError("not yet valid")
        if not isinstance(payload.get("vct"), str):
            raise ValueError("vct")
        kb = json.loads(b64d(verifier._unverified_input_key_binding_jwt.split(".")[1]))
        if not isinstance(kb.get("iat"), int) or kb["iat"] > now + LEEWAY or kb["iat"] < now - KB_MAX_AGE:
            raise ValueError("stale or future key binding jwt")
        referenced = set(verifier._sd_jwt_payload.get("_sd", []))
        if any(digest not in referenced for digest in verifier._hash_to_disclosure):
            raise ValueError("unreferenced disclosure")
        return payload


def qr_render(text):
    import qrcode  # noqa: PLC0415 (optional: only for the QR side by side)

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.version, code.get_matrix()


def measure(fn, repeat, round_seconds=ROUND_SECONDS):
    """Per-call seconds of `repeat` timeit rounds, each of `number` calls lasting about round_seconds."""
    timer = timeit.Timer(fn)
    number, taken = timer.autorange()
    number = max(1, round(round_seconds / (taken / number)))
    per_call = [t / number for t in timer.repeat(repeat=repeat, number=number)]
    return {"number": number, "repeat": repeat, "per_call_s": per_call, **summary(per_call)}


def percentile(values, q):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(values):
    return {"median_s": statistics.median(values), "p95_s": percentile(values, 0.95)}


def check_disclosed(fixture, payload):
    for name, value in fixture.expect.items():
        assert payload.get(name) == value, f"disclosed {name}"
    hidden = [name for name, _ in fixture.raw["disclosable"] if name not in fixture.expect]
    assert not any(name in payload for name in hidden), "undisclosed claims stay hidden"


def loadavg():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return None


def cmd_bench(args):
    directory = bench_dir(args.dir)
    fx = Fixture(directory)
    scale = 0.2 if args.quick else 1.0

    # Interop first: onego's presentation verifies here, fully, as of when it was made.
    rust_check = directory / "rust-check.json"
    if rust_check.exists():
        check = json.loads(rust_check.read_text("utf-8"))
        payload = fx.verify_strict(check["text"], check["nonce"], check["now"], aud=check["aud"])
        check_disclosed(fx, payload)
        assert {k: payload[k] for k in check["expect"]} == check["expect"]
        print(f"sd-jwt {version('sd-jwt')} verified onego's presentation ({len(check['text'])} bytes)")
    else:
        print("no rust-check.json yet: run the Rust bench first for the interop check", file=sys.stderr)

    now = int(time.time())
    claims0, k0 = fx.claims(0)
    credential = fx.issue(claims0, k0)
    nonce0 = f"{fx.nonce}-0"
    presentation = fx.present(credential, nonce0)
    check_disclosed(fx, fx.verify(presentation, nonce0))
    check_disclosed(fx, fx.verify_strict(presentation, nonce0, now))

    nonces = [f"{fx.nonce}-{i}" for i in range(fx.batch)]
    batch = [fx.present(fx.issue(*fx.claims(i)), n) for i, n in enumerate(nonces)]
    for text, nonce in zip(batch, nonces):
        check_disclosed(fx, fx.verify(text, nonce))
        fx.verify_strict(text, nonce, now)

    def verify_all():
        for text, nonce in zip(batch, nonces):
            fx.verify(text, nonce)

    def verify_all_strict():
        for text, nonce in zip(batch, nonces):
            fx.verify_strict(text, nonce, now)

    load_before = loadavg()
    results = {}
    single = max(10, int(100 * scale))
    results["issue"] = measure(lambda: fx.issue(claims0, k0), single)
    results["present"] = measure(lambda: fx.present(credential, nonce0), single)
    results["verify"] = measure(lambda: fx.verify(presentation, nonce0), single)
    results["verify_strict"] = measure(lambda: fx.verify_strict(presentation, nonce0, now), single)
    results["verify_1000"] = measure(verify_all, max(5, int(15 * scale)), round_seconds=0)
    results["verify_1000_strict"] = measure(verify_all_strict, max(5, int(15 * scale)), round_seconds=0)
    # The QR side by side renders the same text on both sides: onego's presentation when there is one (0.10.4's
    # own is larger, its disclosures escaping every non-ASCII character, and may not fit a QR code at all).
    qr_text = check["text"] if rust_check.exists() else presentation
    qr_version = None
    try:
        qr_version, _ = qr_render(qr_text)
        results["qr"] = measure(lambda: qr_render(qr_text), max(10, int(30 * scale)))
    except ImportError:
        print("qrcode is not installed: no Python QR timing", file=sys.stderr)
    load_after = loadavg()
    for name, r in results.items():
        print(f"{name:20} median {r['median_s'] * 1e3:9.3f} ms  p95 {r['p95_s'] * 1e3:9.3f} ms  "
              f"({r['repeat']} rounds of {r['number']})")

    packages = {}
    for name in ("sd-jwt", "jwcrypto", "cryptography", "qrcode"):
        try:
            packages[name] = version(name)
        except Exception:  # noqa: BLE001 (not installed)
            packages[name] = None
    from cryptography.hazmat.backends.openssl import backend  # noqa: PLC0415

    meta = {
        "openssl": backend.openssl_version_text(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "packages": packages,
        "load_before": load_before,
        "load_after": load_after,
        "credential_bytes": len(credential),
        "presentation_bytes": len(presentation),
        "qr_version": qr_version,
        "qr_text": "onego's presentation" if rust_check.exists() else "sd-jwt's presentation",
        "qr_bytes": len(qr_text),
        "batch": fx.batch,
    }
    (directory / "py-results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1), "utf-8")

    check_now = int(time.time())
    py_check = {"text": fx.present(credential, nonce0), "aud": fx.aud, "nonce": nonce0, "now": check_now,
                "expect": fx.expect}
    (directory / "py-check.json").write_text(json.dumps(py_check, ensure_ascii=False, indent=1), "utf-8")


def criterion_results(criterion_dir):
    out = {}
    for op in OPS:
        path = criterion_dir / "sdjwt" / op / "new" / "sample.json"
        if not path.exists():
            continue
        sample = json.loads(path.read_text("utf-8"))
        per_call = [t / n * 1e-9 for t, n in zip(sample["times"], sample["iters"])]
        out[op] = {"number": int(sample["iters"][0]), "repeat": len(per_call), **summary(per_call)}
    return out


def fmt(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.1f} µs"


def cmd_table(args):
    directory = bench_dir(args.dir)
    if args.criterion:
        criterion_dir = Path(args.criterion)
    elif (directory / "criterion" / "sdjwt").exists():
        criterion_dir = directory / "criterion"
    else:
        criterion_dir = ROOT / "target" / "criterion"
    rust = criterion_results(criterion_dir)
    py = json.loads((directory / "py-results.json").read_text("utf-8"))
    p, meta = py["results"], py["meta"]
    rmeta = json.loads((directory / "rust-meta.json").read_text("utf-8"))
    n = meta["batch"]
    rows = [
        ("(a) issue one licence (information)", "issue", "issue", 1),
        ("(b) build one presentation: 2 claims + KB-JWT", "present", "present", 1),
        ("(c) verify that presentation fully", "verify", "verify", 1),
        ("(c') … Python with the checks 0.10.4 lacks", "verify", "verify_strict", 1),
        (f"(d) verify {n:,} distinct presentations, warm trust list: per item", "verify_1000", "verify_1000", n),
        (f"(d) … total for {n:,}", "verify_1000", "verify_1000", 1),
        ("(d') … per item, Python with the checks 0.10.4 lacks", "verify_1000", "verify_1000_strict", n),
        ("(e) render one QR, level M, module matrix", "qr", "qr", 1),
    ]
    print("| operation | onego median (p95) | sd-jwt 0.10.4 median (p95) | Python ÷ onego |")
    print("| --- | --- | --- | --- |")
    for label, rop, pop, div in rows:
        r, q = rust.get(rop), p.get(pop)
        if r is None or q is None:
            print(f"| {label} | {'—' if r is None else fmt(r['median_s'] / div)} | "
                  f"{'—' if q is None else fmt(q['median_s'] / div)} | — |")
            continue
        ratio = q["median_s"] / r["median_s"]
        print(f"| {label} | {fmt(r['median_s'] / div)} ({fmt(r['p95_s'] / div)}) | "
              f"{fmt(q['median_s'] / div)} ({fmt(q['p95_s'] / div)}) | {ratio:.1f}× |")
    print()
    def rounds(results):
        return ", ".join(f"{k} {v['repeat']}×{v['number']}" for k, v in results.items())

    print(f"Rounds (samples × calls): onego {rounds(rust)}; Python {rounds(p)}.")
    print(f"Sizes: onego credential {rmeta['credential_bytes']} B, presentation {rmeta['presentation_bytes']} B, "
          f"QR version {rmeta['qr_version']} ({rmeta['qr_width']}×{rmeta['qr_width']}); sd-jwt credential "
          f"{meta['credential_bytes']} B, presentation {meta['presentation_bytes']} B; Python QR of "
          f"{meta['qr_text']} ({meta['qr_bytes']} B): version {meta['qr_version']}.")
    print(f"Python {meta['implementation']} {meta['python']} ({meta.get('openssl')}); "
          f"{', '.join(k + ' ' + str(v) for k, v in meta['packages'].items())}; "
          f"load average (1/5/15 min) during the Python run: {meta['load_before']} → {meta['load_after']}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["bench", "table"])
    parser.add_argument("--dir", help="bench directory (default $SDJWT_BENCH_DIR or target/sdjwt-bench)")
    parser.add_argument("--criterion", help="criterion output directory (default DIR/criterion)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run, not for the record)")
    args = parser.parse_args()
    {"bench": cmd_bench, "table": cmd_table}[args.command](args)


if __name__ == "__main__":
    main()
