"""The citizen's journey through the Python bindings, against the real library and a real sandbox platform.

uniffi's async methods are coroutines; each test drives them with plain `asyncio.run`.
"""

import asyncio
import socket
import time

import pytest

from onego import onego_core as core
from onego import onego_ffi as ffi
from onego import onego_protocol as protocol

PHONE = "13800000001"
NOWHERE = "http://127.0.0.1:9"


class DictSecretStore(core.SecretStore):
    """The shell's secure storage, here a dict: the core keeps its database key and sign-in tokens in it."""

    def __init__(self):
        self.entries = {}

    def get(self, key):
        return self.entries.get(key)

    def set(self, key, value):
        self.entries[key] = bytes(value)

    def delete(self, key):
        self.entries.pop(key, None)


class ListLogSink(ffi.LogSink):
    """The host's log, here a list."""

    def __init__(self):
        self.lines = []

    def log(self, level, target, message):
        self.lines.append((level, target, message))


class LockedSecretStore(core.SecretStore):
    """A keystore that refuses, with its own error or with anything else."""

    def __init__(self, unexpected):
        self.unexpected = unexpected

    def get(self, key):
        if self.unexpected:
            raise ValueError("keystore exploded")
        raise core.SecretStoreError.Failed("device locked")

    def set(self, key, value):
        raise core.SecretStoreError.Failed("device locked")

    def delete(self, key):
        raise core.SecretStoreError.Failed("device locked")


def config(data_dir, url, locale=core.Locale.ZH_CN):
    return core.OnegoConfig(data_dir=str(data_dir), platform_url=url, locale=locale, request_timeout_ms=5000)


def test_journey_online_then_offline(tmp_path, platform):
    secrets = DictSecretStore()
    log = ListLogSink()
    assert ffi.init_logging(log, ffi.LogLevel.DEBUG)
    app = core.Onego(config(tmp_path, platform.url), secrets)
    assert app.locale() == core.Locale.ZH_CN
    assert app.open_report().recovered_from is None and not app.open_report().key_reset
    assert app.signed_in() is None
    assert "onego.db-key.v1" in secrets.entries, "the database key lives in the shell's store"

    async def online():
        await app.request_code(PHONE, protocol.AccountKind.CITIZEN)
        who = await app.sign_in(PHONE, "123456", protocol.AccountKind.CITIZEN)
        assert who.kind == protocol.AccountKind.CITIZEN
        assert app.signed_in() == who
        assert "onego.tokens.v1" in secrets.entries

        report = await app.sync_catalog()
        assert report.full and report.upserted > 0
        assert any(
            level == ffi.LogLevel.INFO and target.startswith("onego_core") and "catalog synced" in message
            for level, target, message in log.lines
        ), log.lines
        assert (await app.catalog_state()).items == report.upserted

        hits = await app.search("生孩子", 10)
        assert hits[0].id == "bundle-birth"
        assert hits[0].kind == "bundle"

        guide = await app.guide("bundle-birth")
        assert guide.is_BUNDLE()
        bundle = guide[0]
        assert bundle.bundle.id == "bundle-birth"
        assert bundle.members and all(m.matter.name for m in bundle.members)

        profile = await app.profile()
        assert profile.subject == who.subject
        assert profile.phone == PHONE and profile.name

        with pytest.raises(core.OnegoError.Validation) as wrong:
            await app.sign_in(PHONE, "000000", protocol.AccountKind.CITIZEN)
        assert wrong.value.field == "code"
        return profile

    profile = asyncio.run(online())
    platform.close()

    async def offline():
        with pytest.raises(core.OnegoError.Offline) as e:
            await app.sync_catalog()
        assert "网络" in e.value.message
        hits = await app.search("生孩子", 10)
        assert hits[0].id == "bundle-birth", "search answers from the phone's database"
        assert await app.profile() == profile, "the cached profile answers offline"

        with pytest.raises(core.OnegoError.Validation) as bad:
            await app.request_code("12345", protocol.AccountKind.CITIZEN)
        assert bad.value.field == "phone"
        assert bad.value.message

    asyncio.run(offline())

    # Reopened on the same data and secrets, in English: still signed in, the catalog still there.
    again = core.Onego(config(tmp_path, NOWHERE, core.Locale.EN), secrets)
    assert again.signed_in() is not None

    async def reopened():
        assert [h.id for h in await again.search("生孩子", 1)] == ["bundle-birth"]
        assert await again.search("生孩子", 0) == []
        with pytest.raises(core.OnegoError.Offline) as e:
            await again.sync_catalog()
        assert e.value.message.startswith("You are offline")
        await again.sign_out()
        assert again.signed_in() is None
        assert "onego.tokens.v1" not in secrets.entries
        with pytest.raises(core.OnegoError.Unauthorized):
            await again.profile()

    asyncio.run(reopened())
    ffi.stop_logging()
    assert not any(PHONE in message for _, _, message in log.lines), "no phone number in the log"


@pytest.mark.parametrize("unexpected", [False, True])
def test_failing_secure_store_is_a_storage_error(tmp_path, unexpected):
    with pytest.raises(core.OnegoError.Storage):
        core.Onego(config(tmp_path, NOWHERE), LockedSecretStore(unexpected))


def test_many_calls_at_once(tmp_path, platform):
    """Concurrent coroutines share one core: the runtime, the database and the foreign store."""
    app = core.Onego(config(tmp_path, platform.url), DictSecretStore())

    async def run():
        await app.sync_catalog()
        results = await asyncio.gather(*(app.search(q, 5) for q in ["生孩子", "社保", "公积金", "结婚"] * 5))
        assert all(results)
        assert results[0][0].id == "bundle-birth"

    asyncio.run(run())


def test_cancelled_call(tmp_path):
    """Cancelling the coroutine ends the call at once, not after the request timeout; the core goes on answering."""
    with socket.socket() as silent:
        # Accepts connections (the backlog does) and never answers.
        silent.bind(("127.0.0.1", 0))
        silent.listen(50)
        url = "http://127.0.0.1:%d" % silent.getsockname()[1]
        cfg = core.OnegoConfig(
            data_dir=str(tmp_path), platform_url=url, locale=core.Locale.ZH_CN, request_timeout_ms=60_000
        )
        app = core.Onego(cfg, DictSecretStore())

        async def run():
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(app.sync_catalog(), 0.3)
            assert time.monotonic() - started < 5
            assert (await app.catalog_state()).items == 0

        asyncio.run(run())
