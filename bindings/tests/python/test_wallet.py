"""The wallet through the Python bindings: the device key lives in the host (here a P-256 key in Python, signing
DER as Android's Keystore does), licences are bound to it, shown with one claim, and checked in verifier mode."""

import asyncio
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from onego import onego_core as core
from onego import onego_protocol as protocol

from test_journey import DictSecretStore, config


def b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class HostDeviceKey(core.DeviceKey):
    """The shell's hardware key: the private half never reaches the core, which only asks for signatures."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.signatures = 0

    def public_jwk(self):
        n = self.key.public_key().public_numbers()
        return json.dumps(
            {"kty": "EC", "crv": "P-256", "x": b64url(n.x.to_bytes(32, "big")), "y": b64url(n.y.to_bytes(32, "big"))}
        )

    def sign(self, message):
        self.signatures += 1
        return self.key.sign(bytes(message), ec.ECDSA(hashes.SHA256()))  # DER, which the core accepts


def test_wallet_with_a_host_device_key(tmp_path, platform):
    device = HostDeviceKey()
    app = core.Onego(config(tmp_path, platform.url), DictSecretStore(), device)
    verifier = core.Onego(config(tmp_path / "verifier", platform.url), DictSecretStore())

    async def journey():
        await app.sign_in("13800000001", "123456", protocol.AccountKind.CITIZEN)
        refreshed = await app.refresh_wallet()
        assert refreshed.added >= 4
        assert device.signatures >= 4, "each issuance was bound by a proof signed with the host's key"
        licences = await app.licences()
        card = next(l for l in licences if l.vct == "urn:cn:licence:resident-id")
        assert card.state == core.LicenceState.VALID and card.checked_at_ms is not None

        request = core.PresentRequest(
            licence_id=card.id, purpose=core.Purpose.AGE_CHECK, add=[], remove=[], aud=None, nonce=None
        )
        session = await app.start_presenting(request)
        shown = await session.current()
        assert shown.disclosed == ["age_over_18"]
        assert shown.qr is not None and shown.qr.version <= 20
        assert shown.qr_text.startswith("OG1:")

        await verifier.refresh_licence_status()
        verdict = await verifier.verify_presentation(shown.qr_text, None, None)
        assert verdict.valid and verdict.key_bound
        assert [c.name for c in verdict.claims if c.name.startswith("age_")] == ["age_over_18"]
        assert all(c.name not in ("name", "id_number") for c in verdict.claims)

        log = await app.usage_log()
        assert len(log) == 1 and log[0].claims == ["age_over_18"]

    asyncio.run(journey())
